import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contest.models import EntryFile
from tests.factories.contest import EntryFactory, UserFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def admin_client(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client, admin


@pytest.mark.parametrize(
    "model",
    ["contest", "challenge", "team", "entry", "entryfile", "organisation", "user", "invitation"],
)
def test_admin_changelist_renders_in_chinese(admin_client, model):
    client, _ = admin_client
    EntryFactory()
    response = client.get(reverse(f"admin:contest_{model}_changelist"))
    assert response.status_code == 200
    assert "赛务 Saiwu 管理后台" in response.content.decode()


def test_admin_entry_file_upload_uses_the_api_check(admin_client):
    client, admin = admin_client
    entry = EntryFactory()
    response = client.post(
        reverse("admin:contest_entryfile_add"),
        {
            "entry": entry.pk,
            "kind": "plan",
            "uploaded_by": admin.pk,
            "file": SimpleUploadedFile("plan.pdf", PNG, content_type="application/pdf"),
        },
    )
    assert response.status_code == 200
    assert "file_type_not_allowed" not in response.content.decode()
    assert "与文件名扩展名（.pdf）不符" in response.content.decode()
    assert EntryFile.objects.count() == 0


def test_admin_entry_file_upload_accepts_real_pdf(admin_client):
    client, admin = admin_client
    entry = EntryFactory()
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = client.post(
        reverse("admin:contest_entryfile_add"),
        {
            "entry": entry.pk,
            "kind": "plan",
            "uploaded_by": admin.pk,
            "file": SimpleUploadedFile("方案.pdf", pdf, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    stored = EntryFile.objects.get()
    assert (stored.version, stored.file_type, stored.size, stored.original_name) == (
        1,
        "pdf",
        len(pdf),
        "方案.pdf",
    )


# The admin changes nothing that a service owns (phase rules, conflicts, the audit chain) --------


def _window_inputs(html: str) -> list[str]:
    return [
        name
        for name in ("submission_opens_at", "submission_closes_at", "review_opens_at")
        if f'name="stages-0-{name}_0"' in html
    ]


def test_admin_stage_windows_read_only_once_the_contest_is_published(admin_client):
    from contest.enums import ContestStatus
    from tests.factories.contest import ContestFactory, StageFactory

    client, _ = admin_client
    published = ContestFactory(status=ContestStatus.REGISTRATION_OPEN)
    draft = ContestFactory(status=ContestStatus.DRAFT)
    StageFactory(contest=published, order=1)
    StageFactory(contest=draft, order=1)

    published_page = client.get(reverse("admin:contest_contest_change", args=[published.pk]))
    draft_page = client.get(reverse("admin:contest_contest_change", args=[draft.pk]))

    assert (published_page.status_code, draft_page.status_code) == (200, 200)
    assert _window_inputs(published_page.content.decode()) == []
    assert _window_inputs(draft_page.content.decode()) == [
        "submission_opens_at",
        "submission_closes_at",
        "review_opens_at",
    ]


def test_admin_submitted_entry_cannot_change_nor_get_files(admin_client):
    from contest.enums import EntryStatus

    client, admin = admin_client
    entry = EntryFactory(status=EntryStatus.SUBMITTED)
    before = (entry.title, EntryFile.objects.count())

    change = client.post(
        reverse("admin:contest_entry_change", args=[entry.pk]), {"title": "改过的标题"}
    )
    upload = client.post(
        reverse("admin:contest_entryfile_add"),
        {
            "entry": entry.pk,
            "kind": "plan",
            "uploaded_by": admin.pk,
            "file": SimpleUploadedFile("plan.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )

    entry.refresh_from_db()
    assert change.status_code == 403
    assert upload.status_code == 200 and "作品已提交" in upload.content.decode()
    assert (entry.title, EntryFile.objects.count()) == before


@pytest.mark.parametrize(
    "model",
    [
        "assignment",
        "conflict",
        "panelmembership",
        "rubric",
        "review",
        "materialchecklist",
        "formalcheckdecision",
    ],
)
def test_admin_judging_records_are_view_only(admin_client, model):
    client, _ = admin_client

    add = client.get(reverse(f"admin:judging_{model}_add"))
    listing = client.get(reverse(f"admin:judging_{model}_changelist"))

    assert (add.status_code, listing.status_code) == (403, 200)


@pytest.mark.parametrize(
    "model",
    [
        "award",
        "awardtier",
        "awardsettings",
        "notice",
        "objection",
        "certificate",
        "certificatebatch",
        "certificatetemplate",
    ],
)
def test_admin_award_records_listed_in_chinese_and_view_only(admin_client, model):
    """Every award-side record an organiser asks about is in the back office, and none can be
    added there: only the services (公示, corrections, the audit chain) write them."""
    client, _ = admin_client
    listing = client.get(reverse(f"admin:awards_{model}_changelist"))
    add = client.get(reverse(f"admin:awards_{model}_add"))
    assert (listing.status_code, add.status_code) == (200, 403)
    assert "赛务 Saiwu 管理后台" in listing.content.decode()


def test_admin_calendar_preloaded_and_editable(admin_client):
    from awards.models import CalendarDay

    client, _ = admin_client
    day = CalendarDay.objects.get(date="2026-10-01")
    listing = client.get(reverse("admin:awards_calendarday_changelist") + "?date__year=2026")
    assert listing.status_code == 200 and "国庆节 National Day" in listing.content.decode()
    change = client.post(
        reverse("admin:awards_calendarday_change", args=[day.pk]),
        {"date": "2026-10-01", "kind": "holiday", "name": "国庆节"},
    )
    assert change.status_code == 302
    day.refresh_from_db()
    assert day.name == "国庆节"
