import type { Lang } from '@/api/errors'

const pad = (n: number) => String(n).padStart(2, '0')

/** `2026-03-01 09:00` in the browser's time zone, or '—'. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—'
  return formatDateTime(value).slice(0, 10)
}

/** A window `opens – closes`; either end may be open. */
export function formatWindow(opens: string | null | undefined, closes: string | null | undefined): string {
  if (!opens && !closes) return '—'
  return `${formatDateTime(opens)} – ${formatDateTime(closes)}`
}

/** Prize in CNY: ¥500,000 (or ¥50万 style is left to the reader), '面议' when negotiable. */
export function formatPrize(
  amount: string | number | null | undefined,
  negotiable: boolean | undefined,
  lang: Lang,
): string {
  if (negotiable) return lang === 'en' ? 'Negotiable' : '面议'
  if (amount === null || amount === undefined || amount === '') return '—'
  const n = Number(amount)
  if (Number.isNaN(n)) return String(amount)
  return `¥${n.toLocaleString(lang === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 2 })}`
}

export function formatBytes(size: number): string {
  if (size < 1024) return `${size} B`
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`
  return `${(size / 1024 / 1024).toFixed(1)} MB`
}

export type WindowState = 'not_open' | 'open' | 'closed' | 'unset'

export function windowState(opens: string | null | undefined, closes: string | null | undefined, now = new Date()): WindowState {
  if (!opens && !closes) return 'unset'
  if (opens && now < new Date(opens)) return 'not_open'
  if (closes && now >= new Date(closes)) return 'closed'
  return 'open'
}

/**
 * An exact decimal string from the API ("61.6667") shown at `places` decimals, rounded half away
 * from zero on the digits themselves (no float on the way: "0.125" → "0.13"). Display only: what
 * is sent back to the API stays the string the API gave. '' for null/empty; anything that is not
 * a plain decimal comes back as it was.
 */
export function formatScore(value: string | number | null | undefined, places = 2): string {
  if (value === null || value === undefined || value === '') return ''
  const text = String(value).trim()
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text)
  if (!match || (match[2] === '' && !match[3])) return text
  const sign = match[1] === '-' ? '-' : ''
  const whole = match[2] || '0'
  const frac = match[3] ?? ''
  const digits = (whole + frac.padEnd(places, '0').slice(0, places)).split('').map(Number)
  if ((frac[places] ?? '0') >= '5') {
    let i = digits.length - 1
    for (; i >= 0; i--) {
      if (digits[i] === 9) digits[i] = 0
      else {
        digits[i] += 1
        break
      }
    }
    if (i < 0) digits.unshift(1)
  }
  const all = digits.join('')
  const intPart = all.slice(0, all.length - places).replace(/^0+(?=\d)/, '')
  const out = places > 0 ? `${intPart}.${all.slice(all.length - places)}` : intPart
  return sign && /[1-9]/.test(out) ? `-${out}` : out
}

/** A hash shortened for display: the first `n` characters and '…'. */
export function shortHash(value: string | null | undefined, n = 12): string {
  if (!value) return '—'
  return value.length > n ? `${value.slice(0, n)}…` : value
}
