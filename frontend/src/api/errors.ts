/**
 * Every API error is JSON: `{code, message, message_zh, message_en, fields, details}` (see
 * api/exceptions.py). `ApiError` carries it, typed, plus the raw body for endpoints that add
 * their own keys (the challenge import's row-by-row `errors`).
 */
export type Lang = 'zh-CN' | 'en'

export interface ApiErrorBody {
  code: string
  message: string
  message_zh: string
  message_en: string
  fields: Record<string, string[]>
  details: Record<string, unknown>
  [key: string]: unknown
}

const FALLBACK: Record<string, [string, string]> = {
  network_error: ['无法连接服务器，请检查网络后重试。', 'Cannot reach the server; check the connection and retry.'],
  server_error: ['服务器出错，请稍后再试。', 'The server had an error; try again later.'],
}

/**
 * Field errors as dotted paths. The server sends them flat already (`criteria.1.name`, see
 * api/exceptions.py); a nested shape from elsewhere is flattened the same way: objects by key,
 * lists of objects by index (`{"criteria": [{}, {"name": [...]}]}` → `criteria.1.name`).
 */
export function flattenFields(value: unknown, prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  const at = (key: string | number) => (prefix ? `${prefix}.${key}` : String(key))
  if (Array.isArray(value)) {
    const texts: string[] = []
    value.forEach((item, index) => {
      if (item && typeof item === 'object') Object.assign(out, flattenFields(item, at(index)))
      else if (item !== undefined && item !== null && item !== '') texts.push(String(item))
    })
    if (texts.length) out[prefix || 'non_field_errors'] = texts
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) Object.assign(out, flattenFields(inner, at(key)))
  } else if (value !== undefined && value !== null) {
    out[prefix || 'non_field_errors'] = [String(value)]
  }
  return out
}

/** A form's name for a field, `criteria[1].name` or `criteria.1.name`, as the dotted path. */
export function fieldPath(name: string): string {
  return name.replace(/\[(\d+)\]/g, '.$1').replace(/^\./, '')
}

const CJK = /[\u3400-\u9fff]/

/**
 * Some server texts carry both languages, "中文 / English" (model validators' messages). Show the
 * half in the UI's language; any other text is returned as it is.
 */
export function pickLanguage(text: string, lang: Lang): string {
  const match = /^(.*?[\u3400-\u9fff\uff00-\uffef].*?)\s*\/\s+(.+)$/s.exec(text)
  if (!match || CJK.test(match[2])) return text
  return lang === 'en' ? match[2].trim() : match[1].trim()
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly messageZh: string
  readonly messageEn: string
  readonly fields: Record<string, string[]>
  readonly details: Record<string, unknown>
  readonly body: ApiErrorBody

  constructor(status: number, body: ApiErrorBody) {
    super(body.message_en || body.message || body.code)
    this.name = 'ApiError'
    this.status = status
    this.code = body.code
    this.messageZh = body.message_zh || body.message
    this.messageEn = body.message_en || body.message
    this.fields = body.fields
    this.details = body.details
    this.body = body
  }

  /** The message in the UI's language. */
  localized(lang: Lang): string {
    return pickLanguage(lang === 'en' ? this.messageEn : this.messageZh, lang)
  }

  /** Build from whatever the server sent: our JSON error shape, or anything else (HTML 500, proxy). */
  static fromResponse(status: number, payload: unknown): ApiError {
    if (payload && typeof payload === 'object' && 'code' in payload) {
      const raw = payload as Partial<ApiErrorBody> & Record<string, unknown>
      const code = String(raw.code)
      const fallback = FALLBACK[code] ?? [String(raw.message ?? code), String(raw.message ?? code)]
      return new ApiError(status, {
        ...raw,
        code,
        message: String(raw.message ?? raw.message_zh ?? fallback[0]),
        message_zh: String(raw.message_zh ?? raw.message ?? fallback[0]),
        message_en: String(raw.message_en ?? raw.message ?? fallback[1]),
        fields: flattenFields(raw.fields ?? {}),
        details: (raw.details as Record<string, unknown>) ?? {},
      })
    }
    const code = status === 0 ? 'network_error' : 'server_error'
    const [zh, en] = FALLBACK[code]
    return new ApiError(status, {
      code: status === 0 ? code : `http_${status}`,
      message: zh,
      message_zh: zh,
      message_en: status === 0 ? en : `${en} (HTTP ${status})`,
      fields: {},
      details: {},
    })
  }

  static network(): ApiError {
    return ApiError.fromResponse(0, null)
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError
}
