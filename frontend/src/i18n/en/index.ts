/** The English messages: the same domains and keys as zh-CN (see ../zh-CN/index.ts). */
import type zhCN from '../zh-CN'
import type { SameShape } from '../shape'
import common from './common'
import contest from './contest'
import team from './team'
import judging from './judging'
import awards from './awards'
import notifications from './notifications'
import statistics from './statistics'
import workspace from './workspace'

export const domains = { common, contest, team, judging, awards, notifications, statistics, workspace }

const en: SameShape<typeof zhCN> = {
  ...common,
  ...contest,
  ...team,
  ...judging,
  ...awards,
  ...notifications,
  ...statistics,
  ...workspace,
  enums: { ...contest.enums, ...team.enums, ...awards.enums },
}

export default en
