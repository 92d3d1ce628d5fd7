/**
 * The zh-CN messages, one file per domain. They are the schema (`MessageSchema`): every other
 * locale has exactly these keys. Each top-level namespace lives in one domain file only, except
 * `enums` (the labels of API enum values), whose groups each domain contributes. At run time the
 * app loads them in two parts, `first.ts` and `signedIn.ts` (see ../index.ts); this file is the
 * whole, for the types, the English messages and the tests.
 */
import common from './common'
import contest from './contest'
import team from './team'
import judging from './judging'
import awards from './awards'
import notifications from './notifications'
import live from './live'
import statistics from './statistics'
import publisher from './publisher'
import agreement from './agreement'
import workspace from './workspace'
import backoffice from './backoffice'
import report from './report'
import expert from './expert'
import federation from './federation'

export const domains = { common, contest, team, judging, awards, notifications, live, statistics, publisher, agreement, workspace, backoffice, report, expert, federation }

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
  ...backoffice,
  ...report,
  ...expert,
  ...federation,
  ...live,
  enums: { ...contest.enums, ...team.enums, ...awards.enums, ...publisher.enums },
}
