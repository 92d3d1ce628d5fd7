import { describe, expect, it } from 'vitest'
import { codeProblem, criterionProblems, registerProblems, teamSizeProblem, weightSum, windowProblem, type CriterionRow } from './validation'
import { usccCheckCharacter, usccProblem } from './uscc'
import { precheckFile } from './files'

const form = (over: Partial<Parameters<typeof registerProblems>[0]> = {}) => ({
  real_name: '李揭榜', email: 'li@example.com', mobile: '', password: 'longenough', password2: 'longenough', ...over,
})

describe('registerProblems', () => {
  it('accepts an email or a mobile', () => {
    expect(Object.values(registerProblems(form()))).toEqual([null, null, null, null, null])
    expect(registerProblems(form({ email: '', mobile: '13800138000' })).email).toBeNull()
  })
  it('needs one of email and mobile', () => {
    expect(registerProblems(form({ email: '', mobile: '' })).email).toBe('emailOrMobile')
  })
  it('checks formats, length and the repeated password', () => {
    const problems = registerProblems(form({ real_name: ' ', email: 'x@', mobile: '2380013800', password: 'short', password2: 'other' }))
    expect(problems).toEqual({ real_name: 'realNameRequired', email: 'emailInvalid', mobile: 'mobileInvalid', password: 'passwordShort', password2: 'passwordMismatch' })
  })
})

describe('windows, team size, codes', () => {
  it('wants a window to open before it closes', () => {
    expect(windowProblem('2026-03-01T09:00:00+08:00', '2026-03-01T08:00:00+08:00')).toBe('windowOrder')
    expect(windowProblem('2026-03-01T09:00:00+08:00', '2026-03-01T09:00:00+08:00')).toBe('windowOrder')
    expect(windowProblem('2026-03-01T09:00:00+08:00', null)).toBeNull()
    expect(windowProblem('2026-03-01T09:00:00+08:00', '2026-03-02T09:00:00+08:00')).toBeNull()
  })
  it('checks team sizes', () => {
    expect(teamSizeProblem(3, 2)).toBe('teamSizeOrder')
    expect(teamSizeProblem(0, 2)).toBe('teamSizePositive')
    expect(teamSizeProblem(2, 2)).toBeNull()
  })
  it('checks codes', () => {
    expect(codeProblem('')).toBe('codeRequired')
    expect(codeProblem('bad code!')).toBe('codeInvalid')
    expect(codeProblem('jbgs-2026_a')).toBeNull()
  })
})

describe('USCC (GB 32100-2015)', () => {
  // Same algorithm as contest/validators.py; 91350100M000100Y43 is a published valid example.
  it('accepts a valid code and explains an invalid one', () => {
    expect(usccProblem('91350100M000100Y43')).toBeNull()
    expect(usccProblem(' 91350100m000100y43 ')).toBeNull()
    expect(usccProblem('91350100M000100Y4')).toBe('length')
    expect(usccProblem('91350100M000100Y4I')).toBe('charset')
    expect(usccProblem('9135A100M000100Y43')).toBe('region')
    expect(usccProblem('91350100M000100Y44')).toBe('check')
  })
  it('computes the check character', () => {
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3')
  })
})

describe('precheckFile', () => {
  it('mirrors the server allow-list per kind', () => {
    expect(precheckFile({ name: 'a.mp4', size: 1 }, 'video')).toBeNull()
    expect(precheckFile({ name: 'a.mov', size: 1 }, 'video')).toBeNull()
    expect(precheckFile({ name: 'a.pdf', size: 1 }, 'video')).toEqual({ code: 'file_type_not_allowed', allowed: ['mp4', 'm4v', 'mov'] })
    expect(precheckFile({ name: 'photo.JPG', size: 1 }, 'other')).toBeNull()
    expect(precheckFile({ name: 'noext', size: 1 }, 'other')?.code).toBe('file_type_not_allowed')
    expect(precheckFile({ name: 'a.pdf', size: 51 * 1024 * 1024 }, 'plan')).toEqual({ code: 'file_too_large', size: 51 * 1024 * 1024, limit: 50 * 1024 * 1024 })
  })
})

describe('criterionProblems and weightSum (the rubric editor)', () => {
  const row = (over: Partial<CriterionRow> = {}): CriterionRow => ({ key: 'impact', name: '应用成效', weight: '50', max_score: '10', step: '0.5', ...over })
  it('accepts a complete row', () => {
    expect(criterionProblems([row()])).toEqual([{}])
  })
  it('names each field that the server would refuse', () => {
    const problems = criterionProblems([row(), row({ key: 'novelty', name: ' ', weight: '', step: '20' }), row({ key: 'impact', weight: '-1', max_score: 'x' })])
    expect(problems[1]).toEqual({ name: 'nameRequired', weight: 'weightRequired', step: 'stepAboveMax' })
    expect(problems[2]).toEqual({ key: 'keyDuplicate', weight: 'weightInvalid', max_score: 'maxInvalid' })
    expect(criterionProblems([row({ key: '' }), row({ key: 'a b' })]).map((p) => p.key)).toEqual(['keyRequired', 'keyInvalid'])
  })
  it('sums weights to the cent', () => {
    expect(weightSum([{ weight: '33.33' }, { weight: '33.33' }, { weight: '33.34' }])).toEqual({ sum: 100, ok: true })
    expect(weightSum([{ weight: '' }, { weight: '0' }])).toEqual({ sum: 0, ok: false })
    expect(weightSum([{ weight: '60' }, { weight: 'x' }]).ok).toBe(false)
  })
})
