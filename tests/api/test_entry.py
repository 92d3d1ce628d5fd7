"""Entries (作品): checked and versioned uploads, the submission window, submit, withdraw, download."""

import datetime
import hashlib
import os

import pytest
from django.utils import timezone

from contest.enums import EntryStatus, MemberRole
from contest.models import Entry, EntryFile
from tests.api.helpers import (
    EXE_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    RANDOM_BYTES,
    assert_error,
    docx_bytes,
    ids,
    row_counts,
    upload,
)
from tests.factories.contest import EntryFactory, StageFactory, TeamFactory, TeamMemberFactory

URL = "/api/entries/"


@pytest.fixture
def entry(team, stage):
    return EntryFactory(team=team, stage=stage, title="城市数据融合平台")


def _upload(client, entry, name, content, kind="plan"):
    return client.post(
        f"{URL}{entry.pk}/files/", {"kind": kind, "file": upload(name, content)}, format="multipart"
    )


def _stored_files(settings) -> list[str]:
    found = []
    for root, _, names in os.walk(settings.MEDIA_ROOT):
        found.extend(os.path.join(root, n) for n in names)
    return found


def _close_window(stage):
    stage.submission_closes_at = timezone.now() - datetime.timedelta(seconds=1)
    stage.save()


def _with_plan(entry, user):
    EntryFile.objects.create(
        entry=entry,
        kind="plan",
        version=1,
        file="x/plan.pdf",
        original_name="plan.pdf",
        file_type="pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=user,
    )
    return entry


# Creating and editing -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["captain", "member"])
def test_entry_create_by_team(client_for, request, team, stage, role):
    user = request.getfixturevalue(role)
    response = client_for(user).post(
        URL, {"team": team.pk, "stage": stage.pk, "title": "作品", "tags": ["交通", "数据"]}
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["team_code"], body["tags"], body["files"]) == (
        "draft",
        team.code,
        ["交通", "数据"],
        [],
    )


@pytest.mark.parametrize("role", ["advisor", "organiser"])
def test_entry_create_read_only_roles_refused(client_for, request, team, stage, role):
    user = request.getfixturevalue(role)
    before = row_counts()
    response = client_for(user).post(URL, {"team": team.pk, "stage": stage.pk, "title": "作品"})
    assert_error(response, 403, "not_permitted")
    assert row_counts() == before


def test_entry_create_other_team_404(client_for, contest, team, stage):
    rival = TeamFactory(contest=contest)
    before = row_counts()
    response = client_for(rival.captain).post(
        URL, {"team": team.pk, "stage": stage.pk, "title": "x"}
    )
    assert_error(response, 404, "not_found")
    assert row_counts() == before


def test_entry_create_stage_of_other_contest(client_for, captain, team, other_contest):
    foreign = StageFactory(contest=other_contest)
    before = row_counts()
    response = client_for(captain).post(URL, {"team": team.pk, "stage": foreign.pk, "title": "x"})
    assert_error(response, 400, "stage_not_in_contest")
    assert row_counts() == before


def test_entry_create_second_for_stage(client_for, captain, entry):
    before = row_counts()
    response = client_for(captain).post(
        URL, {"team": entry.team_id, "stage": entry.stage_id, "title": "又一个"}
    )
    assert_error(response, 409, "entry_exists")
    assert row_counts() == before


def test_entry_create_window_closed(client_for, captain, team, stage):
    _close_window(stage)
    before = row_counts()
    response = client_for(captain).post(URL, {"team": team.pk, "stage": stage.pk, "title": "x"})
    assert_error(response, 409, "submission_closed")
    assert row_counts() == before


def test_entry_create_window_not_open(client_for, captain, team, stage):
    stage.submission_opens_at = timezone.now() + datetime.timedelta(days=1)
    stage.save()
    response = client_for(captain).post(URL, {"team": team.pk, "stage": stage.pk, "title": "x"})
    assert_error(response, 409, "submission_not_open")


def test_entry_update_member(client_for, member, entry):
    response = client_for(member).patch(f"{URL}{entry.pk}/", {"summary": "融合12类城市数据"})
    assert response.status_code == 200
    assert Entry.objects.get(pk=entry.pk).summary == "融合12类城市数据"


def test_entry_update_advisor_refused(client_for, advisor, entry):
    assert_error(
        client_for(advisor).patch(f"{URL}{entry.pk}/", {"title": "x"}), 403, "not_permitted"
    )
    assert Entry.objects.get(pk=entry.pk).title == "城市数据融合平台"


def test_entry_update_late(client_for, captain, entry, stage):
    _close_window(stage)
    response = client_for(captain).patch(f"{URL}{entry.pk}/", {"title": "截止后修改"})
    body = assert_error(response, 409, "submission_closed")
    assert body["message_en"].startswith("Submissions closed at ")
    assert Entry.objects.get(pk=entry.pk).title == "城市数据融合平台"


def test_entry_update_submitted_refused(client_for, captain, entry):
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.SUBMITTED)
    response = client_for(captain).patch(f"{URL}{entry.pk}/", {"title": "x"})
    assert_error(response, 409, "entry_not_draft")
    assert Entry.objects.get(pk=entry.pk).title == "城市数据融合平台"


# Files --------------------------------------------------------------------------------------


def test_entry_file_upload_pdf(client_for, member, entry, settings):
    response = _upload(client_for(member), entry, "我的方案.pdf", PDF_BYTES)
    assert response.status_code == 201
    body = response.json()
    digest = hashlib.sha256(PDF_BYTES).hexdigest()
    assert (body["kind"], body["version"], body["is_current"], body["file_type"]) == (
        "plan",
        1,
        True,
        "pdf",
    )
    assert (body["sha256"], body["size"], body["original_name"]) == (
        digest,
        len(PDF_BYTES),
        "我的方案.pdf",
    )
    stored = EntryFile.objects.get(pk=body["id"])
    assert stored.file.name == f"{entry.team.contest.code}/entries/{entry.team.code}/{digest}.pdf"
    assert stored.uploaded_by == member
    with stored.file.open("rb") as handle:
        assert handle.read() == PDF_BYTES


def test_entry_file_upload_second_version(client_for, captain, entry):
    client = client_for(captain)
    first = _upload(client, entry, "plan.pdf", PDF_BYTES).json()
    second_content = docx_bytes()
    second = _upload(client, entry, "plan-v2.docx", second_content).json()
    assert (second["version"], second["is_current"], second["file_type"]) == (2, True, "docx")
    assert second["sha256"] == hashlib.sha256(second_content).hexdigest()
    assert EntryFile.objects.get(pk=first["id"]).is_current is False
    detail = client.get(f"{URL}{entry.pk}/").json()
    assert [(f["kind"], f["version"]) for f in detail["files"]] == [("plan", 2)]
    versions = client.get(f"{URL}{entry.pk}/file-versions/").json()
    assert [(f["version"], f["is_current"]) for f in versions] == [(2, True), (1, False)]


def test_entry_file_upload_other_kind_own_versions(client_for, captain, entry):
    client = client_for(captain)
    _upload(client, entry, "plan.pdf", PDF_BYTES)
    slides = _upload(client, entry, "slides.pdf", PDF_BYTES, kind="slides").json()
    assert slides["version"] == 1
    assert sorted(
        EntryFile.objects.filter(entry=entry, is_current=True).values_list("kind", flat=True)
    ) == [
        "plan",
        "slides",
    ]


@pytest.mark.parametrize(
    ("name", "content", "kind", "code"),
    [
        ("plan.pdf", PNG_BYTES, "plan", "file_content_mismatch"),
        ("photo.pdf", PNG_BYTES, "other", "file_content_mismatch"),
        ("plan.docx", PDF_BYTES, "plan", "file_content_mismatch"),
        ("setup.exe", EXE_BYTES, "other", "file_type_not_allowed"),
        ("plan.pdf", EXE_BYTES, "plan", "file_type_not_allowed"),
        ("plan.pdf", RANDOM_BYTES, "plan", "file_type_not_allowed"),
        ("photo.png", PNG_BYTES, "plan", "file_type_not_allowed"),
        ("plan.pdf", PDF_BYTES, "video", "file_type_not_allowed"),
        ("plan.pdf", b"", "plan", "file_empty"),
    ],
    ids=[
        "png-named-pdf",
        "png-named-pdf-other",
        "pdf-named-docx",
        "exe",
        "exe-named-pdf",
        "random-bytes",
        "png-as-plan",
        "pdf-as-video",
        "empty",
    ],
)
def test_entry_file_upload_refused(client_for, captain, entry, settings, name, content, kind, code):
    before = row_counts()
    body = assert_error(_upload(client_for(captain), entry, name, content, kind), 400, code)
    assert body["fields"] == {"file": [code]}
    assert row_counts() == before
    assert _stored_files(settings) == []


def test_entry_file_upload_mismatch_message(client_for, captain, entry):
    body = assert_error(
        _upload(client_for(captain), entry, "plan.pdf", PNG_BYTES), 400, "file_content_mismatch"
    )
    assert body["message_zh"] == "文件内容（png）与文件名扩展名（.pdf）不符。"
    assert body["message_en"] == "The file's content (png) does not match its name (.pdf)."


def test_entry_file_upload_too_large(client_for, captain, entry, settings):
    settings.ENTRY_FILE_MAX_BYTES = len(PDF_BYTES) - 1
    before = row_counts()
    body = assert_error(
        _upload(client_for(captain), entry, "plan.pdf", PDF_BYTES), 400, "file_too_large"
    )
    assert body["fields"] == {"file": ["file_too_large"]}
    assert row_counts() == before
    assert _stored_files(settings) == []


def test_entry_file_upload_at_size_limit(client_for, captain, entry, settings):
    settings.ENTRY_FILE_MAX_BYTES = len(PDF_BYTES)
    assert _upload(client_for(captain), entry, "plan.pdf", PDF_BYTES).status_code == 201


def test_entry_file_upload_too_large_keeps_current_version(client_for, captain, entry, settings):
    client = client_for(captain)
    first = _upload(client, entry, "plan.pdf", PDF_BYTES).json()
    settings.ENTRY_FILE_MAX_BYTES = 10
    assert_error(_upload(client, entry, "plan.pdf", PDF_BYTES), 400, "file_too_large")
    assert list(EntryFile.objects.filter(entry=entry).values_list("pk", "is_current")) == [
        (first["id"], True)
    ]


def test_entry_file_upload_unknown_kind(client_for, captain, entry):
    before = row_counts()
    body = assert_error(
        _upload(client_for(captain), entry, "plan.pdf", PDF_BYTES, kind="poster"), 400, "invalid"
    )
    assert list(body["fields"]) == ["kind"]
    assert row_counts() == before


def test_entry_file_upload_late(client_for, captain, entry, stage, settings):
    _close_window(stage)
    before = row_counts()
    assert_error(
        _upload(client_for(captain), entry, "plan.pdf", PDF_BYTES), 409, "submission_closed"
    )
    assert row_counts() == before
    assert _stored_files(settings) == []


def test_entry_file_upload_advisor_refused(client_for, advisor, entry):
    before = row_counts()
    assert_error(_upload(client_for(advisor), entry, "plan.pdf", PDF_BYTES), 403, "not_permitted")
    assert row_counts() == before


def test_entry_file_upload_stranger_404(client_for, stranger, entry):
    before = row_counts()
    assert_error(_upload(client_for(stranger), entry, "plan.pdf", PDF_BYTES), 404, "not_found")
    assert row_counts() == before


def test_entry_file_upload_after_submit_refused(client_for, captain, entry):
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.SUBMITTED)
    before = row_counts()
    assert_error(_upload(client_for(captain), entry, "plan.pdf", PDF_BYTES), 409, "entry_not_draft")
    assert row_counts() == before


# Submit and withdraw ------------------------------------------------------------------------


def test_entry_submit_with_plan(client_for, captain, entry):
    client = client_for(captain)
    _upload(client, entry, "plan.pdf", PDF_BYTES)
    response = client.post(f"{URL}{entry.pk}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    entry.refresh_from_db()
    assert (entry.status, entry.submitted_at is not None) == ("submitted", True)


def test_entry_submit_without_plan(client_for, captain, entry):
    body = assert_error(
        client_for(captain).post(f"{URL}{entry.pk}/submit/"), 400, "entry_files_missing"
    )
    assert body["details"] == {"missing": ["plan"]}
    assert Entry.objects.get(pk=entry.pk).status == "draft"


def test_entry_submit_late(client_for, captain, entry, stage):
    _with_plan(entry, captain)
    _close_window(stage)
    assert_error(client_for(captain).post(f"{URL}{entry.pk}/submit/"), 409, "submission_closed")
    assert Entry.objects.get(pk=entry.pk).status == "draft"


def test_entry_submit_team_too_small(client_for, captain, contest, entry):
    contest.team_size_min = 3
    contest.save()
    TeamMemberFactory(team=entry.team, role=MemberRole.ADVISOR)  # advisors do not count
    _with_plan(entry, captain)
    body = assert_error(
        client_for(captain).post(f"{URL}{entry.pk}/submit/"), 409, "team_size_below_min"
    )
    assert body["details"] == {"problems": ["team_size_below_min:1<3"]}
    assert Entry.objects.get(pk=entry.pk).status == "draft"


def test_entry_submit_twice(client_for, captain, entry):
    _with_plan(entry, captain)
    client = client_for(captain)
    assert client.post(f"{URL}{entry.pk}/submit/").status_code == 200
    assert_error(client.post(f"{URL}{entry.pk}/submit/"), 409, "entry_not_draft")


def test_entry_submit_advisor_refused(client_for, advisor, captain, entry):
    _with_plan(entry, captain)
    assert_error(client_for(advisor).post(f"{URL}{entry.pk}/submit/"), 403, "not_permitted")
    assert Entry.objects.get(pk=entry.pk).status == "draft"


def test_entry_withdraw_captain(client_for, captain, entry):
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.SUBMITTED)
    response = client_for(captain).post(f"{URL}{entry.pk}/withdraw/")
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"
    entry.refresh_from_db()
    assert (entry.status, entry.withdrawn_at is not None) == ("withdrawn", True)


def test_entry_withdraw_member_refused(client_for, member, entry):
    assert_error(client_for(member).post(f"{URL}{entry.pk}/withdraw/"), 403, "not_permitted")
    assert Entry.objects.get(pk=entry.pk).status == "draft"


def test_entry_withdraw_twice(client_for, captain, entry):
    client = client_for(captain)
    assert client.post(f"{URL}{entry.pk}/withdraw/").status_code == 200
    assert_error(client.post(f"{URL}{entry.pk}/withdraw/"), 409, "entry_withdrawn")


def test_entry_withdrawn_cannot_change(client_for, captain, entry):
    Entry.objects.filter(pk=entry.pk).update(status=EntryStatus.WITHDRAWN)
    assert_error(
        client_for(captain).patch(f"{URL}{entry.pk}/", {"title": "x"}), 409, "entry_not_draft"
    )


# Download and visibility --------------------------------------------------------------------


@pytest.fixture
def stored_plan(client_for, captain, entry):
    body = _upload(client_for(captain), entry, "方案 v1.pdf", PDF_BYTES).json()
    return EntryFile.objects.get(pk=body["id"])


@pytest.mark.parametrize("role", ["captain", "member", "advisor", "organiser", "admin"])
def test_entry_file_download_allowed(client_for, request, stored_plan, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(f"/api/entry-files/{stored_plan.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == "attachment; filename*=UTF-8''%E6%96%B9%E6%A1%88%20v1.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ["stranger", "publisher", "other_organiser"])
def test_entry_file_download_hidden_404(client_for, request, stored_plan, role):
    user = request.getfixturevalue(role)
    assert_error(
        client_for(user).get(f"/api/entry-files/{stored_plan.pk}/download/"), 404, "not_found"
    )


def test_entry_file_download_other_teams_captain_404(client_for, contest, stored_plan):
    rival = TeamFactory(contest=contest).captain
    assert_error(
        client_for(rival).get(f"/api/entry-files/{stored_plan.pk}/download/"), 404, "not_found"
    )


def test_entry_file_download_anonymous_401(api_client, stored_plan):
    assert_error(
        api_client.get(f"/api/entry-files/{stored_plan.pk}/download/"), 401, "not_authenticated"
    )


def test_entry_detail_other_teams_captain_404(client_for, contest, entry):
    rival = TeamFactory(contest=contest).captain
    assert_error(client_for(rival).get(f"{URL}{entry.pk}/"), 404, "not_found")


def test_entry_list_team_sees_own(client_for, advisor, contest, entry, stage):
    EntryFactory(team=TeamFactory(contest=contest), stage=stage)
    assert ids(client_for(advisor).get(URL)) == [entry.pk]


def test_entry_list_organiser_sees_contest_only(
    client_for, organiser, contest, entry, stage, other_contest
):
    second = EntryFactory(team=TeamFactory(contest=contest), stage=stage)
    EntryFactory(team=TeamFactory(contest=other_contest))
    assert sorted(ids(client_for(organiser).get(URL))) == sorted([entry.pk, second.pk])


def test_entry_list_other_organiser_sees_none_of_ours(client_for, other_organiser, entry):
    assert ids(client_for(other_organiser).get(URL)) == []


def test_entry_list_anonymous_401(api_client, entry):
    assert_error(api_client.get(URL), 401, "not_authenticated")


@pytest.mark.parametrize("count", [1, 3])
def test_entry_list_query_count_constant(
    client_for, organiser, contest, stage, count, django_assert_num_queries
):
    for _ in range(count):
        entry = EntryFactory(team=TeamFactory(contest=contest), stage=stage)
        _with_plan(entry, entry.team.captain)
        EntryFile.objects.create(
            entry=entry,
            kind="slides",
            version=1,
            file="x/s.pdf",
            original_name="s.pdf",
            file_type="pdf",
            content_type="application/pdf",
            size=1,
            sha256="1" * 64,
            uploaded_by=entry.team.captain,
        )
    client = client_for(organiser)
    with django_assert_num_queries(3):  # count + page + current files
        response = client.get(URL)
    assert [len(r["files"]) for r in response.json()["results"]] == [2] * count
