/**
 * The zh-CN messages of the first load: what a page open to anyone needs (the public pages,
 * sign-in and registration, a team's and a judge's own pages, the unsubscribe link's page). The screens behind a sign-in
 * (`backoffice`, `workspace`, `statistics`) come in a chunk of their own once
 * someone is signed in (`i18n/index.ts`), so an anonymous visitor never downloads them.
 */
import common from './common'
import contest from './contest'
import team from './team'
import judging from './judging'
import awards from './awards'
import publisher from './publisher'
import agreement from './agreement'
import notifications from './notifications'
import live from './live'

export default {
  ...common,
  ...contest,
  ...team,
  ...judging,
  ...awards,
  ...publisher,
  ...agreement,
  ...notifications,
  ...live,
  enums: { ...contest.enums, ...team.enums, ...awards.enums, ...publisher.enums },
}
