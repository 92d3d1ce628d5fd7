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
