import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ApiError, fieldPath, isApiError, pickLanguage } from '@/api/errors'
import { lang } from '@/i18n/lang'

/**
 * State for a form that talks to the API: busy flag, the last ApiError, its message in the UI
 * language and the error of each field. The form's values are never touched, so a failed submit
 * loses nothing the user typed.
 */
export function useApiForm() {
  const { t, te } = useI18n()
  const error = ref<ApiError | null>(null)
  const busy = ref(false)

  const message = computed(() => error.value?.localized(lang.value) ?? '')

  function explain(text: string): string {
    if (error.value && text === error.value.code) return error.value.localized(lang.value)
    if (/^[a-z_]+$/.test(text) && te(`apiErrors.${text}`)) return t(`apiErrors.${text}`)
    return pickLanguage(text, lang.value)
  }

  /** The API's messages for one field, in the UI's language; `criteria[1].name` and
   *  `criteria.1.name` name the same field. Codes (`rubric_weights_invalid`) are explained. */
  function fieldError(name: string): string {
    const messages = error.value?.fields[fieldPath(name)]
    return messages?.length ? messages.map(explain).join(' ') : ''
  }

  /** Field errors no field of the form shows (`shown` names the ones it does), explained: for
   *  the alert, never as raw `name: text`. */
  function otherErrors(shown: (path: string) => boolean): string[] {
    const fields = error.value?.fields ?? {}
    return Object.entries(fields)
      .filter(([path]) => path !== 'non_field_errors' && !shown(path))
      .flatMap(([, messages]) => messages.map(explain))
  }

  async function run<T>(action: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    error.value = null
    try {
      return await action()
    } catch (caught) {
      error.value = isApiError(caught) ? caught : ApiError.fromResponse(0, { code: 'client_error', message: String(caught) })
      return undefined
    } finally {
      busy.value = false
    }
  }

  function clear() {
    error.value = null
  }

  /** The user changed a field the API complained about: its message goes. When no field error is
   *  left, the error was about the fields only, so the alert goes too. */
  function clearField(name: string) {
    const fields = error.value?.fields
    const path = fieldPath(name)
    if (!fields || !(path in fields)) return
    delete fields[path]
    if (!Object.keys(fields).some((key) => key !== 'non_field_errors')) error.value = null
  }

  return { error, busy, message, fieldError, otherErrors, run, clear, clearField, explain }
}
