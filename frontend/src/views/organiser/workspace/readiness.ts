/** The readiness endpoint's types and how its keys are worded (i18n `workspace.*`). */
import type { components } from '@/api/client'

export type Readiness = components['schemas']['Readiness']
export type ReadinessPhase = components['schemas']['ReadinessPhase']
export type ReadinessItem = components['schemas']['ReadinessItem']

type T = (key: string, named?: Record<string, unknown>) => string

/** A stage's phase is named by the stage (形式审查, 初赛, 决赛); the others by their key. */
export function phaseLabel(t: T, phase: ReadinessPhase): string {
  return phase.stage ? phase.stage_name : t(`workspace.phases.${phase.key}`)
}

export function itemLabel(t: T, item: ReadinessItem): string {
  return t(`workspace.items.${item.key}`, { count: item.count ?? 0, total: item.total ?? 0 })
}
