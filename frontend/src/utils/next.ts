import type { LocationQuery } from 'vue-router'

/** The `next` query parameter, only if it is a path inside the SPA (no open redirects). */
export function safeNext(query: LocationQuery, fallback = '/'): string {
  const next = query.next
  if (typeof next === 'string' && next.startsWith('/') && !next.startsWith('//')) return next
  return fallback
}
