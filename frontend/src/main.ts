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
// Mounted once the language is loaded and the first navigation resolved (its guard loads the
// signed-in screens' messages for someone signed in), so the header never renders for a route
// that is about to change under a click.
void Promise.allSettled([localeLoad(lang.value), router.isReady()]).then(() => app.mount('#app'))
