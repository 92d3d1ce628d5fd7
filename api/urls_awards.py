from django.urls import path
from rest_framework.routers import SimpleRouter

from api.views.award import (
    AwardTierViewSet,
    AwardViewSet,
    CalendarDayViewSet,
    CertificateBatchViewSet,
    CertificateIssuerView,
    CertificateIssueView,
    CertificatePdfVerifyView,
    CertificateTemplateView,
    CertificateVerifyView,
    CertificateViewSet,
    CertificateZipView,
    NoticeViewSet,
    ObjectionFileDownloadView,
    ObjectionViewSet,
)

router = SimpleRouter()
router.register("award-tiers", AwardTierViewSet, basename="award-tier")
router.register("awards", AwardViewSet, basename="award")
router.register("notices", NoticeViewSet, basename="notice")
router.register("objections", ObjectionViewSet, basename="objection")
router.register("calendar-days", CalendarDayViewSet, basename="calendar-day")
router.register("certificate-batches", CertificateBatchViewSet, basename="certificate-batch")
router.register("certificates", CertificateViewSet, basename="certificate")

# Explicit paths first: `certificates/verify/…` and `certificates/issuer/` must not be taken for
# a certificate id.
urlpatterns = [
    path(
        "certificates/verify/<str:serial>/",
        CertificateVerifyView.as_view(),
        name="certificate-verify",
    ),
    path(
        "certificates/verify-pdf/",
        CertificatePdfVerifyView.as_view(),
        name="certificate-verify-pdf",
    ),
    path("certificates/issuer/", CertificateIssuerView.as_view(), name="certificate-issuer"),
    path(
        "contests/<int:pk>/certificate-template/",
        CertificateTemplateView.as_view(),
        name="certificate-template",
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
    *router.urls,
]
