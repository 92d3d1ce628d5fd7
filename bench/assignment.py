"""Benchmark: judge assignment at national scale (数据要素× 2025: 22,000 entries, 14 tracks).

    python bench/assignment.py [--scale F] [--seed N]

Builds 22,000 × F entries in 14 tracks of uneven size and 1,500 × F judges on track panels
(judges per track in proportion to its entries), k = 3, 2% of the in-panel (judge, entry)
pairs forbidden at random, tags per track that give expertise costs (10 − shared tags), and
each panel's min/max load set to the floor/ceiling of its average so the spread is at most 1.

Prints the solve time over all panels, the solution's cost, and the optimum from an
independent solver: SciPy ``linprog(method="highs")`` on the LP of each panel's
transportation problem with sparse matrices (totally unimodular, so its optimum equals the
integer optimum). The LP is timed separately and not counted in ``seconds``. The last line is
one JSON object. No Django needed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from judging.assignment_solver import (  # noqa: E402
    AssignmentProblem,
    EntryNode,
    JudgeNode,
    assignment_cost,
    assignment_solve,
    load_bounds_even,
)

TRACKS = [
    "工业制造", "现代农业", "商贸流通", "交通运输", "金融服务", "科技创新", "文化旅游",
    "医疗健康", "应急管理", "气象服务", "城市治理", "绿色低碳", "医疗保障", "开放性创新",
]  # fmt: skip
WEIGHTS = np.array([3.2, 2.4, 1.9, 1.7, 2.8, 1.5, 1.2, 2.1, 0.8, 0.5, 1.6, 1.1, 0.6, 0.9])
K = 3
BASE_COST = 10
TAGS_PER_TRACK = 16
SHARED_TAGS = ["人工智能", "隐私计算", "数据治理", "大模型", "数据交易"]
CONFLICT_RATE = 0.02


def split(total: int, weights: np.ndarray) -> list[int]:
    """Largest-remainder split of ``total`` in proportion to ``weights``."""
    raw = weights / weights.sum() * total
    out = np.floor(raw).astype(int)
    out[np.argsort(raw - out)[::-1][: total - out.sum()]] += 1
    return out.tolist()


def build(scale: float, seed: int):
    rng = np.random.default_rng(seed)
    n_entries = round(22_000 * scale)
    n_judges = round(1_500 * scale)
    entry_sizes = split(n_entries, WEIGHTS)
    judge_sizes = split(n_judges, np.array(entry_sizes, dtype=float))
    entries, judges, forbidden, panels = [], [], set(), []
    for t, track in enumerate(TRACKS):
        vocab = [f"{track}-{i}" for i in range(TAGS_PER_TRACK)] + SHARED_TAGS
        n_e, n_j = entry_sizes[t], max(judge_sizes[t], 2 * K)  # tiny scales: keep panels viable
        lo, hi = load_bounds_even(reviews=n_e * K, judges=n_j)
        e_ids = [f"E{t:02d}-{i:05d}" for i in range(n_e)]
        j_ids = [f"J{t:02d}-{i:04d}" for i in range(n_j)]
        for eid in e_ids:
            tags = rng.choice(len(vocab), size=rng.integers(1, 4), replace=False)
            entries.append(
                EntryNode(
                    id=eid, name=f"{track}作品{eid}", panel=track, tags={vocab[x] for x in tags}
                )
            )
        for jid in j_ids:
            tags = rng.choice(len(vocab), size=rng.integers(2, 5), replace=False)
            judges.append(
                JudgeNode(
                    id=jid,
                    name=f"评委{jid}",
                    panels={track},
                    tags={vocab[x] for x in tags},
                    min_load=lo,
                    max_load=hi,
                )
            )
        ce, cj = np.nonzero(rng.random((n_e, n_j)) < CONFLICT_RATE)
        forbidden.update(
            (j_ids[j], e_ids[e]) for e, j in zip(ce.tolist(), cj.tolist(), strict=True)
        )
        panels.append((track, e_ids, j_ids, vocab))
    problem = AssignmentProblem(
        entries=entries, judges=judges, k=K, forbidden=frozenset(forbidden), base_cost=BASE_COST
    )
    return problem, panels


def lp_optimum(problem: AssignmentProblem, panels) -> float:
    """Independent optimum: one sparse HiGHS LP per panel, x_je in [0, 1]."""
    entries = {e.id: e for e in problem.entries}
    judges = {j.id: j for j in problem.judges}
    total = 0.0
    for _, e_ids, j_ids, vocab in panels:
        col = {t: i for i, t in enumerate(vocab)}
        te = np.zeros((len(e_ids), len(vocab)), dtype=np.int64)
        tj = np.zeros((len(j_ids), len(vocab)), dtype=np.int64)
        for i, eid in enumerate(e_ids):
            te[i, [col[t] for t in entries[eid].tags]] = 1
        for i, jid in enumerate(j_ids):
            tj[i, [col[t] for t in judges[jid].tags]] = 1
        cost = BASE_COST - te @ tj.T
        ok = np.ones((len(e_ids), len(j_ids)), dtype=bool)
        e_pos = {x: i for i, x in enumerate(e_ids)}
        j_pos = {x: i for i, x in enumerate(j_ids)}
        for jid, eid in problem.forbidden:
            if eid in e_pos and jid in j_pos:
                ok[e_pos[eid], j_pos[jid]] = False
        ve, vj = np.nonzero(ok)
        n = len(ve)
        ones = np.ones(n)
        a_eq = sp.csr_matrix((ones, (ve, np.arange(n))), shape=(len(e_ids), n))
        a_load = sp.csr_matrix((ones, (vj, np.arange(n))), shape=(len(j_ids), n))
        mins = np.array([judges[j].min_load for j in j_ids], dtype=float)
        maxes = np.array([judges[j].max_load for j in j_ids], dtype=float)
        res = linprog(
            cost[ve, vj].astype(float),
            A_ub=sp.vstack([a_load, -a_load]).tocsr(),
            b_ub=np.concatenate([maxes, -mins]),
            A_eq=a_eq,
            b_eq=np.full(len(e_ids), float(problem.k)),
            bounds=(0, 1),
            method="highs",
        )
        if res.status != 0:
            raise RuntimeError(f"linprog failed: {res.message}")
        total += res.fun
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    problem, panels = build(args.scale, args.seed)
    print(
        f"entries={len(problem.entries):,} judges={len(problem.judges):,} k={problem.k} "
        f"panels={len(panels)} conflicts={len(problem.forbidden):,}"
    )
    started = time.perf_counter()
    result = assignment_solve(problem)
    seconds = time.perf_counter() - started
    print(f"solve: {seconds:.2f} s over {result.components} panels, cost {result.cost:,}")

    started = time.perf_counter()
    lp = lp_optimum(problem, panels)
    print(
        f"independent LP (scipy linprog highs): {time.perf_counter() - started:.2f} s, optimum {lp:,.3f}"
    )

    spread = max(
        max(result.loads[j] for j in j_ids) - min(result.loads[j] for j in j_ids)
        for _, _, j_ids, _ in panels
    )
    conflicts = sum(1 for p in result.pairs if p in problem.forbidden)
    per_entry = np.unique(np.unique([e for _, e in result.pairs], return_counts=True)[1]).tolist()
    print(
        f"judges per entry: {per_entry}; rescored cost {assignment_cost(problem, result.pairs):,}"
    )
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "cost": result.cost,
                "optimal_cost": round(lp),
                "load_spread": spread,
                "conflicts_assigned": conflicts,
            }
        )
    )


if __name__ == "__main__":
    main()
