"""Certificates (获奖证书): a template per contest, issued certificates, and issuing batches."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from awards.enums import BatchStatus, CertificateRole, CertificateStatus


def template_upload_to(instance, filename: str) -> str:
    """The service names the file `<background|seal>-<sha256>.<ext>` after checking it."""
    return f"{instance.contest.code}/certificates/template/{filename}"


def certificate_pdf_upload_to(instance, filename: str) -> str:
    from contest.files import hashed_upload_path

    return hashed_upload_path(instance.contest.code, "certificates", "pdf", instance, filename)


class CertificateTemplate(models.Model):
    """How a contest's certificates look and who issues them. Positions are fractions of the page
    (origin bottom left), keys of `awards.certificates.render.CertificateLayout`."""

    contest = models.OneToOneField(
        "contest.Contest", on_delete=models.CASCADE, related_name="certificate_template"
    )
    title = models.CharField("标题 Title", max_length=32, default="荣誉证书")
    subtitle = models.CharField(
        "副标题 Subtitle", max_length=64, blank=True, default="CERTIFICATE OF HONOR"
    )
    issuing_bodies = models.JSONField(
        "颁发单位 Issuing bodies", default=list, blank=True, help_text='["省人社厅", "省人才办"]'
    )
    wording_team = models.TextField("团队证书措辞 Team wording", blank=True)
    wording_member = models.TextField("成员证书措辞 Member wording", blank=True)
    wording_advisor = models.TextField("指导老师证书措辞 Advisor wording", blank=True)
    positions = models.JSONField("版式位置 Field positions", default=dict, blank=True)
    background = models.FileField(
        "底图 Background", upload_to=template_upload_to, blank=True, max_length=300
    )
    background_sha256 = models.CharField(max_length=64, blank=True)
    seal = models.FileField("印章 Seal", upload_to=template_upload_to, blank=True, max_length=300)
    seal_sha256 = models.CharField(max_length=64, blank=True)
    # A seal is printed only once the organiser confirmed the right to use it (who and when; the
    # confirmation is on the audit chain too). Uploading a new seal asks again.
    seal_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="印章使用权确认人 Seal right confirmed by",
    )
    seal_confirmed_at = models.DateTimeField(
        "印章使用权确认时间 Seal right confirmed at", null=True, blank=True
    )
    serial_prefix = models.CharField(
        "编号前缀 Serial prefix",
        max_length=16,
        blank=True,
        help_text="e.g. SJYS; empty: the contest code's letters and digits, upper-cased",
    )
    issue_date = models.DateField("落款日期 Issue date", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = (
            "judging_certificatetemplate"  # created by the judging app; kept when awards split out
        )
        verbose_name = "证书模板 Certificate template"
        verbose_name_plural = "证书模板 Certificate templates"
        constraints = [
            # serials are unique across the platform, so their prefixes are too
            models.UniqueConstraint(
                fields=["serial_prefix"],
                condition=~Q(serial_prefix=""),
                name="uniq_certificate_template_serial_prefix",
            )
        ]

    def __str__(self):
        return f"{self.contest} · {self.title}"

    @property
    def seal_usable(self) -> bool:
        """Uploaded by the organiser and the right to use it confirmed: only then is it drawn."""
        return bool(self.seal) and self.seal_confirmed_at is not None


class CertificateBatch(models.Model):
    """One run of issuing a contest's certificates; the organiser polls `done` of `total`."""

    contest = models.ForeignKey(
        "contest.Contest", on_delete=models.CASCADE, related_name="certificate_batches"
    )
    status = models.CharField(
        max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    issued = models.PositiveIntegerField(default=0, help_text="New certificates in this run")
    failed = models.PositiveIntegerField(default=0, help_text="Rows that could not be issued")
    skipped = models.PositiveIntegerField(
        default=0, help_text="Rows issued meanwhile by another run"
    )
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Liveness of the run: the worker holding `claimed_by` bumps `heartbeat_at` as rows are issued;
    # an unfinished batch whose heartbeat is older than CERTIFICATE_BATCH_STALE_SECONDS is dead and
    # is taken over (awards.services.certificate_batch).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True, help_text="Task id of the live run")

    class Meta:
        db_table = (
            "judging_certificatebatch"  # created by the judging app; kept when awards split out
        )
        verbose_name = "证书批次 Certificate batch"
        verbose_name_plural = "证书批次 Certificate batches"
        ordering = ["-created_at", "-id"]


class Certificate(models.Model):
    """One issued certificate. The printed facts are frozen here at issue and signed (Ed25519 over
    `awards.certificates.signing.certificate_content` of these fields); status is not signed. The
    serial is `awards.certificates.serials` (random part and check character; older rows keep
    their sequential serials)."""

    contest = models.ForeignKey(
        "contest.Contest", on_delete=models.PROTECT, related_name="certificates"
    )
    award = models.ForeignKey("awards.Award", on_delete=models.PROTECT, related_name="certificates")
    batch = models.ForeignKey(
        CertificateBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    seq = models.PositiveIntegerField()
    serial = models.CharField("证书编号 Serial", max_length=40, unique=True)
    recipient_role = models.CharField(max_length=16, choices=CertificateRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    team = models.ForeignKey(
        "contest.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    recipient_name = models.CharField(max_length=200)
    team_name = models.CharField(max_length=200, blank=True)
    award_name = models.CharField(max_length=64)
    contest_name = models.CharField(max_length=200)
    track_name = models.CharField(max_length=100, blank=True)
    issue_date = models.DateField()
    issuing_bodies = models.JSONField(default=list, blank=True)
    signature = models.CharField(max_length=128)
    status = models.CharField(
        max_length=16, choices=CertificateStatus.choices, default=CertificateStatus.ISSUED
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.TextField(blank=True)
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        help_text="The revoked certificate this one replaces (same award or its successor, "
        "same person)",
    )
    pdf = models.FileField(upload_to=certificate_pdf_upload_to, blank=True, max_length=300)
    sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    # Where the badge's revocation bit is: list `index // 131072`, bit `index % 131072`
    # (awards.certificates.status_list); drawn at random at issue.
    status_list_index = models.PositiveIntegerField(
        "状态列表位置 Status list index", null=True, blank=True, unique=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "judging_certificate"  # created by the judging app; kept when awards split out
        verbose_name = "获奖证书 Certificate"
        verbose_name_plural = "获奖证书 Certificates"
        ordering = ["contest", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "seq"], name="uniq_certificate_seq"),
            # Idempotent issuing: one certificate per award and person …
            models.UniqueConstraint(
                fields=["award", "user"],
                condition=Q(user__isnull=False, status="issued"),
                name="uniq_certificate_award_user",
            ),
            # … and one per award for the team (or organisation) itself.
            models.UniqueConstraint(
                fields=["award", "recipient_role"],
                condition=Q(recipient_role__in=["team", "organisation"], status="issued"),
                name="uniq_certificate_award_team",
            ),
            models.CheckConstraint(
                condition=Q(recipient_role__in=["team", "organisation"]) | Q(user__isnull=False),
                name="certificate_person_has_user",
            ),
        ]

    def __str__(self):
        return f"{self.serial} {self.recipient_name}"
