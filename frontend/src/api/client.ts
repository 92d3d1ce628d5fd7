/**
 * The one API client: openapi-fetch typed by the generated `paths`. Every request carries the
 * session cookie, the UI language as Accept-Language, and on writes the CSRF token from the
 * `csrftoken` cookie (set by GET /api/auth/csrf/ when missing). Errors become `ApiError`.
 */
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { ApiError } from './errors'
import { currentLang } from '@/i18n/lang'

export type { paths, components } from './schema'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE'])

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return null
}

let csrfPromise: Promise<void> | null = null

/** Make sure the `csrftoken` cookie exists; Django rotates it on login, so read it per request. */
export async function ensureCsrf(): Promise<string> {
  if (!readCookie('csrftoken')) {
    csrfPromise ??= fetch('/api/auth/csrf/', { credentials: 'include' })
      .then(() => undefined)
      .finally(() => {
        csrfPromise = null
      })
    await csrfPromise
  }
  return readCookie('csrftoken') ?? ''
}

/** The Accept-Language the API understands (Django: zh-hans, en). */
export function acceptLanguage(): string {
  return currentLang() === 'en' ? 'en' : 'zh-hans'
}

const headersMiddleware: Middleware = {
  async onRequest({ request }) {
    request.headers.set('Accept-Language', acceptLanguage())
    if (!SAFE_METHODS.has(request.method.toUpperCase())) {
      request.headers.set('X-CSRFToken', await ensureCsrf())
    }
    return request
  },
}

// `fetch` is looked up per call (not captured once), so tests and polyfills can replace it.
export const client = createClient<paths>({ baseUrl: '', credentials: 'include', fetch: (request) => globalThis.fetch(request) })
client.use(headersMiddleware)

type Outcome<D> = { data?: D; error?: unknown; response: Response }

/**
 * Await an openapi-fetch call and return its data, or throw a typed `ApiError`.
 * `call(client.GET('/api/contests/{id}/', { params: { path: { id } } }))`
 */
export async function call<D>(request: Promise<Outcome<D>>): Promise<D> {
  let outcome: Outcome<D>
  try {
    outcome = await request
  } catch {
    throw ApiError.network()
  }
  if (!outcome.response.ok) {
    throw ApiError.fromResponse(outcome.response.status, outcome.error ?? null)
  }
  return outcome.data as D
}

/** Multipart bodies (uploads) go as FormData, unchanged. */
export function formData(values: Record<string, string | Blob>): FormData {
  const form = new FormData()
  for (const [key, value] of Object.entries(values)) form.append(key, value)
  return form
}
export const passThrough = (body: unknown) => body as FormData
