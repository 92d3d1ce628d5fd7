import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contest.enums import ContestRoleKind
from contest.models import Track
from tests.factories.contest import ContestFactory, ContestRoleFactory, TrackFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def track_and_organiser():
    contest = ContestFactory(code="sjys-js")
    organiser = UserFactory()
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRoleKind.ORGANISER)
    return TrackFactory(contest=contest, code="industry"), organiser


def test_track_guide_upload_stores_checked_file(client_for, track_and_organiser):
    track, organiser = track_and_organiser
    response = client_for(organiser).post(
        f"/api/tracks/{track.pk}/guide/",
        {"file": SimpleUploadedFile("工业制造赛题指南.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    name = Track.objects.get(pk=track.pk).guide_file.name
    assert name.startswith("sjys-js/guides/industry/") and name.endswith(".pdf")
    assert "赛题指南" not in name


def test_track_guide_disguised_file_refused(client_for, track_and_organiser):
    track, organiser = track_and_organiser
    response = client_for(organiser).post(
        f"/api/tracks/{track.pk}/guide/",
        {"file": SimpleUploadedFile("guide.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 40)},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "file_content_mismatch"
    assert Track.objects.get(pk=track.pk).guide_file.name == ""


def test_track_guide_upload_by_non_organiser_refused(client_for, track_and_organiser):
    track, _ = track_and_organiser
    response = client_for(UserFactory()).post(
        f"/api/tracks/{track.pk}/guide/",
        {"file": SimpleUploadedFile("g.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert Track.objects.get(pk=track.pk).guide_file.name == ""
