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
