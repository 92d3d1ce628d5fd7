/** Which stage the public results page opens on, and the groups (tracks) to filter by. */

export interface StageLike {
  id: number
  results_published_at: string | null
}

/** The latest stage (in the contest's stage order) whose results are published, else the first. */
export function defaultResultsStage(stages: readonly StageLike[]): number | null {
  const published = stages.filter((s) => s.results_published_at)
  return (published[published.length - 1] ?? stages[0])?.id ?? null
}

/** The distinct group names of a snapshot's rows, in their order of first appearance. */
export function resultGroups(rows: readonly { group_name?: string | null }[]): string[] {
  return [...new Set(rows.map((r) => r.group_name ?? '').filter(Boolean))]
}
