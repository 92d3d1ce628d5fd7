import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call, client, type components } from '@/api/client'
import { isApiError } from '@/api/errors'

export type Me = components['schemas']['Me']
export type RegisterRequest = components['schemas']['RegisterRequest']

export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null)
  const loaded = ref(false)
  let loading: Promise<void> | null = null

  const loggedIn = computed(() => me.value !== null)
  const organisedContestIds = computed(
    () => new Set((me.value?.roles ?? []).filter((r) => r['role'] === 'organiser').map((r) => Number(r['contest']))),
  )

  /** Who gets the organiser's screens: platform staff who may create contests, and organisers of
   * at least one contest. Everyone else never sees 组委会 (and the router sends them home). */
  const isOrganiser = computed(() => !!me.value && (me.value.can_create_contest || organisedContestIds.value.size > 0))

  /** Staff of a publisher organisation in at least one contest (发榜方): the publisher workspace. */
  const isPublisher = computed(() => (me.value?.roles ?? []).some((r) => r['role'] === 'publisher'))

  async function fetchMe(): Promise<void> {
    try {
      me.value = await call(client.GET('/api/auth/me/'))
    } catch (error) {
      if (isApiError(error) && (error.status === 401 || error.status === 403)) me.value = null
      else throw error
    } finally {
      loaded.value = true
    }
  }

  /** Load the current user once; the router waits for this before checking a route. Django marks
   * the page of a logged-in session (config/views.py `spa_index`); without the mark there is no one
   * to load, and asking would only log a 401. (Vite's dev server serves its own page: always ask.) */
  function ready(): Promise<void> {
    if (loaded.value) return Promise.resolve()
    if (!import.meta.env.DEV && typeof document !== 'undefined' && !document.querySelector('meta[name="saiwu-session"]')) {
      loaded.value = true
      return Promise.resolve()
    }
    loading ??= fetchMe().catch(() => {
      loaded.value = true
    })
    return loading
  }

  async function login(login: string, password: string): Promise<void> {
    const result = await call(client.POST('/api/auth/login/', { body: { login, password } }))
    me.value = result.user
    loaded.value = true
  }

  async function register(body: RegisterRequest): Promise<void> {
    const result = await call(client.POST('/api/auth/register/', { body }))
    me.value = result.user
    loaded.value = true
  }

  async function logout(): Promise<void> {
    await call(client.POST('/api/auth/logout/'))
    me.value = null
  }

  return { me, loaded, loggedIn, organisedContestIds, isOrganiser, isPublisher, ready, fetchMe, login, register, logout }
})
