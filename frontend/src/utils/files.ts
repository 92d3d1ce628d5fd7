/**
 * The entry-file allow-list, mirrored from contest/services/entry.py (ALLOWED_FILE_TYPES) and the
 * size limit from settings.ENTRY_FILE_MAX_BYTES (50 MB unless VITE_ENTRY_FILE_MAX_MB says
 * otherwise). These pre-checks only spare a useless upload; the server checks the content.
 */
import type { EntryFileKind } from '@/api/upload'

export const FILE_KINDS: EntryFileKind[] = ['plan', 'slides', 'video', 'data_description', 'other']
export const REQUIRED_KINDS: EntryFileKind[] = ['plan']

const TYPE_EXTENSIONS: Record<string, string[]> = {
  pdf: ['pdf'],
  docx: ['docx'],
  pptx: ['pptx'],
  xlsx: ['xlsx'],
  zip: ['zip'],
  mp4: ['mp4', 'm4v', 'mov'],
  png: ['png'],
  jpeg: ['jpg', 'jpeg'],
}

export const ALLOWED_TYPES: Record<EntryFileKind, string[]> = {
  plan: ['pdf', 'docx'],
  slides: ['pdf', 'pptx'],
  video: ['mp4'],
  data_description: ['pdf', 'docx', 'xlsx'],
  other: ['pdf', 'docx', 'xlsx', 'pptx', 'zip', 'png', 'jpeg'],
}

const envMb = Number(import.meta.env.VITE_ENTRY_FILE_MAX_MB)
export const MAX_BYTES = (Number.isFinite(envMb) && envMb > 0 ? envMb : 50) * 1024 * 1024

export function extensionsFor(kind: EntryFileKind): string[] {
  return ALLOWED_TYPES[kind].flatMap((type) => TYPE_EXTENSIONS[type] ?? [])
}

export type PrecheckProblem =
  | { code: 'file_empty' }
  | { code: 'file_too_large'; size: number; limit: number }
  | { code: 'file_type_not_allowed'; allowed: string[] }

/** What is wrong with a file before it is sent, or null. */
export function precheckFile(file: { name: string; size: number }, kind: EntryFileKind, maxBytes = MAX_BYTES): PrecheckProblem | null {
  if (file.size === 0) return { code: 'file_empty' }
  if (file.size > maxBytes) return { code: 'file_too_large', size: file.size, limit: maxBytes }
  const ext = file.name.includes('.') ? file.name.split('.').pop()!.toLowerCase() : ''
  const allowed = extensionsFor(kind)
  if (!allowed.includes(ext)) return { code: 'file_type_not_allowed', allowed }
  return null
}
