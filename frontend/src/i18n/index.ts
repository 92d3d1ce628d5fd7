import { createI18n } from 'vue-i18n'
import { watch } from 'vue'
import zhCN from './zh-CN'
import en from './en'
import { lang } from './lang'

/** The zh-CN messages (i18n/zh-CN/{common,contest,team,judging,awards}.ts) are the schema; en has the same keys. */
export type MessageSchema = typeof zhCN

export const i18n = createI18n<[MessageSchema], 'zh-CN' | 'en', false>({
  legacy: false,
  locale: lang.value,
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false,
})

watch(
  lang,
  (value) => {
    i18n.global.locale.value = value
    if (typeof document !== 'undefined') {
      document.documentElement.lang = value
      document.title = value === 'en' ? 'Saiwu 赛务' : '赛务 Saiwu'
    }
  },
  { immediate: true },
)
