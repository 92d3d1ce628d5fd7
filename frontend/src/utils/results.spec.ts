import { describe, expect, it } from 'vitest'
import { defaultResultsStage, resultGroups } from './results'

describe('defaultResultsStage', () => {
  it('opens on the latest stage with published results, not the first', () => {
    const stages = [
      { id: 1, results_published_at: '2026-05-01T10:00:00+08:00' },
      { id: 2, results_published_at: '2026-06-01T10:00:00+08:00' },
      { id: 3, results_published_at: null },
    ]
    expect(defaultResultsStage(stages)).toBe(2)
  })

  it('falls back to the first stage when nothing is published, and to none without stages', () => {
    expect(defaultResultsStage([{ id: 7, results_published_at: null }, { id: 8, results_published_at: null }])).toBe(7)
    expect(defaultResultsStage([])).toBeNull()
  })
})

describe('resultGroups', () => {
  it('lists each group once, in order, without blanks', () => {
    expect(resultGroups([{ group_name: '工业制造' }, { group_name: '' }, { group_name: '医疗健康' }, { group_name: '工业制造' }])).toEqual(['工业制造', '医疗健康'])
  })
})
