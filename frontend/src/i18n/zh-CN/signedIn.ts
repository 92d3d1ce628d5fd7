/** The zh-CN messages of the screens behind a sign-in, merged into the first load's once someone signs in. */
import backoffice from './backoffice'
import statistics from './statistics'
import workspace from './workspace'
import report from './report'
import expert from './expert'
import federation from './federation'

export default { ...backoffice, ...statistics, ...workspace, ...report, ...expert, ...federation }
