import { describe, expect, it } from 'vitest'
import { ApiError, fieldPath, flattenFields } from './errors'

describe('field errors as dotted paths', () => {
  it('flattens nested objects and lists of objects by index', () => {
    expect(flattenFields({ team: { name: ['x'] }, criteria: [{}, { name: ['该字段不能为空。'], weight: ['y'] }], code: ['z'] })).toEqual({
      'team.name': ['x'],
      'criteria.1.name': ['该字段不能为空。'],
      'criteria.1.weight': ['y'],
      code: ['z'],
    })
  })
  it('keeps the server’s flat shape as it is', () => {
    const error = ApiError.fromResponse(400, { code: 'invalid', message_zh: '输入有误', message_en: 'Invalid', fields: { 'criteria.0.key': ['too long'] } })
    expect(error.fields).toEqual({ 'criteria.0.key': ['too long'] })
  })
  it('names a field either way', () => {
    expect(fieldPath('criteria[2].name')).toBe('criteria.2.name')
    expect(fieldPath('criteria.2.name')).toBe('criteria.2.name')
    expect(fieldPath('name')).toBe('name')
  })
})
