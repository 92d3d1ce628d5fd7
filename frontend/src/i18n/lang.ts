import { ref } from 'vue'
import type { Lang } from '@/api/errors'

export const LANG_KEY = 'saiwu.lang'

function initial(): Lang {
  try {
    const saved = localStorage.getItem(LANG_KEY)
    if (saved === 'en' || saved === 'zh-CN') return saved
  } catch {
    /* storage unavailable: default */
  }
  return 'zh-CN'
}

/** The UI language: zh-CN by default, English on request; persisted in localStorage. */
export const lang = ref<Lang>(initial())

export function currentLang(): Lang {
  return lang.value
}

export function saveLang(value: Lang): void {
  lang.value = value
  try {
    localStorage.setItem(LANG_KEY, value)
  } catch {
    /* ignore */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = value
}
