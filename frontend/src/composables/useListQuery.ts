import { computed, reactive, watch } from 'vue'
import { useRoute, useRouter, type LocationQuery } from 'vue-router'

/**
 * A list page's filters, page and page size live in the URL query, so a search can be shared,
 * reloaded and navigated back to. `filters` holds strings ('' = unset); `load` runs on any change.
 */
export function useListQuery<F extends Record<string, string>>(defaults: F, load: (q: { filters: F; page: number; pageSize: number }) => void, defaultPageSize = 20) {
  const route = useRoute()
  const router = useRouter()
  const filters = reactive({ ...defaults }) as F
  const routeName = route.name

  function read(query: LocationQuery) {
    for (const key of Object.keys(defaults)) {
      const value = query[key]
      ;(filters as Record<string, string>)[key] = typeof value === 'string' ? value : defaults[key]
    }
  }

  const page = computed(() => Math.max(1, Number(route.query.page) || 1))
  const pageSize = computed(() => Number(route.query.page_size) || defaultPageSize)

  function push(extra: Record<string, string | number | undefined>) {
    const query: Record<string, string> = {}
    for (const [key, value] of Object.entries({ ...filters, page: page.value, page_size: pageSize.value, ...extra })) {
      if (value === '' || value === undefined || value === null) continue
      if (key === 'page' && Number(value) === 1) continue
      if (key === 'page_size' && Number(value) === defaultPageSize) continue
      query[key] = String(value)
    }
    router.replace({ query })
  }

  /** Apply the filters as typed: back to page 1. */
  function apply() {
    push({ page: 1 })
  }
  function reset() {
    Object.assign(filters, defaults)
    push({ page: 1 })
  }
  function setPage(value: number) {
    push({ page: value })
  }
  function setPageSize(value: number) {
    push({ page: 1, page_size: value })
  }

  watch(
    () => route.query,
    (query) => {
      if (route.name !== routeName) return // leaving the page
      read(query)
      load({ filters: { ...filters }, page: page.value, pageSize: pageSize.value })
    },
    { immediate: true },
  )

  return { filters, page, pageSize, apply, reset, setPage, setPageSize }
}
