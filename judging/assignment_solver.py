"""Judge assignment as a minimum-cost flow: pure data in, pure data out (no Django).

The problem (one stage)
-----------------------
Every entry must be reviewed by exactly ``k`` distinct judges taken from its panel (a track's
panel, or the whole-stage panel when the entry's ``panel`` is ``None``; a judge sits on the
panels listed in ``JudgeNode.panels``, where ``None`` also names the whole-stage panel). A
judge may never review an entry they are in conflict with (回避): the ``forbidden`` pairs are a
hard constraint — such an arc is simply absent from the network, so no cost can buy it.
Each judge's load (number of reviews) must lie in ``[min_load, max_load]``. Among all such
assignments we want one of minimal total cost, where a (judge, entry) pair costs::

    base_cost - |judge.tags ∩ entry.tags|        (an integer; more shared expertise = cheaper)

Fixed pairs (pre-assignments an organiser made by hand) are kept as they are and count toward
the entry's ``k`` and the judge's load.

Load spread. The expertise cost is linear, so on its own it would pile reviews on the
best-matching judges (6/5/3/2/1/1 over six judges). With ``balance=True`` the solver balances
first and matches expertise second, lexicographically: the judge -> sink arc is split into unit
arcs, the t-th review of a judge (counting ``base_load`` and fixed pairs) costing
``M * (2t - 1)``, so the flow minimises the sum of squared loads before anything else (``M``
exceeds any difference in expertise cost). The load vectors of a transportation problem are the
bases of a polymatroid, whose minimum-square base also minimises the largest and maximises the
smallest load (Fujishige): whenever the conflicts and bounds allow a spread of at most 1, the
optimum has it, and among all such assignments (they share one sum of squares) it has the least
expertise cost. Where conflicts or existing loads make 1 impossible, loads are as even as they
can be. The bounds stay hard constraints. ``load_bounds_even`` gives the same spread as bounds.

Why a min-cost flow, and why OR-Tools' SimpleMinCostFlow
-------------------------------------------------------
The problem is a transportation problem on a bipartite network::

    entry e --(cap 1, cost c_je)--> judge j --(cap max_j - min_j, cost 0)--> sink

with supply ``k - fixed_e`` at each entry. The judge's lower bound uses node demands, the
standard exact transformation: judge ``j`` *demands* ``min_j`` units (they leave the network
there) and can pass up to ``max_j - min_j`` more to the sink, which demands the rest. Flow into
``j`` is therefore exactly its load and lies in ``[min_j, max_j]``.

The constraint matrix of a network flow is totally unimodular, so with integer supplies and
capacities the LP optimum is integral: the flow optimum *is* the optimal assignment, with no
rounding and no branch-and-bound. ``SimpleMinCostFlow`` solves it with a cost-scaling
push-relabel algorithm (Goldberg), exact in integer arithmetic and polynomial; on the national
scale (22,000 entries, 1,500 judges, ~2.4 M arcs) it takes a few seconds, where a MIP solver
would spend far longer on the same model and give nothing more. SciPy's ``linprog`` (HiGHS)
solves the same LP only as an independent check in ``bench/assignment.py``.

Decomposition. Panels that share no judge are independent problems; the solver groups panels
into connected components (panels linked by a judge who sits on both) and solves each one on
its own — usually one per track panel. ``progress(done, total)`` is called after each.

Feasibility. ``assignment_check`` runs first and explains, in Chinese and English, the
counting conditions that make a stage infeasible, with the numbers to fix them: too few
judges or too low a maximum, minimums too high, entries with fewer than ``k`` conflict-free
judges (listed by name), judges who cannot reach their minimum, bad fixed pairs. These are
necessary conditions. If they pass and the flow is still infeasible (conflicts concentrated
so that Hall's condition fails for a group of entries), ``assignment_solve`` solves a
relaxed flow that minimises unfilled reviews and unmet minimums and reports which entries and
judges are left short.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

Pair = tuple[Hashable, Hashable]  # (judge_id, entry_id), always in this order
ProgressCallback = Callable[[int, int], None]


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EntryNode:
    """An entry (作品) of the stage. ``panel`` is its track key, or ``None`` for the whole stage."""

    id: Hashable
    name: str
    panel: Hashable | None = None
    tags: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tags", frozenset(self.tags))


@dataclass(frozen=True, slots=True, kw_only=True)
class JudgeNode:
    """A judge (评委) with the panels they sit on, their expertise and their load bounds."""

    id: Hashable
    name: str
    panels: frozenset[Hashable | None] = frozenset({None})
    tags: frozenset[str] = frozenset()
    min_load: int = 0
    max_load: int
    base_load: int = 0  # reviews the judge already has on entries outside the problem (a top-up)

    def __post_init__(self) -> None:
        object.__setattr__(self, "panels", frozenset(self.panels))
        object.__setattr__(self, "tags", frozenset(self.tags))


@dataclass(frozen=True, kw_only=True)
class AssignmentProblem:
    """One stage's assignment problem.

    ``forbidden`` and ``fixed`` hold (judge_id, entry_id) pairs. Forbidden pairs naming a
    judge or entry outside the problem are ignored (a conflict list may be contest-wide).
    ``panel_names`` maps panel keys to display names for the messages.
    """

    entries: Sequence[EntryNode]
    judges: Sequence[JudgeNode]
    k: int = 3
    forbidden: Collection[Pair] = frozenset()
    fixed: Collection[Pair] = ()
    base_cost: int = 10
    panel_names: Mapping[Hashable | None, str] = field(default_factory=dict)
    balance: bool = False  # balance loads first, expertise second (see the module docstring)

    def __post_init__(self) -> None:
        if self.k < 1:
            raise ValueError(f"k must be at least 1, got {self.k}")
        for kind, nodes in (("entry", self.entries), ("judge", self.judges)):
            ids = [n.id for n in nodes]
            if len(set(ids)) != len(ids):
                raise ValueError(f"duplicate {kind} ids")
        for j in self.judges:
            if j.min_load < 0 or j.max_load < 0 or j.base_load < 0:
                raise ValueError(f"judge {j.name}: loads must be non-negative")

    def pair_cost(self, judge: JudgeNode, entry: EntryNode) -> int:
        return self.base_cost - len(judge.tags & entry.tags)

    def panel_label(self, key: Hashable | None) -> tuple[str, str]:
        """(Chinese, English) display name of a panel."""
        if key in self.panel_names:
            name = self.panel_names[key]
            return name, name
        if key is None:
            return "全体评审组", "whole-stage panel"
        return str(key), str(key)


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"


@dataclass(frozen=True, kw_only=True)
class AssignmentResult:
    pairs: list[Pair]  # (judge_id, entry_id), fixed pairs included, in entry then judge order
    cost: int  # total cost of all pairs, fixed ones included
    loads: dict[Hashable, int]  # every judge of the problem, 0 if unused
    status: SolveStatus
    components: int  # independent sub-problems solved
    seconds: float


@dataclass(frozen=True, slots=True)
class ShortEntry:
    """An entry that cannot get k judges: ``available`` conflict-free judges (fixed included)."""

    id: Hashable
    name: str
    available: int
    needed: int


@dataclass(frozen=True, slots=True)
class ShortJudge:
    """A judge who cannot reach ``min_load``: only ``available`` reviews are possible."""

    id: Hashable
    name: str
    available: int
    min_load: int


@dataclass(frozen=True, slots=True)
class FeasibilityIssue:
    code: str  # stable: reviews_exceed_capacity, min_exceeds_reviews, entry_short, ...
    zh: str
    en: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass
class FeasibilityReport:
    """Why a stage can or cannot be assigned. ``messages`` are "中文 / English" lines."""

    issues: list[FeasibilityIssue] = field(default_factory=list)
    short_entries: list[ShortEntry] = field(default_factory=list)
    short_judges: list[ShortJudge] = field(default_factory=list)
    # Counts over the whole problem: entries, entries_complete (k fixed judges already),
    # reviews_fixed, reviews_needed, judges, judges_at_capacity, entries_short.
    summary: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.issues

    @property
    def messages(self) -> list[str]:
        return [i.message for i in self.issues]

    @property
    def messages_zh(self) -> list[str]:
        return [i.zh for i in self.issues]

    @property
    def messages_en(self) -> list[str]:
        return [i.en for i in self.issues]

    def add(self, code: str, zh: str, en: str, **data: Any) -> None:
        self.issues.append(FeasibilityIssue(code, zh, en, data))


class AssignmentInfeasible(Exception):
    """No assignment satisfies the constraints; ``report`` says why, in Chinese and English."""

    def __init__(self, report: FeasibilityReport) -> None:
        self.report = report
        super().__init__("\n".join(report.messages) or "assignment infeasible")


# --------------------------------------------------------------------------------------------
# Public helpers
# --------------------------------------------------------------------------------------------


def load_bounds_even(*, reviews: int, judges: int) -> tuple[int, int]:
    """(min_load, max_load) = (floor, ceil) of the average load: a spread of at most 1."""
    if judges <= 0:
        raise ValueError("judges must be positive")
    return reviews // judges, -(-reviews // judges)


def assignment_cost(problem: AssignmentProblem, pairs: Iterable[Pair]) -> int:
    """Total cost of any assignment under the problem's cost rule (no validity check)."""
    entries = {e.id: e for e in problem.entries}
    judges = {j.id: j for j in problem.judges}
    return sum(problem.pair_cost(judges[j], entries[e]) for j, e in pairs)


def assignment_validate(problem: AssignmentProblem, pairs: Iterable[Pair]) -> list[str]:
    """Every rule an assignment breaks (empty list: valid). Independent of the solver."""
    pairs = list(pairs)
    entries = {e.id: e for e in problem.entries}
    judges = {j.id: j for j in problem.judges}
    forbidden = set(problem.forbidden)
    errors: list[str] = []
    if len(set(pairs)) != len(pairs):
        errors.append("duplicate pairs")
    per_entry: dict[Hashable, int] = dict.fromkeys(entries, 0)
    loads: dict[Hashable, int] = dict.fromkeys(judges, 0)
    for j, e in set(pairs):
        if (j, e) in forbidden:
            errors.append(f"conflict assigned: judge {j}, entry {e}")
        if entries[e].panel not in judges[j].panels:
            errors.append(f"judge {j} is not on the panel of entry {e}")
        per_entry[e] += 1
        loads[j] += 1
    errors += [f"entry {e} has {n} judges" for e, n in per_entry.items() if n != problem.k]
    for j in problem.judges:
        if not j.min_load <= loads[j.id] + j.base_load <= j.max_load:
            errors.append(
                f"judge {j.id} load {loads[j.id] + j.base_load} outside [{j.min_load}, {j.max_load}]"
            )
    errors += [f"fixed pair {p} missing" for p in set(problem.fixed) - set(pairs)]
    return errors


# --------------------------------------------------------------------------------------------
# Preparation: indices, components, eligibility
# --------------------------------------------------------------------------------------------


@dataclass
class _Component:
    panels: list[Hashable | None]
    entries: np.ndarray  # global entry indices
    judges: np.ndarray  # global judge indices
    eligible: np.ndarray | None = None  # (E, J) bool: in panel, conflict-free, not fixed
    fixed_e: np.ndarray | None = None  # fixed pairs per local entry
    fixed_j: np.ndarray | None = None  # fixed pairs per local judge


@dataclass
class _Prepared:
    components: list[_Component]
    report: FeasibilityReport
    fixed: list[tuple[int, int]]  # (global judge index, global entry index)


SAMPLE = 5  # names quoted in a summary line


def _n(x: int) -> str:
    return f"{x:,}"


def _prepare(problem: AssignmentProblem) -> _Prepared:
    entries, judges, k = problem.entries, problem.judges, problem.k
    report = FeasibilityReport()
    e_index = {e.id: i for i, e in enumerate(entries)}
    j_index = {j.id: i for i, j in enumerate(judges)}

    # Panels with entries, joined into components by judges who sit on several of them.
    panel_keys = list(dict.fromkeys(e.panel for e in entries))
    p_index = {p: i for i, p in enumerate(panel_keys)}
    parent = list(range(len(panel_keys)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    judge_panels = [[p_index[p] for p in j.panels if p in p_index] for j in judges]
    for ps in judge_panels:
        for p in ps[1:]:
            parent[find(p)] = find(ps[0])
    roots = sorted({find(p) for p in range(len(panel_keys))})
    c_index = {r: c for c, r in enumerate(roots)}
    panel_comp = np.array([c_index[find(p)] for p in range(len(panel_keys))], dtype=np.int64)
    entry_panel = np.array([p_index[e.panel] for e in entries], dtype=np.int64)
    entry_comp = panel_comp[entry_panel] if entries else np.zeros(0, dtype=np.int64)
    judge_comp = np.array([panel_comp[ps[0]] if ps else -1 for ps in judge_panels], dtype=np.int64)

    for j, ps in zip(judges, judge_panels, strict=True):
        if j.min_load > j.max_load:
            report.add(
                "judge_min_above_max",
                f"评委 {j.name} 的最低评审量 {j.min_load} 大于最高评审量 {j.max_load}",
                f"Judge {j.name}: min load {j.min_load} is above max load {j.max_load}",
                judge=j.id,
            )
        elif not ps and j.min_load > 0:
            report.short_judges.append(ShortJudge(j.id, j.name, 0, j.min_load))
            report.add(
                "judge_short",
                f"评委 {j.name} 所在评审组没有作品，无法达到最低评审量 {j.min_load}",
                f"Judge {j.name} sits on no panel with entries and cannot reach min load {j.min_load}",
                judge=j.id,
                available=0,
                min_load=j.min_load,
            )

    # Fixed pairs: validated here, removed from the network, counted toward k and the load.
    forbidden_set = set(problem.forbidden)
    fixed: list[tuple[int, int]] = []
    for jid, eid in dict.fromkeys(problem.fixed):
        if jid not in j_index or eid not in e_index:
            raise ValueError(f"fixed pair {(jid, eid)!r} names an unknown judge or entry")
        jn, en = judges[j_index[jid]], entries[e_index[eid]]
        if (jid, eid) in forbidden_set:
            report.add(
                "fixed_conflict",
                f"预分配违反回避规定：评委 {jn.name} 与作品《{en.name}》存在利益冲突",
                f"Fixed pair breaks a conflict of interest: judge {jn.name}, entry “{en.name}”",
                judge=jid,
                entry=eid,
            )
        elif en.panel not in jn.panels:
            report.add(
                "fixed_outside_panel",
                f"预分配无效：评委 {jn.name} 不在作品《{en.name}》的评审组",
                f"Fixed pair invalid: judge {jn.name} is not on the panel of entry “{en.name}”",
                judge=jid,
                entry=eid,
            )
        else:
            fixed.append((j_index[jid], e_index[eid]))

    fe_all = np.array([e_index[e] for j, e in forbidden_set if j in j_index and e in e_index])
    fj_all = np.array([j_index[j] for j, e in forbidden_set if j in j_index and e in e_index])
    fe_all, fj_all = fe_all.astype(np.int64), fj_all.astype(np.int64)
    fx = np.array(fixed, dtype=np.int64).reshape(-1, 2)

    components: list[_Component] = []
    for c in range(len(roots)):
        comp = _Component(
            panels=[panel_keys[p] for p in np.flatnonzero(panel_comp == c)],
            entries=np.flatnonzero(entry_comp == c),
            judges=np.flatnonzero(judge_comp == c),
        )
        components.append(comp)
        _eligibility(problem, comp, entry_panel, judge_panels, fe_all, fj_all, fx)
        _check_component(problem, comp, report)

    # A judge over their max through fixed pairs alone.
    fixed_load = np.bincount(fx[:, 0], minlength=len(judges)) if len(fx) else None
    if fixed_load is not None:
        room = np.array([j.max_load - j.base_load for j in judges])
        for ji in np.flatnonzero(fixed_load > room):
            j = judges[ji]
            report.add(
                "fixed_above_max",
                f"评委 {j.name} 的预分配 {fixed_load[ji]} 件超过最高评审量 {j.max_load}",
                f"Judge {j.name} has {fixed_load[ji]} fixed reviews, above max load {j.max_load}",
                judge=j.id,
            )
    fixed_per_entry = np.bincount(fx[:, 1], minlength=len(entries)) if len(fx) else None
    if fixed_per_entry is not None:
        for ei in np.flatnonzero(fixed_per_entry > k):
            e = entries[ei]
            report.add(
                "fixed_above_k",
                f"作品《{e.name}》预分配了 {fixed_per_entry[ei]} 位评委，超过每件 {k} 位",
                f"Entry “{e.name}” has {fixed_per_entry[ei]} fixed judges, more than k = {k}",
                entry=e.id,
            )
    fixed_e = np.bincount(fx[:, 1], minlength=len(entries)) if len(fx) else np.zeros(len(entries))
    fixed_j = np.bincount(fx[:, 0], minlength=len(judges)) if len(fx) else np.zeros(len(judges))
    load = fixed_j + np.array([j.base_load for j in judges], dtype=np.int64)
    report.summary = {
        "entries": len(entries),
        "entries_complete": int((fixed_e >= k).sum()),
        "entries_short": len(report.short_entries),
        "reviews_fixed": len(fixed),
        "reviews_needed": int(np.maximum(k - fixed_e, 0).sum()),
        "judges": len(judges),
        "judges_at_capacity": int((load >= np.array([j.max_load for j in judges])).sum()),
    }
    return _Prepared(components, report, fixed)


def _eligibility(
    problem: AssignmentProblem,
    comp: _Component,
    entry_panel: np.ndarray,
    judge_panels: list[list[int]],
    fe_all: np.ndarray,
    fj_all: np.ndarray,
    fx: np.ndarray,
) -> None:
    n_e, n_j = len(comp.entries), len(comp.judges)
    local_p = {p: i for i, p in enumerate(sorted({int(x) for x in entry_panel[comp.entries]}))}
    member = np.zeros((n_j, len(local_p)), dtype=bool)
    for lj, gj in enumerate(comp.judges):
        for p in judge_panels[gj]:
            member[lj, local_p[p]] = True
    pe = np.array([local_p[int(p)] for p in entry_panel[comp.entries]], dtype=np.int64)
    eligible = np.ascontiguousarray(member[:, pe].T) if n_e else np.zeros((0, n_j), dtype=bool)

    e_local = {int(g): i for i, g in enumerate(comp.entries)}
    j_local = {int(g): i for i, g in enumerate(comp.judges)}
    n_total_e = len(problem.entries)
    n_total_j = len(problem.judges)
    e_map = np.full(n_total_e, -1, dtype=np.int64)
    e_map[comp.entries] = np.arange(n_e)
    j_map = np.full(n_total_j, -1, dtype=np.int64)
    j_map[comp.judges] = np.arange(n_j)
    if len(fe_all):
        le, lj = e_map[fe_all], j_map[fj_all]
        keep = (le >= 0) & (lj >= 0)
        eligible[le[keep], lj[keep]] = False

    fixed_e = np.zeros(n_e, dtype=np.int64)
    fixed_j = np.zeros(n_j, dtype=np.int64)
    for gj, ge in fx:
        if int(ge) in e_local:
            le_, lj_ = e_local[int(ge)], j_local[int(gj)]
            eligible[le_, lj_] = False
            fixed_e[le_] += 1
            fixed_j[lj_] += 1
    comp.eligible, comp.fixed_e, comp.fixed_j = eligible, fixed_e, fixed_j


def _check_component(
    problem: AssignmentProblem, comp: _Component, report: FeasibilityReport
) -> None:
    k = problem.k
    entries = [problem.entries[i] for i in comp.entries]
    judges = [problem.judges[i] for i in comp.judges]
    labels = [problem.panel_label(p) for p in comp.panels]
    zh_panel = "、".join(z for z, _ in labels)
    en_panel = ", ".join(e for _, e in labels)
    n_e, n_j = len(entries), len(judges)
    reviews = n_e * k
    bases = np.array([j.base_load for j in judges], dtype=np.int64)
    # Bounds on what this problem may still give each judge (a top-up's base load taken off).
    maxes = np.maximum(np.array([j.max_load for j in judges], dtype=np.int64) - bases, 0)
    mins = np.maximum(np.array([j.min_load for j in judges], dtype=np.int64) - bases, 0)
    capacity, min_total = int(maxes.sum()), int(mins.sum())
    no_base = not bases.any()

    if n_j == 0:
        report.add(
            "panel_without_judges",
            f"【{zh_panel}】{_n(n_e)} 件作品，但没有评委",
            f"[{en_panel}] {_n(n_e)} entries but no judges",
            panel=comp.panels,
            entries=n_e,
        )
    elif reviews > capacity:
        deficit = reviews - capacity
        top = max(j.max_load for j in judges)
        add = math.ceil(deficit / top) if top else None
        raise_to = math.ceil((reviews + int(bases.sum())) / n_j)
        uniform = no_base and len(set(maxes.tolist())) == 1
        if uniform:
            zh_cap = f"{n_j} 位评委 × 上限 {top} = {_n(capacity)}"
            en_cap = f"{n_j} judges × {top} max = {_n(capacity)}"
        elif no_base:
            zh_cap = f"{n_j} 位评委上限合计 {_n(capacity)}"
            en_cap = f"{n_j} judges, max loads total {_n(capacity)}"
        else:  # a top-up: the judges' existing reviews already use part of their maximum
            zh_cap = f"{n_j} 位评委尚可再评 {_n(capacity)} 次"
            en_cap = f"{n_j} judges with room for {_n(capacity)} more"
        zh_add = f"增加 {add} 位评委（上限 {top}）或" if add else ""
        en_add = f"add {add} judges (max {top}) or " if add else ""
        report.add(
            "reviews_exceed_capacity",
            f"【{zh_panel}】{_n(n_e)} 件作品 × {k} = {_n(reviews)} 次评审；{zh_cap}：请{zh_add}将上限提高到 {raise_to}",
            f"[{en_panel}] {_n(n_e)} entries × {k} = {_n(reviews)} reviews; {en_cap}: {en_add}raise the max to {raise_to}",
            panel=comp.panels,
            reviews=reviews,
            capacity=capacity,
            judges_to_add=add,
            max_needed=raise_to,
        )
    if n_j and min_total > reviews:
        lower_to = reviews // n_j
        # Fewest judges to remove: drop the largest minimums first.
        remove, total = 0, min_total
        for m in sorted(mins.tolist(), reverse=True):
            if total <= reviews:
                break
            total -= m
            remove += 1
        uniform = no_base and len(set(mins.tolist())) == 1
        zh_min = (
            f"{n_j} 位评委 × 下限 {mins[0]} = {_n(min_total)}"
            if uniform
            else f"{n_j} 位评委下限合计 {_n(min_total)}"
        )
        en_min = (
            f"{n_j} judges × {mins[0]} min = {_n(min_total)}"
            if uniform
            else f"{n_j} judges, min loads total {_n(min_total)}"
        )
        report.add(
            "min_exceeds_reviews",
            f"【{zh_panel}】{zh_min}，多于 {_n(n_e)} 件作品 × {k} = {_n(reviews)} 次评审：请将下限降到 {lower_to} 或减少 {remove} 位评委",
            f"[{en_panel}] {en_min} > {_n(n_e)} entries × {k} = {_n(reviews)} reviews: lower the min to {lower_to} or remove {remove} judges",
            panel=comp.panels,
            reviews=reviews,
            min_total=min_total,
            min_needed=lower_to,
            judges_to_remove=remove,
        )

    # Per entry: conflict-free judges on the panel who still have room, plus fixed ones.
    room = (maxes - comp.fixed_j) > 0
    available_e = (comp.eligible & room).sum(axis=1) + comp.fixed_e
    short = np.flatnonzero(available_e < k)
    for li in short:
        e = entries[li]
        report.short_entries.append(ShortEntry(e.id, e.name, int(available_e[li]), k))
    if len(short):
        # One line for the panel, not one per entry: the count, a few names, and what to change.
        sample = [entries[li].name for li in short[:SAMPLE]]
        more = len(short) > SAMPLE
        add = int(k - available_e[short].min())
        full = int((~room).sum())
        zh_full = f"，或提高 {full} 位已满额评委的上限" if full else ""
        en_full = f", or raise the max of the {full} judges at capacity" if full else ""
        report.add(
            "entries_short",
            f"【{zh_panel}】{_n(len(short))} 件作品无回避冲突且有余量的评委不足 {k} 位"
            f"（如{'、'.join(f'《{n}》' for n in sample)}{'等' if more else ''}）："
            f"请为该评审组增加 {add} 位无回避冲突的评委{zh_full}",
            f"[{en_panel}] {_n(len(short))} entries have fewer than {k} conflict-free judges "
            f"with room (e.g. {', '.join(f'“{n}”' for n in sample)}{', …' if more else ''}): "
            f"add {add} judges without a conflict to the panel{en_full}",
            panel=comp.panels,
            count=len(short),
            needed=k,
            judges_to_add=add,
            judges_at_capacity=full,
            sample=sample,
        )
    # Per judge: entries they may review, plus fixed ones, against their minimum.
    available_j = comp.eligible.sum(axis=0) + comp.fixed_j
    for lj in np.flatnonzero(available_j < mins):
        j = judges[lj]
        n = int(available_j[lj])
        report.short_judges.append(ShortJudge(j.id, j.name, n, j.min_load))
        report.add(
            "judge_short",
            f"评委 {j.name} 仅能评审 {n} 件作品，低于最低评审量 {j.min_load}",
            f"Judge {j.name} can review only {n} entries, below min load {j.min_load}",
            judge=j.id,
            available=n,
            min_load=j.min_load,
        )


# --------------------------------------------------------------------------------------------
# Check and solve
# --------------------------------------------------------------------------------------------


def assignment_check(problem: AssignmentProblem) -> FeasibilityReport:
    """Counting conditions for feasibility, per panel, entry and judge, with the fix for each.

    Necessary, not sufficient: ``assignment_solve`` has the final word and explains a failure
    these counts cannot see.
    """
    return _prepare(problem).report


def _tag_masks(problem: AssignmentProblem, comp: _Component) -> tuple[np.ndarray, np.ndarray]:
    """Tags as bitsets (W uint64 words); only tags both sides use can overlap."""
    entry_tags = [problem.entries[i].tags for i in comp.entries]
    judge_tags = [problem.judges[i].tags for i in comp.judges]
    vocab = sorted(frozenset().union(*entry_tags) & frozenset().union(*judge_tags), key=str)
    bit = {t: i for i, t in enumerate(vocab)}
    words = max(1, -(-len(vocab) // 64))

    def masks(tag_sets: list[frozenset[str]]) -> np.ndarray:
        out = np.zeros((len(tag_sets), words), dtype=np.uint64)
        for row, tags in enumerate(tag_sets):
            for t in tags:
                b = bit.get(t)
                if b is not None:
                    out[row, b >> 6] |= np.uint64(1 << (b & 63))
        return out

    return masks(entry_tags), masks(judge_tags)


def _arcs(
    problem: AssignmentProblem, comp: _Component
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eligible (entry, judge) arcs, local indices, and their integer costs."""
    ae, aj = np.nonzero(comp.eligible)
    em, jm = _tag_masks(problem, comp)
    overlap = np.zeros(len(ae), dtype=np.int64)
    for w in range(em.shape[1]):
        overlap += np.bitwise_count(em[ae, w] & jm[aj, w])
    return ae, aj, problem.base_cost - overlap


def _balance_arcs(smcf, comp, ae, aj, cost, need, lo, hi, start, sink, n_e) -> None:
    """Judge -> sink as unit arcs of rising cost: the t-th review of a judge (its ``start``
    reviews already counted) costs ``M * (2t - 1)``, so the flow minimises the sum of squared
    loads first; ``M`` is larger than any difference in expertise cost between two assignments.
    The ``lo`` forced units leave at the judge's node demand and cost the same in every solution.
    """
    n_j = len(comp.judges)
    span = int(cost.max() - cost.min()) if len(cost) else 0
    m = span * int(need.sum()) + 1
    # A judge can take no more reviews than the arcs into it.
    cap = np.minimum(hi - lo, np.bincount(aj, minlength=n_j) - lo).clip(min=0)
    tails = np.repeat(np.arange(n_e, n_e + n_j, dtype=np.int64), cap)
    offsets = np.arange(int(cap.sum()), dtype=np.int64) - np.repeat(np.cumsum(cap) - cap, cap)
    t = np.repeat(start + lo, cap) + offsets + 1  # the load this unit brings the judge to
    smcf.add_arcs_with_capacity_and_unit_cost(
        tails,
        np.full(len(tails), sink, dtype=np.int64),
        np.ones(len(tails), dtype=np.int64),
        m * (2 * t - 1),
    )


def _solve_component(
    problem: AssignmentProblem, comp: _Component
) -> tuple[np.ndarray, np.ndarray, int] | None:
    """Optimal (entry, judge) local pairs and their cost, or None if infeasible."""
    from ortools.graph.python import min_cost_flow

    n_e, n_j = len(comp.entries), len(comp.judges)
    ae, aj, cost = _arcs(problem, comp)
    bases = np.array([problem.judges[i].base_load for i in comp.judges], dtype=np.int64)
    maxes = np.array([problem.judges[i].max_load for i in comp.judges], dtype=np.int64) - bases
    mins = np.array([problem.judges[i].min_load for i in comp.judges], dtype=np.int64) - bases
    hi = maxes - comp.fixed_j
    lo = np.maximum(mins - comp.fixed_j, 0)
    need = problem.k - comp.fixed_e
    sink = n_e + n_j

    smcf = min_cost_flow.SimpleMinCostFlow()
    pair_arcs = smcf.add_arcs_with_capacity_and_unit_cost(
        ae, n_e + aj, np.ones(len(ae), dtype=np.int64), cost
    )
    judge_nodes = np.arange(n_e, n_e + n_j, dtype=np.int64)
    if problem.balance:
        _balance_arcs(smcf, comp, ae, aj, cost, need, lo, hi, bases + comp.fixed_j, sink, n_e)
    else:
        smcf.add_arcs_with_capacity_and_unit_cost(
            judge_nodes,
            np.full(n_j, sink, dtype=np.int64),
            hi - lo,
            np.zeros(n_j, dtype=np.int64),
        )
    supplies = np.concatenate([need, -lo, [-(int(need.sum()) - int(lo.sum()))]])
    smcf.set_nodes_supplies(np.arange(sink + 1, dtype=np.int64), supplies.astype(np.int64))
    status = smcf.solve()
    if status == smcf.INFEASIBLE:
        return None
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status!r}")
    chosen = smcf.flows(pair_arcs) > 0
    return ae[chosen], aj[chosen], int(smcf.optimal_cost())


def _diagnose_component(
    problem: AssignmentProblem, comp: _Component, report: FeasibilityReport
) -> None:
    """Relaxed flow: minimise unfilled reviews + unmet minimum units; report who is short.

    Extra node S supplies sum(lo): S->judge (cap lo_j, cost 1) fills a minimum artificially,
    S->sink (cost 0) returns what is not needed; entry->sink (cap need_e, cost 1) leaves a
    review unfilled. Always feasible; cost 0 iff the real problem is.
    """
    from ortools.graph.python import min_cost_flow

    n_e, n_j = len(comp.entries), len(comp.judges)
    ae, aj = np.nonzero(comp.eligible)
    bases = np.array([problem.judges[i].base_load for i in comp.judges], dtype=np.int64)
    maxes = np.array([problem.judges[i].max_load for i in comp.judges], dtype=np.int64) - bases
    mins = np.array([problem.judges[i].min_load for i in comp.judges], dtype=np.int64) - bases
    hi = np.maximum(maxes - comp.fixed_j, 0)
    lo = np.minimum(np.maximum(mins - comp.fixed_j, 0), hi)
    need = np.maximum(problem.k - comp.fixed_e, 0)
    sink, s = n_e + n_j, n_e + n_j + 1
    ent = np.arange(n_e, dtype=np.int64)
    jud = np.arange(n_e, n_e + n_j, dtype=np.int64)

    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        ae, n_e + aj, np.ones(len(ae), dtype=np.int64), np.zeros(len(ae), dtype=np.int64)
    )
    smcf.add_arcs_with_capacity_and_unit_cost(
        jud, np.full(n_j, sink), hi - lo, np.zeros(n_j, dtype=np.int64)
    )
    unfilled = smcf.add_arcs_with_capacity_and_unit_cost(
        ent, np.full(n_e, sink), need, np.ones(n_e, dtype=np.int64)
    )
    unmet = smcf.add_arcs_with_capacity_and_unit_cost(
        np.full(n_j, s), jud, lo, np.ones(n_j, dtype=np.int64)
    )
    smcf.add_arc_with_capacity_and_unit_cost(s, sink, int(lo.sum()), 0)
    supplies = np.concatenate([need, -lo, [-int(need.sum()), int(lo.sum())]]).astype(np.int64)
    smcf.set_nodes_supplies(np.arange(s + 1, dtype=np.int64), supplies)
    if smcf.solve() != smcf.OPTIMAL:
        raise RuntimeError("diagnostic flow failed")
    short_e = smcf.flows(unfilled)
    short_j = smcf.flows(unmet)
    k = problem.k
    for li in np.flatnonzero(short_e > 0):
        e = problem.entries[comp.entries[li]]
        got = k - int(short_e[li])
        report.short_entries.append(ShortEntry(e.id, e.name, got, k))
        report.add(
            "entry_short_joint",
            f"作品《{e.name}》在满足其他回避和评审量约束后最多只能分到 {got} 位评委，需要 {k} 位",
            f"Entry “{e.name}” can get at most {got} judges once the other conflicts and load bounds hold, needs {k}",
            entry=e.id,
            available=got,
            needed=k,
        )
    for lj in np.flatnonzero(short_j > 0):
        j = problem.judges[comp.judges[lj]]
        got = j.min_load - int(short_j[lj])
        report.short_judges.append(ShortJudge(j.id, j.name, got, j.min_load))
        report.add(
            "judge_short_joint",
            f"评委 {j.name} 在满足其他约束后最多只能评审 {got} 件，低于最低评审量 {j.min_load}",
            f"Judge {j.name} can get at most {got} reviews once the other constraints hold, below min load {j.min_load}",
            judge=j.id,
            available=got,
            min_load=j.min_load,
        )


def assignment_solve(
    problem: AssignmentProblem, *, progress: ProgressCallback | None = None
) -> AssignmentResult:
    """Optimal assignment (minimal total cost) or ``AssignmentInfeasible`` with the reasons.

    ``progress(done, total)`` is called after each independent component (panel group).
    """
    started = time.perf_counter()
    prepared = _prepare(problem)
    if not prepared.report.ok:
        raise AssignmentInfeasible(prepared.report)
    entries, judges = problem.entries, problem.judges
    chosen_e: list[np.ndarray] = []
    chosen_j: list[np.ndarray] = []
    infeasible = FeasibilityReport()
    total = len(prepared.components)
    for done, comp in enumerate(prepared.components, start=1):
        solved = _solve_component(problem, comp)
        if solved is None:
            _diagnose_component(problem, comp, infeasible)
        else:
            le, lj, _ = solved
            chosen_e.append(comp.entries[le])
            chosen_j.append(comp.judges[lj])
        if progress is not None:
            progress(done, total)
    if not infeasible.ok:
        raise AssignmentInfeasible(infeasible)

    ge = np.concatenate([*chosen_e, np.array([e for _, e in prepared.fixed], dtype=np.int64)])
    gj = np.concatenate([*chosen_j, np.array([j for j, _ in prepared.fixed], dtype=np.int64)])
    order = np.lexsort((gj, ge))
    ge, gj = ge[order], gj[order]
    pairs = [(judges[j].id, entries[e].id) for e, j in zip(ge.tolist(), gj.tolist(), strict=True)]
    counts = np.bincount(gj, minlength=len(judges)).tolist()
    return AssignmentResult(
        pairs=pairs,
        cost=assignment_cost(problem, pairs),
        loads={j.id: n for j, n in zip(judges, counts, strict=True)},
        status=SolveStatus.OPTIMAL,
        components=total,
        seconds=time.perf_counter() - started,
    )
