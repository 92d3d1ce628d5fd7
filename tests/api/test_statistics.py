"""The organiser's chart endpoints: exact figures on a small world, organisers only, a constant
number of queries."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contest.enums import EntryStatus, OrganisationKind
from contest.models import Team
from tests.api.helpers import assert_error
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.judging import AssignmentFactory, PanelMembershipFactory, ReviewFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


def on_day(team: Team, day: int) -> None:
    when = datetime.datetime(2026, 3, day, 12, 0, tzinfo=SHANGHAI)
    Team.objects.filter(pk=team.pk).update(created_at=when)


@pytest.fixture
def world(contest, stage):
    """Tracks 工业制造 and 医疗健康; three teams (two on 3 March, one on 5 March) led by an
    enterprise in 江苏, a university in 江苏 and an enterprise in 浙江; stage 1 with two submitted
    entries and a draft, stage 2 empty. Judges 评委甲 and 评委乙 gave 甲 90/80 and 乙 85/75;
    评委乙 has one more assignment (the draft) not yet scored."""
    industry = TrackFactory(contest=contest, name="工业制造", code="industry", order=1)
    health = TrackFactory(contest=contest, name="医疗健康", code="health", order=2)
    orgs = [
        OrganisationFactory(province="江苏", kind=OrganisationKind.ENTERPRISE),
        OrganisationFactory(province="江苏", kind=OrganisationKind.UNIVERSITY),
        OrganisationFactory(province="浙江", kind=OrganisationKind.ENTERPRISE),
    ]
    teams = [
        TeamFactory(contest=contest, track=industry, lead_organisation=orgs[0]),
        TeamFactory(contest=contest, track=industry, lead_organisation=orgs[1]),
        TeamFactory(contest=contest, track=health, lead_organisation=orgs[2]),
    ]
    for team, day in zip(teams, (3, 3, 5), strict=True):
        on_day(team, day)
    second = StageFactory(contest=contest, order=2, name="复赛")
    first_entry = EntryFactory(team=teams[0], stage=stage, status=EntryStatus.SUBMITTED)
    second_entry = EntryFactory(team=teams[1], stage=stage, status=EntryStatus.SUBMITTED)
    draft = EntryFactory(team=teams[2], stage=stage, status=EntryStatus.DRAFT)
    judges = [UserFactory(real_name="评委甲"), UserFactory(real_name="评委乙")]
    for judge in judges:
        PanelMembershipFactory(stage=stage, judge=judge, accepted=True)
    for entry, totals in ((first_entry, (90, 80)), (second_entry, (85, 75))):
        for judge, total in zip(judges, totals, strict=True):
            ReviewFactory(assignment__entry=entry, assignment__judge=judge, total=Decimal(total))
    AssignmentFactory(entry=draft, judge=judges[1])
    return {"tracks": (industry, health), "second": second, "judges": judges}


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


def test_registrations_over_time_and_by_category(client_for, organiser, contest, world):
    body = get(client_for(organiser), f"/api/contests/{contest.pk}/statistics/registrations/")

    industry, health = world["tracks"]
    assert body == {
        "total": 3,
        "over_time": [
            {"date": "2026-03-03", "count": 2, "cumulative": 2},
            {"date": "2026-03-05", "count": 1, "cumulative": 3},
        ],
        "by_track": [
            {"key": str(industry.pk), "label": "工业制造", "count": 2},
            {"key": str(health.pk), "label": "医疗健康", "count": 1},
        ],
        "by_region": [
            {"key": "江苏", "label": "江苏", "count": 2},
            {"key": "浙江", "label": "浙江", "count": 1},
        ],
        "by_organisation_kind": [
            {"key": "enterprise", "label": "企业 Enterprise", "count": 2},
            {"key": "university", "label": "高校 University", "count": 1},
        ],
    }


def test_entries_by_status_per_stage(client_for, organiser, contest, stage, world):
    body = get(client_for(organiser), f"/api/contests/{contest.pk}/statistics/entries/")

    assert [s["key"] for s in body["statuses"]] == ["draft", "submitted", "withdrawn"]
    assert body["stages"] == [
        {
            "stage": stage.pk,
            "name": stage.name,
            "counts": {"draft": 1, "submitted": 2, "withdrawn": 0},
            "total": 3,
        },
        {
            "stage": world["second"].pk,
            "name": "复赛",
            "counts": {"draft": 0, "submitted": 0, "withdrawn": 0},
            "total": 0,
        },
    ]


def test_score_distribution_per_track(client_for, organiser, stage, world):
    body = get(client_for(organiser), f"/api/stages/{stage.pk}/statistics/scores/")

    assert body["bins"][0] == {"low": 0, "high": 10}
    assert body["bins"][-1] == {"low": 90, "high": 100}
    assert len(body["bins"]) == 10
    # 75 in 70-80, 80 and 85 in 80-90, 90 in 90-100; no review in 医疗健康 yet
    assert body["tracks"] == [
        {
            "track": world["tracks"][0].pk,
            "name": "工业制造",
            "reviews": 4,
            "mean": "82.50",
            "counts": [0, 0, 0, 0, 0, 0, 0, 1, 2, 1],
        }
    ]


def test_score_distribution_puts_the_maximum_in_the_last_bin(client_for, organiser, stage, world):
    entry = EntryFactory(team__contest=stage.contest, team__track=None, stage=stage)
    ReviewFactory(assignment__entry=entry, total=Decimal("100"))
    ReviewFactory(assignment__entry=entry, total=Decimal("0"))

    body = get(client_for(organiser), f"/api/stages/{stage.pk}/statistics/scores/")

    no_track = body["tracks"][-1]
    assert (no_track["track"], no_track["reviews"], no_track["mean"]) == (None, 2, "50.00")
    assert no_track["counts"] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]


def test_judges_leniency_spread_agreement_and_progress(client_for, organiser, stage, world):
    body = get(client_for(organiser), f"/api/stages/{stage.pk}/statistics/judges/")

    first, second = world["judges"]
    assert body["stage_mean"] == "82.50"
    assert body["judges"] == [
        {
            "judge": second.pk,
            "name": "评委乙",
            "reviews": 2,
            "mean": "77.50",
            "offset": "-5.00",
            "spread": "2.50",
            "leniency": "-10.00",
            "outlier": False,
        },
        {
            "judge": first.pk,
            "name": "评委甲",
            "reviews": 2,
            "mean": "87.50",
            "offset": "5.00",
            "spread": "2.50",
            "leniency": "10.00",
            "outlier": False,
        },
    ]
    # both judges rank 甲 above 乙 (W = 1); ICC(2,1) = 25 / (25 + 0 + 2 x 100 / 2) = 0.2
    assert body["groups"] == [
        {
            "group_key": str(world["tracks"][0].pk),
            "group_name": "工业制造",
            "judges": 2,
            "entries_reviewed": 2,
            "kendall_w": "1.0000",
            "icc": "0.2000",
        }
    ]
    progress = {row["judge_name"]: row for row in body["progress"]}
    assert {
        name: (r["assigned"], r["submitted"], r["drafts"], r["remaining"])
        for name, r in progress.items()
    } == {"评委甲": (2, 2, 0, 0), "评委乙": (3, 2, 0, 1)}
    assert body["progress_total"] == {"assigned": 5, "submitted": 4, "drafts": 0, "remaining": 1}


ROUTES = [
    "/api/contests/{contest}/statistics/registrations/",
    "/api/contests/{contest}/statistics/entries/",
    "/api/stages/{stage}/statistics/scores/",
    "/api/stages/{stage}/statistics/judges/",
]
# Queries per request, whatever the number of teams: the organiser's contest or stage looked up,
# then the aggregates (the judging side loads the stage's scoring data as the ranking does).
# The two stage routes read the conflict rules: their inputs include the organisations a judge
# publishes for (评榜 by publishers), one query.
QUERIES = dict(zip(ROUTES, (5, 3, 14, 16), strict=True))


@pytest.mark.parametrize("route", ROUTES)
def test_statistics_hidden_from_everyone_but_the_organisers(
    client_for, api_client, captain, other_organiser, contest, stage, world, route
):
    url = route.format(contest=contest.pk, stage=stage.pk)
    judge = world["judges"][0]
    for user in (captain, other_organiser, judge):
        assert_error(client_for(user).get(url), 404, "not_found")
    response = api_client.get(url)
    assert response.status_code in (401, 403)
    assert response.json()["code"] in ("not_authenticated", "permission_denied")


def scored_contest(n: int):
    """A contest with n teams, each with a submitted entry scored by two judges."""
    contest = ContestFactory()
    organiser = UserFactory()
    ContestRoleFactory(contest=contest, user=organiser, role="organiser")
    stage = StageFactory(contest=contest, order=1)
    track = TrackFactory(contest=contest)
    judges = [UserFactory(), UserFactory()]
    for judge in judges:
        PanelMembershipFactory(stage=stage, judge=judge, accepted=True)
    for i in range(n):
        team = TeamFactory(
            contest=contest, track=track, lead_organisation=OrganisationFactory(province=f"省{i}")
        )
        entry = EntryFactory(team=team, stage=stage, status=EntryStatus.SUBMITTED)
        for j, judge in enumerate(judges):
            ReviewFactory(assignment__entry=entry, assignment__judge=judge, total=60 + i + j)
    return organiser, contest, stage


@pytest.mark.parametrize("route", ROUTES)
def test_statistics_queries_do_not_grow_with_teams(client_for, db, route):
    counts = []
    for n in (1, 3):
        organiser, contest, stage = scored_contest(n)
        client = client_for(organiser)
        url = route.format(contest=contest.pk, stage=stage.pk)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts == [QUERIES[route], QUERIES[route]]
