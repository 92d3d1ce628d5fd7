/// <reference types="vitest/config" />
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import type { ComponentResolver } from 'unplugin-vue-components/types'

const backend = process.env.SAIWU_BACKEND ?? 'http://127.0.0.1:8000'

// Django serves dist/index.html for every non-API path, and the files of dist/assets under
// /static/ (settings.STATICFILES_DIRS = [frontend/dist/assets]; collectstatic copies them to the
// root of STATIC_ROOT). So a built file `assets/index-abc.js` is fetched as `/static/index-abc.js`:
// renderBuiltUrl drops the `assets/` folder from every URL the build writes (HTML, JS, CSS).
const ASSETS_DIR = 'assets'

// Vue, the router, Pinia and vue-i18n: one long-cached chunk every page needs.
const VUE = /[\\/]node_modules[\\/](vue|@vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/
// ElementPlusResolver imports every component from the library's barrel, `element-plus/es`. Rollup
// tree-shakes the barrel's exports, but not the modules with side effects it imports (dayjs, ~3 kB
// gzipped), which then sit in the entry of every page. This resolver imports each component from
// its own folder (`ElTableColumn` → element-plus/es/components/table/index.mjs, the first folder,
// by the longest name prefix, whose index exports it).
const EP_COMPONENTS = join(dirname(createRequire(import.meta.url).resolve('element-plus/package.json')), 'es', 'components')
function ownFolder(exported: string): string | null {
  const words = exported.replace(/^El/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ')
  for (let n = words.length; n > 0; n--) {
    const index = join(EP_COMPONENTS, words.slice(0, n).join('-'), 'index.mjs')
    if (existsSync(index) && new RegExp(`\\b${exported}\\b`).test(readFileSync(index, 'utf8'))) {
      return `element-plus/es/components/${words.slice(0, n).join('-')}/index.mjs`
    }
  }
  // ElOption lives in select/, ElTabPane in tabs/, ElSubMenu in menu/, ElStep in steps/.
  for (const folder of readdirSync(EP_COMPONENTS).sort()) {
    const index = join(EP_COMPONENTS, folder, 'index.mjs')
    if (existsSync(index) && new RegExp(`export \\{[^}]*\\b${exported}\\b`).test(readFileSync(index, 'utf8'))) {
      return `element-plus/es/components/${folder}/index.mjs`
    }
  }
  return null
}
function elementPlusPerFolder(): ComponentResolver[] {
  const base = ElementPlusResolver({ importStyle: false })
  return (Array.isArray(base) ? base : [base]).map((resolver) => {
    if (typeof resolver === 'function') return resolver
    return {
      ...resolver,
      resolve: async (name: string) => {
        const found = await resolver.resolve(name)
        if (!found || typeof found === 'string' || found.from !== 'element-plus/es' || !found.name) return found
        return { ...found, from: ownFolder(found.name) ?? found.from }
      },
    }
  })
}

export default defineConfig({
  base: '/static/',
  // Compile-time feature flags: code behind a `false` flag is dropped from the build (measured in
  // tests/test_bundle_budget.py). Every component here and in Element Plus is written with
  // `<script setup>` / `setup()`, none with the Options API (data, methods, computed options);
  // vue-i18n runs in Composition mode (`legacy: false`, i18n/index.ts) and no template uses its
  // <i18n-t>/<i18n-d>/<i18n-n> components or the v-t directive.
  define: {
    __VUE_I18N_LEGACY_API__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  plugins: [
    vue({ features: { optionsAPI: false } }),
    // Element Plus per component: each page's chunk carries the components its templates use, so a
    // public page (contest list, certificate check) does not download the whole library. The
    // library's stylesheet stays global (main.ts): CSS is not in the JavaScript budget and one
    // cached file is cheaper than per-component requests. `dts: false`: the component types come
    // from element-plus/global (tsconfig.app.json).
    Components({ resolvers: elementPlusPerFolder(), dts: false }),
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
        manualChunks(id) {
          if (VUE.test(id)) return 'vue'
          return undefined
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
