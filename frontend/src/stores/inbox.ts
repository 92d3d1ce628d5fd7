/**
 * The in-app inbox (站内信): the unread count behind the header's badge, the current page of
 * messages, mark one or all read. The count is polled while someone is logged in (every
 * `POLL_MS`), and refreshed at once after any change made here.
 */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call, client, type components } from '@/api/client'

export type InboxMessage = components['schemas']['Notification']

export const POLL_MS = 60_000
export const PAGE_SIZE = 20

export const useInboxStore = defineStore('inbox', () => {
  const unread = ref(0)
  const items = ref<InboxMessage[]>([])
  const count = ref(0)
  const page = ref(1)
  const unreadOnly = ref(false)
  const loading = ref(false)
  let timer: ReturnType<typeof setInterval> | null = null

  const badge = computed(() => (unread.value > 99 ? '99+' : unread.value > 0 ? String(unread.value) : ''))

  async function refreshUnread(): Promise<number> {
    const data = await call(client.GET('/api/notifications/unread-count/'))
    unread.value = data.unread
    return unread.value
  }

  async function load(toPage = page.value): Promise<void> {
    loading.value = true
    try {
      const data = await call(
        client.GET('/api/notifications/', {
          params: { query: { page: toPage, page_size: PAGE_SIZE, ...(unreadOnly.value ? { unread: true } : {}) } },
        }),
      )
      items.value = data.results
      count.value = data.count
      page.value = toPage
    } finally {
      loading.value = false
    }
  }

  async function markRead(id: number): Promise<void> {
    const item = items.value.find((m) => m.id === id)
    if (item?.read_at) return
    const updated = await call(client.POST('/api/notifications/{id}/read/', { params: { path: { id } } }))
    items.value = items.value.map((m) => (m.id === id ? updated : m))
    unread.value = Math.max(0, unread.value - 1)
  }

  async function markAllRead(): Promise<void> {
    await call(client.POST('/api/notifications/read-all/'))
    const now = new Date().toISOString()
    items.value = items.value.map((m) => (m.read_at ? m : { ...m, read_at: now }))
    unread.value = 0
  }

  function startPolling(): void {
    if (timer) return
    void refreshUnread().catch(() => undefined)
    timer = setInterval(() => void refreshUnread().catch(() => undefined), POLL_MS)
  }

  function stopPolling(): void {
    if (timer) clearInterval(timer)
    timer = null
    unread.value = 0
    items.value = []
    count.value = 0
  }

  return { unread, items, count, page, unreadOnly, loading, badge, refreshUnread, load, markRead, markAllRead, startPolling, stopPolling }
})
