import { onBeforeUnmount, onMounted, ref } from 'vue'

/** True below 768 px: the header collapses its nav into a menu, forms stack their labels. */
export function useIsPhone(query = '(max-width: 767px)') {
  const isPhone = ref(typeof window !== 'undefined' && window.matchMedia ? window.matchMedia(query).matches : false)
  let mql: MediaQueryList | null = null
  const update = (event: MediaQueryListEvent) => {
    isPhone.value = event.matches
  }
  onMounted(() => {
    if (!window.matchMedia) return
    mql = window.matchMedia(query)
    isPhone.value = mql.matches
    mql.addEventListener('change', update)
  })
  onBeforeUnmount(() => mql?.removeEventListener('change', update))
  return isPhone
}
