import { config } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { i18n } from '@/i18n'

config.global.plugins = [ElementPlus, i18n]
