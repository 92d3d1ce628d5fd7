import { createI18n } from 'vue-i18n'
import { watch } from 'vue'
import type zhCN from './zh-CN'
import zhFirst from './zh-CN/first'
import { lang } from './lang'
import type { Lang } from '@/api/errors'

/** The zh-CN messages (i18n/zh-CN/<domain>.ts, all of them) are the schema; en has the same keys. */
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
  messages: { 'zh-CN': zhFirst } as unknown as Record<Lang, MessageSchema>,
  missingWarn: false,
  fallbackWarn: false,
})

let signedIn: Promise<void> | null = null

/**
 * The zh-CN messages of the screens behind a sign-in (zh-CN/signedIn.ts: the organiser's pages,
 * the workspace, statistics), fetched once, the first time someone signed in
 * navigates (router/index.ts awaits it before the page renders). English is whole in its own chunk.
 */
export function signedInMessagesLoad(): Promise<void> {
  signedIn ??= import('./zh-CN/signedIn').then(({ default: messages }) => {
    i18n.global.mergeLocaleMessage('zh-CN', messages as never)
  })
  return signedIn
}

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
