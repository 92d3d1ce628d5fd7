/**
 * Entry-file upload with progress. fetch() cannot report upload progress, so this one call uses
 * XMLHttpRequest; it is typed from the same generated schema and sends the same headers as the
 * openapi-fetch client (session cookie, CSRF token, Accept-Language).
 */
import type { paths } from './schema'
import { ApiError } from './errors'
import { acceptLanguage, ensureCsrf } from './client'

type UploadOp = paths['/api/entries/{id}/files/']['post']
export type EntryFileKind = UploadOp['requestBody']['content']['multipart/form-data']['kind']
export type UploadedEntryFile = UploadOp['responses'][201]['content']['application/json']

export interface UploadHandle {
  promise: Promise<UploadedEntryFile>
  abort: () => void
}

export function uploadEntryFile(
  entryId: number,
  kind: EntryFileKind,
  file: File,
  onProgress?: (percent: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest()
  const promise = (async () => {
    const csrf = await ensureCsrf()
    return new Promise<UploadedEntryFile>((resolve, reject) => {
      xhr.open('POST', `/api/entries/${entryId}/files/`)
      xhr.withCredentials = true
      xhr.setRequestHeader('X-CSRFToken', csrf)
      xhr.setRequestHeader('Accept-Language', acceptLanguage())
      xhr.setRequestHeader('Accept', 'application/json')
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && onProgress) onProgress(Math.round((event.loaded / event.total) * 100))
      }
      xhr.onload = () => {
        let body: unknown = null
        try {
          body = JSON.parse(xhr.responseText)
        } catch {
          body = null
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body as UploadedEntryFile)
        else reject(ApiError.fromResponse(xhr.status, body))
      }
      xhr.onerror = () => reject(ApiError.network())
      xhr.onabort = () => reject(ApiError.fromResponse(0, { code: 'upload_aborted', message_zh: '上传已取消。', message_en: 'Upload cancelled.' }))
      const form = new FormData()
      form.append('kind', kind)
      form.append('file', file, file.name)
      xhr.send(form)
    })
  })()
  return { promise, abort: () => xhr.abort() }
}
