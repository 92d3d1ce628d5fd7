"""An assignment an organiser can use (issue 12): k defaults to the stage's own rule; the
feasibility report is a summary (counts by cause, one suggestion per cause and panel), never one
line per entry or judge, with every short entry available paged; nothing to assign is said
before a run; the rule is set by organisers only and audited."""

import pytest

from judging.models import AuditLog
from tests.api.test_assignment_api import assert_error, entry_in, judge_on, snapshot
from tests.factories.contest import ContestFactory, ContestRoleFactory, StageFactory, UserFactory


@pytest.fixture
def stage(db):
    return StageFactory(contest=ContestFactory(), order=1, judges_per_entry=3)


@pytest.fixture
def org_client(client_for, stage):
    user = UserFactory(real_name="组委会秘书")
    ContestRoleFactory(contest=stage.contest, user=user)
    return client_for(user)


def feasibility(client, stage, **body):
    response = client.post(f"/api/stages/{stage.pk}/assignment/feasibility/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def test_rule_is_the_default_k_of_the_form_and_of_feasibility(org_client, stage):
    judges = [judge_on(stage) for _ in range(3)]
    for _ in range(4):
        entry_in(stage)
    rule = org_client.get(f"/api/stages/{stage.pk}/assignment/")
    assert rule.status_code == 200
    assert rule.json() == {"judges_per_entry": 3, "k_max": 20, "latest_run": None}
    body = feasibility(org_client, stage)  # no k: the stage's 3, not a hard-coded 2
    assert (body["k"], body["ok"], body["nothing_to_assign"]) == (3, True, None)
    assert body["summary"]["reviews_needed"] == 12 and len(judges) == 3


def test_rule_set_by_organiser_audited_and_refused_to_others(client_for, org_client, stage):
    response = org_client.patch(
        f"/api/stages/{stage.pk}/assignment/", {"judges_per_entry": 5}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["judges_per_entry"] == 5
    stage.refresh_from_db()
    assert stage.judges_per_entry == 5
    entry = AuditLog.objects.get(contest=stage.contest, action="assignment.rule")
    assert entry.data == {"judges_per_entry": 5, "before": 3}

    bad = org_client.patch(
        f"/api/stages/{stage.pk}/assignment/", {"judges_per_entry": 0}, format="json"
    )
    body = assert_error(bad, 400, "invalid")
    assert list(body["fields"]) == ["judges_per_entry"]
    stranger = client_for(UserFactory())
    before = AuditLog.objects.count()
    refused = stranger.patch(
        f"/api/stages/{stage.pk}/assignment/", {"judges_per_entry": 2}, format="json"
    )
    assert_error(refused, 404, "not_found")
    assert stranger.get(f"/api/stages/{stage.pk}/assignment/").status_code == 404
    stage.refresh_from_db()
    assert (stage.judges_per_entry, AuditLog.objects.count()) == (5, before)


def test_summary_counts_by_cause_never_one_line_per_entry_or_judge(org_client, stage):
    """60 entries, 4 judges of max 10 and min 20: far short. The report is a handful of lines."""
    for _ in range(4):
        judge_on(stage, max_load=10, min_load=12)
    for _ in range(60):
        entry_in(stage)
    body = feasibility(org_client, stage, k=4)
    assert body["ok"] is False
    assert body["causes"]["reviews_exceed_capacity"] == 60 * 4 - 40
    assert body["causes"]["judge_min_above_max"] == 4
    codes = [s["code"] for s in body["suggestions"]]
    assert len(codes) == len(set(codes)) <= 4  # one line per cause (one panel here)
    grouped = next(s for s in body["suggestions"] if s["code"] == "judge_min_above_max")
    assert grouped["data"]["count"] == 4
    assert grouped["zh"].startswith("4 位评委") and grouped["en"].startswith("4 judges")
    assert body["messages_zh"] == [s["zh"] for s in body["suggestions"]]
    assert len(body["short_entries"]) <= 10 and len(body["short_judges"]) <= 10


def test_every_short_entry_paged_on_demand(org_client, stage):
    judge_on(stage)
    judge_on(stage)
    entries = [entry_in(stage) for _ in range(25)]
    body = feasibility(org_client, stage)
    assert body["causes"] == {"entries_short": 25}
    assert len(body["suggestions"]) == 1 and body["summary"]["entries_short"] == 25
    url = f"/api/stages/{stage.pk}/assignment/short-entries/"
    first = org_client.get(url, {"page": 1})
    assert first.status_code == 200
    page = first.json()
    assert page["count"] == 25 and len(page["results"]) == 20
    second = org_client.get(url, {"page": 2}).json()
    seen = [r["id"] for r in page["results"] + second["results"]]
    assert sorted(seen) == sorted(e.pk for e in entries)
    assert second["results"][0]["available"] == 2 and second["results"][0]["needed"] == 3


def test_nothing_submitted_is_said_not_called_assignable(org_client, stage):
    judge_on(stage)
    body = feasibility(org_client, stage)
    assert body["nothing_to_assign"] == "no_submitted_entries"
    before = snapshot()
    refused = org_client.post(f"/api/stages/{stage.pk}/assignment/runs/", {}, format="json")
    assert_error(refused, 409, "no_submitted_entries")
    assert snapshot() == before
    assert stage.assignment_runs.count() == 0


def test_run_without_k_uses_the_rule_and_top_up_fills_entries_below_it(
    org_client, stage, django_capture_on_commit_callbacks
):
    judges = [judge_on(stage) for _ in range(4)]
    entries = [entry_in(stage) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        first = org_client.post(f"/api/stages/{stage.pk}/assignment/runs/", {}, format="json")
    assert first.status_code == 202
    run = org_client.get(f"/api/assignment-runs/{first.json()['id']}/").json()
    assert (run["k"], run["assigned"]) == (3, 9)
    assert run["report"]["causes"] == {} and run["report"]["suggestions"] == []
    # An entry loses a judge: a top-up gives it one more and leaves the others alone.
    from judging.models import Assignment

    Assignment.objects.filter(entry=entries[0]).order_by("id").first().delete()
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        top = org_client.post(
            f"/api/stages/{stage.pk}/assignment/runs/", {"mode": "top_up"}, format="json"
        )
    run = org_client.get(f"/api/assignment-runs/{top.json()['id']}/").json()
    assert (run["mode"], run["status"], run["assigned"]) == ("top_up", "done", 1)
    assert set(before) < set(snapshot())
    assert Assignment.objects.filter(entry=entries[0]).count() == 3
    latest = org_client.get(f"/api/stages/{stage.pk}/assignment/").json()["latest_run"]
    assert latest["id"] == run["id"] and len(judges) == 4
