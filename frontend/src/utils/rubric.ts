/** Rubric scoring rules, as the server checks them (judging/services/review.py): each criterion
 * takes 0..max_score in multiples of step; the total is Σ value / max_score × weight (0–100). */

export interface CriterionLike {
  key: string
  name: string
  description?: string
  weight: string | number
  max_score: string | number
  step?: string | number | null
}

export type ScoreProblem = 'not_a_number' | 'out_of_range' | 'bad_step' | null

const EPS = 1e-9

/** '' (not scored yet) is no problem; anything else must be a number in range on the step. */
export function scoreProblem(raw: string | null | undefined, c: CriterionLike): ScoreProblem {
  const text = (raw ?? '').toString().trim()
  if (text === '') return null
  if (!/^-?\d+(\.\d+)?$/.test(text)) return 'not_a_number'
  const value = Number(text)
  const max = Number(c.max_score)
  if (value < 0 || value > max + EPS) return 'out_of_range'
  const step = Number(c.step ?? 0)
  if (step > 0) {
    const ratio = value / step
    if (Math.abs(ratio - Math.round(ratio)) > 1e-6) return 'bad_step'
  }
  return null
}

/** The weighted total of the valid scores so far, rounded to 3 decimals like the server. */
export function weightedTotal(scores: Record<string, string>, criteria: CriterionLike[]): number {
  let total = 0
  for (const c of criteria) {
    const raw = scores[c.key]
    if (raw === undefined || raw === null || String(raw).trim() === '' || scoreProblem(raw, c)) continue
    total += (Number(raw) / Number(c.max_score)) * Number(c.weight)
  }
  return Math.round(total * 1000) / 1000
}

/** Every criterion scored and valid: the review can be submitted. */
export function scoresComplete(scores: Record<string, string>, criteria: CriterionLike[]): boolean {
  return criteria.every((c) => String(scores[c.key] ?? '').trim() !== '' && scoreProblem(scores[c.key], c) === null)
}

export function scoresValid(scores: Record<string, string>, criteria: CriterionLike[]): boolean {
  return criteria.every((c) => scoreProblem(scores[c.key], c) === null)
}

/** Only the criteria typed in (a draft may be partial). */
export function scoresPayload(scores: Record<string, string>, criteria: CriterionLike[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const c of criteria) {
    const raw = String(scores[c.key] ?? '').trim()
    if (raw !== '') out[c.key] = raw
  }
  return out
}

/** "0.50" → "0.5", "10.00" → "10". */
export function trimNumber(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return ''
  const n = Number(value)
  return Number.isNaN(n) ? String(value) : String(n)
}
