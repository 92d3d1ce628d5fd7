/**
 * The zh-CN messages, one file per domain. They are the schema (`MessageSchema`): every other
 * locale has exactly these keys. Each top-level namespace lives in one domain file only, except
 * `enums` (the labels of API enum values), whose groups each domain contributes.
 */
import common from './common'
import contest from './contest'
import team from './team'
import judging from './judging'
import awards from './awards'
import notifications from './notifications'
import statistics from './statistics'
import publisher from './publisher'
import agreement from './agreement'
import workspace from './workspace'

export const domains = { common, contest, team, judging, awards, notifications, statistics, publisher, agreement, workspace }

export default {
  ...common,
  ...contest,
  ...team,
  ...judging,
  ...awards,
  ...notifications,
  ...statistics,
  ...publisher,
  ...agreement,
  ...workspace,
  enums: { ...contest.enums, ...team.enums, ...awards.enums, ...publisher.enums },
}
