import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import RubricForm from './RubricForm.vue'
import { scoreProblem, scoresComplete, scoresPayload, weightedTotal } from '@/utils/rubric'

const CRITERIA = [
  { key: 'impact', name: '应用成效', weight: '40.00', max_score: '10.00', step: '0.50' },
  { key: 'novelty', name: '创新性', weight: '35.00', max_score: '10.00', step: '0.50' },
  { key: 'data_value', name: '数据要素价值', weight: '25.00', max_score: '20.00', step: '1.00' },
]

function host(initial: Record<string, string> = {}, disabled = false) {
  const scores = ref<Record<string, string>>({ ...initial })
  const Host = defineComponent({
    setup: () => () => h(RubricForm, { criteria: CRITERIA, modelValue: scores.value, disabled, 'onUpdate:modelValue': (v: Record<string, string>) => (scores.value = v) }),
  })
  return { wrapper: mount(Host), scores }
}

describe('rubric rules', () => {
  it('checks range and step', () => {
    const c = CRITERIA[0]
    expect(scoreProblem('', c)).toBeNull()
    expect(scoreProblem('0', c)).toBeNull()
    expect(scoreProblem('10', c)).toBeNull()
    expect(scoreProblem('7.5', c)).toBeNull()
    expect(scoreProblem('10.5', c)).toBe('out_of_range')
    expect(scoreProblem('-1', c)).toBe('out_of_range')
    expect(scoreProblem('7.3', c)).toBe('bad_step')
    expect(scoreProblem('abc', c)).toBe('not_a_number')
    expect(scoreProblem('13', CRITERIA[2])).toBeNull()
    expect(scoreProblem('13.5', CRITERIA[2])).toBe('bad_step')
  })

  it('weights the total: Σ value / max × weight', () => {
    expect(weightedTotal({ impact: '10', novelty: '10', data_value: '20' }, CRITERIA)).toBe(100)
    expect(weightedTotal({ impact: '8', novelty: '7.5', data_value: '16' }, CRITERIA)).toBe(78.25)
    // invalid values do not count
    expect(weightedTotal({ impact: '8', novelty: '11' }, CRITERIA)).toBe(32)
    expect(scoresComplete({ impact: '8', novelty: '7.5' }, CRITERIA)).toBe(false)
    expect(scoresComplete({ impact: '8', novelty: '7.5', data_value: '16' }, CRITERIA)).toBe(true)
    expect(scoresPayload({ impact: ' 8 ', novelty: '' }, CRITERIA)).toEqual({ impact: '8' })
  })
})

describe('RubricForm', () => {
  it('shows the range error as you type and the live total', async () => {
    const { wrapper, scores } = host()
    await wrapper.get('[data-testid=score-impact]').setValue('12')
    expect(scores.value.impact).toBe('12')
    expect(wrapper.get('[data-testid=score-error-impact]').text()).toBe('分值须在 0 到 10 之间。')
    expect(wrapper.get('[data-testid=rubric-total]').text()).toContain('0.00')

    await wrapper.get('[data-testid=score-impact]').setValue('8')
    expect(wrapper.find('[data-testid=score-error-impact]').exists()).toBe(false)
    await wrapper.get('[data-testid=score-novelty]').setValue('7.5')
    await wrapper.get('[data-testid=score-data_value]').setValue('16')
    expect(wrapper.get('[data-testid=rubric-total]').text()).toContain('78.25')
  })

  it('shows the step error', async () => {
    const { wrapper } = host()
    await wrapper.get('[data-testid=score-novelty]').setValue('7.3')
    expect(wrapper.get('[data-testid=score-error-novelty]').text()).toBe('分值须为 0.5 的整数倍。')
  })

  it('shows a server field error for a criterion', () => {
    const wrapper = mount(RubricForm, { props: { criteria: CRITERIA, modelValue: { impact: '8' }, serverErrors: { impact: '服务器：分值无效' } } })
    expect(wrapper.get('[data-testid=score-error-impact]').text()).toBe('服务器：分值无效')
  })

  it('is disabled when the review is submitted', () => {
    const { wrapper } = host({ impact: '8', novelty: '7.5', data_value: '16' }, true)
    for (const key of ['impact', 'novelty', 'data_value']) {
      expect(wrapper.get(`[data-testid=score-${key}]`).attributes('disabled')).toBeDefined()
    }
    expect(wrapper.get('[data-testid=rubric-total]').text()).toContain('78.25')
  })
})
