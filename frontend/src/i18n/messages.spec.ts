import { describe, expect, it } from 'vitest'
import zhCN from './zh-CN'
import en from './en'

const keys = (value: object, prefix = ''): string[] =>
  Object.entries(value).flatMap(([key, inner]) =>
    typeof inner === 'string' ? [`${prefix}${key}`] : keys(inner as object, `${prefix}${key}.`),
  )

describe('messages', () => {
  it('have the same keys in Chinese and English', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
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
