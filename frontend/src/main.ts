import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/dist/index.css'
import App from './App.vue'
import { i18n, localeLoad } from './i18n'
import { lang } from './i18n/lang'
import { router } from './router'
import './styles.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(router)
void localeLoad(lang.value).finally(() => app.mount('#app'))
