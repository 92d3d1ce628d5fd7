/** The English messages: the same domains and keys as zh-CN (see ../zh-CN/index.ts). */
import type zhCN from '../zh-CN'
import type { SameShape } from '../shape'
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

const en: SameShape<typeof zhCN> = {
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

export default en
