/**
 * Tracks, groups and stages typed in the contest form, saved one by one after the contest.
 * A row remembers its id once saved, so a second submit after an error only sends what failed.
 */
import { call, client, type components } from '@/api/client'
import { ApiError, isApiError } from '@/api/errors'

type StageKind = components['schemas']['StageKindEnum']

export interface RowState {
  id?: number
  error?: ApiError | null
}
export interface TrackRow extends RowState { name: string; code: string; guide_text: string }
export interface GroupRow extends RowState { name: string; code: string; eligibility: string }
export interface StageRow extends RowState {
  name: string
  kind: StageKind
  submission_opens_at: string | null
  submission_closes_at: string | null
  review_opens_at: string | null
  review_closes_at: string | null
}

export const newTrack = (n: number): TrackRow => ({ name: '', code: `track-${n}`, guide_text: '' })
export const newGroup = (n: number): GroupRow => ({ name: '', code: `group-${n}`, eligibility: '' })
export const newStage = (): StageRow => ({
  name: '', kind: 'online_review', submission_opens_at: null, submission_closes_at: null, review_opens_at: null, review_closes_at: null,
})

async function saveRow<R extends RowState>(row: R, send: () => Promise<{ id: number }>): Promise<boolean> {
  if (row.id) return true
  try {
    row.id = (await send()).id
    row.error = null
    return true
  } catch (error) {
    row.error = isApiError(error) ? error : ApiError.network()
    return false
  }
}

/** Save every unsaved row; returns true when all rows are saved. Stage order continues `firstOrder`. */
export async function structureSave(
  contest: number,
  rows: { tracks: TrackRow[]; groups: GroupRow[]; stages: StageRow[] },
  orderStart = { track: 0, group: 0, stage: 1 },
): Promise<boolean> {
  let ok = true
  for (const [i, row] of rows.tracks.entries()) {
    ok = (await saveRow(row, () =>
      call(client.POST('/api/tracks/', { body: { contest, name: row.name.trim(), code: row.code.trim(), order: orderStart.track + i, guide_text: row.guide_text } })),
    )) && ok
  }
  for (const [i, row] of rows.groups.entries()) {
    ok = (await saveRow(row, () =>
      call(client.POST('/api/groups/', { body: { contest, name: row.name.trim(), code: row.code.trim(), order: orderStart.group + i, eligibility: row.eligibility } })),
    )) && ok
  }
  for (const [i, row] of rows.stages.entries()) {
    ok = (await saveRow(row, () =>
      call(
        client.POST('/api/stages/', {
          body: {
            contest,
            name: row.name.trim(),
            kind: row.kind,
            order: orderStart.stage + i,
            submission_opens_at: row.submission_opens_at,
            submission_closes_at: row.submission_closes_at,
            review_opens_at: row.review_opens_at,
            review_closes_at: row.review_closes_at,
          },
        }),
      ),
    )) && ok
  }
  return ok
}
