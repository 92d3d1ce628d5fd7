"""The rule across editions through the API: an organisation that has won the national contest
of a series twice cannot register (or be recommended) for a third win; past national winners are
excluded where the contest says so. Refusals change no row."""

from __future__ import annotations

import pytest

from awards.enums import AwardStatus
from contest.models import Team
from judging.models import Recommendation
from tests.api.helpers import assert_error, row_counts
from tests.factories.awards import AwardFactory
from tests.factories.contest import ContestFactory, OrganisationFactory, TeamFactory, UserFactory
from tests.judging.recommendation_fixtures import National


def win(organisation, year, *, series="data-elements", status=AwardStatus.FINAL, parent=None):
    past = ContestFactory(
        series=series,
        year=year,
        edition=f"第{year - 2020}届",
        name=f"{year}全国总决赛",
        parent=parent,
    )
    team = TeamFactory(contest=past, lead_organisation=organisation)
    return AwardFactory(contest=past, team=team, status=status, tier__name="一等奖")


@pytest.fixture
def company(db):
    return OrganisationFactory(name="星河数据科技有限公司")


@pytest.fixture
def edition(db):
    return ContestFactory(series="data-elements", year=2026, name="2026全国总决赛")


def register(client_for, contest, organisation, user=None, **extra):
    return client_for(user or UserFactory()).post(
        "/api/teams/",
        {"contest": contest.pk, "name": "星河团队", "lead_organisation": organisation.pk, **extra},
        format="json",
    )


def test_a_third_win_is_refused_at_registration_with_the_past_wins(client_for, edition, company):
    win(company, 2024)
    win(company, 2025)
    user = UserFactory()
    before = row_counts()

    response = register(client_for, edition, company, user)

    body = assert_error(response, 409, "edition_wins_exceeded")
    assert body["message_en"] == (
        "星河数据科技有限公司 has won this contest 2 times already (at most 2 across editions): "
        "2024全国总决赛（第4届）一等奖、2025全国总决赛（第5届）一等奖."
    )
    assert body["message_zh"].startswith("星河数据科技有限公司")
    assert body["details"]["wins"] == 2 and body["details"]["wins_max"] == 2
    assert body["details"]["uscc"] == company.uscc
    assert [(w["year"], w["tier"]) for w in body["details"]["past_wins"]] == [
        (2024, "一等奖"),
        (2025, "一等奖"),
    ]
    assert row_counts() == before
    assert not Team.objects.filter(contest=edition).exists()


def test_a_second_win_may_be_sought(client_for, edition, company):
    win(company, 2025)
    response = register(client_for, edition, company)
    assert response.status_code == 201, response.content


def test_what_is_not_a_national_win_does_not_count(client_for, edition, company):
    win(company, 2023, series="other-series")
    win(company, 2024, status=AwardStatus.PROPOSED)
    win(company, 2025, parent=ContestFactory(series="data-elements"))  # a sub-contest's award
    response = register(client_for, edition, company)
    assert response.status_code == 201, response.content


def test_a_co_applicant_that_won_twice_is_refused_too(client_for, edition, company):
    edition.joint_entries_allowed = True
    edition.save()
    win(company, 2024)
    win(company, 2025)
    lead = OrganisationFactory()
    response = register(client_for, edition, lead, co_applicants=[company.pk])
    body = assert_error(response, 409, "edition_wins_exceeded")
    assert body["details"]["organisation"] == company.pk


def test_past_winners_excluded_where_the_contest_says_so(client_for, edition, company):
    edition.past_winners_excluded = True
    edition.save()
    win(company, 2025)
    user = UserFactory()
    before = row_counts()
    response = register(client_for, edition, company, user)
    body = assert_error(response, 409, "past_winner_excluded")
    assert "past national winners cannot enter" in body["message_en"]
    assert row_counts() == before


def test_a_sub_contest_registration_follows_its_national_rule(client_for, company):
    national = ContestFactory(series="data-elements", year=2026)
    sub = ContestFactory(parent=national)
    win(company, 2024)
    win(company, 2025)
    assert_error(register(client_for, sub, company), 409, "edition_wins_exceeded")


def test_the_edition_rule_refuses_a_third_win_at_recommendation(client_for, db):
    national = National(provinces=("江苏",), per_track=1)
    sub = national.subs[0]
    entry = sub.entries[0]
    win(entry.team.lead_organisation, 2024)
    win(entry.team.lead_organisation, 2025)

    response = client_for(sub.organiser).post(
        f"/api/contests/{sub.contest.pk}/recommendations/",
        {"entry_ids": [entry.pk, sub.entries[1].pk]},
        format="json",
    )

    body = assert_error(response, 409, "edition_wins_exceeded")
    assert body["details"]["wins"] == 2
    assert not Recommendation.objects.exists()


def test_the_organiser_sets_the_series_and_the_rule(client_for, edition, company):
    from tests.factories.contest import ContestRoleFactory

    organiser = UserFactory()
    ContestRoleFactory(contest=edition, user=organiser)
    response = client_for(organiser).patch(
        f"/api/contests/{edition.pk}/",
        {"series": "data-elements", "wins_max": 1, "past_winners_excluded": False},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["wins_max"], response.json()["series"]) == (1, "data-elements")
    win(company, 2025)
    body = assert_error(register(client_for, edition, company), 409, "edition_wins_exceeded")
    assert body["details"]["wins_max"] == 1
