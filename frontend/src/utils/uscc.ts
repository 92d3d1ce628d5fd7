/**
 * 统一社会信用代码 (GB 32100-2015) check, the same rule as contest/validators.py, so a form can
 * say what is wrong before the server does. The server stays the authority.
 */
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

export function usccCheckCharacter(first17: string): string {
  let total = 0
  for (let i = 0; i < 17; i++) total += CHARSET.indexOf(first17[i]) * WEIGHTS[i]
  return CHARSET[(31 - (total % 31)) % 31]
}

export type UsccProblem = 'length' | 'charset' | 'region' | 'check' | null

export function usccProblem(raw: string): UsccProblem {
  const value = raw.trim().toUpperCase()
  if (value.length !== 18) return 'length'
  for (const ch of value) if (!CHARSET.includes(ch)) return 'charset'
  if (!/^\d{6}$/.test(value.slice(2, 8))) return 'region'
  if (usccCheckCharacter(value.slice(0, 17)) !== value[17]) return 'check'
  return null
}
