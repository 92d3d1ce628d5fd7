/**
 * A stage's phase, as the server derives it (judging/phases.py): the newest snapshot decides once
 * results exist (published → results_published, withdrawn → under_correction); before that, the
 * windows reached so far. The server stays the authority: a refused action comes back as 409.
 */
export type StagePhase =
  | 'preparing'
  | 'submission_open'
  | 'submission_closed'
  | 'review_open'
  | 'review_closed'
  | 'results_published'
  | 'under_correction'

export interface StageWindows {
  submission_opens_at?: string | null
  submission_closes_at?: string | null
  review_opens_at?: string | null
  review_closes_at?: string | null
}

export interface SnapshotLike {
  version: number
  status: 'published' | 'withdrawn'
}

export function stagePhase(stage: StageWindows, snapshots: SnapshotLike[], now = new Date()): StagePhase {
  const newest = [...snapshots].sort((a, b) => b.version - a.version)[0]
  if (newest?.status === 'withdrawn') return 'under_correction'
  if (newest?.status === 'published') return 'results_published'
  let phase: StagePhase = 'preparing'
  const steps: [string | null | undefined, StagePhase][] = [
    [stage.submission_opens_at, 'submission_open'],
    [stage.submission_closes_at, 'submission_closed'],
    [stage.review_opens_at, 'review_open'],
    [stage.review_closes_at, 'review_closed'],
  ]
  for (const [at, reached] of steps) if (at && now >= new Date(at)) phase = reached
  return phase
}

/** The results can be changed (settings, compute, override, publish) only before publication or under a correction. */
export const resultsOpen = (phase: StagePhase) => phase !== 'results_published'
