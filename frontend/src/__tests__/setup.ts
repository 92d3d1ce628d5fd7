import { config } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '@/i18n'
import en from '@/i18n/en'

// The app fetches English on first use (i18n/index.ts); the unit tests switch languages
// synchronously, so both are loaded up front here.
i18n.global.setLocaleMessage('en', en)
config.global.plugins = [ElementPlus, i18n]
