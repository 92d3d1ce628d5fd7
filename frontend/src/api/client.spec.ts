import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { call, client } from './client'
import { ApiError, pickLanguage } from './errors'
import { saveLang } from '@/i18n/lang'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

describe('API client', () => {
  let fetchMock: ReturnType<typeof vi.fn>
  beforeEach(() => {
    fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
    document.cookie = 'csrftoken=tok123'
    saveLang('zh-CN')
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    saveLang('zh-CN')
  })

  it('sends Accept-Language by the UI language and credentials', async () => {
    fetchMock.mockImplementation(async () => json(200, { count: 0, next: null, previous: null, results: [] }))
    await call(client.GET('/api/contests/'))
    saveLang('en')
    await call(client.GET('/api/contests/'))
    const [first, second] = fetchMock.mock.calls.map(([request]) => request as Request)
    expect(first.headers.get('Accept-Language')).toBe('zh-hans')
    expect(second.headers.get('Accept-Language')).toBe('en')
    expect(first.credentials).toBe('include')
    expect(first.headers.get('X-CSRFToken')).toBeNull()
  })

  it('sends the CSRF token from the cookie on writes', async () => {
    fetchMock.mockResolvedValue(json(200, { published: 2 }))
    await call(client.POST('/api/contests/{id}/publish-challenges/', { params: { path: { id: 3 } } }))
    const request = fetchMock.mock.calls[0][0] as Request
    expect(request.method).toBe('POST')
    expect(new URL(request.url).pathname).toBe('/api/contests/3/publish-challenges/')
    expect(request.headers.get('X-CSRFToken')).toBe('tok123')
  })

  it('turns the error JSON into a typed ApiError', async () => {
    fetchMock.mockResolvedValue(
      json(400, {
        code: 'invalid', message: '输入有误', message_zh: '输入有误，请检查标出的字段。', message_en: 'Invalid input: check the marked fields.',
        fields: { name: ['该字段不能为空。'], team: { name: ['x'] } }, details: {},
      }),
    )
    const error = await call(client.POST('/api/teams/', { body: { contest: 1, name: '' } })).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(400)
    expect(error.code).toBe('invalid')
    expect(error.fields).toEqual({ name: ['该字段不能为空。'], 'team.name': ['x'] })
    expect(error.localized('zh-CN')).toBe('输入有误，请检查标出的字段。')
    expect(error.localized('en')).toBe('Invalid input: check the marked fields.')
  })

  it('keeps extra keys of an error body (the import report)', async () => {
    fetchMock.mockResolvedValue(
      json(400, { created: 0, errors: [{ row: 3, column: '赛道 Track', message: 'no such track' }], code: 'import_rows_invalid', message_zh: '1 处错误，未导入任何榜题。', message_en: '1 errors; nothing was imported.' }),
    )
    const error = (await call(client.GET('/api/contests/'))
      .catch((e) => e)) as ApiError
    expect(error.code).toBe('import_rows_invalid')
    expect(error.body.errors).toEqual([{ row: 3, column: '赛道 Track', message: 'no such track' }])
    expect(error.fields).toEqual({})
  })

  it('explains a non-JSON failure and a network failure', async () => {
    fetchMock.mockResolvedValueOnce(new Response('<h1>Server Error</h1>', { status: 500 }))
    const server = (await call(client.GET('/api/contests/')).catch((e) => e)) as ApiError
    expect(server.code).toBe('http_500')
    expect(server.localized('en')).toBe('The server had an error; try again later. (HTTP 500)')
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'))
    const network = (await call(client.GET('/api/contests/')).catch((e) => e)) as ApiError
    expect(network.code).toBe('network_error')
    expect(network.localized('zh-CN')).toBe('无法连接服务器，请检查网络后重试。')
  })
})

describe('pickLanguage', () => {
  it('shows the half of a bilingual server text in the UI language', () => {
    const text = '统一社会信用代码无效（应为18位，且校验码符合 GB 32100-2015）/ Invalid unified social credit code (18 characters).'
    expect(pickLanguage(text, 'zh-CN')).toBe('统一社会信用代码无效（应为18位，且校验码符合 GB 32100-2015）')
    expect(pickLanguage(text, 'en')).toBe('Invalid unified social credit code (18 characters).')
  })
  it('leaves other texts alone', () => {
    expect(pickLanguage('赛事中没有该赛道 / no such track: 航空航天', 'en')).toBe('赛事中没有该赛道 / no such track: 航空航天')
    expect(pickLanguage('plain text', 'zh-CN')).toBe('plain text')
  })
})
