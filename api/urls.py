import base64
import hashlib
import re

from django.templatetags.static import static
from django.urls import URLPattern, include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api.caching import PUBLIC_ROUTES, public_cached
from api.exceptions import api_not_found
from api.views.agreement import (  # 揭榜挂帅 after the win
    AcceptanceReviewViewSet,
    AgreementViewSet,
    DeliverableFileView,
    MilestoneViewSet,
    PaymentProofView,
)
from api.views.agreement_statistics import AgreementStatisticsView
from api.views.anonymity import AnonymityCheckView, RedactionView
from api.views.assignment import (
    AssignmentDetailView,
    AssignmentRuleView,
    AssignmentSwapView,
    FeasibilityView,
    JudgeProgressView,
    RoadshowAllView,
    RunCreateView,
    RunDetailView,
    ShortEntriesView,
    StageAssignmentsView,
)
from api.views.auth import (
    ClientConfigView,
    CsrfView,
    LoginView,
    LogoutView,
    MeView,
    RegisterView,
    TokenDetailView,
    TokenListView,
)
from api.views.award import AwardSettingsView, AwardTierViewSet, AwardViewSet
from api.views.certificate import (
    CertificateBatchViewSet,
    CertificateIssuerView,
    CertificateIssueView,
    CertificatePdfVerifyView,
    CertificateStatusListView,
    CertificateTemplateView,
    CertificateVerifyView,
    CertificateViewSet,
    CertificateZipView,
)
from api.views.challenge import ChallengeViewSet
from api.views.challenge_question import ChallengeQuestionViewSet
from api.views.challenge_result import ChallengeResultViewSet
from api.views.contest import ContestViewSet, GroupViewSet, StageViewSet, TrackViewSet
from api.views.entry import EntryFileDownloadView, EntryViewSet
from api.views.expert import (
    ContestExpertsView,
    ExpertDetailView,
    ExpertDrawDetailView,
    ExpertDrawVerifyView,
    ExpertImportView,
    ExpertInvitationConfirmView,
    ExpertInvitationDeclineView,
    ExpertInvitationLetterView,
    ExpertInvitationView,
    ExpertPickLetterView,
    ExpertTemplateView,
    StageExpertDrawsView,
)
from api.views.formal_check import (
    FormalBulkPassView,
    FormalDecisionView,
    FormalQueueView,
    MaterialChecklistView,
)
from api.views.judging import (
    AuditLogViewSet,
    AuditVerifyView,
    JudgeAssignmentViewSet,
    JudgePanelViewSet,
    PanelMembershipViewSet,
    ReviewViewSet,
    RubricViewSet,
)
from api.views.notary import NotaryExportView
from api.views.notice import (
    CalendarDayViewSet,
    NoticeViewSet,
    ObjectionFileDownloadView,
    ObjectionViewSet,
)
from api.views.notification import (
    AnnouncementView,
    DeliveryStatsView,
    NotificationViewSet,
    PreferencesView,
    ResendView,
    SmsReportView,
    TemplateDetailView,
    TemplateListView,
    TemplatePreviewView,
    UnsubscribeView,
)
from api.views.organisation import OrganisationViewSet
from api.views.publisher_application import PublisherApplicationViewSet
from api.views.publisher_review import (
    PublisherAssignmentView,
    PublisherReviewerView,
    PublisherWeightView,
)
from api.views.readiness import ContestReadinessView
from api.views.recommendation import (
    EntryCarryConfirmView,
    RecommendationAcceptView,
    RecommendationDashboardView,
    RecommendationInboxView,
    RecommendationQuotasView,
    RecommendationReturnView,
)
from api.views.report import ContestReportPdfView, ContestReportView, ContestReportXlsxView
from api.views.result import (
    ConsistencyView,
    CorrectionView,
    OverrideView,
    PromotionView,
    PublishView,
    RecommendationView,
    ResultListView,
    ResultsComputeView,
    ResultSettingsView,
    ResultsFreshnessView,
    ResultsRecomputeView,
    ScoresExportView,
    SnapshotListView,
)
from api.views.statistics import (
    EntryStatisticsView,
    JudgeStatisticsView,
    RegistrationStatisticsView,
    ScoreStatisticsView,
)
from api.views.team import InvitationViewSet, TeamViewSet
from api.views.user import UserSearchView


class Router(DefaultRouter):
    """Ids in paths are ASCII digits (`\\d` would match "٥"), matched by the route itself:
    `/api/notices/AAA/` is the router's 404 (the error envelope), never a lookup that fails on
    a non-number. A viewset looked up by another field (an invitation's code) keeps its own."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        if getattr(viewset, "lookup_field", "pk") == "pk" and not hasattr(
            viewset, "lookup_value_regex"
        ):
            lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or "pk"
            return rf"(?P<{lookup_prefix}{lookup_url_kwarg}>[0-9]+)"
        return super().get_lookup_regex(viewset, lookup_prefix)


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files (drf-spectacular-sidecar), not a CDN, so that the page
    works offline, on an intranet and behind a firewall; its start-up script is served from this
    same URL (`?script`), never inline, so the site's Content-Security-Policy ('self') holds.
    The page's one inline <style> block is allowed by its hash."""

    @staticmethod
    def _swagger_ui_resource(filename):
        return static(f"drf_spectacular_sidecar/swagger-ui-dist/{filename}")

    @staticmethod
    def _swagger_ui_favicon():
        return static("drf_spectacular_sidecar/swagger-ui-dist/favicon-32x32.png")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and getattr(response, "template_name", "").endswith(".html"):
            response.render()
            styles = re.findall(rb"<style>(.*?)</style>", response.content, flags=re.S)
            hashes = [
                "'sha256-" + base64.b64encode(hashlib.sha256(s).digest()).decode() + "'"
                for s in styles
            ]
            if hashes:
                response._csp_update = {"style-src": hashes}  # read by django-csp's middleware
        return response


def public_reads(patterns: list) -> list:
    """The router's patterns with the public reads of `api.caching.PUBLIC_ROUTES` wrapped."""
    return [
        URLPattern(p.pattern, public_cached(p.name)(p.callback), p.default_args, p.name)
        if isinstance(p, URLPattern) and p.name in PUBLIC_ROUTES
        else p
        for p in patterns
    ]


router = Router()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("contests", ContestViewSet, basename="contest")
router.register("tracks", TrackViewSet, basename="track")
router.register("groups", GroupViewSet, basename="group")
router.register("stages", StageViewSet, basename="stage")
router.register("challenges", ChallengeViewSet, basename="challenge")
router.register(
    "publisher-applications", PublisherApplicationViewSet, basename="publisher-application"
)
router.register("challenge-questions", ChallengeQuestionViewSet, basename="challenge-question")
router.register("teams", TeamViewSet, basename="team")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("entries", EntryViewSet, basename="entry")
router.register("judge/panels", JudgePanelViewSet, basename="judge-panel")
router.register("judge/assignments", JudgeAssignmentViewSet, basename="judge-assignment")
router.register("rubrics", RubricViewSet, basename="rubric")
router.register("panel-memberships", PanelMembershipViewSet, basename="panel-membership")
router.register("reviews", ReviewViewSet, basename="review")
router.register("audit-log", AuditLogViewSet, basename="audit-log")
router.register("award-tiers", AwardTierViewSet, basename="award-tier")
router.register("awards", AwardViewSet, basename="award")
router.register("notices", NoticeViewSet, basename="notice")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("calendar-days", CalendarDayViewSet, basename="calendar-day")
router.register("certificate-batches", CertificateBatchViewSet, basename="certificate-batch")
router.register("certificates", CertificateViewSet, basename="certificate")
router.register("notifications", NotificationViewSet, basename="notification")
# 揭榜挂帅 after the win: per-challenge results, agreements, milestones, 验收
router.register("challenge-results", ChallengeResultViewSet, basename="challenge-result")
router.register("agreements", AgreementViewSet, basename="agreement")
router.register("milestones", MilestoneViewSet, basename="milestone")
router.register("acceptance-reviews", AcceptanceReviewViewSet, basename="acceptance-review")

urlpatterns = [
    path("auth/login/", LoginView.as_view(), name="auth-login"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/register/", RegisterView.as_view(), name="auth-register"),
    path("auth/me/", MeView.as_view(), name="auth-me"),
    path("auth/csrf/", CsrfView.as_view(), name="auth-csrf"),
    path("auth/tokens/", TokenListView.as_view(), name="auth-tokens"),
    re_path(
        r"^auth/tokens/(?P<token_id>[A-Za-z0-9_-]{1,25})/$",
        TokenDetailView.as_view(),
        name="auth-token-detail",
    ),
    path("config/", ClientConfigView.as_view(), name="client-config"),
    path("users/search/", UserSearchView.as_view(), name="user-search"),
    # Organisers' statistics (the charts of the contest's statistics tab)
    path(
        "contests/<int:pk>/statistics/registrations/",
        RegistrationStatisticsView.as_view(),
        name="contest-statistics-registrations",
    ),
    path(
        "contests/<int:pk>/statistics/entries/",
        EntryStatisticsView.as_view(),
        name="contest-statistics-entries",
    ),
    path(
        "stages/<int:pk>/statistics/scores/",
        ScoreStatisticsView.as_view(),
        name="stage-statistics-scores",
    ),
    path(
        "stages/<int:pk>/statistics/judges/",
        JudgeStatisticsView.as_view(),
        name="stage-statistics-judges",
    ),
    path(
        "entry-files/<int:pk>/download/",
        EntryFileDownloadView.as_view(),
        name="entry-file-download",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(url_name="schema"), name="docs"),
    path("contests/<int:pk>/audit-verify/", AuditVerifyView.as_view(), name="audit-verify"),
    path("stages/<int:pk>/result-settings/", ResultSettingsView.as_view(), name="result-settings"),
    path("stages/<int:pk>/results/compute/", ResultsComputeView.as_view(), name="results-compute"),
    path("stages/<int:pk>/results/publish/", PublishView.as_view(), name="results-publish"),
    path(
        "stages/<int:pk>/results/correction/",
        CorrectionView.as_view(),
        name="results-correction",
    ),
    path("stages/<int:pk>/results/", ResultListView.as_view(), name="results-list"),
    path(
        "stages/<int:pk>/results/freshness/",
        ResultsFreshnessView.as_view(),
        name="results-freshness",
    ),
    path(
        "stages/<int:pk>/results/recompute/",
        ResultsRecomputeView.as_view(),
        name="results-recompute",
    ),
    path("stages/<int:pk>/consistency/", ConsistencyView.as_view(), name="results-consistency"),
    path("stages/<int:pk>/overrides/", OverrideView.as_view(), name="results-overrides"),
    path(
        "stages/<int:pk>/snapshots/",
        public_cached("results-snapshots")(SnapshotListView.as_view()),
        name="results-snapshots",
    ),
    path("stages/<int:pk>/promotions/", PromotionView.as_view(), name="results-promotions"),
    path("stages/<int:pk>/scores-export/", ScoresExportView.as_view(), name="scores-export"),
    path("stages/<int:pk>/notary-export.zip", NotaryExportView.as_view(), name="notary-export"),
    path(
        "contests/<int:pk>/recommendations/",
        RecommendationView.as_view(),
        name="contest-recommendations",
    ),
    path(
        "stages/<int:stage_id>/assignment/",
        AssignmentRuleView.as_view(),
        name="stage-assignment-rule",
    ),
    path(
        "stages/<int:stage_id>/assignment/short-entries/",
        ShortEntriesView.as_view(),
        name="stage-assignment-short-entries",
    ),
    path(
        "stages/<int:stage_id>/assignment/feasibility/",
        FeasibilityView.as_view(),
        name="stage-assignment-feasibility",
    ),
    path(
        "stages/<int:stage_id>/assignment/runs/",
        RunCreateView.as_view(),
        name="stage-assignment-runs",
    ),
    path(
        "stages/<int:stage_id>/assignment/roadshow/",
        RoadshowAllView.as_view(),
        name="stage-assignment-roadshow",
    ),
    path(
        "stages/<int:stage_id>/assignments/",
        StageAssignmentsView.as_view(),
        name="stage-assignments",
    ),
    path(
        "stages/<int:stage_id>/anonymity-check/",
        AnonymityCheckView.as_view(),
        name="stage-anonymity-check",
    ),
    path("stages/<int:stage_id>/redactions/", RedactionView.as_view(), name="stage-redactions"),
    path(
        "stages/<int:stage_id>/judge-progress/",
        JudgeProgressView.as_view(),
        name="stage-judge-progress",
    ),
    path("assignment-runs/<int:pk>/", RunDetailView.as_view(), name="assignment-run-detail"),
    path("assignments/<int:pk>/", AssignmentDetailView.as_view(), name="assignment-detail"),
    path("assignments/<int:pk>/swap/", AssignmentSwapView.as_view(), name="assignment-swap"),
    path(
        "certificates/verify/<str:serial>/",
        public_cached("certificate-verify")(CertificateVerifyView.as_view()),
        name="certificate-verify",
    ),
    path(
        "certificates/verify-pdf/",
        CertificatePdfVerifyView.as_view(),
        name="certificate-verify-pdf",
    ),
    path("certificates/issuer/", CertificateIssuerView.as_view(), name="certificate-issuer"),
    path(
        "certificates/status/<int:number>/",
        public_cached("certificate-status-list")(CertificateStatusListView.as_view()),
        name="certificate-status-list",
    ),
    path(
        "contests/<int:pk>/certificate-template/",
        CertificateTemplateView.as_view(),
        name="certificate-template",
    ),
    path(
        "contests/<int:pk>/award-settings/",
        AwardSettingsView.as_view(),
        name="award-settings",
    ),
    path(
        "contests/<int:pk>/certificates/issue/",
        CertificateIssueView.as_view(),
        name="certificates-issue",
    ),
    path(
        "contests/<int:pk>/certificates.zip",
        CertificateZipView.as_view(),
        name="certificates-zip",
    ),
    path(
        "objection-files/<int:pk>/download/",
        ObjectionFileDownloadView.as_view(),
        name="objection-file-download",
    ),
    path("notifications/preferences/", PreferencesView.as_view(), name="notification-preferences"),
    path("notifications/unsubscribe/", UnsubscribeView.as_view(), name="notification-unsubscribe"),
    path(
        "notifications/sms-reports/<str:token>/",
        SmsReportView.as_view(),
        name="notification-sms-reports",
    ),
    path(
        "contests/<int:pk>/notification-stats/",
        DeliveryStatsView.as_view(),
        name="notification-stats",
    ),
    path(
        "contests/<int:pk>/notifications/resend/",
        ResendView.as_view(),
        name="notification-resend",
    ),
    path(
        "contests/<int:pk>/announcements/",
        AnnouncementView.as_view(),
        name="contest-announcements",
    ),
    path(
        "contests/<int:pk>/notification-templates/",
        TemplateListView.as_view(),
        name="notification-templates",
    ),
    path(
        "contests/<int:pk>/notification-templates/<str:event>/<str:language>/",
        TemplateDetailView.as_view(),
        name="notification-template",
    ),
    path(
        "contests/<int:pk>/notification-templates/<str:event>/<str:language>/preview/",
        TemplatePreviewView.as_view(),
        name="notification-template-preview",
    ),
    path(
        "stages/<int:stage_id>/formal-check/checklist/",
        MaterialChecklistView.as_view(),
        name="formal-check-checklist",
    ),
    path(
        "stages/<int:stage_id>/formal-check/queue/",
        FormalQueueView.as_view(),
        name="formal-check-queue",
    ),
    path(
        "stages/<int:stage_id>/formal-check/pass-bulk/",
        FormalBulkPassView.as_view(),
        name="formal-check-pass-bulk",
    ),
    path(
        "entries/<int:entry_id>/formal-check/",
        FormalDecisionView.as_view(),
        name="formal-check-decision",
    ),
    # 揭榜挂帅 after the win: files of agreements, statistics per publisher
    path(
        "milestone-deliverables/<int:pk>/file/",
        DeliverableFileView.as_view(),
        name="milestone-deliverable-file",
    ),
    path("payments/<int:pk>/proof/", PaymentProofView.as_view(), name="payment-proof"),
    path(
        "contests/<int:pk>/statistics/agreements/",
        AgreementStatisticsView.as_view(),
        name="agreement-statistics",
    ),
    # 评榜 by publishers: weight, publisher reviewers, their assignments (organisers)
    path(
        "stages/<int:stage_id>/publisher-weight/",
        PublisherWeightView.as_view(),
        name="stage-publisher-weight",
    ),
    path(
        "stages/<int:stage_id>/publisher-reviewers/",
        PublisherReviewerView.as_view(),
        name="stage-publisher-reviewers",
    ),
    path(
        "stages/<int:stage_id>/publisher-assignments/",
        PublisherAssignmentView.as_view(),
        name="stage-publisher-assignments",
    ),
    # The contest workspace: phases, checklist and next action (organisers)
    path("contests/<int:pk>/readiness/", ContestReadinessView.as_view(), name="contest-readiness"),
    # The organiser's report to government: figures, workbook and PDF
    path("contests/<int:pk>/report/", ContestReportView.as_view(), name="contest-report"),
    path(
        "contests/<int:pk>/report/xlsx/",
        ContestReportXlsxView.as_view(),
        name="contest-report-xlsx",
    ),
    path(
        "contests/<int:pk>/report/pdf/", ContestReportPdfView.as_view(), name="contest-report-pdf"
    ),
    # The expert pool (专家库) and the expert draw (organisers); a drawn expert's own link
    path("contests/<int:pk>/experts/", ContestExpertsView.as_view(), name="contest-experts"),
    path(
        "contests/<int:pk>/expert-template/", ExpertTemplateView.as_view(), name="expert-template"
    ),
    path("contests/<int:pk>/expert-import/", ExpertImportView.as_view(), name="expert-import"),
    path("experts/<int:pk>/", ExpertDetailView.as_view(), name="expert-detail"),
    path(
        "stages/<int:stage_id>/expert-draws/",
        StageExpertDrawsView.as_view(),
        name="stage-expert-draws",
    ),
    path("expert-draws/<int:pk>/", ExpertDrawDetailView.as_view(), name="expert-draw-detail"),
    path(
        "expert-draws/<int:pk>/verify/", ExpertDrawVerifyView.as_view(), name="expert-draw-verify"
    ),
    path(
        "expert-draw-picks/<int:pk>/appointment-letter/",
        ExpertPickLetterView.as_view(),
        name="expert-pick-letter",
    ),
    path(
        "expert-invitations/<str:token>/",
        ExpertInvitationView.as_view(),
        name="expert-invitation",
    ),
    path(
        "expert-invitations/<str:token>/confirm/",
        ExpertInvitationConfirmView.as_view(),
        name="expert-invitation-confirm",
    ),
    path(
        "expert-invitations/<str:token>/decline/",
        ExpertInvitationDeclineView.as_view(),
        name="expert-invitation-decline",
    ),
    path(
        "expert-invitations/<str:token>/appointment-letter/",
        ExpertInvitationLetterView.as_view(),
        name="expert-invitation-letter",
    ),
    # The national contest's inbox of recommendations from its sub-contests; carried entries
    path(
        "contests/<int:pk>/recommendations/received/",
        RecommendationInboxView.as_view(),
        name="recommendation-inbox",
    ),
    path(
        "contests/<int:pk>/recommendations/dashboard/",
        RecommendationDashboardView.as_view(),
        name="recommendation-dashboard",
    ),
    path(
        "contests/<int:pk>/recommendation-quotas/",
        RecommendationQuotasView.as_view(),
        name="recommendation-quotas",
    ),
    path(
        "recommendations/<int:pk>/accept/",
        RecommendationAcceptView.as_view(),
        name="recommendation-accept",
    ),
    path(
        "recommendations/<int:pk>/return/",
        RecommendationReturnView.as_view(),
        name="recommendation-return",
    ),
    path(
        "entries/<int:pk>/carry-confirm/",
        EntryCarryConfirmView.as_view(),
        name="entry-carry-confirm",
    ),
    # The live final (路演): console, judges' phones, the public state and the paper
    path("", include("api.live_urls")),
    # Explicit paths come before the router's, e.g. `certificates/verify/…` and
    # `certificates/issuer/` must not be taken for a certificate id.
    path("", include(public_reads(router.urls))),
    # Anything else under /api/ (a non-numeric id included) is the envelope's 404, also with
    # DEBUG on. Only paths ending in "/", so that APPEND_SLASH still redirects the others here.
    # csrf_exempt: a POST with a session cookie to no route is this 404, not CSRF's HTML 403.
    re_path(r"^.*/$", csrf_exempt(api_not_found), name="api-not-found"),
]
