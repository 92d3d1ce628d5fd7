"""Small endpoints the SPA leans on: who am I, my teams, the upload limits."""

import pytest

from tests.factories.contest import TeamFactory, TeamMemberFactory, UserFactory
from tests.factories.judging import build_world

pytestmark = pytest.mark.django_db


def test_me_says_what_the_user_may_do(client_for):
    staff = UserFactory(is_staff=True)
    body = client_for(staff).get("/api/auth/me/").json()
    assert (body["is_staff"], body["can_create_contest"], body["is_judge"]) == (True, True, False)
    plain = client_for(UserFactory()).get("/api/auth/me/").json()
    assert (plain["is_staff"], plain["can_create_contest"]) == (False, False)


def test_me_marks_judges(client_for):
    w = build_world()
    assert client_for(w.judge).get("/api/auth/me/").json()["is_judge"] is True


def test_teams_mine_filter_keeps_only_own_teams(client_for):
    w = build_world()
    own = TeamFactory(contest=w.contest)
    TeamMemberFactory(team=w.team, user=own.captain)
    client = client_for(own.captain)
    codes = sorted(t["code"] for t in client.get("/api/teams/?mine=true").json()["results"])
    assert codes == sorted([own.code, w.team.code])
    organiser = client_for(w.organiser)
    assert organiser.get(f"/api/teams/?contest={w.contest.pk}").json()["count"] == 2
    assert organiser.get("/api/teams/?mine=true").json()["count"] == 0


def test_client_config_exposes_upload_rules(api_client, settings):
    settings.ENTRY_FILE_MAX_BYTES = 1234
    body = api_client.get("/api/config/").json()
    assert body["entry_file_max_bytes"] == 1234
    assert body["entry_file_types"]["plan"] == ["pdf", "docx"]
    assert body["file_extensions"]["jpeg"] == ["jpg", "jpeg"]
