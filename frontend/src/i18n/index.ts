import { createI18n } from 'vue-i18n'
import { watch } from 'vue'
import zhCN from './zh-CN'
import { lang } from './lang'
import type { Lang } from '@/api/errors'

/** The zh-CN messages (i18n/zh-CN/{common,contest,team,judging,awards}.ts) are the schema; en has the same keys. */
export type MessageSchema = typeof zhCN

/**
 * zh-CN is in the first load; English is fetched the first time it is asked for (a chunk of its
 * own), so a phone that only checks a certificate does not download both languages.
 * `main.ts` awaits `localeLoad(lang.value)` before mounting, so a saved English choice never
 * flashes Chinese first.
 */
export const i18n = createI18n<[MessageSchema], Lang, false>({
  legacy: false,
  locale: 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN } as Record<Lang, MessageSchema>,
  missingWarn: false,
  fallbackWarn: false,
})

export async function localeLoad(value: Lang): Promise<void> {
  if (!i18n.global.availableLocales.includes(value)) {
    const messages = (await import('./en')).default
    i18n.global.setLocaleMessage(value, messages)
  }
  i18n.global.locale.value = value
  if (typeof document !== 'undefined') {
    document.documentElement.lang = value
    document.title = value === 'en' ? 'Saiwu 赛务' : '赛务 Saiwu'
  }
}

watch(lang, (value) => void localeLoad(value), { immediate: true })
