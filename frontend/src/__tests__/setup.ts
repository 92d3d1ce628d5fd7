import { config } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '@/i18n'
import zhSignedIn from '@/i18n/zh-CN/signedIn'
import en from '@/i18n/en'

// The app fetches English on first use (i18n/index.ts); the unit tests switch languages
// synchronously, so both are loaded up front here, and zh-CN whole (the app adds the screens behind a
// sign-in once someone signs in).
i18n.global.setLocaleMessage('en', en)
i18n.global.mergeLocaleMessage('zh-CN', zhSignedIn as never)
config.global.plugins = [ElementPlus, i18n]
