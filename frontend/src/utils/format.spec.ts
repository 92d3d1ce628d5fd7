import { describe, expect, it } from 'vitest'
import { formatScore, shortHash } from './format'
import { stagePhase } from './phase'

describe('formatScore', () => {
  it('rounds exact decimal strings to 2 places, half away from zero, without floats', () => {
    expect(formatScore('61.6667')).toBe('61.67')
    expect(formatScore('61.6650')).toBe('61.67')
    expect(formatScore('61.6649')).toBe('61.66')
    expect(formatScore('0.1250')).toBe('0.13') // a float would give 0.12 or 0.13 by luck
    expect(formatScore('1.005')).toBe('1.01') // Number('1.005').toFixed(2) === '1.00'
    expect(formatScore('99.9950')).toBe('100.00')
    expect(formatScore('9.9999')).toBe('10.00')
    expect(formatScore('90.0000')).toBe('90.00')
    expect(formatScore('-2.3450')).toBe('-2.35')
    expect(formatScore('-0.0010')).toBe('0.00')
    expect(formatScore('7')).toBe('7.00')
    expect(formatScore('.5')).toBe('0.50')
    expect(formatScore('123456789012345678.1250')).toBe('123456789012345678.13')
  })
  it('keeps the other places asked for, and passes through what is not a decimal', () => {
    expect(formatScore('61.6667', 0)).toBe('62')
    expect(formatScore('61.66667', 4)).toBe('61.6667')
    expect(formatScore(null)).toBe('')
    expect(formatScore('')).toBe('')
    expect(formatScore(undefined)).toBe('')
    expect(formatScore('abc')).toBe('abc')
    expect(formatScore(12.5)).toBe('12.50')
  })
  it('never changes the value it is given', () => {
    const value = '61.6667'
    formatScore(value)
    expect(value).toBe('61.6667')
  })
})

describe('shortHash', () => {
  it('shortens long hashes', () => {
    expect(shortHash('a'.repeat(64))).toBe(`${'a'.repeat(12)}…`)
    expect(shortHash('abc')).toBe('abc')
    expect(shortHash('')).toBe('—')
  })
})

describe('stagePhase', () => {
  const now = new Date('2026-05-01T00:00:00Z')
  const stage = {
    submission_opens_at: '2026-04-01T00:00:00Z',
    submission_closes_at: '2026-04-20T00:00:00Z',
    review_opens_at: '2026-05-10T00:00:00Z',
    review_closes_at: null,
  }
  it('follows the windows before any results', () => {
    expect(stagePhase({}, [], now)).toBe('preparing')
    expect(stagePhase(stage, [], now)).toBe('submission_closed')
    expect(stagePhase(stage, [], new Date('2026-04-05T00:00:00Z'))).toBe('submission_open')
    expect(stagePhase(stage, [], new Date('2026-05-11T00:00:00Z'))).toBe('review_open')
  })
  it('is decided by the newest snapshot once results exist', () => {
    expect(stagePhase(stage, [{ version: 1, status: 'published' }], now)).toBe('results_published')
    expect(stagePhase(stage, [{ version: 1, status: 'withdrawn' }], now)).toBe('under_correction')
    expect(stagePhase(stage, [{ version: 1, status: 'withdrawn' }, { version: 2, status: 'published' }], now)).toBe('results_published')
  })
})
