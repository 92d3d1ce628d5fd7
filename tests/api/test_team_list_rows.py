"""The team list's rows come from plain values (`contest.selectors.team_rows` and
`api.serializers.team.team_list_data`), not from TeamListSerializer: the API must write exactly
what the serializer would for the same teams, through the whole request, in the page's order."""

import datetime as dt

import pytest
from django.utils import timezone

from api.serializers.team import TeamListSerializer, team_list_data
from contest.enums import MemberRole
from contest.models import Team
from contest.selectors import team_rows, teams_visible
from tests.factories.contest import (
    ChallengeFactory,
    GroupFactory,
    OrganisationFactory,
    TeamFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/teams/"


@pytest.fixture
def teams(contest):
    """Teams with and without each relation, members out of insertion order, a locked roster and
    a created_at with microseconds, so every field's conversion is exercised."""
    contest.joint_entries_allowed = True
    contest.save()
    track, group = TrackFactory(contest=contest), GroupFactory(contest=contest)
    full = TeamFactory(
        contest=contest,
        lead_organisation=OrganisationFactory(name="东南大学"),
        track=track,
        group=group,
        challenge=ChallengeFactory(contest=contest),
        roster_locked=True,
    )
    TeamMemberFactory(team=full, role=MemberRole.ADVISOR, order=9, title="教授")
    TeamMemberFactory(team=full, role=MemberRole.MEMBER, order=2)
    bare = TeamFactory(contest=contest)
    Team.objects.filter(pk=bare.pk).update(
        created_at=dt.datetime(2026, 3, 1, 0, 0, 0, 123456, tzinfo=dt.UTC)
    )
    return [full, bare]


def _serialized(user, ordering):
    queryset = teams_visible(user=user).order_by(*ordering)
    return TeamListSerializer(queryset, many=True).data


def test_team_list_data_equals_serializer(organiser, teams):
    queryset = teams_visible(user=organiser).order_by("contest_id", "code")
    ids = list(queryset.values_list("pk", flat=True))
    expected = [dict(row) for row in TeamListSerializer(queryset, many=True).data]
    assert len(expected) == 2
    assert team_list_data(team_rows(teams=queryset, ids=ids)) == expected
    assert [len(row["members"]) for row in expected] == [3, 1]


def test_team_list_api_equals_serializer_in_page_order(client_for, organiser, teams):
    response = client_for(organiser).get(URL, {"ordering": "-code", "page_size": 1, "page": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    expected = _serialized(organiser, ["-code"])[1:2]
    assert body["results"] == [dict(row) for row in expected]


def test_team_rows_skips_ids_not_visible(teams, contest):
    outsider = UserFactory()
    mine = TeamFactory(contest=contest)
    TeamMemberFactory(team=mine, user=outsider, role=MemberRole.MEMBER)
    queryset = teams_visible(user=outsider)
    rows = team_rows(teams=queryset, ids=[teams[0].pk, mine.pk, teams[1].pk])
    assert [row["id"] for row in rows] == [mine.pk]


def test_team_list_created_at_in_current_timezone(client_for, organiser, teams):
    response = client_for(organiser).get(URL, {"ordering": "code"})
    bare = next(r for r in response.json()["results"] if r["id"] == teams[1].pk)
    local = timezone.localtime(dt.datetime(2026, 3, 1, 0, 0, 0, 123456, tzinfo=dt.UTC))
    assert bare["created_at"] == local.isoformat()
