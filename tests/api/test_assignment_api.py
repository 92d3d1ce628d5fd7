"""Judge assignment API: organisers only (anyone else gets 404), feasibility numbers, runs and
progress, manual changes refused on conflicts, N+1-safe lists."""

import pytest

from contest.enums import EntryStatus, StageKind
from judging.enums import AssignmentSource, ConflictSource, ReviewStatus, RunStatus
from judging.models import Assignment, AuditLog, Conflict, Review, Rubric
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    StageFactory,
    TeamFactory,
    UserFactory,
)
from tests.factories.judging import JudgeProfileFactory, PanelMembershipFactory

# Self-contained fixtures and helpers (the same shapes as tests/api/conftest.py and helpers.py).


@pytest.fixture
def organiser(contest):
    user = UserFactory(real_name="组委会秘书")
    ContestRoleFactory(contest=contest, user=user)
    return user


@pytest.fixture
def other_organiser(db):
    user = UserFactory(real_name="另一赛事组委会")
    ContestRoleFactory(contest=ContestFactory(), user=user)
    return user


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["message_zh"] and body["message_en"]
    return body


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def entry_in(stage, *, title=None):
    team = TeamFactory(contest=stage.contest)
    kwargs = {"title": title} if title else {}
    return EntryFactory(team=team, stage=stage, status=EntryStatus.SUBMITTED, **kwargs)


def judge_on(stage, *, max_load=60, min_load=0):
    membership = PanelMembershipFactory(
        stage=stage, accepted=True, min_load=min_load, max_load=max_load
    )
    JudgeProfileFactory(user=membership.judge)
    return membership.judge


def declare(judge, entry):
    Conflict.objects.create(
        contest=entry.team.contest,
        judge=judge,
        team=entry.team,
        source=ConflictSource.DECLARED_BY_JUDGE,
        reason="曾指导该团队 Advised this team",
    )


def assign(stage, entry, judge, source=AssignmentSource.MANUAL):
    return Assignment.objects.create(
        stage=stage, entry=entry, judge=judge, source=source, anonymous_code=f"A-{entry.pk:04d}"
    )


def snapshot():
    return sorted(Assignment.objects.values_list("pk", "judge_id", "entry_id"))


@pytest.fixture
def org_client(client_for, organiser):
    return client_for(organiser)


# --- feasibility --------------------------------------------------------------------------------


def test_feasibility_too_few_judges_reports_the_exact_numbers(org_client, stage):
    for i in range(5):
        entry_in(stage, title=f"作品{i}")
    judge_on(stage, max_load=4)
    judge_on(stage, max_load=4)

    response = org_client.post(
        f"/api/stages/{stage.pk}/assignment/feasibility/", {"k": 3}, format="json"
    )

    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    capacity = body["issues"][0]
    assert capacity["code"] == "reviews_exceed_capacity"
    assert capacity["en"] == (
        "[whole-stage panel] 5 entries × 3 = 15 reviews; 2 judges × 4 max = 8: "
        "add 2 judges (max 4) or raise the max to 8"
    )
    assert capacity["zh"] == (
        "【全体评审组】5 件作品 × 3 = 15 次评审；2 位评委 × 上限 4 = 8：请增加 2 位评委（上限 4）或将上限提高到 8"
    )
    assert capacity["data"] == {
        "panel": [None],
        "reviews": 15,
        "capacity": 8,
        "judges_to_add": 2,
        "max_needed": 8,
    }
    # One summary line for the five short entries, not one line each.
    assert [i["code"] for i in body["issues"][1:]] == ["entries_short"]
    assert body["issues"][1]["data"]["count"] == 5
    assert len(body["issues"][1]["data"]["sample"]) == 5
    assert body["summary"] == {
        "entries": 5,
        "entries_complete": 0,
        "entries_short": 5,
        "reviews_fixed": 0,
        "reviews_needed": 15,
        "judges": 2,
        "judges_at_capacity": 0,
    }


def test_feasibility_lists_an_entry_without_k_conflict_free_judges_by_name(org_client, stage):
    entry_in(stage, title="智慧港口")
    blocked = entry_in(stage, title="城市大脑")
    judges = [judge_on(stage, max_load=10) for _ in range(3)]
    declare(judges[1], blocked)

    response = org_client.post(
        f"/api/stages/{stage.pk}/assignment/feasibility/", {"k": 3}, format="json"
    )

    body = response.json()
    name = f"城市大脑（{blocked.team.name}）"
    assert body["ok"] is False
    assert body["short_entries"] == [{"id": blocked.pk, "name": name, "available": 2, "needed": 3}]
    assert body["messages_en"] == [
        f"[whole-stage panel] 1 entries have fewer than 3 conflict-free judges with room "
        f"(e.g. “{name}”): add 1 judges without a conflict to the panel"
    ]
    assert body["messages_zh"] == [
        f"【全体评审组】1 件作品无回避冲突且有余量的评委不足 3 位（如《{name}》）："
        "请为该评审组增加 1 位无回避冲突的评委"
    ]


def test_feasibility_rejects_k_out_of_range(org_client, stage):
    response = org_client.post(
        f"/api/stages/{stage.pk}/assignment/feasibility/", {"k": 0}, format="json"
    )
    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["k"]


# --- runs ------------------------------------------------------------------------------------------


def test_run_assigns_k_conflict_free_judges_and_reports_progress(
    org_client, stage, django_capture_on_commit_callbacks
):
    entries = [entry_in(stage) for _ in range(4)]
    judges = [judge_on(stage, min_load=2, max_load=2) for _ in range(4)]
    declare(judges[0], entries[0])
    declare(judges[0], entries[1])

    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(
            f"/api/stages/{stage.pk}/assignment/runs/", {"k": 2}, format="json"
        )

    assert response.status_code == 202
    run_id = response.json()["id"]
    polled = org_client.get(f"/api/assignment-runs/{run_id}/").json()
    assert (polled["status"], polled["progress"], polled["assigned"]) == (RunStatus.DONE, 100, 8)
    assert polled["report"]["ok"] is True
    made = set(Assignment.objects.filter(stage=stage).values_list("judge_id", "entry_id"))
    assert len(made) == 8
    assert {(judges[0].pk, entries[0].pk), (judges[0].pk, entries[1].pk)} & made == set()
    for entry in entries:
        assert sum(1 for _, e in made if e == entry.pk) == 2
    for judge in judges:
        assert sum(1 for j, _ in made if j == judge.pk) == 2


def test_run_infeasible_is_reported_on_the_run(
    org_client, stage, django_capture_on_commit_callbacks
):
    entry_in(stage)
    judge_on(stage)

    with django_capture_on_commit_callbacks(execute=True):
        response = org_client.post(
            f"/api/stages/{stage.pk}/assignment/runs/", {"k": 2}, format="json"
        )

    assert response.status_code == 202
    body = org_client.get(f"/api/assignment-runs/{response.json()['id']}/").json()
    assert body["status"] == RunStatus.INFEASIBLE
    assert [i["code"] for i in body["report"]["issues"]] == ["entries_short"]
    assert body["report"]["outcome"] == "infeasible"
    assert Assignment.objects.count() == 0


def test_roadshow_assigns_the_whole_panel(org_client, contest):
    stage = StageFactory(contest=contest, order=5, kind=StageKind.ROADSHOW)
    entries = [entry_in(stage) for _ in range(2)]
    judges = [judge_on(stage) for _ in range(3)]
    declare(judges[0], entries[0])

    response = org_client.post(f"/api/stages/{stage.pk}/assignment/roadshow/")

    assert response.status_code == 200
    assert response.json() == {"created": 5, "conflicts_skipped": 1}
    assert Assignment.objects.filter(stage=stage).count() == 5


# --- list and progress -------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_assignment_list_query_count_does_not_grow(
    org_client, stage, count, django_assert_num_queries
):
    judge = judge_on(stage)
    for _ in range(count):
        a = assign(stage, entry_in(stage), judge)
        Review.objects.create(
            assignment=a,
            stage=stage,
            entry=a.entry,
            judge=judge,
            rubric=Rubric.objects.get_or_create(stage=stage, name="细则")[0],
        )

    # stage lookup, count, page
    with django_assert_num_queries(3):
        response = org_client.get(f"/api/stages/{stage.pk}/assignments/")

    rows = results(response)
    assert len(rows) == count
    assert rows[0]["review_status"] == ReviewStatus.DRAFT
    assert rows[0]["judge_name"] == judge.real_name


def test_assignment_list_filters_by_judge_and_entry(org_client, stage):
    a, b = judge_on(stage), judge_on(stage)
    e1, e2 = entry_in(stage), entry_in(stage)
    x = assign(stage, e1, a)
    assign(stage, e2, b)
    y = assign(stage, e2, a)

    by_judge = results(org_client.get(f"/api/stages/{stage.pk}/assignments/?judge={a.pk}"))
    by_entry = results(org_client.get(f"/api/stages/{stage.pk}/assignments/?entry={e1.pk}"))

    assert [r["id"] for r in by_judge] == [x.pk, y.pk]
    assert [r["id"] for r in by_entry] == [x.pk]


def test_judge_progress_lists_every_panel_member(org_client, stage):
    busy, idle = judge_on(stage), judge_on(stage)
    first = assign(stage, entry_in(stage), busy)
    assign(stage, entry_in(stage), busy)
    Review.objects.create(
        assignment=first,
        stage=stage,
        entry=first.entry,
        judge=busy,
        rubric=Rubric.objects.create(stage=stage, name="细则"),
        status=ReviewStatus.SUBMITTED,
    )

    response = org_client.get(f"/api/stages/{stage.pk}/judge-progress/")

    assert response.status_code == 200
    rows = {r["judge"]: (r["assigned"], r["submitted"], r["drafts"]) for r in response.json()}
    assert rows == {busy.pk: (2, 1, 0), idle.pk: (0, 0, 0)}


# --- manual changes ----------------------------------------------------------------------------------


def test_manual_add_creates_a_manual_assignment(org_client, stage, organiser):
    entry, judge = entry_in(stage), judge_on(stage)

    response = org_client.post(
        f"/api/stages/{stage.pk}/assignments/",
        {"entry": entry.pk, "judge": judge.pk},
        format="json",
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["entry"], body["judge"], body["source"]) == (entry.pk, judge.pk, "manual")
    assert AuditLog.objects.filter(action="assignment.add", actor=organiser).count() == 1


def test_manual_add_of_a_conflicted_judge_is_refused_and_changes_nothing(org_client, stage):
    entry, judge = entry_in(stage), judge_on(stage)
    declare(judge, entry)
    before = snapshot()

    response = org_client.post(
        f"/api/stages/{stage.pk}/assignments/",
        {"entry": entry.pk, "judge": judge.pk},
        format="json",
    )

    body = assert_error(response, 409, "judge_conflict")
    assert body["details"] == {"reasons": [ConflictSource.DECLARED_BY_JUDGE]}
    assert snapshot() == before


def test_swap_to_a_conflicted_judge_is_refused_and_changes_nothing(org_client, stage):
    entry, current, conflicted = entry_in(stage), judge_on(stage), judge_on(stage)
    declare(conflicted, entry)
    assignment = assign(stage, entry, current)
    before = snapshot()

    response = org_client.post(
        f"/api/assignments/{assignment.pk}/swap/", {"judge": conflicted.pk}, format="json"
    )

    assert_error(response, 409, "judge_conflict")
    assert snapshot() == before


def test_swap_gives_the_assignment_to_another_judge(org_client, stage):
    entry, current, other = entry_in(stage), judge_on(stage), judge_on(stage)
    assignment = assign(stage, entry, current, source=AssignmentSource.AUTO)

    response = org_client.post(
        f"/api/assignments/{assignment.pk}/swap/", {"judge": other.pk}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["judge"], response.json()["source"]) == (other.pk, "manual")


def test_delete_refused_once_the_review_is_submitted(org_client, stage):
    entry, judge = entry_in(stage), judge_on(stage)
    assignment = assign(stage, entry, judge)
    Review.objects.create(
        assignment=assignment,
        stage=stage,
        entry=entry,
        judge=judge,
        rubric=Rubric.objects.create(stage=stage, name="细则"),
        status=ReviewStatus.SUBMITTED,
    )

    response = org_client.delete(f"/api/assignments/{assignment.pk}/")

    assert_error(response, 409, "review_submitted")
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_delete_removes_an_unreviewed_assignment(org_client, stage):
    assignment = assign(stage, entry_in(stage), judge_on(stage))

    response = org_client.delete(f"/api/assignments/{assignment.pk}/")

    assert response.status_code == 204
    assert Assignment.objects.count() == 0


# --- who may -------------------------------------------------------------------------------------------


def test_everyone_but_the_organiser_gets_404(client_for, stage, other_organiser, captain):
    entry = entry_in(stage)
    judge = judge_on(stage)
    assignment = assign(stage, entry, judge)
    before = snapshot()
    calls = [
        ("post", f"/api/stages/{stage.pk}/assignment/feasibility/", {"k": 1}),
        ("post", f"/api/stages/{stage.pk}/assignment/runs/", {"k": 1}),
        ("post", f"/api/stages/{stage.pk}/assignment/roadshow/", {}),
        ("get", f"/api/stages/{stage.pk}/assignments/", None),
        ("post", f"/api/stages/{stage.pk}/assignments/", {"entry": entry.pk, "judge": judge.pk}),
        ("get", f"/api/stages/{stage.pk}/judge-progress/", None),
        ("delete", f"/api/assignments/{assignment.pk}/", None),
        ("post", f"/api/assignments/{assignment.pk}/swap/", {"judge": judge.pk}),
    ]
    for user in (judge, other_organiser, captain, UserFactory()):
        client = client_for(user)
        for method, url, data in calls:
            response = getattr(client, method)(url, data, format="json")
            assert_error(response, 404, "not_found")
    assert snapshot() == before


def test_run_is_hidden_from_a_judge(
    client_for, org_client, stage, django_capture_on_commit_callbacks
):
    entry_in(stage)
    judge = judge_on(stage)
    with django_capture_on_commit_callbacks(execute=True):
        run_id = org_client.post(
            f"/api/stages/{stage.pk}/assignment/runs/", {"k": 1}, format="json"
        ).json()["id"]

    assert_error(client_for(judge).get(f"/api/assignment-runs/{run_id}/"), 404, "not_found")


def test_anonymous_user_is_refused(api_client, stage):
    response = api_client.get(f"/api/stages/{stage.pk}/assignments/")
    assert response.status_code in (401, 403)
