"""The results API: organisers only (a 404 for everyone else), published snapshots for all."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from contest.enums import ContestStatus, EntryStatus
from contest.models import Entry
from judging.enums import ConflictSource
from judging.models import AuditLog, Conflict, EntryResult, Recommendation
from judging.services.result import ranking_compute
from tests.api.helpers import assert_error, results
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    StageFactory,
    TeamFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.judging import CriterionFactory, ReviewFactory, ReviewScoreFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def track(contest):
    return TrackFactory(contest=contest, name="工业制造")


@pytest.fixture
def judges(db):
    return [UserFactory(real_name=f"评委{i}") for i in (1, 2)]


def make_entry(stage, title, track, team=None):
    team = team or TeamFactory(contest=stage.contest, track=track)
    return Entry.objects.create(
        team=team, stage=stage, title=title, status=EntryStatus.SUBMITTED, summary="简介"
    )


def score(entry, judge, total, **criteria):
    review = ReviewFactory(
        assignment__entry=entry, assignment__judge=judge, total=Decimal(str(total))
    )
    for key, value in criteria.items():
        criterion = review.rubric.criteria.filter(key=key).first() or CriterionFactory(
            rubric=review.rubric, key=key, name=key
        )
        ReviewScoreFactory(review=review, criterion=criterion, value=Decimal(str(value)))
    return review


@pytest.fixture
def scored(stage, team, track, judges):
    """Three entries: 甲 (the `team` fixture's) 85, 乙 80, 丙 70 (two judges each)."""
    team.track = track
    team.save()
    entries = {
        "甲": make_entry(stage, "甲", track, team=team),
        "乙": make_entry(stage, "乙", track),
        "丙": make_entry(stage, "丙", track),
    }
    for title, (first, second) in {"甲": (90, 80), "乙": (85, 75), "丙": (70, 70)}.items():
        score(entries[title], judges[0], first, innovation=first / 10)
        score(entries[title], judges[1], second, innovation=second / 10)
    return entries


def url(stage, tail):
    return f"/api/stages/{stage.pk}/{tail}"


def test_result_settings_get_defaults_and_put(client_for, organiser, stage, scored):
    client = client_for(organiser)

    got = client.get(url(stage, "result-settings/"))
    put = client.put(
        url(stage, "result-settings/"),
        {
            "method": "trimmed_mean",
            "trim_min_reviews": 5,
            "tie_break": [{"rule": "criterion", "key": "innovation"}, {"rule": "first_places"}],
        },
        format="json",
    )

    assert got.status_code == 200
    assert got.json() == {
        "stage": stage.pk,
        "method": "mean",
        "trim_min_reviews": 5,
        "normalise": False,
        "scope": "track",
        "tie_break": [],
        "outlier_threshold": "20.00",
    }
    assert put.status_code == 200, put.content
    assert put.json()["method"] == "trimmed_mean"
    assert put.json()["tie_break"] == [
        {"rule": "criterion", "key": "innovation"},
        {"rule": "first_places"},
    ]
    assert AuditLog.objects.filter(action="results.settings").count() == 1
    assert EntryResult.objects.filter(stage=stage).count() == 3  # recomputed


def test_result_settings_put_refuses_bad_chain(client_for, organiser, stage):
    response = client_for(organiser).put(
        url(stage, "result-settings/"), {"tie_break": [{"rule": "criterion"}]}, format="json"
    )

    body = assert_error(response, 400, "invalid")
    assert "tie_break" in body["fields"]


def test_results_compute_and_list(client_for, organiser, stage, scored, track):
    client = client_for(organiser)

    computed = client.post(url(stage, "results/compute/"))
    listed = client.get(url(stage, "results/"))

    assert computed.status_code == 200
    assert {k: computed.json()[k] for k in ("entries", "ranked", "reviews")} == {
        "entries": 3,
        "ranked": 3,
        "reviews": 6,
    }
    rows = results(listed)
    assert listed.json()["count"] == 3
    assert [(r["title"], r["rank"], r["final_score"]) for r in rows] == [
        ("甲", 1, "85.0000"),
        ("乙", 2, "80.0000"),
        ("丙", 3, "70.0000"),
    ]
    first = rows[0]
    assert first["raw_score"] == "85.0000"
    assert first["normalised_score"] is None
    assert first["group_key"] == str(track.pk)
    assert first["group_name"] == "工业制造"
    assert first["team"] == {
        "id": scored["甲"].team_id,
        "code": scored["甲"].team.code,
        "name": "星火团队",
    }
    assert (first["tied"], first["overridden"], first["override_reason"]) == (False, False, None)
    assert AuditLog.objects.filter(action="results.compute").count() == 1


def test_results_list_filters_by_group(client_for, organiser, stage, scored, judges):
    other = TrackFactory(contest=stage.contest, name="现代农业")
    score(make_entry(stage, "丁", other), judges[0], 60)
    ranking_compute(stage=stage)

    response = client_for(organiser).get(url(stage, "results/"), {"group_key": str(other.pk)})

    assert [(r["title"], r["rank"], r["group_name"]) for r in results(response)] == [
        ("丁", 1, "现代农业")
    ]


@pytest.mark.parametrize("n", [1, 3])
def test_results_list_query_count(
    client_for, organiser, stage, track, judges, n, django_assert_num_queries
):
    for i in range(n):
        score(make_entry(stage, f"作品{i}", track), judges[0], 70 + i)
    ranking_compute(stage=stage)
    client = client_for(organiser)

    # the stage among the organised contests, settings, group names, count, rows: 1 or 3 rows
    with django_assert_num_queries(5):
        assert len(results(client.get(url(stage, "results/")))) == n


def test_consistency_report(client_for, organiser, stage, scored, judges, track):
    response = client_for(organiser).get(url(stage, "consistency/"))

    assert response.status_code == 200
    body = response.json()
    assert (body["reviews"], body["excluded_conflicts"]) == (6, 0)
    by_judge = {j["name"]: j for j in body["judges"]}
    # 评委1 against 评委2: 甲 90-80, 乙 85-75, 丙 70-70 -> +10, +10, 0 -> leniency 6.67
    assert by_judge["评委1"]["leniency"] == "6.67"
    assert by_judge["评委2"]["leniency"] == "-6.67"
    assert body["groups"][0]["group_name"] == "工业制造"
    assert body["groups"][0]["kendall_w"] == "1.0000"


def test_override_changes_rank_and_is_recorded(client_for, organiser, stage, scored):
    client = client_for(organiser)
    client.post(url(stage, "results/compute/"))

    response = client.post(
        url(stage, "overrides/"),
        {"entry": scored["丙"].pk, "score": "88", "reason": "评审组合议：路演表现突出"},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["score"], body["reason"]) == ("88.0000", "评审组合议：路演表现突出")
    assert (body["result"]["rank"], body["result"]["final_score"]) == (1, "88.0000")
    assert body["result"]["override_reason"] == "评审组合议：路演表现突出"
    log = AuditLog.objects.get(action="results.override")
    assert (log.reason, log.actor_id, log.object_id) == (
        "评审组合议：路演表现突出",
        organiser.pk,
        str(body["id"]),
    )
    ranks = dict(EntryResult.objects.filter(stage=stage).values_list("entry__title", "rank"))
    assert ranks == {"丙": 1, "甲": 2, "乙": 3}


def test_override_needs_reason(client_for, organiser, stage, scored):
    response = client_for(organiser).post(
        url(stage, "overrides/"), {"entry": scored["丙"].pk, "score": "88", "reason": ""}
    )

    assert_error(response, 400, "reason_required")
    assert not AuditLog.objects.filter(action="results.override").exists()


def test_override_of_entry_in_another_stage_is_404(client_for, organiser, stage, contest, track):
    elsewhere = make_entry(StageFactory(contest=contest, order=2), "别处", track)

    response = client_for(organiser).post(
        url(stage, "overrides/"), {"entry": elsewhere.pk, "score": "88", "reason": "理由"}
    )

    assert_error(response, 404, "not_found")


def test_conflicted_judge_excluded_through_api(client_for, organiser, stage, scored, judges):
    Conflict.objects.create(
        contest=stage.contest,
        judge=judges[0],
        team=scored["甲"].team,
        source=ConflictSource.DECLARED_BY_ORGANISER,
    )

    computed = client_for(organiser).post(url(stage, "results/compute/")).json()

    assert computed["excluded_conflicts"] == 1
    row = EntryResult.objects.get(entry=scored["甲"])
    assert (row.review_count, row.final_score) == (1, Decimal("80.00"))


def test_publish_and_public_snapshot(
    client_for, api_client, organiser, captain, stage, scored, judges
):
    client = client_for(organiser)
    assert client.get(url(stage, "snapshots/")).json() == []
    assert_error(client.post(url(stage, "results/publish/")), 409, "results_not_computed")
    client.post(url(stage, "results/compute/"))

    published = client.post(url(stage, "results/publish/"))

    assert published.status_code == 201
    snapshot = published.json()
    assert snapshot["version"] == 1 and len(snapshot["sha256"]) == 64
    assert (snapshot["status"], snapshot["replaced_by"], snapshot["replaces"]) == (
        "published",
        None,
        None,
    )
    head = AuditLog.objects.filter(contest=stage.contest).order_by("-seq").first()
    assert (snapshot["chain_head"], snapshot["chain_rows"]) == (head.hash, head.seq)
    public = api_client.get(url(stage, "snapshots/"))
    as_captain = client_for(captain).get(url(stage, "snapshots/"))
    assert public.status_code == 200
    assert public.json() == [snapshot] == as_captain.json()
    assert [(r["title"], r["rank"], r["final"]) for r in snapshot["rows"]] == [
        ("甲", 1, "85.0000"),
        ("乙", 2, "80.0000"),
        ("丙", 3, "70.0000"),
    ]
    row_keys = set(public.json()[0]["rows"][0])
    assert row_keys == {
        "entry",
        "title",
        "team",
        "team_code",
        "team_name",
        "group_key",
        "group_name",
        "raw",
        "normalised",
        "final",
        "rank",
        "tied",
        "overridden",
        "review_count",
    }
    assert "评委" not in public.content.decode()  # no judge appears in a snapshot


def test_published_results_are_frozen_through_the_api(client_for, organiser, stage, scored):
    client = client_for(organiser)
    client.post(url(stage, "results/compute/"))
    client.post(url(stage, "results/publish/"))
    before = (
        list(EntryResult.objects.values_list("entry_id", "final_score", "rank", "computed_at")),
        AuditLog.objects.count(),
        client.get(url(stage, "result-settings/")).json(),
    )

    attempts = [
        client.put(url(stage, "result-settings/"), {"method": "median"}, format="json"),
        client.post(url(stage, "results/compute/")),
        client.post(url(stage, "results/publish/")),
        client.post(
            url(stage, "overrides/"),
            {"entry": scored["丙"].pk, "score": "99", "reason": "合议"},
            format="json",
        ),
    ]

    for response in attempts:
        body = assert_error(response, 409, "stage_results_published")
        assert body["message_en"] == (
            "The results of this stage are published; a change needs a correction."
        )
        assert body["details"]["phase"] == "results_published"
    after = (
        list(EntryResult.objects.values_list("entry_id", "final_score", "rank", "computed_at")),
        AuditLog.objects.count(),
        client.get(url(stage, "result-settings/")).json(),
    )
    assert after == before
    assert [s["version"] for s in client.get(url(stage, "snapshots/")).json()] == [1]


def test_unknown_tie_break_criterion_refused(client_for, organiser, stage, scored):
    client = client_for(organiser)
    before = client.get(url(stage, "result-settings/")).json()

    response = client.put(
        url(stage, "result-settings/"),
        {"tie_break": [{"rule": "criterion", "key": "no_such_key"}]},
        format="json",
    )

    body = assert_error(response, 400, "tie_break_criterion_unknown")
    assert body["message_en"].startswith("Unknown tie-break criterion 'no_such_key'")
    assert client.get(url(stage, "result-settings/")).json() == before
    ok = client.put(
        url(stage, "result-settings/"),
        {"tie_break": [{"rule": "criterion", "key": "innovation"}]},
        format="json",
    )
    assert ok.status_code == 200 and ok.json()["tie_break"][0]["key"] == "innovation"


def test_exact_decimals_in_the_api(client_for, organiser, stage, track, judges):
    entry = make_entry(stage, "甲", track)
    third = UserFactory(real_name="评委3")
    for judge, total in zip([*judges, third], (80, 85, 20), strict=True):
        score(entry, judge, total)  # (80 + 85 + 20) / 3 = 61.666… -> 61.6667, not 61.67
    client = client_for(organiser)
    client.post(url(stage, "results/compute/"))

    row = results(client.get(url(stage, "results/")))[0]
    published = client.post(url(stage, "results/publish/")).json()

    assert (row["raw_score"], row["final_score"]) == ("61.6667", "61.6667")
    assert published["rows"][0]["final"] == "61.6667"
    reviews = client.get(f"/api/reviews/?stage={stage.pk}")
    assert sorted(r["total"] for r in results(reviews)) == ["20.0000", "80.0000", "85.0000"]


def test_snapshots_of_draft_contest_are_404_for_the_public(api_client, db):
    stage = StageFactory(contest=ContestFactory(status=ContestStatus.DRAFT))

    assert_error(api_client.get(url(stage, "snapshots/")), 404, "not_found")


def test_promotion_through_api(client_for, organiser, stage, scored, contest):
    client = client_for(organiser)
    next_stage = StageFactory(contest=contest, order=2, name="复赛")
    client.post(url(stage, "results/compute/"))
    client.post(url(stage, "results/publish/"))

    response = client.post(
        url(stage, "promotions/"), {"to_stage": next_stage.pk, "rule": "top_n", "n": 2}
    )
    again = client.post(
        url(stage, "promotions/"), {"to_stage": next_stage.pk, "rule": "top_n", "n": 2}
    )

    assert response.status_code == 200, response.content
    promoted = {scored["甲"].pk, scored["乙"].pk}
    assert set(response.json()["promoted"]) == promoted
    assert (response.json()["entries_created"], response.json()["snapshot_version"]) == (2, 1)
    assert (again.json()["promoted"], set(again.json()["already"])) == ([], promoted)
    drafts = Entry.objects.filter(stage=next_stage)
    assert sorted(drafts.values_list("title", "status")) == [("乙", "draft"), ("甲", "draft")]


def test_promotion_by_rank_before_publication_is_409(client_for, organiser, stage, contest):
    next_stage = StageFactory(contest=contest, order=2)

    response = client_for(organiser).post(
        url(stage, "promotions/"), {"to_stage": next_stage.pk, "rule": "top_n", "n": 2}
    )

    assert_error(response, 409, "results_not_published")


def test_recommendation_quota_exceeded(client_for, db):
    parent = ContestFactory(promotion_quota=1)
    contest = ContestFactory(parent=parent)
    organiser = UserFactory()
    ContestRoleFactory(contest=contest, user=organiser)
    stage = StageFactory(contest=contest)
    entries = [
        Entry.objects.create(
            team=TeamFactory(contest=contest), stage=stage, title=t, status=EntryStatus.SUBMITTED
        )
        for t in ("甲", "乙")
    ]
    judge = UserFactory()
    for entry in entries:
        score(entry, judge, 80)
    client = client_for(organiser)
    client.post(url(stage, "results/compute/"))
    client.post(url(stage, "results/publish/"))  # recommendation needs published results
    path = f"/api/contests/{contest.pk}/recommendations/"

    made = client.post(path, {"entry_ids": [entries[0].pk], "reason": "省赛第一名"})
    refused = client.post(path, {"entry_ids": [entries[1].pk]})

    assert made.status_code == 201
    assert [(r["entry"], r["to_contest"], r["status"]) for r in made.json()] == [
        (entries[0].pk, parent.pk, "recommended")
    ]
    body = assert_error(refused, 409, "quota_exceeded")
    assert body["details"] == {"quota": 1, "used": 1, "requested": 1, "available": 0}
    assert Recommendation.objects.count() == 1


def test_scores_export_has_scores_and_ranking(client_for, organiser, stage, scored, judges):
    ranking_compute(stage=stage)

    response = client_for(organiser).get(url(stage, "scores-export/"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == ["评分 Scores", "排名 Rankings"]
    scores = list(book["评分 Scores"].values)
    assert scores[0] == (
        "组 Group",
        "团队编号 Team code",
        "团队名称 Team",
        "作品 Entry",
        "评委编号 Judge id",
        "评委 Judge",
        "innovation (innovation)",
        "总分 Total",
        "提交时间 Submitted at",
        "计入成绩 Counted",
    )
    first = scored["甲"]
    mine = [row for row in scores[1:] if row[1] == first.team.code]
    assert [(r[5], r[6], r[7], r[9]) for r in mine] == [
        ("评委1", 9, 90, "是 Yes"),
        ("评委2", 8, 80, "是 Yes"),
    ]
    assert len(scores) == 7
    ranking = list(book["排名 Rankings"].values)
    assert [(r[1], r[5], r[7], r[9]) for r in ranking[1:]] == [
        (1, "甲", 85, 85),
        (2, "乙", 80, 80),
        (3, "丙", 70, 70),
    ]


ORGANISER_ROUTES = [
    ("get", "result-settings/"),
    ("put", "result-settings/"),
    ("post", "results/compute/"),
    ("get", "results/"),
    ("get", "consistency/"),
    ("post", "overrides/"),
    ("post", "results/publish/"),
    ("post", "promotions/"),
    ("get", "scores-export/"),
    ("get", "results/freshness/"),
    ("post", "results/recompute/"),
]


@pytest.mark.parametrize(("method", "tail"), ORGANISER_ROUTES)
def test_results_routes_hidden_from_captain_and_other_organiser(
    client_for, captain, other_organiser, stage, scored, method, tail
):
    for user in (captain, other_organiser):
        response = getattr(client_for(user), method)(url(stage, tail), {}, format="json")
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize(("method", "tail"), ORGANISER_ROUTES)
def test_results_routes_need_login(api_client, stage, method, tail):
    response = getattr(api_client, method)(url(stage, tail), {}, format="json")

    assert response.status_code in (401, 403)
    assert response.json()["code"] in ("not_authenticated", "permission_denied")


def test_recommendations_hidden_from_other_organiser(client_for, other_organiser, contest):
    response = client_for(other_organiser).post(
        f"/api/contests/{contest.pk}/recommendations/", {"entry_ids": [1]}
    )

    assert_error(response, 404, "not_found")


def test_results_hidden_from_publisher_of_the_contest(client_for, stage, scored):
    """A publisher (发榜方) has a role in the contest but is not one of its organisers."""
    from contest.enums import ContestRoleKind
    from tests.factories.contest import OrganisationFactory

    publisher = UserFactory()
    ContestRoleFactory(
        contest=stage.contest,
        user=publisher,
        role=ContestRoleKind.PUBLISHER,
        organisation=OrganisationFactory(),
    )

    response = client_for(publisher).post(url(stage, "results/compute/"))

    assert_error(response, 404, "not_found")
