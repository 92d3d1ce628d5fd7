"""Whether a stage's assignment is possible (评审分配的可行性): the solver's problem built from the
stage's accepted panel, submitted entries, conflicts and kept assignments, and its feasibility
report. Reads only; the run that writes assignments is `judging.services.assignment`.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import asdict, dataclass

from django.db.models import Q, QuerySet

from contest.enums import EntryStatus
from contest.models import Entry, Stage
from judging.assignment_solver import (
    AssignmentProblem,
    EntryNode,
    FeasibilityReport,
    JudgeNode,
    assignment_check,
)
from judging.enums import AssignmentSource, PanelStatus
from judging.errors import error
from judging.models import Assignment, JudgeProfile, PanelMembership
from judging.selectors.conflict import conflicted_teams

K_MAX = 20


@dataclass
class StageProblem:
    problem: AssignmentProblem
    entries: dict[int, Entry]
    memberships: dict[int, PanelMembership]  # by judge id


def accepted_panel(stage: Stage) -> list[PanelMembership]:
    return list(
        PanelMembership.objects.filter(stage=stage, status=PanelStatus.ACCEPTED)
        .select_related("judge", "track")
        .order_by("id")
    )


def submitted_entries(stage: Stage) -> list[Entry]:
    return list(
        Entry.objects.filter(stage=stage, status=EntryStatus.SUBMITTED)
        .select_related("team__track")
        .order_by("id")
    )


def _entry_panel(entry: Entry, track_panels: set[int]) -> int | None:
    track_id = entry.team.track_id
    return track_id if track_id in track_panels else None


def _entry_name(entry: Entry) -> str:
    return f"{entry.title}（{entry.team.name}）"


def forbidden_pairs(
    stage: Stage, memberships: list[PanelMembership], entries: list[Entry]
) -> set[tuple[int, int]]:
    """(judge id, entry id) pairs in conflict: one query per judge over the contest's teams."""
    by_team: dict[int, list[int]] = {}
    for e in entries:
        by_team.setdefault(e.team_id, []).append(e.pk)
    forbidden: set[tuple[int, int]] = set()
    for m in memberships:
        # A judge's conflicts are few; intersecting here keeps a long id list out of the SQL.
        team_ids = conflicted_teams(judge=m.judge, contest=stage.contest).values_list(
            "pk", flat=True
        )
        for team_id in set(team_ids) & by_team.keys():
            forbidden.update((m.judge_id, eid) for eid in by_team[team_id])
    return forbidden


def _kept_assignments(stage: Stage) -> QuerySet[Assignment]:
    """Assignments a run keeps: manual ones, and any with a review (draft or submitted)."""
    return Assignment.objects.filter(stage=stage).filter(
        Q(source=AssignmentSource.MANUAL) | Q(review__isnull=False)
    )


def k_check(k: int) -> None:
    if not 1 <= k <= K_MAX:
        raise error("invalid_k", k_max=K_MAX, fields={"k": ["invalid_k"]})


def stage_problem_build(*, stage: Stage, k: int) -> StageProblem:
    k_check(k)
    memberships = accepted_panel(stage)
    entries = submitted_entries(stage)
    track_panels = {m.track_id for m in memberships if m.track_id is not None}
    expertise = dict(
        JudgeProfile.objects.filter(user_id__in=[m.judge_id for m in memberships]).values_list(
            "user_id", "expertise"
        )
    )
    entry_nodes = [
        EntryNode(
            id=e.pk,
            name=_entry_name(e),
            panel=_entry_panel(e, track_panels),
            tags=frozenset(
                [str(t) for t in (e.tags or [])] + ([e.team.track.name] if e.team.track else [])
            ),
        )
        for e in entries
    ]
    judge_nodes = [
        JudgeNode(
            id=m.judge_id,
            name=m.judge.real_name,
            panels=frozenset({m.track_id}),
            tags=frozenset(str(t) for t in (expertise.get(m.judge_id) or [])),
            min_load=m.min_load,
            max_load=m.max_load,
        )
        for m in memberships
    ]
    forbidden = forbidden_pairs(stage, memberships, entries)
    entry_ids = {e.pk for e in entries}
    judge_ids = {m.judge_id for m in memberships}
    # A kept pair that is now a conflict (a review submitted before the conflict was declared)
    # does not count toward k: the results leave such a review out.
    fixed = [
        (j, e)
        for j, e in _kept_assignments(stage).values_list("judge_id", "entry_id")
        if j in judge_ids and e in entry_ids and (j, e) not in forbidden
    ]
    panel_names: dict[Hashable | None, str] = {
        m.track_id: m.track.name for m in memberships if m.track_id is not None
    }
    problem = AssignmentProblem(
        entries=entry_nodes,
        judges=judge_nodes,
        k=k,
        forbidden=frozenset(forbidden),
        fixed=fixed,
        panel_names=panel_names,
    )
    return StageProblem(
        problem=problem,
        entries={e.pk: e for e in entries},
        memberships={m.judge_id: m for m in memberships},
    )


def feasibility_report_as_dict(report: FeasibilityReport) -> dict:
    """The report as plain JSON (stored on the run and returned by the API)."""
    body = {
        "ok": report.ok,
        "messages_zh": report.messages_zh,
        "messages_en": report.messages_en,
        "issues": [{"code": i.code, "zh": i.zh, "en": i.en, "data": i.data} for i in report.issues],
        "short_entries": [asdict(s) for s in report.short_entries],
        "short_judges": [asdict(s) for s in report.short_judges],
    }
    # numpy integers from the solver become plain ones
    return json.loads(
        json.dumps(body, default=lambda o: o.item() if hasattr(o, "item") else str(o))
    )


def assignment_feasibility(*, stage: Stage, k: int) -> FeasibilityReport:
    """Whether the stage's submitted entries can each get ``k`` conflict-free judges of their panel
    within the judges' load bounds, keeping manual and reviewed assignments; with the numbers."""
    return assignment_check(stage_problem_build(stage=stage, k=k).problem)
