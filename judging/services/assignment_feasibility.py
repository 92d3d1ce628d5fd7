"""Whether a stage's assignment is possible (评审分配的可行性): the solver's problem built from the
stage's accepted panel, submitted entries, conflicts and kept assignments, and its feasibility
report. Reads only; the run that writes assignments is `judging.services.assignment`.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Hashable
from dataclasses import asdict, dataclass

from django.db.models import Count, Q, QuerySet

from contest.enums import EntryStatus
from contest.models import Entry, Stage
from judging.assignment_solver import (
    AssignmentProblem,
    EntryNode,
    FeasibilityReport,
    JudgeNode,
    assignment_check,
)
from judging.enums import AssignmentMode, AssignmentSource, PanelStatus, ReviewerClass
from judging.errors import error
from judging.models import Assignment, JudgeProfile, PanelMembership
from judging.selectors.conflict import conflicted_teams

K_MAX = 20
DETAIL_SAMPLE = 10  # short entries named in a report; the counts are in its summary


@dataclass
class StageProblem:
    problem: AssignmentProblem
    entries: dict[int, Entry]
    memberships: dict[int, PanelMembership]  # by judge id


def accepted_panel(stage: Stage) -> list[PanelMembership]:
    return list(
        PanelMembership.objects.filter(stage=stage, status=PanelStatus.ACCEPTED)
        # publishers (评榜) review their own challenges' entries only, assigned apart
        .exclude(reviewer_class=ReviewerClass.PUBLISHER)
        .select_related("judge", "track")
        .order_by("id")
    )


def submitted_entries_qs(stage: Stage) -> QuerySet[Entry]:
    return Entry.objects.filter(stage=stage, status=EntryStatus.SUBMITTED)


def submitted_entries(stage: Stage) -> list[Entry]:
    return list(submitted_entries_qs(stage).select_related("team__track").order_by("id"))


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


def _kept_assignments(stage: Stage, mode: str = AssignmentMode.FULL) -> QuerySet[Assignment]:
    """Assignments a run keeps: a full run keeps manual ones and any with a review (draft or
    submitted) and replaces the rest; a top-up keeps every one."""
    kept = Assignment.objects.filter(stage=stage).exclude(
        # a publisher's reviews (评榜) are not the experts' k per entry
        judge_id__in=PanelMembership.objects.filter(
            stage=stage, reviewer_class=ReviewerClass.PUBLISHER
        ).values("judge_id")
    )
    if mode == AssignmentMode.TOP_UP:
        return kept
    return kept.filter(Q(source=AssignmentSource.MANUAL) | Q(review__isnull=False))


def assignment_need(*, stage: Stage, k: int, mode: str = AssignmentMode.FULL) -> dict[str, int]:
    """What a run would have to do, counted cheaply: submitted entries, how many already have
    ``k`` kept judges, and the reviews still to assign."""
    kept = dict(
        submitted_entries_qs(stage)
        .annotate(
            kept=Count(
                "assignments",
                filter=Q(assignments__in=_kept_assignments(stage, mode)),
                distinct=True,
            )
        )
        .values_list("pk", "kept")
    )
    return {
        "entries": len(kept),
        "entries_complete": sum(1 for n in kept.values() if n >= k),
        "reviews_needed": sum(max(k - n, 0) for n in kept.values()),
    }


def assignment_need_check(*, stage: Stage, k: int, mode: str = AssignmentMode.FULL) -> dict:
    """Refuse a run with nothing to assign, saying which case it is."""
    need = assignment_need(stage=stage, k=k, mode=mode)
    if need["entries"] == 0:
        raise error("no_submitted_entries", details=need)
    if need["reviews_needed"] == 0:
        raise error("all_entries_assigned", entries=need["entries"], k=k, details=need)
    return need


def k_check(k: int) -> None:
    if not 1 <= k <= K_MAX:
        raise error("invalid_k", k_max=K_MAX, fields={"k": ["invalid_k"]})


def stage_problem_build(
    *, stage: Stage, k: int, mode: str = AssignmentMode.FULL, balance: bool = True
) -> StageProblem:
    """The stage's problem. Kept assignments are fixed pairs; in a top-up, entries that already
    have ``k`` judges leave the problem and their reviews count as the judges' ``base_load``.
    ``balance``: loads within 1 of each other in a panel wherever the conflicts allow."""
    k_check(k)
    memberships = accepted_panel(stage)
    entries = submitted_entries(stage)
    kept_pairs = list(_kept_assignments(stage, mode).values_list("judge_id", "entry_id"))
    if mode == AssignmentMode.TOP_UP:
        per_entry: dict[int, int] = {}
        for _, e in kept_pairs:
            per_entry[e] = per_entry.get(e, 0) + 1
        entries = [e for e in entries if per_entry.get(e.pk, 0) < k]
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
        for j, e in kept_pairs
        if j in judge_ids and e in entry_ids and (j, e) not in forbidden
    ]
    # Kept reviews outside the problem (complete entries in a top-up, withdrawn entries) still
    # count toward the judge's load.
    fixed_set = set(fixed)
    base: dict[int, int] = {}
    for j, e in kept_pairs:
        if (j, e) not in fixed_set:
            base[j] = base.get(j, 0) + 1
    judge_nodes = [
        dataclasses.replace(n, base_load=min(base.get(n.id, 0), n.max_load)) for n in judge_nodes
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
        balance=balance,
    )
    return StageProblem(
        problem=problem,
        entries={e.pk: e for e in entries},
        memberships={m.judge_id: m for m in memberships},
    )


# Causes reported once per judge, entry or pair: grouped into one line each, with the count, a
# few names and the fix. The others are one per panel already (the fix is in their message).
_GROUPED: dict[str, tuple[str, str]] = {
    "judge_short": (
        "{n} 位评委达不到最低评审量{eg}：请降低其最低评审量，或让其加入有作品的评审组",
        "{n} judges cannot reach their min load{eg}: lower their min load or seat them on a "
        "panel with entries",
    ),
    "judge_short_joint": (
        "{n} 位评委在满足其他约束后达不到最低评审量{eg}：请降低其最低评审量",
        "{n} judges cannot reach their min load once the other constraints hold{eg}: lower "
        "their min load",
    ),
    "entry_short_joint": (
        "{n} 件作品在满足回避与评审量约束后分不到 {k} 位评委{eg}：请增加无回避冲突的评委或提高评委上限",
        "{n} entries cannot get {k} judges once the conflicts and load bounds hold{eg}: add "
        "judges without a conflict or raise the max loads",
    ),
    "judge_min_above_max": (
        "{n} 位评委的最低评审量大于最高评审量：请修改其评审量范围",
        "{n} judges have a min load above their max load: correct their load range",
    ),
    "fixed_above_max": (
        "{n} 位评委的已有任务超过最高评审量：请提高其上限或移除部分任务",
        "{n} judges have more kept reviews than their max load: raise the max or remove some",
    ),
    "fixed_above_k": (
        "{n} 件作品的已有任务超过每件 {k} 位：请移除多余任务或提高每件作品评委数",
        "{n} entries have more kept judges than k = {k}: remove the extra ones or raise k",
    ),
    "fixed_conflict": (
        "{n} 项已有任务违反回避规定：请移除这些任务",
        "{n} kept assignments break a conflict of interest: remove them",
    ),
    "fixed_outside_panel": (
        "{n} 项已有任务的评委不在作品的评审组：请移除这些任务或调整评委所在评审组",
        "{n} kept assignments have a judge off the entry's panel: remove them or move the judge",
    ),
}
SAMPLE_NAMES = 3


def _cause_count(code: str, data: dict) -> int:
    """How many entries (or judges, reviews) one issue stands for."""
    if code == "entries_short":
        return int(data.get("count", 1))
    if code == "panel_without_judges":
        return int(data.get("entries", 1))
    if code == "reviews_exceed_capacity":
        return int(data["reviews"]) - int(data["capacity"])
    if code == "min_exceeds_reviews":
        return int(data["min_total"]) - int(data["reviews"])
    return 1


def feasibility_summary(report: FeasibilityReport, *, k: int | None = None) -> dict:
    """``causes`` (count by cause code) and ``suggestions``: one line per cause and panel, each
    with the fix, never one line per entry or judge (the detail is paged: `short_entries`)."""
    causes: dict[str, int] = {}
    grouped: dict[str, list] = {}
    suggestions: list[dict] = []
    for issue in report.issues:
        causes[issue.code] = causes.get(issue.code, 0) + _cause_count(issue.code, issue.data)
        if issue.code in _GROUPED:
            if issue.code not in grouped:
                grouped[issue.code] = []
                suggestions.append({"code": issue.code})  # placed where the cause first shows
            grouped[issue.code].append(issue)
        else:
            suggestions.append(
                {"code": issue.code, "zh": issue.zh, "en": issue.en, "data": issue.data}
            )
    judge_names = {s.id: s.name for s in report.short_judges}
    entry_names = {s.id: s.name for s in report.short_entries}
    for suggestion in suggestions:
        issues = grouped.get(suggestion["code"])
        if issues is None:
            continue
        names = [
            judge_names.get(i.data.get("judge")) or entry_names.get(i.data.get("entry"))
            for i in issues
        ]
        names = [n for n in names if n][:SAMPLE_NAMES]
        more = len(issues) > len(names)
        eg_zh = f"（如 {'、'.join(names)}{'等' if more else ''}）" if names else ""
        eg_en = f" (e.g. {', '.join(names)}{', …' if more else ''})" if names else ""
        zh, en = _GROUPED[suggestion["code"]]
        kk = k if k is not None else issues[0].data.get("needed", "k")
        suggestion.update(
            zh=zh.format(n=len(issues), eg=eg_zh, k=kk),
            en=en.format(n=len(issues), eg=eg_en, k=kk),
            data={"count": len(issues), "sample": names},
        )
    return {"causes": causes, "suggestions": suggestions}


def feasibility_report_as_dict(report: FeasibilityReport, *, k: int | None = None) -> dict:
    """The report as plain JSON (stored on the run and returned by the API): the summary with
    counts, causes by code and one suggestion per cause and panel; a sample of short entries."""
    grouped = feasibility_summary(report, k=k)
    body = {
        "ok": report.ok,
        "summary": report.summary,
        "causes": grouped["causes"],
        "suggestions": grouped["suggestions"],
        "issues": grouped["suggestions"],  # the same lines (older clients read `issues`)
        "messages_zh": [s["zh"] for s in grouped["suggestions"]],
        "messages_en": [s["en"] for s in grouped["suggestions"]],
        # a sample: the count is summary.entries_short; all of them, paged: short-entries
        "short_entries": [asdict(s) for s in report.short_entries[:DETAIL_SAMPLE]],
        "short_judges": [asdict(s) for s in report.short_judges[:DETAIL_SAMPLE]],
    }
    # numpy integers from the solver become plain ones
    return json.loads(
        json.dumps(body, default=lambda o: o.item() if hasattr(o, "item") else str(o))
    )


def nothing_to_assign(*, stage: Stage, k: int, mode: str = AssignmentMode.FULL) -> str | None:
    """Why a run would assign nothing (the code its start is refused with), or None."""
    need = assignment_need(stage=stage, k=k, mode=mode)
    if need["entries"] == 0:
        return "no_submitted_entries"
    if need["reviews_needed"] == 0:
        return "all_entries_assigned"
    return None


def assignment_feasibility(
    *, stage: Stage, k: int, mode: str = AssignmentMode.FULL
) -> FeasibilityReport:
    """Whether the stage's submitted entries can each get ``k`` conflict-free judges of their panel
    within the judges' load bounds, counting the assignments the run would keep (manual and
    reviewed ones; every one in a top-up); summarised per panel, with the numbers."""
    return assignment_check(stage_problem_build(stage=stage, k=k, mode=mode).problem)
