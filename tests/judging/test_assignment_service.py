"""Judge assignment services: automatic runs through the (eager) task, roadshow, manual changes.
Conflicts of interest are a hard constraint on every route."""

from collections import Counter

import pytest
from django.db import connection

from contest.enums import EntryStatus, StageKind
from contest.errors import NotPermitted, StateConflict, ValidationFailed
from judging.enums import AssignmentSource, ConflictSource, ReviewStatus, RunStatus
from judging.models import Assignment, AssignmentRun, AuditLog, Conflict, Review, Rubric
from judging.selectors import judge_progress
from judging.services.assignment import (
    assignment_add,
    assignment_remove,
    assignment_roadshow_all,
    assignment_start,
    assignment_swap,
)
from judging.services.assignment_feasibility import assignment_feasibility
from tests.factories.contest import (
    EntryFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.judging import JudgeProfileFactory, PanelMembershipFactory


def entry_in(stage, *, title=None, track=None, lead_organisation=None, tags=()):
    team = TeamFactory(contest=stage.contest, track=track, lead_organisation=lead_organisation)
    kwargs = {"title": title} if title else {}
    return EntryFactory(
        team=team, stage=stage, status=EntryStatus.SUBMITTED, tags=list(tags), **kwargs
    )


def judge_on(stage, *, track=None, min_load=0, max_load=60, organisation=None, expertise=()):
    membership = PanelMembershipFactory(
        stage=stage, track=track, accepted=True, min_load=min_load, max_load=max_load
    )
    JudgeProfileFactory(user=membership.judge, organisation=organisation, expertise=list(expertise))
    return membership.judge


def declare(judge, entry):
    return Conflict.objects.create(
        contest=entry.team.contest,
        judge=judge,
        team=entry.team,
        source=ConflictSource.DECLARED_BY_ORGANISER,
        reason="亲属 Relative",
    )


def run_now(django_capture_on_commit_callbacks, *, actor, stage, k) -> AssignmentRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = assignment_start(actor=actor, stage=stage, k=k)
    run.refresh_from_db()
    return run


def pairs(stage) -> set[tuple[int, int]]:
    return set(Assignment.objects.filter(stage=stage).values_list("judge_id", "entry_id"))


def review_for(assignment, status):
    rubric, _ = Rubric.objects.get_or_create(stage=assignment.stage, name="初赛评分细则")
    return Review.objects.create(
        assignment=assignment,
        stage=assignment.stage,
        entry=assignment.entry,
        judge=assignment.judge,
        rubric=rubric,
        status=status,
    )


# --- automatic run -------------------------------------------------------------------------


def test_run_assigns_k_conflict_free_judges_per_entry_within_loads(
    stage, organiser, django_capture_on_commit_callbacks
):
    org = OrganisationFactory()
    entries = [entry_in(stage) for _ in range(5)] + [entry_in(stage, lead_organisation=org)]
    judges = [judge_on(stage, min_load=3, max_load=3) for _ in range(3)]
    judges.append(judge_on(stage, min_load=3, max_load=3, organisation=org))  # same unit: 回避
    declare(judges[0], entries[0])
    declare(judges[1], entries[1])

    run = run_now(django_capture_on_commit_callbacks, actor=organiser, stage=stage, k=2)

    assert run.status == RunStatus.DONE
    assert run.progress == 100
    assert run.assigned == 12
    assert run.report["ok"] is True
    assigned = pairs(stage)
    assert Counter(e for _, e in assigned) == {e.pk: 2 for e in entries}
    assert Counter(j for j, _ in assigned) == {j.pk: 3 for j in judges}
    forbidden = {
        (judges[0].pk, entries[0].pk),
        (judges[1].pk, entries[1].pk),
        (judges[3].pk, entries[5].pk),
    }
    assert assigned & forbidden == set()
    assert set(Assignment.objects.values_list("source", flat=True)) == {AssignmentSource.AUTO}
    codes = dict(Assignment.objects.values_list("entry_id", "anonymous_code").distinct())
    assert len(codes) == 6 and len(set(codes.values())) == 6
    assert all(len(c) == 6 and c.startswith("A-") for c in codes.values())
    log = AuditLog.objects.get(action="assignment.run")
    assert log.data["status"] == "done" and log.data["assigned"] == 12
    queued = AuditLog.objects.get(action="assignment.queue")
    assert (queued.data["k"], queued.seq < log.seq) == (2, True)


def test_run_infeasible_stores_report_and_assigns_nothing(
    stage, organiser, django_capture_on_commit_callbacks
):
    entries = [entry_in(stage, title=f"作品{i}") for i in range(3)]
    judge_on(stage, max_load=10)
    judge_on(stage, max_load=10)

    run = run_now(django_capture_on_commit_callbacks, actor=organiser, stage=stage, k=3)

    assert run.status == RunStatus.INFEASIBLE
    assert run.report["ok"] is False
    assert [s["name"] for s in run.report["short_entries"]] == [
        f"{e.title}（{e.team.name}）" for e in entries
    ]
    names = ", ".join(f"“{e.title}（{e.team.name}）”" for e in entries)
    assert run.report["messages_en"][0] == (
        f"[whole-stage panel] 3 entries have fewer than 3 conflict-free judges with room "
        f"(e.g. {names}): add 1 judges without a conflict to the panel"
    )
    assert run.report["outcome"] == "infeasible"
    assert run.report["summary"]["entries_short"] == 3
    assert Assignment.objects.count() == 0


def test_run_records_progress(stage, contest, organiser, django_capture_on_commit_callbacks):
    tracks = [TrackFactory(contest=contest) for _ in range(2)]
    for track in tracks:
        entry_in(stage, track=track)
        judge_on(stage, track=track)
    written: list[int] = []

    def spy(execute, sql, params, many, context):
        if sql.startswith('UPDATE "judging_assignmentrun" SET "progress"'):
            written.append(params[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        run = run_now(django_capture_on_commit_callbacks, actor=organiser, stage=stage, k=1)

    assert run.status == RunStatus.DONE
    assert written == [10, 50, 90]  # after the check, then after each of the two track panels
    assert run.progress == 100


def test_run_keeps_manual_and_reviewed_assignments_and_replaces_the_rest(
    stage, organiser, django_capture_on_commit_callbacks
):
    entries = [entry_in(stage) for _ in range(2)]
    judges = [judge_on(stage) for _ in range(3)]
    manual = Assignment.objects.create(
        stage=stage,
        entry=entries[0],
        judge=judges[2],
        source=AssignmentSource.MANUAL,
        anonymous_code="A-MANU",
    )
    reviewed = Assignment.objects.create(
        stage=stage,
        entry=entries[1],
        judge=judges[2],
        source=AssignmentSource.AUTO,
        anonymous_code="A-REVD",
    )
    review_for(reviewed, ReviewStatus.DRAFT)
    stale = Assignment.objects.create(
        stage=stage,
        entry=entries[1],
        judge=judges[0],
        source=AssignmentSource.AUTO,
        anonymous_code="A-REVD",
    )

    run = run_now(django_capture_on_commit_callbacks, actor=organiser, stage=stage, k=2)

    assert run.status == RunStatus.DONE
    assert run.assigned == 2
    assert Assignment.objects.filter(pk__in=[manual.pk, reviewed.pk]).count() == 2
    assert Counter(e for _, e in pairs(stage)) == {entries[0].pk: 2, entries[1].pk: 2}
    # the entry's code survives: every judge of an entry sees the same code
    assert set(
        Assignment.objects.filter(entry=entries[0]).values_list("anonymous_code", flat=True)
    ) == {"A-MANU"}
    assert not Assignment.objects.filter(pk=stale.pk).exists()  # replaced, not kept


def test_run_sends_track_entries_to_their_panel_and_the_rest_to_the_whole_stage_panel(
    stage, contest, organiser, django_capture_on_commit_callbacks
):
    with_panel, without_panel = TrackFactory(contest=contest), TrackFactory(contest=contest)
    e_track = entry_in(stage, track=with_panel)
    e_other = entry_in(stage, track=without_panel)
    e_none = entry_in(stage)
    track_judge = judge_on(stage, track=with_panel)
    stage_judge = judge_on(stage)

    run = run_now(django_capture_on_commit_callbacks, actor=organiser, stage=stage, k=1)

    assert run.status == RunStatus.DONE
    assert pairs(stage) == {
        (track_judge.pk, e_track.pk),
        (stage_judge.pk, e_other.pk),
        (stage_judge.pk, e_none.pk),
    }


def test_run_prefers_shared_expertise(
    stage, contest, organiser, django_capture_on_commit_callbacks
):
    track = TrackFactory(contest=contest, name="工业制造")
    e_data = entry_in(stage, tags=["大数据"])
    e_track = entry_in(stage, track=track)
    j_data = judge_on(stage, max_load=1, expertise=["大数据"])
    j_track = judge_on(stage, max_load=1, expertise=["工业制造"])

    run_now(django_capture_on_commit_callbacks, actor=organiser, stage=stage, k=1)

    assert pairs(stage) == {(j_data.pk, e_data.pk), (j_track.pk, e_track.pk)}


def test_feasibility_ignores_unaccepted_judges_and_unsubmitted_entries(stage):
    entry = entry_in(stage)
    EntryFactory(stage=stage, team=TeamFactory(contest=stage.contest), status=EntryStatus.DRAFT)
    judge_on(stage)
    PanelMembershipFactory(stage=stage)  # invited, not accepted

    report = assignment_feasibility(stage=stage, k=2)

    assert report.ok is False
    assert report.messages_en == [
        f"[whole-stage panel] 1 entries have fewer than 2 conflict-free judges with room "
        f"(e.g. “{entry.title}（{entry.team.name}）”): add 1 judges without a conflict to the panel"
    ]
    assert (report.summary["entries"], report.summary["judges"]) == (1, 1)


def test_run_on_a_stage_without_entries_is_refused_as_nothing_to_assign(stage, organiser):
    judge_on(stage)
    before = AuditLog.objects.count()

    with pytest.raises(StateConflict) as exc:
        assignment_start(actor=organiser, stage=stage, k=3)

    assert exc.value.code == "no_submitted_entries"
    assert (AssignmentRun.objects.count(), AuditLog.objects.count()) == (0, before)


def test_task_returns_quietly_when_the_run_is_gone(db):
    from judging.tasks import assignment_run_task

    assert assignment_run_task.delay(987654).get() is None


def test_start_refuses_k_out_of_range(stage, organiser):
    with pytest.raises(ValidationFailed) as exc:
        assignment_start(actor=organiser, stage=stage, k=0)
    assert exc.value.code == "invalid_k"
    assert AssignmentRun.objects.count() == 0


def test_start_refused_for_non_organiser(stage):
    with pytest.raises(NotPermitted):
        assignment_start(actor=UserFactory(), stage=stage, k=2)
    assert AssignmentRun.objects.count() == 0


# --- roadshow --------------------------------------------------------------------------------


def test_roadshow_all_panel_scores_every_finalist_except_conflicts(contest, organiser):
    stage = StageFactory(contest=contest, order=3, kind=StageKind.ROADSHOW)
    track = TrackFactory(contest=contest)
    entries = [entry_in(stage) for _ in range(3)]
    judges = [judge_on(stage), judge_on(stage, track=track), judge_on(stage)]
    PanelMembershipFactory(stage=stage)  # invited only: not on the panel yet
    declare(judges[2], entries[1])

    summary = assignment_roadshow_all(actor=organiser, stage=stage)

    expected = {(j.pk, e.pk) for j in judges for e in entries} - {(judges[2].pk, entries[1].pk)}
    assert summary == {"created": 8, "conflicts_skipped": 1}
    assert pairs(stage) == expected
    assert assignment_roadshow_all(actor=organiser, stage=stage)["created"] == 0


def test_roadshow_all_refused_on_online_review_stage(stage, organiser):
    with pytest.raises(StateConflict) as exc:
        assignment_roadshow_all(actor=organiser, stage=stage)
    assert exc.value.code == "stage_not_roadshow"


# --- manual changes ----------------------------------------------------------------------------


def test_add_refuses_conflict_with_reasons_and_changes_nothing(stage, organiser):
    org = OrganisationFactory()
    entry = entry_in(stage, lead_organisation=org)
    judge = judge_on(stage, organisation=org)
    declare(judge, entry)

    with pytest.raises(StateConflict) as exc:
        assignment_add(actor=organiser, stage=stage, entry=entry, judge=judge)

    assert exc.value.code == "judge_conflict"
    assert exc.value.details == {
        "reasons": [ConflictSource.DECLARED_BY_ORGANISER, ConflictSource.SAME_ORGANISATION]
    }
    assert Assignment.objects.count() == 0
    assert AuditLog.objects.filter(action="assignment.add").count() == 0


def test_add_refuses_judge_off_the_entry_panel(stage, contest, organiser):
    track = TrackFactory(contest=contest)
    entry = entry_in(stage, track=track)
    judge_on(stage, track=track)
    whole_stage_judge = judge_on(stage)
    outsider = UserFactory()

    for judge, code in (
        (whole_stage_judge, "judge_not_on_entry_panel"),
        (outsider, "judge_not_on_panel"),
    ):
        with pytest.raises(ValidationFailed) as exc:
            assignment_add(actor=organiser, stage=stage, entry=entry, judge=judge)
        assert exc.value.code == code
    assert Assignment.objects.count() == 0


def test_add_refuses_beyond_max_load(stage, organiser):
    first, second = entry_in(stage), entry_in(stage)
    judge = judge_on(stage, max_load=1)
    assignment_add(actor=organiser, stage=stage, entry=first, judge=judge)

    with pytest.raises(StateConflict) as exc:
        assignment_add(actor=organiser, stage=stage, entry=second, judge=judge)

    assert exc.value.code == "judge_max_load"
    assert pairs(stage) == {(judge.pk, first.pk)}


def test_add_records_manual_assignment_with_the_entry_code(stage, organiser):
    entry = entry_in(stage)
    a, b = judge_on(stage), judge_on(stage)

    one = assignment_add(actor=organiser, stage=stage, entry=entry, judge=a)
    two = assignment_add(actor=organiser, stage=stage, entry=entry, judge=b)

    assert one.source == AssignmentSource.MANUAL and one.created_by == organiser
    assert one.anonymous_code == two.anonymous_code
    assert AuditLog.objects.filter(action="assignment.add").count() == 2
    with pytest.raises(StateConflict) as exc:
        assignment_add(actor=organiser, stage=stage, entry=entry, judge=a)
    assert exc.value.code == "already_assigned"


def test_swap_refuses_conflicted_judge_and_changes_nothing(stage, organiser):
    entry = entry_in(stage)
    current, conflicted = judge_on(stage), judge_on(stage)
    declare(conflicted, entry)
    assignment = assignment_add(actor=organiser, stage=stage, entry=entry, judge=current)

    with pytest.raises(StateConflict) as exc:
        assignment_swap(actor=organiser, assignment=assignment, judge=conflicted)

    assert exc.value.code == "judge_conflict"
    assert pairs(stage) == {(current.pk, entry.pk)}


def test_swap_moves_the_assignment_and_drops_the_draft(stage, organiser):
    entry = entry_in(stage)
    current, other = judge_on(stage), judge_on(stage)
    assignment = assignment_add(actor=organiser, stage=stage, entry=entry, judge=current)
    review_for(assignment, ReviewStatus.DRAFT)

    swapped = assignment_swap(actor=organiser, assignment=assignment, judge=other)

    assert swapped.pk == assignment.pk
    assert pairs(stage) == {(other.pk, entry.pk)}
    assert Review.objects.count() == 0
    assert AuditLog.objects.get(action="assignment.swap").data["from_judge"] == current.pk


def test_remove_and_swap_refused_once_the_review_is_submitted(stage, organiser):
    entry = entry_in(stage)
    current, other = judge_on(stage), judge_on(stage)
    assignment = assignment_add(actor=organiser, stage=stage, entry=entry, judge=current)
    review_for(assignment, ReviewStatus.SUBMITTED)

    for call in (
        lambda: assignment_remove(actor=organiser, assignment=assignment),
        lambda: assignment_swap(actor=organiser, assignment=assignment, judge=other),
    ):
        with pytest.raises(StateConflict) as exc:
            call()
        assert exc.value.code == "review_submitted"
    assert pairs(stage) == {(current.pk, entry.pk)}


def test_remove_deletes_assignment_and_draft(stage, organiser):
    entry = entry_in(stage)
    judge = judge_on(stage)
    assignment = assignment_add(actor=organiser, stage=stage, entry=entry, judge=judge)
    review_for(assignment, ReviewStatus.DRAFT)

    assignment_remove(actor=organiser, assignment=assignment)

    assert Assignment.objects.count() == 0 and Review.objects.count() == 0
    assert AuditLog.objects.get(action="assignment.remove").data["had_draft"] is True


def test_judge_progress_counts_assigned_submitted_and_drafts(stage, organiser):
    entries = [entry_in(stage) for _ in range(3)]
    busy, idle = judge_on(stage), judge_on(stage)
    made = [assignment_add(actor=organiser, stage=stage, entry=e, judge=busy) for e in entries]
    review_for(made[0], ReviewStatus.SUBMITTED)
    review_for(made[1], ReviewStatus.DRAFT)

    rows = {r["judge"]: r for r in judge_progress(stage=stage)}

    assert (rows[busy.pk]["assigned"], rows[busy.pk]["submitted"], rows[busy.pk]["drafts"]) == (
        3,
        1,
        1,
    )
    assert (rows[idle.pk]["assigned"], rows[idle.pk]["submitted"], rows[idle.pk]["drafts"]) == (
        0,
        0,
        0,
    )
