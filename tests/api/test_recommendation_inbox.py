"""The national contest's inbox through the API, per role: the national organisers list, filter,
accept and return; a sub-contest's organiser, a captain and a stranger get 404; quotas per track
refused over the limit; an accepted recommendation creates exactly one team and entry with the
files; a return notifies; the team confirms its carried entry."""

from __future__ import annotations

import pytest

from contest.models import Entry, Team
from judging.models import AuditLog, Recommendation
from notifications.models import Message
from tests.api.helpers import assert_error, results
from tests.factories.awards import AwardFactory
from tests.factories.contest import UserFactory
from tests.judging.recommendation_fixtures import National


@pytest.fixture
def national(db):
    return National(per_track=2)


def recommend(client_for, sub, entries):
    return client_for(sub.organiser).post(
        f"/api/contests/{sub.contest.pk}/recommendations/",
        {"entry_ids": [e.pk for e in entries], "reason": "省赛一等奖"},
        format="json",
    )


def state():
    return (
        Recommendation.objects.count(),
        Team.objects.count(),
        Entry.objects.count(),
        AuditLog.objects.count(),
    )


@pytest.fixture
def received(client_for, national):
    for sub in national.subs[:2]:
        assert recommend(client_for, sub, sub.of_track("industry")).status_code == 201
    return list(Recommendation.objects.order_by("pk"))


def test_quota_per_track_over_the_limit_is_refused(client_for, national):
    organiser = client_for(national.organiser)
    put = organiser.put(
        f"/api/contests/{national.parent.pk}/recommendation-quotas/",
        {"promotion_quota": 3, "quotas": [{"track": national.tracks["health"].pk, "quota": 1}]},
        format="json",
    )
    assert put.status_code == 200, put.content
    assert put.json()["quotas"] == [
        {"track": national.tracks["health"].pk, "from_contest": None, "quota": 1}
    ]
    sub = national.subs[0]
    before = state()

    response = recommend(client_for, sub, sub.of_track("health"))

    body = assert_error(response, 409, "track_quota_exceeded")
    assert body["details"] == {
        "track": national.tracks["health"].pk,
        "track_code": "health",
        "quota": 1,
        "used": 0,
        "requested": 2,
        "available": 1,
    }
    assert body["message_zh"] != body["message_en"]
    assert state() == before
    assert recommend(client_for, sub, sub.of_track("health")[:1]).status_code == 201


def test_quotas_are_the_national_organisers(client_for, national):
    sub = national.subs[0]
    response = client_for(sub.organiser).put(
        f"/api/contests/{national.parent.pk}/recommendation-quotas/",
        {"quotas": [{"track": national.tracks["health"].pk, "quota": 9}]},
        format="json",
    )
    assert_error(response, 404, "not_found")
    bad = client_for(national.organiser).put(
        f"/api/contests/{national.parent.pk}/recommendation-quotas/",
        {"quotas": [{"track": sub.tracks["health"].pk, "quota": 1}]},
        format="json",
    )
    assert_error(bad, 400, "quota_track_invalid")


def test_inbox_lists_rank_score_awards_and_files_with_filters(
    client_for, national, received, django_assert_max_num_queries
):
    a = national.subs[0]
    tier_award = AwardFactory(contest=a.contest, team=a.of_track("industry")[0].team)
    client = client_for(national.organiser)
    url = f"/api/contests/{national.parent.pk}/recommendations/received/"

    with django_assert_max_num_queries(12):
        rows = results(client.get(url))

    assert len(rows) == 4
    entry = a.of_track("industry")[0]
    (first,) = [r for r in rows if r["entry"] == entry.pk]
    assert (first["from_contest_name"], first["track_name"], first["entry_title"]) == (
        "江苏分赛",
        "工业制造",
        entry.title,
    )
    assert (first["rank"], first["final_score"], first["status"]) == (1, "90.0000", "recommended")
    assert first["lead_organisation"]["uscc"] == entry.team.lead_organisation.uscc
    assert [o["id"] for o in first["co_applicants"]] == [entry.team.co_applicants.get().pk]
    assert [(f["kind"], f["version"], f["original_name"]) for f in first["files"]] == [
        ("plan", 1, "方案书.pdf"),
        ("slides", 1, "路演.pdf"),
    ]
    assert first["awards"] == [{"tier": tier_award.tier.name, "status": "proposed", "rank": None}]
    by_sub = results(client.get(url, {"from_contest": national.subs[1].contest.pk}))
    assert {r["from_contest"] for r in by_sub} == {national.subs[1].contest.pk}
    assert len(by_sub) == 2
    assert results(client.get(url, {"track": national.tracks["health"].pk})) == []
    assert len(results(client.get(url, {"status": "recommended"}))) == 4


@pytest.mark.parametrize("who", ["sub_organiser", "captain", "stranger"])
def test_inbox_and_decisions_are_404_to_anyone_else(client_for, national, received, who):
    sub = national.subs[0]
    user = {
        "sub_organiser": sub.organiser,
        "captain": sub.entries[0].team.captain,
        "stranger": UserFactory(),
    }[who]
    client = client_for(user)
    before = state()
    for response in (
        client.get(f"/api/contests/{national.parent.pk}/recommendations/received/"),
        client.get(f"/api/contests/{national.parent.pk}/recommendations/dashboard/"),
        client.post(f"/api/recommendations/{received[0].pk}/accept/"),
        client.post(f"/api/recommendations/{received[0].pk}/return/", {"reason": "x"}),
    ):
        assert_error(response, 404, "not_found")
    assert state() == before


def test_anonymous_is_401(api_client, national, received):
    response = api_client.get(f"/api/contests/{national.parent.pk}/recommendations/received/")
    assert response.status_code == 401


def test_accept_creates_exactly_one_team_and_entry_with_the_files(
    client_for, national, received, django_capture_on_commit_callbacks
):
    rec = received[0]
    source = rec.entry
    client = client_for(national.organiser)
    teams, entries = Team.objects.count(), Entry.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(f"/api/recommendations/{rec.pk}/accept/")
    again = client.post(f"/api/recommendations/{rec.pk}/accept/")

    assert first.status_code == 200, first.content
    assert again.status_code == 200, again.content
    assert (Team.objects.count(), Entry.objects.count()) == (teams + 1, entries + 1)
    body = first.json()
    assert body["status"] == "accepted"
    assert again.json()["national_entry"] == body["national_entry"]
    carried = Entry.objects.get(pk=body["national_entry"])
    assert carried.team_id == body["national_team"]
    assert (carried.stage.contest_id, carried.carried_from_id) == (national.parent.pk, source.pk)
    originals = source.files.filter(is_current=True).order_by("kind")
    copies = carried.files.order_by("kind")
    assert [(f.kind, f.version, f.sha256) for f in copies] == [
        (f.kind, 1, f.sha256) for f in originals
    ]
    for copy, original in zip(copies, originals, strict=True):
        with copy.file.open("rb") as a, original.file.open("rb") as b:
            assert a.read() == b.read()
    # the team is told, sees its entry, confirms it and may still update it
    people = set(carried.team.members.values_list("user_id", flat=True))
    reached = Message.objects.filter(event="recommendation_accepted", channel="inbox")
    assert set(reached.values_list("recipient_id", flat=True)) == people
    captain = client_for(carried.team.captain)
    shown = captain.get(f"/api/entries/{carried.pk}/")
    assert shown.status_code == 200, shown.content
    assert (shown.json()["carried_from"], shown.json()["carried_confirmed_at"]) == (source.pk, None)
    assert shown.json()["carried_from_contest"] == "江苏分赛"
    confirmed = captain.post(f"/api/entries/{carried.pk}/carry-confirm/")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["carried_confirmed_at"] is not None
    updated = captain.patch(f"/api/entries/{carried.pk}/", {"title": "国赛版"}, format="json")
    assert updated.status_code == 200, updated.content
    assert_error(
        client_for(national.organiser).post(f"/api/entries/{source.pk}/carry-confirm/"),
        404,
        "not_found",
    )


def test_confirming_an_entry_not_carried_is_refused(client_for, national):
    entry = national.subs[0].entries[0]
    response = client_for(entry.team.captain).post(f"/api/entries/{entry.pk}/carry-confirm/")
    assert_error(response, 409, "entry_not_carried")


def test_a_return_notifies_the_sub_contest(
    client_for, national, received, django_capture_on_commit_callbacks
):
    rec = received[2]
    sub = national.subs[1]
    client = client_for(national.organiser)
    before = state()
    blank = client.post(f"/api/recommendations/{rec.pk}/return/", {"reason": ""}, format="json")
    assert_error(blank, 400, "reason_required")
    assert state() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/recommendations/{rec.pk}/return/", {"reason": "缺少数据来源说明"}, format="json"
        )

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["return_reason"]) == (
        "returned",
        "缺少数据来源说明",
    )
    messages = Message.objects.filter(event="recommendation_returned")
    assert set(messages.values_list("recipient_id", "channel")) == {
        (sub.organiser.pk, "inbox"),
        (sub.organiser.pk, "email"),
    }
    assert "缺少数据来源说明" in messages.get(channel="inbox").body
    again = client.post(f"/api/recommendations/{rec.pk}/return/", {"reason": "再退"}, format="json")
    assert_error(again, 409, "recommendation_not_pending")


def test_dashboard_shows_submitted_quota_and_missing(client_for, national, received):
    client = client_for(national.organiser)
    client.put(
        f"/api/contests/{national.parent.pk}/recommendation-quotas/",
        {
            "promotion_quota": None,
            "recommendation_deadline": "2099-06-30T16:00:00Z",
            "quotas": [{"track": t.pk, "quota": 2} for t in national.tracks.values()],
        },
        format="json",
    )
    client.post(f"/api/recommendations/{received[0].pk}/accept/")

    response = client.get(f"/api/contests/{national.parent.pk}/recommendations/dashboard/")

    assert response.status_code == 200, response.content
    board = response.json()
    assert board["deadline"].startswith("2099-07-01T00:00:00")
    assert board["seconds_left"] > 0
    rows = {r["name"]: r for r in board["sub_contests"]}
    assert [
        (n, rows[n]["submitted"], rows[n]["accepted"], rows[n]["quota"], rows[n]["missing"])
        for n in ("江苏分赛", "浙江分赛", "广东分赛")
    ] == [("江苏分赛", 2, 1, 4, 2), ("浙江分赛", 2, 0, 4, 2), ("广东分赛", 0, 0, 4, 4)]
    assert board["not_submitted"] == [national.subs[2].contest.pk]
    assert board["totals"]["missing"] == 8
