import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useInboxStore } from './inbox'

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

const message = (id: number, read_at: string | null = null) => ({
  id, event: 'notice_opened', subject: `公示 ${id}`, body: '…', link: `/notices/${id}`,
  object_type: 'awards.Notice', object_id: String(id), contest: 1, created_at: '2026-12-01T08:00:00Z', read_at,
})

describe('inbox store', () => {
  let fetchMock: ReturnType<typeof vi.fn>
  beforeEach(() => {
    setActivePinia(createPinia())
    fetchMock = vi.fn()
    vi.stubGlobal('fetch', fetchMock)
    document.cookie = 'csrftoken=tok123'
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  const paths = () => fetchMock.mock.calls.map(([r]) => `${(r as Request).method} ${new URL((r as Request).url).pathname}${new URL((r as Request).url).search}`)

  it('shows the unread count on the badge, 99+ above 99, nothing at 0', async () => {
    const inbox = useInboxStore()
    fetchMock.mockResolvedValueOnce(json(200, { unread: 3 }))
    expect(await inbox.refreshUnread()).toBe(3)
    expect(inbox.badge).toBe('3')
    fetchMock.mockResolvedValueOnce(json(200, { unread: 150 }))
    await inbox.refreshUnread()
    expect(inbox.badge).toBe('99+')
    fetchMock.mockResolvedValueOnce(json(200, { unread: 0 }))
    await inbox.refreshUnread()
    expect(inbox.badge).toBe('')
    expect(paths()).toEqual(Array(3).fill('GET /api/notifications/unread-count/'))
  })

  it('loads a page, unread only when asked', async () => {
    const inbox = useInboxStore()
    fetchMock.mockImplementation(async () => json(200, { count: 2, next: null, previous: null, results: [message(2), message(1)] }))
    await inbox.load(1)
    inbox.unreadOnly = true
    await inbox.load(2)
    expect(inbox.items.map((m) => m.id)).toEqual([2, 1])
    expect([inbox.count, inbox.page]).toEqual([2, 2])
    expect(paths()).toEqual([
      'GET /api/notifications/?page=1&page_size=20',
      'GET /api/notifications/?page=2&page_size=20&unread=true',
    ])
  })

  it('marks one read (badge down by one) and does not ask twice', async () => {
    const inbox = useInboxStore()
    fetchMock.mockResolvedValueOnce(json(200, { unread: 2 }))
    await inbox.refreshUnread()
    fetchMock.mockResolvedValueOnce(json(200, { count: 2, next: null, previous: null, results: [message(2), message(1)] }))
    await inbox.load(1)
    fetchMock.mockResolvedValueOnce(json(200, message(1, '2026-12-01T09:00:00Z')))
    await inbox.markRead(1)
    await inbox.markRead(1)
    expect(inbox.unread).toBe(1)
    expect(inbox.badge).toBe('1')
    expect(inbox.items.find((m) => m.id === 1)?.read_at).toBe('2026-12-01T09:00:00Z')
    expect(paths().filter((p) => p.startsWith('POST'))).toEqual(['POST /api/notifications/1/read/'])
    const post = fetchMock.mock.calls.map(([r]) => r as Request).find((r) => r.method === 'POST')!
    expect(post.headers.get('X-CSRFToken')).toBe('tok123')
  })

  it('marks all read: badge gone, every item read', async () => {
    const inbox = useInboxStore()
    fetchMock.mockResolvedValueOnce(json(200, { count: 2, next: null, previous: null, results: [message(2), message(1)] }))
    await inbox.load(1)
    inbox.unread = 2
    fetchMock.mockResolvedValueOnce(json(200, { marked: 2 }))
    await inbox.markAllRead()
    expect(inbox.badge).toBe('')
    expect(inbox.items.every((m) => m.read_at)).toBe(true)
  })

  it('polls the count while logged in and stops on logout', async () => {
    vi.useFakeTimers()
    const inbox = useInboxStore()
    fetchMock.mockImplementation(async () => json(200, { unread: 4 }))
    inbox.startPolling()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(fetchMock).toHaveBeenCalledTimes(2)
    expect(inbox.unread).toBe(4)
    inbox.stopPolling()
    await vi.advanceTimersByTimeAsync(120_000)
    expect(fetchMock).toHaveBeenCalledTimes(2)
    expect(inbox.badge).toBe('')
  })
})
