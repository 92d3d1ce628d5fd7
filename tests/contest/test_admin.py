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
