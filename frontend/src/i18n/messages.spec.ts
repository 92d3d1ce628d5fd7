import { describe, expect, it } from 'vitest'
import zhCN, { domains as zhDomains } from './zh-CN'
import en, { domains as enDomains } from './en'

const keys = (value: object, prefix = ''): string[] =>
  Object.entries(value).flatMap(([key, inner]) =>
    typeof inner === 'string' ? [`${prefix}${key}`] : keys(inner as object, `${prefix}${key}.`),
  )

/** The source files of the SPA (not the messages themselves), as text. */
const sources = Object.entries(
  import.meta.glob<string>('../**/*.{vue,ts}', { query: '?raw', import: 'default', eager: true }),
).filter(([path]) => !path.startsWith('../i18n/') && !path.endsWith('.d.ts'))

/** The first argument of every t(…) / te(…) / $t(…) call: the text up to the first top-level `,` or `)`. */
function firstArguments(text: string): string[] {
  const found: string[] = []
  for (const match of text.matchAll(/(?<![\w$])\$?te?\(/g)) {
    let depth = 0
    let quote = ''
    let end = match.index + match[0].length
    for (; end < text.length; end++) {
      const c = text[end]
      if (quote) {
        if (c === quote && text[end - 1] !== '\\') quote = ''
      } else if (c === "'" || c === '"' || c === '`') quote = c
      else if (c === '(' || c === '{' || c === '[') depth++
      else if (c === ')' || c === '}' || c === ']') {
        if (depth === 0) break
        depth--
      } else if (c === ',' && depth === 0) break
    }
    found.push(text.slice(match.index + match[0].length, end).trim())
  }
  return found
}

/** Literal keys used in t(…) calls ('a.b', or each branch of `cond ? 'a.b' : 'a.c'`), by file. */
const literalKeys: [string, string][] = sources.flatMap(([path, text]) =>
  firstArguments(text)
    .filter((arg) => !arg.startsWith('`'))
    .flatMap((arg) =>
      [...arg.matchAll(/^'([^']+)'$|^"([^"]+)"$|[?:]\s*'(\w+(?:\.\w+)+)'/g)].map((m) => [path, m[1] ?? m[2] ?? m[3]] as [string, string]),
    ),
)

/** Keys built at run time: every template string that starts with `namespace.` and has a `${…}`. */
const namespaces = Object.keys(zhCN)
const dynamicKeys: [string, RegExp][] = sources.flatMap(([path, text]) =>
  [...text.matchAll(/`([A-Za-z]\w*\.[^`]*?\$\{[^`]*)`/g)]
    .filter((m) => namespaces.includes(m[1].split('.')[0]))
    .map((m) => {
      const pattern = m[1]
        .split(/\$\{[^}]*\}/)
        .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
        .join('\\w+')
      return [`${path}: \`${m[1]}\``, new RegExp(`^${pattern}$`)] as [string, RegExp]
    }),
)

const zhKeys = keys(zhCN)

describe('messages', () => {
  it('have the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(zhKeys.sort())
  })

  it('have the same keys in Chinese and English in every domain file', () => {
    expect(Object.keys(enDomains)).toEqual(Object.keys(zhDomains))
    for (const [name, zh] of Object.entries(zhDomains)) {
      expect({ [name]: keys(enDomains[name as keyof typeof enDomains]).sort() }).toEqual({ [name]: keys(zh).sort() })
    }
  })

  it('keep each namespace (and each enums group) in one domain file', () => {
    const owners = new Map<string, string[]>()
    for (const [name, messages] of Object.entries(zhDomains)) {
      const own = Object.keys(messages).filter((ns) => ns !== 'enums')
      const groups = Object.keys((messages as { enums?: object }).enums ?? {}).map((group) => `enums.${group}`)
      for (const ns of [...own, ...groups]) owners.set(ns, [...(owners.get(ns) ?? []), name])
    }
    expect([...owners].filter(([, files]) => files.length > 1)).toEqual([])
    expect(keys(zhCN).length).toBe(Object.values(zhDomains).reduce((n, messages) => n + keys(messages).length, 0))
  })

  it('have no empty texts and no unescaped @ or | (vue-i18n syntax)', () => {
    for (const messages of [zhCN, en]) {
      const texts: string[] = []
      const walk = (v: object) => Object.values(v).forEach((x) => (typeof x === 'string' ? texts.push(x) : walk(x)))
      walk(messages)
      expect(texts.filter((t) => !t.trim() || /[@|]/.test(t))).toEqual([])
    }
  })
})

describe('the keys the source uses', () => {
  it('finds the source files and their t() calls', () => {
    expect(sources.length).toBeGreaterThan(30)
    expect(literalKeys.length).toBeGreaterThan(500)
    expect(dynamicKeys.length).toBeGreaterThan(10)
  })

  it('exist in the zh-CN messages (literal keys)', () => {
    const known = new Set(zhKeys)
    expect(literalKeys.filter(([, key]) => !known.has(key)).map(([path, key]) => `${path}: ${key}`)).toEqual([])
  })

  it('exist in the zh-CN messages (keys built from a template string)', () => {
    expect(dynamicKeys.filter(([, pattern]) => !zhKeys.some((key) => pattern.test(key))).map(([where]) => where)).toEqual([])
  })

  it('cover every message: no key is unused', () => {
    const used = new Set(literalKeys.map(([, key]) => key))
    expect(zhKeys.filter((key) => !used.has(key) && !dynamicKeys.some(([, pattern]) => pattern.test(key)))).toEqual([])
  })
})
