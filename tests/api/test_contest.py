"""Contests, their lifecycle, tracks, groups and stages, as each role sees and changes them."""

import datetime
import io

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from openpyxl import load_workbook

from contest.enums import ContestRoleKind, ContestStatus
from contest.models import Contest, ContestRole, Stage, Track
from tests.api.helpers import assert_error, ids, results, row_counts
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    GroupFactory,
    StageFactory,
    TeamFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
)

LIFECYCLE = [
    "published",
    "registration_open",
    "registration_closed",
    "judging",
    "results",
    "finished",
]


@pytest.fixture
def draft(organiser, contest):
    """The organiser's contest, still a draft, with one stage."""
    contest.status = ContestStatus.DRAFT
    contest.save()
    StageFactory(contest=contest, order=1)
    return contest


def _new_contest_payload(**extra):
    return {
        "code": "sjys-js-2026",
        "name": "“数据要素×”大赛江苏分赛",
        "kind": "data_elements",
        "edition": "2026",
        "year": 2026,
        "entrant_kinds": ["enterprise", "university"],
        "joint_entries_allowed": True,
        **extra,
    }


# Creating -----------------------------------------------------------------------------------


def test_contest_create_staff_becomes_organiser(client_for, db):
    staff = UserFactory(is_staff=True)
    response = client_for(staff).post("/api/contests/", _new_contest_payload())
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["is_organiser"] is True
    assert body["entrant_kinds"] == ["enterprise", "university"]
    contest = Contest.objects.get(pk=body["id"])
    assert list(contest.roles.values_list("user_id", "role")) == [(staff.pk, "organiser")]


def test_contest_create_ordinary_user_refused(client_for, stranger):
    before = row_counts()
    assert_error(
        client_for(stranger).post("/api/contests/", _new_contest_payload()), 403, "not_permitted"
    )
    assert row_counts() == before


def test_contest_create_anonymous_refused(api_client, db):
    before = row_counts()
    assert_error(
        api_client.post("/api/contests/", _new_contest_payload()), 401, "not_authenticated"
    )
    assert row_counts() == before


def test_contest_create_team_size_range_invalid(client_for, admin):
    before = row_counts()
    response = client_for(admin).post(
        "/api/contests/", _new_contest_payload(team_size_min=6, team_size_max=3)
    )
    body = assert_error(response, 400, "team_size_range_invalid")
    assert body["message_en"] == "The minimum team size (6) exceeds the maximum (3)."
    assert row_counts() == before


def test_contest_update_team_size_range_invalid(client_for, organiser, contest):
    response = client_for(organiser).patch(f"/api/contests/{contest.pk}/", {"team_size_min": 9})
    assert_error(response, 400, "team_size_range_invalid")
    assert Contest.objects.get(pk=contest.pk).team_size_min == 1


def test_contest_create_unknown_entrant_kind(client_for, admin):
    before = row_counts()
    response = client_for(admin).post(
        "/api/contests/", _new_contest_payload(entrant_kinds=["alien"])
    )
    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["entrant_kinds"]
    assert row_counts() == before


def test_contest_update_organiser(client_for, organiser, contest):
    response = client_for(organiser).patch(
        f"/api/contests/{contest.pk}/", {"one_team_per_person": False, "advisors_max": 3}
    )
    assert response.status_code == 200
    contest.refresh_from_db()
    assert (contest.one_team_per_person, contest.advisors_max) == (False, 3)


def test_contest_update_other_organiser_refused(client_for, other_organiser, contest):
    response = client_for(other_organiser).patch(f"/api/contests/{contest.pk}/", {"name": "改名"})
    assert_error(response, 403, "not_permitted")
    contest.refresh_from_db()
    assert contest.name != "改名"


def test_contest_update_code_frozen_after_publishing(client_for, organiser, contest):
    response = client_for(organiser).patch(f"/api/contests/{contest.pk}/", {"code": "new-code"})
    assert_error(response, 409, "contest_code_frozen")
    assert Contest.objects.get(pk=contest.pk).code == contest.code


# Visibility ---------------------------------------------------------------------------------


def test_contest_list_public_excludes_drafts(api_client, draft):
    public = ContestFactory(status=ContestStatus.PUBLISHED)
    assert ids(api_client.get("/api/contests/")) == [public.pk]


def test_contest_detail_draft_anonymous_404(api_client, draft):
    assert_error(api_client.get(f"/api/contests/{draft.pk}/"), 404, "not_found")


def test_contest_detail_draft_stranger_404(client_for, stranger, draft):
    assert_error(client_for(stranger).get(f"/api/contests/{draft.pk}/"), 404, "not_found")


def test_contest_detail_draft_other_organiser_404(client_for, other_organiser, draft):
    assert_error(client_for(other_organiser).get(f"/api/contests/{draft.pk}/"), 404, "not_found")


def test_contest_detail_draft_organiser_sees_it(client_for, organiser, draft):
    response = client_for(organiser).get(f"/api/contests/{draft.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["is_organiser"], len(body["stages"])) == ("draft", True, 1)


def test_contest_detail_draft_platform_admin_sees_it(client_for, admin, draft):
    response = client_for(admin).get(f"/api/contests/{draft.pk}/")
    assert response.status_code == 200
    assert response.json()["is_organiser"] is True


def test_contest_detail_public_not_organiser(api_client, contest):
    body = api_client.get(f"/api/contests/{contest.pk}/").json()
    assert (body["id"], body["is_organiser"]) == (contest.pk, False)


def test_contest_list_organised_filter(client_for, organiser, contest, other_contest):
    assert ids(client_for(organiser).get("/api/contests/", {"organised": "true"})) == [contest.pk]


def test_contest_children_of_draft_hidden_from_public(api_client, draft):
    TrackFactory(contest=draft)
    GroupFactory(contest=draft)
    for resource in ("tracks", "groups", "stages"):
        assert results(api_client.get(f"/api/{resource}/", {"contest": draft.pk})) == []


def test_contest_children_of_draft_visible_to_organiser(client_for, organiser, draft):
    track = TrackFactory(contest=draft)
    assert ids(client_for(organiser).get("/api/tracks/", {"contest": draft.pk})) == [track.pk]


def test_track_detail_of_draft_anonymous_404(api_client, draft):
    track = TrackFactory(contest=draft)
    assert_error(api_client.get(f"/api/tracks/{track.pk}/"), 404, "not_found")


# Lifecycle ----------------------------------------------------------------------------------


def test_contest_transition_whole_lifecycle(client_for, organiser, draft):
    client = client_for(organiser)
    seen = []
    for status in LIFECYCLE:
        response = client.post(f"/api/contests/{draft.pk}/transition/", {"status": status})
        assert response.status_code == 200, response.content
        seen.append(response.json()["status"])
    assert seen == LIFECYCLE
    assert Contest.objects.get(pk=draft.pk).status == "finished"


def test_contest_transition_platform_admin(client_for, admin, draft):
    response = client_for(admin).post(
        f"/api/contests/{draft.pk}/transition/", {"status": "published"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "published"


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("draft", "registration_open"),
        ("draft", "finished"),
        ("published", "draft"),
        ("registration_open", "judging"),
        ("judging", "registration_open"),
        ("finished", "finished"),
    ],
)
def test_contest_transition_skip_or_back_refused(client_for, organiser, draft, current, target):
    Contest.objects.filter(pk=draft.pk).update(status=current)
    before = row_counts()
    response = client_for(organiser).post(
        f"/api/contests/{draft.pk}/transition/", {"status": target}
    )
    body = assert_error(response, 409, "invalid_transition")
    assert body["message_en"] == f"A contest cannot move from {current} to {target}."
    assert Contest.objects.get(pk=draft.pk).status == current
    assert row_counts() == before


def test_contest_transition_unknown_status(client_for, organiser, draft):
    response = client_for(organiser).post(
        f"/api/contests/{draft.pk}/transition/", {"status": "open"}
    )
    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["status"]
    assert Contest.objects.get(pk=draft.pk).status == "draft"


def test_contest_transition_publish_without_stages(client_for, organiser, draft):
    Stage.objects.filter(contest=draft).delete()
    response = client_for(organiser).post(
        f"/api/contests/{draft.pk}/transition/", {"status": "published"}
    )
    assert_error(response, 409, "contest_has_no_stages")
    assert Contest.objects.get(pk=draft.pk).status == "draft"


@pytest.mark.parametrize("role", ["stranger", "publisher", "captain", "other_organiser"])
def test_contest_transition_not_organiser_refused(client_for, request, contest, role):
    user = request.getfixturevalue(role)
    if role == "captain":
        request.getfixturevalue("team")
    response = client_for(user).post(
        f"/api/contests/{contest.pk}/transition/", {"status": "registration_closed"}
    )
    assert_error(response, 403, "not_permitted")
    assert Contest.objects.get(pk=contest.pk).status == "registration_open"


def test_contest_transition_anonymous_refused(api_client, contest):
    response = api_client.post(
        f"/api/contests/{contest.pk}/transition/", {"status": "registration_closed"}
    )
    assert_error(response, 401, "not_authenticated")
    assert Contest.objects.get(pk=contest.pk).status == "registration_open"


def test_contest_transition_registration_closed_locks_rosters(client_for, organiser, contest, team):
    response = client_for(organiser).post(
        f"/api/contests/{contest.pk}/transition/", {"status": "registration_closed"}
    )
    assert response.status_code == 200
    team.refresh_from_db()
    contest.refresh_from_db()
    assert team.roster_locked is True
    assert contest.registration_closes_at <= timezone.now()


# Roles --------------------------------------------------------------------------------------


def test_contest_roles_grant_publisher(client_for, organiser, contest, publisher_org):
    someone = UserFactory()
    response = client_for(organiser).post(
        f"/api/contests/{contest.pk}/roles/",
        {"user": someone.pk, "role": "publisher", "organisation": publisher_org.pk},
    )
    assert response.status_code == 201
    role = ContestRole.objects.get(pk=response.json()["id"])
    assert (role.user_id, role.role, role.organisation_id) == (
        someone.pk,
        ContestRoleKind.PUBLISHER,
        publisher_org.pk,
    )


def test_contest_roles_publisher_needs_organisation(client_for, organiser, contest):
    before = row_counts()
    response = client_for(organiser).post(
        f"/api/contests/{contest.pk}/roles/", {"user": UserFactory().pk, "role": "publisher"}
    )
    assert_error(response, 400, "publisher_needs_organisation")
    assert row_counts() == {**before, "User": before["User"] + 1}


def test_contest_roles_grant_by_stranger_refused(client_for, stranger, contest):
    before = row_counts()
    response = client_for(stranger).post(
        f"/api/contests/{contest.pk}/roles/", {"user": stranger.pk, "role": "organiser"}
    )
    assert_error(response, 403, "not_permitted")
    assert row_counts() == before


# Tracks, groups, stages ---------------------------------------------------------------------


def test_track_create_organiser(client_for, organiser, contest):
    response = client_for(organiser).post(
        "/api/tracks/", {"contest": contest.pk, "code": "industry", "name": "工业制造", "order": 1}
    )
    assert response.status_code == 201
    assert Track.objects.get(pk=response.json()["id"]).name == "工业制造"


@pytest.mark.parametrize("resource", ["tracks", "groups"])
def test_contest_child_create_stranger_refused(client_for, stranger, contest, resource):
    before = row_counts()
    response = client_for(stranger).post(
        f"/api/{resource}/", {"contest": contest.pk, "code": "x", "name": "X"}
    )
    assert_error(response, 403, "not_permitted")
    assert row_counts() == before


def test_track_create_in_hidden_draft_404(client_for, stranger, draft):
    before = row_counts()
    response = client_for(stranger).post(
        "/api/tracks/", {"contest": draft.pk, "code": "x", "name": "X"}
    )
    assert_error(response, 404, "not_found")
    assert row_counts() == before


def test_track_create_duplicate_code(client_for, organiser, contest):
    TrackFactory(contest=contest, code="industry")
    before = row_counts()
    response = client_for(organiser).post(
        "/api/tracks/", {"contest": contest.pk, "code": "industry", "name": "工业制造"}
    )
    assert response.status_code == 400
    assert response.json()["message_en"] != ""
    assert row_counts() == before


def test_track_update_other_organiser_refused(client_for, other_organiser, contest):
    track = TrackFactory(contest=contest, name="工业制造")
    response = client_for(other_organiser).patch(f"/api/tracks/{track.pk}/", {"name": "改"})
    assert_error(response, 403, "not_permitted")
    assert Track.objects.get(pk=track.pk).name == "工业制造"


def test_stage_create_organiser(client_for, organiser, contest):
    now = timezone.now()
    response = client_for(organiser).post(
        "/api/stages/",
        {
            "contest": contest.pk,
            "name": "初赛",
            "kind": "online_review",
            "order": 1,
            "submission_opens_at": now.isoformat(),
            "submission_closes_at": (now + datetime.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 201
    assert Stage.objects.filter(contest=contest).count() == 1


def test_stage_create_window_inverted(client_for, organiser, contest):
    now = timezone.now()
    before = row_counts()
    response = client_for(organiser).post(
        "/api/stages/",
        {
            "contest": contest.pk,
            "name": "初赛",
            "kind": "online_review",
            "order": 1,
            "submission_opens_at": now.isoformat(),
            "submission_closes_at": (now - datetime.timedelta(days=1)).isoformat(),
        },
    )
    body = assert_error(response, 400, "invalid_window")
    assert body["fields"] == {"submission_closes_at": ["invalid_window"]}
    assert row_counts() == before


def test_stage_update_window_inverted(client_for, organiser, stage):
    closes = stage.submission_closes_at
    response = client_for(organiser).patch(
        f"/api/stages/{stage.pk}/",
        {
            "submission_closes_at": (
                stage.submission_opens_at - datetime.timedelta(hours=1)
            ).isoformat()
        },
    )
    assert_error(response, 400, "invalid_window")
    assert Stage.objects.get(pk=stage.pk).submission_closes_at == closes


# Registration stats and export --------------------------------------------------------------


def test_contest_registration_stats_organiser(client_for, organiser, contest):
    industry = TrackFactory(contest=contest, name="工业制造")
    farming = TrackFactory(contest=contest, name="现代农业")
    stage = StageFactory(contest=contest, order=1, name="初赛")
    teams = [
        TeamFactory(contest=contest, track=industry),
        TeamFactory(contest=contest, track=industry),
        TeamFactory(contest=contest, track=farming),
    ]
    TeamFactory(contest=contest)  # no track yet: counted last
    TeamMemberFactory(team=teams[0])
    EntryFactory(team=teams[0], stage=stage, status="submitted")
    EntryFactory(team=teams[1], stage=stage, status="submitted")
    EntryFactory(team=teams[2], stage=stage)
    response = client_for(organiser).get(f"/api/contests/{contest.pk}/registration-stats/")
    assert response.status_code == 200
    assert response.json() == {
        "teams": 4,
        "people": 5,
        "submitted": 2,
        "by_track": [
            {"track": industry.pk, "name": "工业制造", "teams": 2},
            {"track": farming.pk, "name": "现代农业", "teams": 1},
            {"track": None, "name": "—", "teams": 1},
        ],
        "by_group": [{"group": None, "name": "—", "teams": 4}],
        "entries": [
            {"stage": stage.pk, "name": "初赛", "status": "draft", "count": 1},
            {"stage": stage.pk, "name": "初赛", "status": "submitted", "count": 2},
        ],
    }


@pytest.mark.parametrize("role", ["stranger", "publisher", "captain", "other_organiser"])
def test_contest_registration_stats_not_organiser(client_for, request, contest, role):
    user = request.getfixturevalue(role)
    if role == "captain":
        request.getfixturevalue("team")
    assert_error(
        client_for(user).get(f"/api/contests/{contest.pk}/registration-stats/"),
        403,
        "not_permitted",
    )


def test_contest_registrations_export_rows(client_for, organiser, contest, publisher_org):
    track = TrackFactory(contest=contest, name="工业制造")
    captain = UserFactory(real_name="李队长", mobile="13900000001", email="li@example.com")
    team = TeamFactory(
        contest=contest,
        captain=captain,
        name="智造团队",
        track=track,
        lead_organisation=publisher_org,
    )
    TeamMemberFactory(team=team, user=UserFactory(real_name="王成员"), role="member")
    TeamMemberFactory(team=team, user=UserFactory(real_name="赵老师"), role="advisor")
    response = client_for(organiser).get(f"/api/contests/{contest.pk}/registrations-export/")
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[0][:3] == ("团队编号 Code", "团队名称 Team", "申报单位 Lead organisation")
    assert rows[1][:13] == (
        team.code,
        "智造团队",
        "发榜单位有限公司",
        publisher_org.uscc,
        None,
        "工业制造",
        None,
        None,
        "李队长",
        "13900000001",
        "li@example.com",
        "王成员",
        "赵老师",
    )


def test_contest_registrations_export_other_organiser_refused(client_for, other_organiser, contest):
    response = client_for(other_organiser).get(f"/api/contests/{contest.pk}/registrations-export/")
    assert_error(response, 403, "not_permitted")


def test_contest_registrations_export_only_own_contest(
    client_for, organiser, contest, other_contest
):
    TeamFactory(contest=contest, name="本赛事团队")
    TeamFactory(contest=other_contest, name="别的赛事团队")
    response = client_for(organiser).get(f"/api/contests/{contest.pk}/registrations-export/")
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert [r[1] for r in rows[1:]] == ["本赛事团队"]


# N+1 guards ---------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_contest_list_query_count_constant(api_client, db, count, django_assert_num_queries):
    parent = ContestFactory()
    ContestFactory.create_batch(count - 1, parent=parent)
    with django_assert_num_queries(2):  # count + page
        response = api_client.get("/api/contests/")
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_contest_list_organiser_query_count_constant(
    client_for, organiser, contest, count, django_assert_num_queries
):
    for _ in range(count - 1):
        ContestRoleFactory(user=organiser, contest=ContestFactory(status="draft"))
    client = client_for(organiser)
    with django_assert_num_queries(2):
        response = client.get("/api/contests/")
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize(
    "factory", [TrackFactory, GroupFactory, StageFactory], ids=["tracks", "groups", "stages"]
)
@pytest.mark.parametrize("count", [1, 3])
def test_contest_child_list_query_count_constant(
    api_client, contest, factory, count, django_assert_num_queries
):
    factory.create_batch(count, contest=contest)
    resource = {TrackFactory: "tracks", GroupFactory: "groups", StageFactory: "stages"}[factory]
    with django_assert_num_queries(1):
        response = api_client.get(f"/api/{resource}/")
    assert len(response.json()) == count


@pytest.mark.parametrize("count", [1, 3])
def test_track_list_filtered_query_count_constant(
    client_for, organiser, contest, count, django_assert_num_queries
):
    TrackFactory.create_batch(count, contest=contest)
    client = client_for(organiser)
    with django_assert_num_queries(2):  # the filter's contest lookup + the list
        response = client.get("/api/tracks/", {"contest": contest.pk})
    assert len(response.json()) == count


def test_contest_detail_stages_say_when_their_results_were_published(api_client, contest):
    """The public results page opens on the latest stage with results: each stage of the detail
    carries when its results in force were published (the newest published snapshot), or null."""
    from judging.enums import SnapshotStatus
    from tests.factories.awards import snapshot_publish
    from tests.factories.contest import StageFactory

    first = StageFactory(contest=contest, order=1, name="初赛")
    second = StageFactory(contest=contest, order=2, name="复赛")
    old = snapshot_publish(stage=first, rows=[])
    old.status = SnapshotStatus.WITHDRAWN
    old.save()
    current = snapshot_publish(stage=first, rows=[])

    stages = {s["id"]: s for s in api_client.get(f"/api/contests/{contest.pk}/").json()["stages"]}

    published_at = stages[first.pk]["results_published_at"]
    assert published_at is not None
    assert parse_datetime(published_at) == current.published_at
    assert stages[second.pk]["results_published_at"] is None
