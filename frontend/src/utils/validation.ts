/** Client-side form checks. Each returns an i18n key under `validation.` or null. */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
const MOBILE = /^1\d{10}$/

export interface RegisterForm {
  real_name: string
  email: string
  mobile: string
  password: string
  password2: string
}

export function registerProblems(form: RegisterForm) {
  const email = form.email.trim()
  const mobile = form.mobile.trim()
  return {
    real_name: form.real_name.trim() ? null : 'realNameRequired',
    email: email && !EMAIL.test(email) ? 'emailInvalid' : !email && !mobile ? 'emailOrMobile' : null,
    mobile: mobile && !MOBILE.test(mobile) ? 'mobileInvalid' : null,
    password: form.password.length < 8 ? 'passwordShort' : null,
    password2: form.password2 !== form.password ? 'passwordMismatch' : null,
  }
}

/** A stage's windows: each must open before it closes. */
export function windowProblem(opens: string | null | undefined, closes: string | null | undefined): string | null {
  if (opens && closes && new Date(opens) >= new Date(closes)) return 'windowOrder'
  return null
}

/** Team size: min ≤ max, both at least 1. */
export function teamSizeProblem(min: number, max: number): string | null {
  if (min < 1 || max < 1) return 'teamSizePositive'
  if (min > max) return 'teamSizeOrder'
  return null
}

/** A slug-like code: letters, digits, - and _. */
export function codeProblem(code: string): string | null {
  if (!code.trim()) return 'codeRequired'
  if (!/^[A-Za-z0-9_-]+$/.test(code.trim())) return 'codeInvalid'
  return null
}

/** One row of the rubric editor, as typed. */
export interface CriterionRow { key: string; name: string; weight: string; max_score: string; step: string }
export type CriterionField = 'key' | 'name' | 'weight' | 'max_score' | 'step'
/** Per row, the problem of each field: an i18n key under `rubricEditor.problems.`, or absent. */
export type CriterionProblems = Partial<Record<CriterionField, string>>

const KEY = /^[-a-zA-Z0-9_]+$/
const DECIMAL = /^\d+(\.\d{1,2})?$/

/** What the server would refuse in each row, checked as the organiser types (rubric_*). */
export function criterionProblems(rows: CriterionRow[]): CriterionProblems[] {
  const keys = rows.map((r) => r.key.trim())
  return rows.map((r, i) => {
    const out: CriterionProblems = {}
    const key = keys[i]
    if (!key) out.key = 'keyRequired'
    else if (!KEY.test(key)) out.key = 'keyInvalid'
    else if (keys.indexOf(key) !== i) out.key = 'keyDuplicate'
    if (!r.name.trim()) out.name = 'nameRequired'
    const weight = r.weight.trim()
    if (!weight) out.weight = 'weightRequired'
    else if (!DECIMAL.test(weight) || Number(weight) <= 0) out.weight = 'weightInvalid'
    const max = r.max_score.trim()
    if (!max) out.max_score = 'maxRequired'
    else if (!DECIMAL.test(max) || Number(max) <= 0) out.max_score = 'maxInvalid'
    const step = r.step.trim()
    if (step && (!DECIMAL.test(step) || Number(step) <= 0)) out.step = 'stepInvalid'
    else if (step && !out.max_score && Number(step) > Number(max)) out.step = 'stepAboveMax'
    return out
  })
}

/** The weights' sum, exactly to the cent (no floating-point 99.99999), and whether it is 100. */
export function weightSum(rows: { weight: string }[]): { sum: number; ok: boolean } {
  const cents = rows.reduce((total, r) => total + (DECIMAL.test(r.weight.trim()) ? Math.round(Number(r.weight) * 100) : 0), 0)
  return { sum: cents / 100, ok: cents === 10000 }
}
