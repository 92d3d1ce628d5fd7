/// <reference types="vitest/config" />
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const backend = process.env.SAIWU_BACKEND ?? 'http://127.0.0.1:8000'

// Django serves dist/index.html for every non-API path, and the files of dist/assets under
// /static/ (settings.STATICFILES_DIRS = [frontend/dist/assets]; collectstatic copies them to the
// root of STATIC_ROOT). So a built file `assets/index-abc.js` is fetched as `/static/index-abc.js`:
// renderBuiltUrl drops the `assets/` folder from every URL the build writes (HTML, JS, CSS).
const ASSETS_DIR = 'assets'

export default defineConfig({
  base: '/static/',
  plugins: [vue()],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  build: {
    outDir: 'dist',
    assetsDir: ASSETS_DIR,
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks: {
          'element-plus': ['element-plus', '@element-plus/icons-vue'],
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
