"""Award tiers and awards through the API (organisers; strangers are refused or see nothing)."""

import pytest

from awards.models import Award
from tests.api.helpers import assert_error, results
from tests.factories.awards import (
    AwardFactory,
    AwardTierFactory,
    published_ranking,
)
from tests.factories.contest import TeamMemberFactory, TrackFactory, UserFactory

# --------------------------------------------------------------------------------------------
# Tiers and awards (organisers)


def test_award_tier_create_by_organiser(client_for, organiser, contest):
    response = client_for(organiser).post(
        "/api/award-tiers/",
        {"contest": contest.pk, "name": "一等奖", "quota_percent": "10.00", "order": 1},
    )
    assert response.status_code == 201, response.content
    assert (response.json()["name"], response.json()["quota_percent"]) == ("一等奖", "10.00")


def test_award_tier_create_by_stranger_forbidden(client_for, stranger, contest):
    response = client_for(stranger).post(
        "/api/award-tiers/", {"contest": contest.pk, "name": "一等奖", "quota_count": 1}
    )
    assert_error(response, 403, "not_permitted")


def test_tier_list_hidden_from_stranger(client_for, stranger, tiers):
    assert client_for(stranger).get("/api/award-tiers/").json() == []


@pytest.mark.parametrize("count", [1, 3])
def test_tier_list_query_count_constant(
    client_for, organiser, contest, count, django_assert_num_queries
):
    AwardTierFactory.create_batch(count, contest=contest, track=TrackFactory(contest=contest))
    client = client_for(organiser)
    with django_assert_num_queries(1):
        response = client.get(f"/api/award-tiers/?contest={contest.pk}")
    assert len(response.json()) == count


def test_awards_propose_through_api(client_for, organiser, contest, stage, tiers):
    _, teams = published_ranking(stage=stage, ranks=[1, 2, 2, 4])
    TeamMemberFactory(team=teams[1], user=UserFactory(real_name="王𠮷"))
    response = client_for(organiser).post("/api/awards/propose/", {"stage": stage.pk})
    assert response.status_code == 201, response.content
    rows = [(a["tier_name"], a["rank"], a["team_name"]) for a in response.json()]
    assert rows == [
        ("一等奖", 1, teams[0].name),
        ("二等奖", 2, teams[1].name),
        ("二等奖", 2, teams[2].name),
    ]
    flagged = {a["team_name"]: a["glyph_issues"] for a in response.json()}
    assert flagged[teams[1].name] == [{"role": "member", "name": "王𠮷", "missing": ["𠮷"]}]


def test_awards_propose_by_stranger_forbidden(client_for, stranger, stage, tiers):
    published_ranking(stage=stage, ranks=[1])
    assert_error(
        client_for(stranger).post("/api/awards/propose/", {"stage": stage.pk}), 403, "not_permitted"
    )


def test_award_add_tier_change_remove_through_api(client_for, organiser, contest, team, tiers):
    client = client_for(organiser)
    response = client.post(
        "/api/awards/",
        {"contest": contest.pk, "tier": tiers[1].pk, "team": team.pk, "reason": "补录"},
    )
    assert response.status_code == 201, response.content
    award_id = response.json()["id"]
    response = client.post(
        f"/api/awards/{award_id}/change-tier/", {"tier": tiers[0].pk, "reason": "复核"}
    )
    assert response.json()["tier_name"] == "一等奖"
    assert_error(client.post(f"/api/awards/{award_id}/remove/", {}), 400, "invalid")
    response = client.post(f"/api/awards/{award_id}/remove/", {"reason": "资格不符"})
    assert response.json()["status"] == "removed"


def test_award_list_hidden_from_stranger(client_for, stranger, contest, team, tiers):
    AwardFactory(contest=contest, tier=tiers[0], team=team)
    assert results(client_for(stranger).get("/api/awards/")) == []
    assert client_for(stranger).get(f"/api/awards/{Award.objects.get().pk}/").status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_award_list_query_count_constant(
    client_for, organiser, contest, tiers, count, django_assert_num_queries
):
    for _ in range(count):
        AwardFactory(contest=contest, tier=tiers[1])
    client = client_for(organiser)
    with django_assert_num_queries(2):  # count, page (the organiser filter is a subquery)
        response = client.get(f"/api/awards/?contest={contest.pk}")
    assert len(results(response)) == count
