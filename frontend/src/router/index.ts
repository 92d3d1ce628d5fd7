import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuthStore } from '@/stores/auth'
import { signedInMessagesLoad } from '@/i18n'

declare module 'vue-router' {
  interface RouteMeta {
    auth?: boolean
    /** Organisers only (auth store `isOrganiser`); anyone else is sent home. */
    organiser?: boolean
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: () => import('@/views/public/ContestList.vue') },
  { path: '/contests', name: 'contests', component: () => import('@/views/public/ContestList.vue') },
  { path: '/contests/:id(\\d+)', name: 'contest', component: () => import('@/views/public/ContestDetail.vue'), props: true },
  { path: '/contests/:id(\\d+)/register', name: 'team-create', component: () => import('@/views/team/TeamCreate.vue'), props: true, meta: { auth: true } },
  { path: '/challenges', name: 'challenges', component: () => import('@/views/public/ChallengeList.vue') },
  { path: '/challenges/:id(\\d+)', name: 'challenge', component: () => import('@/views/public/ChallengeDetail.vue'), props: true },
  { path: '/login', name: 'login', component: () => import('@/views/auth/LoginView.vue') },
  { path: '/register', name: 'register', component: () => import('@/views/auth/RegisterView.vue') },
  { path: '/teams', name: 'teams', component: () => import('@/views/team/MyTeams.vue'), meta: { auth: true } },
  { path: '/teams/:id(\\d+)', name: 'team', component: () => import('@/views/team/TeamDetail.vue'), props: true, meta: { auth: true } },
  { path: '/entries/:id(\\d+)', name: 'entry', component: () => import('@/views/team/EntryEdit.vue'), props: true, meta: { auth: true } },
  { path: '/join/:code', name: 'join', component: () => import('@/views/team/JoinTeam.vue'), props: true },
  { path: '/organiser', name: 'organiser', component: () => import('@/views/organiser/MyContests.vue'), meta: { auth: true, organiser: true } },
  { path: '/organiser/contests/new', name: 'contest-create', component: () => import('@/views/organiser/ContestCreate.vue'), meta: { auth: true, organiser: true } },
  { path: '/organiser/contests/:id(\\d+)', name: 'contest-manage', component: () => import('@/views/organiser/ContestManage.vue'), props: true, meta: { auth: true, organiser: true } },
  { path: '/judging', name: 'judging', component: () => import('@/views/judge/JudgeHome.vue'), meta: { auth: true } },
  { path: '/judging/assignments/:id(\\d+)', name: 'judge-entry', component: () => import('@/views/judge/JudgeEntry.vue'), props: true, meta: { auth: true } },
  { path: '/awards', name: 'awards', component: () => import('@/views/public/NoticeList.vue') },
  { path: '/notices/:id(\\d+)', name: 'notice', component: () => import('@/views/public/NoticeDetail.vue'), props: true },
  { path: '/contests/:id(\\d+)/results', name: 'contest-results', component: () => import('@/views/public/ResultsView.vue'), props: true },
  // The QR code on a certificate leads to /verify/<serial> (judging/services/certificate.py).
  { path: '/verify/:serial?', name: 'certificate-verify', component: () => import('@/views/public/CertificateVerify.vue'), props: true },
  { path: '/certificates/verify/:serial?', redirect: (to) => `/verify/${to.params.serial ?? ''}` },
  { path: '/certificates', name: 'certificates', component: () => import('@/views/team/MyCertificates.vue'), meta: { auth: true } },
  { path: '/inbox', name: 'inbox', component: () => import('@/views/inbox/InboxView.vue'), meta: { auth: true } },
  { path: '/inbox/preferences', name: 'notification-preferences', component: () => import('@/views/inbox/PreferencesView.vue'), meta: { auth: true } },
  { path: '/unsubscribe', name: 'unsubscribe', component: () => import('@/views/inbox/UnsubscribeView.vue') },
  { path: '/organiser/contests/:id(\\d+)/formal-check', name: 'contest-formal-check', component: () => import('@/views/organiser/FormalCheckQueue.vue'), props: true, meta: { auth: true, organiser: true } },
  { path: '/organiser/contests/:id(\\d+)/notifications', name: 'contest-notifications', component: () => import('@/views/inbox/ContestNotifications.vue'), props: true, meta: { auth: true, organiser: true } },
  // The national contest's inbox of recommendations from its sub-contests, and its dashboard
  { path: '/organiser/contests/:id(\\d+)/recommendations', name: 'contest-recommendations', component: () => import('@/views/organiser/federation/Inbox.vue'), props: true, meta: { auth: true, organiser: true } },
  { path: '/organiser/contests/:id(\\d+)/recommendations/dashboard', name: 'contest-recommendation-dashboard', component: () => import('@/views/organiser/federation/Dashboard.vue'), props: true, meta: { auth: true, organiser: true } },
  // 发榜方 Publisher: the workspace, 征榜 applications, drafting and revising challenges
  { path: '/publisher', name: 'publisher', component: () => import('@/views/publisher/PublisherHome.vue'), meta: { auth: true } },
  { path: '/publisher/apply', name: 'publisher-apply', component: () => import('@/views/publisher/PublisherApply.vue'), meta: { auth: true } },
  { path: '/publisher/challenges/new', name: 'challenge-new', component: () => import('@/views/publisher/ChallengeEditor.vue'), meta: { auth: true } },
  { path: '/publisher/challenges/:id(\\d+)', name: 'challenge-edit', component: () => import('@/views/publisher/ChallengeEditor.vue'), props: true, meta: { auth: true } },
  // 揭榜挂帅 after the win: per-challenge results, agreements, figures
  { path: '/agreements', name: 'agreements', component: () => import('@/views/agreement/AgreementList.vue'), meta: { auth: true } },
  { path: '/agreements/:id(\\d+)', name: 'agreement', component: () => import('@/views/agreement/AgreementDetail.vue'), props: true, meta: { auth: true } },
  { path: '/contests/:id(\\d+)/challenge-results', name: 'challenge-results', component: () => import('@/views/agreement/ChallengeResults.vue'), props: true },
  { path: '/contests/:id(\\d+)/agreement-statistics', name: 'agreement-statistics', component: () => import('@/views/agreement/AgreementStatistics.vue'), props: true, meta: { auth: true } },
  // The expert pool: a drawn expert's own invitation link (public: the token is the credential)
  { path: '/expert-invitation/:token', name: 'expert-invitation', component: () => import('@/views/public/ExpertInvitation.vue'), props: true },
  { path: '/agreements/new', name: 'agreement-draft', component: () => import('@/views/agreement/AgreementDraft.vue'), props: (route) => ({ winner: String(route.query.winner ?? ''), contest: String(route.query.contest ?? '') }), meta: { auth: true } },
  // The live final (路演): the public big screen, a judge's phone, the organisers' console
  { path: '/live/:id(\\d+)/screen', name: 'live-screen', component: () => import('@/views/live/BigScreen.vue'), props: true },
  { path: '/live/:id(\\d+)/judge', name: 'live-judge', component: () => import('@/views/live/LiveJudge.vue'), props: true, meta: { auth: true } },
  { path: '/organiser/stages/:stageId(\\d+)/live', name: 'live-console', component: () => import('@/views/organiser/LiveConsole.vue'), props: true, meta: { auth: true, organiser: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFound.vue') },
]

export const router = createRouter({
  history: createWebHistory('/'),
  routes,
  scrollBehavior: () => ({ top: 0 }),
})

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  await auth.ready()
  if (to.meta.auth && !auth.loggedIn) {
    return { path: '/login', query: { next: to.fullPath } }
  }
  if (auth.loggedIn) await signedInMessagesLoad()
  if (to.meta.organiser && !auth.isOrganiser) return { path: '/' }
  if (to.name === 'contest-create' && !auth.me?.can_create_contest) return { path: '/organiser' }
  return true
})
