"""Assignment runs hold together (issue 9): balanced by default, nothing fails silently (a run
with nothing to assign is refused, feasibility summarises with the existing assignments counted),
and a top-up run assigns only the entries below k."""

import pytest

from contest.enums import EntryStatus
from judging.enums import AssignmentSource
from judging.models import Assignment, AuditLog
from tests.api.test_assignment_api import assert_error, assign, entry_in, judge_on, snapshot
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    StageFactory,
    TeamFactory,
    UserFactory,
)
from tests.factories.judging import JudgeProfileFactory, PanelMembershipFactory


@pytest.fixture
def stage(db):
    return StageFactory(contest=ContestFactory(), order=1)


@pytest.fixture
def org_client(client_for, stage):
    user = UserFactory(real_name="组委会秘书")
    ContestRoleFactory(contest=stage.contest, user=user)
    return client_for(user)


# -------------------------------------------


def run_via_api(org_client, stage, capture, **body):
    with capture(execute=True):
        response = org_client.post(
            f"/api/stages/{stage.pk}/assignment/runs/", {"k": 3, **body}, format="json"
        )
    return response


def loads(stage) -> list[int]:
    from collections import Counter

    counts = Counter(Assignment.objects.filter(stage=stage).values_list("judge_id", flat=True))
    return sorted(counts.values(), reverse=True)


def skewed_panel(stage, n_judges):
    # Judges whose expertise matches every entry better than the next: a plain min-cost run
    # piles the reviews on the first ones.
    expertise = [["数据", "交通", "医疗"], ["数据", "交通"], ["数据"]] + [[]] * n_judges
    judges = []
    for i in range(n_judges):
        m = PanelMembershipFactory(stage=stage, accepted=True)
        JudgeProfileFactory(user=m.judge, expertise=expertise[i])
        judges.append(m.judge)
    return judges


def tagged_entries(stage, n):
    return [
        EntryFactory(
            team=TeamFactory(contest=stage.contest),
            stage=stage,
            status=EntryStatus.SUBMITTED,
            tags=["数据", "交通", "医疗"],
        )
        for _ in range(n)
    ]


def test_run_balances_six_judges_eighteen_reviews_three_each(
    org_client, stage, django_capture_on_commit_callbacks
):
    skewed_panel(stage, 6)
    tagged_entries(stage, 6)

    response = run_via_api(org_client, stage, django_capture_on_commit_callbacks)

    assert response.status_code == 202
    run = org_client.get(f"/api/assignment-runs/{response.json()['id']}/").json()
    assert (run["status"], run["assigned"], run["report"]["outcome"]) == ("done", 18, "assigned")
    assert loads(stage) == [3, 3, 3, 3, 3, 3]
    assert sorted(run["report"]["loads"].values()) == [3, 3, 3, 3, 3, 3]


@pytest.mark.parametrize(("n_entries", "n_judges"), [(7, 4), (5, 6), (11, 5)])
def test_run_with_uneven_numbers_keeps_loads_within_one(
    org_client, stage, django_capture_on_commit_callbacks, n_entries, n_judges
):
    skewed_panel(stage, n_judges)
    tagged_entries(stage, n_entries)

    response = run_via_api(org_client, stage, django_capture_on_commit_callbacks)

    assert response.status_code == 202
    got = loads(stage)
    assert sum(got) == n_entries * 3 and len(got) == n_judges
    assert max(got) - min(got) <= 1


def test_run_with_no_submitted_entries_is_refused_and_creates_no_run(org_client, stage):
    judge_on(stage)
    EntryFactory(stage=stage, team=TeamFactory(contest=stage.contest), status=EntryStatus.DRAFT)
    audit_before = AuditLog.objects.count()

    response = org_client.post(f"/api/stages/{stage.pk}/assignment/runs/", {"k": 3}, format="json")

    body = assert_error(response, 409, "no_submitted_entries")
    assert body["message_en"] == "The stage has no submitted entries: there is nothing to assign."
    assert (stage.assignment_runs.count(), AuditLog.objects.count()) == (0, audit_before)


def test_top_up_when_every_entry_has_k_judges_is_refused(
    org_client, stage, django_capture_on_commit_callbacks
):
    judges = [judge_on(stage) for _ in range(3)]
    entries = [entry_in(stage) for _ in range(2)]
    for e in entries:
        for j in judges:
            assign(stage, e, j, source=AssignmentSource.AUTO)
    before = snapshot()

    response = run_via_api(org_client, stage, django_capture_on_commit_callbacks, mode="top_up")

    body = assert_error(response, 409, "all_entries_assigned")
    assert body["message_en"] == (
        "All 2 submitted entries already have 3 judges: there is nothing to assign."
    )
    assert body["details"]["reviews_needed"] == 0
    assert snapshot() == before
    assert stage.assignment_runs.count() == 0


def test_feasibility_counts_existing_assignments_and_summarises(org_client, stage):
    judges = [judge_on(stage, max_load=4) for _ in range(3)]
    complete = [entry_in(stage, title=f"已分配{i}") for i in range(4)]
    for e in complete:
        for j in judges:
            assign(stage, e, j, source=AssignmentSource.AUTO)
    for i in range(8):
        entry_in(stage, title=f"待分配{i}")

    response = org_client.post(
        f"/api/stages/{stage.pk}/assignment/feasibility/",
        {"k": 3, "mode": "top_up"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    # 4 complete entries leave the top-up; their 12 reviews fill the 3 judges to max 4.
    assert body["summary"] == {
        "entries": 8,
        "entries_complete": 0,
        "entries_short": 8,
        "reviews_fixed": 0,
        "reviews_needed": 24,
        "judges": 3,
        "judges_at_capacity": 3,
    }
    codes = [i["code"] for i in body["issues"]]
    assert codes == ["reviews_exceed_capacity", "entries_short"]
    capacity = body["issues"][0]
    assert capacity["en"] == (
        "[whole-stage panel] 8 entries × 3 = 24 reviews; 3 judges with room for 0 more: "
        "add 6 judges (max 4) or raise the max to 12"
    )
    assert capacity["data"]["max_needed"] == 12
    short = body["issues"][1]
    assert short["data"]["count"] == 8 and len(short["data"]["sample"]) == 5
    assert short["en"].endswith("or raise the max of the 3 judges at capacity")
    assert len(body["short_entries"]) == 8 and len(body["messages_en"]) == 2


def test_top_up_assigns_only_the_short_entries_and_keeps_the_rest(
    org_client, stage, django_capture_on_commit_callbacks
):
    judges = [judge_on(stage) for _ in range(4)]
    done = [entry_in(stage, title=f"已分配{i}") for i in range(2)]
    for e in done:
        for j in judges[:3]:
            assign(stage, e, j, source=AssignmentSource.AUTO)
    partial = entry_in(stage, title="缺一位")
    assign(stage, partial, judges[0], source=AssignmentSource.AUTO)
    assign(stage, partial, judges[1], source=AssignmentSource.AUTO)
    fresh = [entry_in(stage, title=f"未分配{i}") for i in range(2)]
    before = snapshot()

    response = run_via_api(org_client, stage, django_capture_on_commit_callbacks, mode="top_up")

    assert response.status_code == 202
    run = org_client.get(f"/api/assignment-runs/{response.json()['id']}/").json()
    assert (run["mode"], run["status"], run["assigned"]) == ("top_up", "done", 7)
    after = snapshot()
    assert set(before) <= set(after)  # every existing assignment kept, same ids
    new = [(j, e) for _, j, e in set(after) - set(before)]
    assert sorted(e for _, e in new) == sorted([partial.pk] + [f.pk for f in fresh] * 3)
    # Existing loads 3/3/2/0 plus 7 new reviews: 15 over 4 judges, within 1 of each other.
    assert loads(stage) == [4, 4, 4, 3]
    assert Assignment.objects.filter(judge=judges[3]).count() == 3
    assert Assignment.objects.filter(entry=partial).count() == 3


def test_full_run_with_only_manual_assignments_complete_is_refused(org_client, stage):
    judges = [judge_on(stage) for _ in range(3)]
    entry = entry_in(stage)
    for j in judges:
        assign(stage, entry, j)
    before = snapshot()

    response = org_client.post(f"/api/stages/{stage.pk}/assignment/runs/", {"k": 3}, format="json")

    assert_error(response, 409, "all_entries_assigned")
    assert snapshot() == before


def test_run_mode_must_be_known(org_client, stage):
    entry_in(stage)
    response = org_client.post(
        f"/api/stages/{stage.pk}/assignment/runs/", {"k": 3, "mode": "shuffle"}, format="json"
    )
    assert response.status_code == 400
    assert stage.assignment_runs.count() == 0
