/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

const backend = process.env.SAIWU_BACKEND ?? 'http://127.0.0.1:8000'

// Django serves dist/index.html for every non-API path, and the files of dist/assets under
// /static/ (settings.STATICFILES_DIRS = [frontend/dist/assets]; collectstatic copies them to the
// root of STATIC_ROOT). So a built file `assets/index-abc.js` is fetched as `/static/index-abc.js`:
// renderBuiltUrl drops the `assets/` folder from every URL the build writes (HTML, JS, CSS).
const ASSETS_DIR = 'assets'

export default defineConfig({
  base: '/static/',
  plugins: [
    vue(),
    // Element Plus per component: each page's chunk carries the components its templates use, so a
    // public page (contest list, certificate check) does not download the whole library. The
    // library's stylesheet stays global (main.ts): CSS is not in the JavaScript budget and one
    // cached file is cheaper than per-component requests. `dts: false`: the component types come
    // from element-plus/global (tsconfig.app.json).
    Components({ resolvers: [ElementPlusResolver({ importStyle: false })], dts: false }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    assetsDir: ASSETS_DIR,
    emptyOutDir: true,
    // dist/.vite/manifest.json: which chunks each route loads (tests/test_bundle_budget.py)
    manifest: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks: {
          vue: ['vue', 'vue-router', 'pinia', 'vue-i18n'],
        },
      },
    },
  },
  experimental: {
    renderBuiltUrl(filename) {
      const name = filename.startsWith(`${ASSETS_DIR}/`) ? filename.slice(ASSETS_DIR.length + 1) : filename
      return `/static/${name}`
    },
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/media': { target: backend, changeOrigin: true },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.spec.ts'],
    setupFiles: ['src/__tests__/setup.ts'],
    css: false,
    server: { deps: { inline: ['element-plus'] } },
  },
})
