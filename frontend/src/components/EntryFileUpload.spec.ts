import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import EntryFileUpload from './EntryFileUpload.vue'
import { ApiError } from '@/api/errors'
import { saveLang } from '@/i18n/lang'
import type { UploadedEntryFile } from '@/api/upload'

const upload = vi.hoisted(() => ({ uploadEntryFile: vi.fn() }))
vi.mock('@/api/upload', () => upload)

function choose(wrapper: ReturnType<typeof mount>, file: File) {
  const input = wrapper.find('input[type=file]')
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  return input.trigger('change')
}

const file = (name: string, size: number, type = 'application/pdf') => new File([new Uint8Array(size)], name, { type })

const uploaded: UploadedEntryFile = {
  id: 9, kind: 'plan', version: 1, is_current: true, original_name: 'plan.pdf', file_type: 'pdf',
  content_type: 'application/pdf', size: 5, sha256: 'x', uploaded_at: '2026-01-01T00:00:00Z', download_url: '/api/entry-files/9/download/',
}

describe('EntryFileUpload', () => {
  beforeEach(() => {
    saveLang('zh-CN')
    upload.uploadEntryFile.mockReset()
  })
  afterEach(() => saveLang('zh-CN'))

  it('refuses a file over the size limit before sending it', async () => {
    const wrapper = mount(EntryFileUpload, { props: { entryId: 1, kind: 'plan', maxBytes: 10 } })
    await choose(wrapper, file('plan.pdf', 2048))
    await flushPromises()
    const error = wrapper.get('[data-testid=upload-error]')
    expect(error.attributes('data-code')).toBe('file_too_large')
    expect(error.text()).toBe('plan.pdf：文件过大：2.0 KB，上限 10 B。')
    expect(upload.uploadEntryFile).not.toHaveBeenCalled()
  })

  it('refuses a type the kind does not take, naming the allowed ones', async () => {
    const wrapper = mount(EntryFileUpload, { props: { entryId: 1, kind: 'slides' } })
    await choose(wrapper, file('deck.key', 20, 'application/octet-stream'))
    await flushPromises()
    const error = wrapper.get('[data-testid=upload-error]')
    expect(error.attributes('data-code')).toBe('file_type_not_allowed')
    expect(error.text()).toBe('deck.key：文件类型不允许：仅接受 pdf, pptx。')
    expect(upload.uploadEntryFile).not.toHaveBeenCalled()
  })

  it('refuses an empty file', async () => {
    const wrapper = mount(EntryFileUpload, { props: { entryId: 1, kind: 'plan' } })
    await choose(wrapper, file('plan.pdf', 0))
    await flushPromises()
    expect(wrapper.get('[data-testid=upload-error]').attributes('data-code')).toBe('file_empty')
  })

  it('accepts the extension case-insensitively and limits the picker to the allowed types', async () => {
    upload.uploadEntryFile.mockReturnValue({ promise: Promise.resolve(uploaded), abort: vi.fn() })
    const wrapper = mount(EntryFileUpload, { props: { entryId: 1, kind: 'plan' } })
    expect(wrapper.get('input[type=file]').attributes('accept')).toBe('.pdf,.docx')
    await choose(wrapper, file('PLAN.PDF', 5))
    await flushPromises()
    expect(upload.uploadEntryFile).toHaveBeenCalledTimes(1)
    expect(wrapper.find('[data-testid=upload-error]').exists()).toBe(false)
  })

  it('shows progress, then emits the uploaded file', async () => {
    let finish: (value: UploadedEntryFile) => void = () => {}
    upload.uploadEntryFile.mockImplementation((_id: number, _kind: string, _file: File, onProgress: (p: number) => void) => {
      onProgress(42)
      return { promise: new Promise<UploadedEntryFile>((resolve) => (finish = resolve)), abort: vi.fn() }
    })
    const wrapper = mount(EntryFileUpload, { props: { entryId: 7, kind: 'plan' } })
    await choose(wrapper, file('plan.pdf', 5))
    await flushPromises()
    expect(upload.uploadEntryFile.mock.calls[0].slice(0, 2)).toEqual([7, 'plan'])
    expect(wrapper.get('[data-testid=upload-progress]').text()).toContain('42%')
    finish(uploaded)
    await flushPromises()
    expect(wrapper.emitted('uploaded')).toEqual([[uploaded]])
  })

  it("shows the API's error in the UI language", async () => {
    const apiError = ApiError.fromResponse(400, {
      code: 'file_content_mismatch',
      message: '文件内容（pdf）与文件名扩展名（.docx）不符。',
      message_zh: '文件内容（pdf）与文件名扩展名（.docx）不符。',
      message_en: "The file's content (pdf) does not match its name (.docx).",
      fields: { file: ['file_content_mismatch'] },
      details: {},
    })
    upload.uploadEntryFile.mockImplementation(() => {
      const promise = Promise.reject(apiError)
      promise.catch(() => {})
      return { promise, abort: vi.fn() }
    })
    const wrapper = mount(EntryFileUpload, { props: { entryId: 1, kind: 'plan' } })
    await choose(wrapper, file('plan.docx', 5))
    await flushPromises()
    const error = wrapper.get('[data-testid=upload-error]')
    expect(error.attributes('data-code')).toBe('file_content_mismatch')
    expect(error.text()).toBe('plan.docx：文件内容（pdf）与文件名扩展名（.docx）不符。')
    saveLang('en')
    await flushPromises()
    expect(wrapper.get('[data-testid=upload-error]').text()).toBe("plan.docx: The file's content (pdf) does not match its name (.docx).")
    expect(wrapper.emitted('uploaded')).toBeUndefined()
  })

  it('shows submission_closed from the API and stays usable', async () => {
    const closed = ApiError.fromResponse(409, {
      code: 'submission_closed',
      message_zh: '提交已于 2026-03-01 17:00（北京时间）截止，不能再修改或提交。',
      message_en: 'Submissions closed at 2026-03-01 17:00 (Beijing time); the entry can no longer change.',
      fields: {},
      details: {},
    })
    upload.uploadEntryFile.mockImplementation(() => {
      const promise = Promise.reject(closed)
      promise.catch(() => {})
      return { promise, abort: vi.fn() }
    })
    const wrapper = mount(EntryFileUpload, { props: { entryId: 1, kind: 'plan' } })
    await choose(wrapper, file('plan.pdf', 5))
    await flushPromises()
    expect(wrapper.get('[data-testid=upload-error]').text()).toContain('提交已于 2026-03-01 17:00（北京时间）截止')
  })

  it('is disabled when the entry cannot change', () => {
    const wrapper = mount(EntryFileUpload, { props: { entryId: 1, kind: 'plan', disabled: true } })
    expect(wrapper.get('[data-testid=upload-button-plan]').attributes('disabled')).toBeDefined()
  })
})
