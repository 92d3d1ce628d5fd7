"""The pure judge-assignment solver: optimality against brute force, hard rules, reports."""

import dataclasses
import itertools
import random

import pytest

from judging.assignment_solver import (
    AssignmentInfeasible,
    AssignmentProblem,
    EntryNode,
    JudgeNode,
    SolveStatus,
    assignment_check,
    assignment_cost,
    assignment_solve,
    assignment_validate,
    load_bounds_even,
)


def brute_force(problem):
    """Cheapest valid assignment by enumerating every choice of k judges per entry."""
    forbidden = set(problem.forbidden)
    fixed = set(problem.fixed)
    options = []
    for e in problem.entries:
        ok = [j.id for j in problem.judges if e.panel in j.panels and (j.id, e.id) not in forbidden]
        must = {j for j, x in fixed if x == e.id}
        options.append([(e.id, c) for c in itertools.combinations(ok, problem.k) if must <= set(c)])
    best = None
    for choice in itertools.product(*options):
        pairs = [(j, e) for e, js in choice for j in js]
        if assignment_validate(problem, pairs):
            continue
        cost = assignment_cost(problem, pairs)
        if best is None or cost < best:
            best = cost
    return best


def greedy(problem):
    """Each entry in turn takes its cheapest judges with room left (what a spreadsheet does)."""
    loads = {j.id: 0 for j in problem.judges}
    pairs = []
    for e in problem.entries:
        ranked = sorted(
            (problem.pair_cost(j, e), i, j)
            for i, j in enumerate(problem.judges)
            if e.panel in j.panels
            and (j.id, e.id) not in problem.forbidden
            and loads[j.id] < j.max_load
        )
        for _, _, j in ranked[: problem.k]:
            pairs.append((j.id, e.id))
            loads[j.id] += 1
    return pairs


def greedy_trap():
    # e1 costs 8 with j1, 9 with j2; e2 costs 8 with j1, 10 with j2. Greedy gives e1 j1 and
    # leaves e2 the 10; the optimum gives j1 to e2: 9 + 8 = 17 < 8 + 10 = 18.
    return AssignmentProblem(
        entries=[
            EntryNode(id="e1", name="数据驱动的炼钢", tags={"a", "b", "c"}),
            EntryNode(id="e2", name="智慧农场", tags={"a", "b"}),
        ],
        judges=[
            JudgeNode(id="j1", name="张", tags={"a", "b"}, max_load=1),
            JudgeNode(id="j2", name="李", tags={"c"}, max_load=1),
        ],
        k=1,
    )


def random_problem(seed, *, n_entries=4, n_judges=4, k=2, conflict_rate=0.2, n_fixed=0):
    rng = random.Random(seed)
    vocab = "abcdef"
    entries = [
        EntryNode(id=f"e{i}", name=f"作品{i}", tags=set(rng.sample(vocab, rng.randint(1, 3))))
        for i in range(n_entries)
    ]
    judges = [
        JudgeNode(
            id=f"j{i}",
            name=f"评委{i}",
            tags=set(rng.sample(vocab, rng.randint(1, 3))),
            min_load=rng.randint(0, 1),
            max_load=rng.randint(2, 3),
        )
        for i in range(n_judges)
    ]
    forbidden = {(j.id, e.id) for j in judges for e in entries if rng.random() < conflict_rate}
    allowed = sorted({(j.id, e.id) for j in judges for e in entries} - forbidden)
    fixed = rng.sample(allowed, n_fixed)
    return AssignmentProblem(entries=entries, judges=judges, k=k, forbidden=forbidden, fixed=fixed)


def test_solve_greedy_trap_finds_optimum():
    problem = greedy_trap()

    result = assignment_solve(problem)

    assert assignment_cost(problem, greedy(problem)) == 18
    assert brute_force(problem) == 17
    assert result.cost == 17
    assert result.pairs == [("j2", "e1"), ("j1", "e2")]
    assert result.status == SolveStatus.OPTIMAL


@pytest.mark.parametrize("seed", range(40))
def test_solve_random_small_equals_brute_force(seed):
    problem = random_problem(seed)
    best = brute_force(problem)

    if best is None:
        with pytest.raises(AssignmentInfeasible):
            assignment_solve(problem)
    else:
        result = assignment_solve(problem)
        assert assignment_validate(problem, result.pairs) == []
        assert result.cost == best


@pytest.mark.parametrize("seed", range(20))
def test_solve_random_small_with_fixed_pairs_equals_brute_force(seed):
    problem = random_problem(100 + seed, n_fixed=2)
    best = brute_force(problem)

    if best is None:
        with pytest.raises(AssignmentInfeasible):
            assignment_solve(problem)
    else:
        result = assignment_solve(problem)
        assert set(problem.fixed) <= set(result.pairs)
        assert assignment_validate(problem, result.pairs) == []
        assert result.cost == best


def test_solve_random_small_has_feasible_and_greedy_beaten_cases():
    # The random family above exercises both outcomes and cases where greedy is not optimal.
    feasible = [s for s in range(40) if brute_force(random_problem(s)) is not None]
    beaten = [
        s
        for s in feasible
        if not assignment_validate(random_problem(s), greedy(random_problem(s)))
        and assignment_cost(random_problem(s), greedy(random_problem(s)))
        > brute_force(random_problem(s))
    ]
    assert len(feasible) >= 20
    assert len(beaten) >= 1


def test_solve_conflict_never_assigned_even_when_costlier():
    entry = EntryNode(id="e1", name="城市大脑", tags={"城市治理", "大模型"})
    judges = [
        JudgeNode(id="best", name="王", tags={"城市治理", "大模型"}, max_load=1),
        JudgeNode(id="ok", name="赵", tags={"城市治理"}, max_load=1),
        JudgeNode(id="worst", name="钱", tags=set(), max_load=1),
    ]
    free = AssignmentProblem(entries=[entry], judges=judges, k=2)
    conflicted = AssignmentProblem(entries=[entry], judges=judges, k=2, forbidden={("best", "e1")})

    assert assignment_solve(free).cost == 8 + 9
    result = assignment_solve(conflicted)

    assert result.pairs == [("ok", "e1"), ("worst", "e1")]
    assert result.cost == 9 + 10
    assert result.loads == {"best": 0, "ok": 1, "worst": 1}


def test_solve_medium_each_entry_k_distinct_judges_within_load_bounds():
    rng = random.Random(7)
    vocab = [f"t{i}" for i in range(12)]
    entries = [
        EntryNode(id=i, name=f"作品{i}", panel=i % 3, tags=set(rng.sample(vocab, 2)))
        for i in range(96)
    ]
    judges = [
        JudgeNode(
            id=100 + i,
            name=f"评委{i}",
            panels={i % 3},
            tags=set(rng.sample(vocab, 3)),
            min_load=9,
            max_load=10,
        )
        for i in range(30)
    ]
    forbidden = {(j.id, e.id) for j in judges for e in entries if rng.random() < 0.1}
    problem = AssignmentProblem(entries=entries, judges=judges, k=3, forbidden=forbidden)

    result = assignment_solve(problem)

    per_entry = {e.id: [j for j, x in result.pairs if x == e.id] for e in entries}
    assert {len(js) for js in per_entry.values()} == {3}
    assert {len(set(js)) for js in per_entry.values()} == {3}
    assert all(9 <= n <= 10 for n in result.loads.values())
    assert sum(result.loads.values()) == 288
    assert set(result.pairs) & forbidden == set()
    assert assignment_validate(problem, result.pairs) == []
    assert result.components == 3


def test_load_bounds_even_floor_and_ceiling():
    assert load_bounds_even(reviews=4_800, judges=40) == (120, 120)
    assert load_bounds_even(reviews=4_801, judges=40) == (120, 121)


def test_check_too_few_judges_gives_exact_numbers():
    problem = AssignmentProblem(
        entries=[EntryNode(id=i, name=f"作品{i}", panel="金融服务") for i in range(1_600)],
        judges=[
            JudgeNode(id=i, name=f"评委{i}", panels={"金融服务"}, max_load=100) for i in range(40)
        ],
        k=3,
    )

    report = assignment_check(problem)

    assert report.ok is False
    assert [i.code for i in report.issues] == ["reviews_exceed_capacity"]
    assert report.messages_en == [
        "[金融服务] 1,600 entries × 3 = 4,800 reviews; 40 judges × 100 max = 4,000: "
        "add 8 judges (max 100) or raise the max to 120"
    ]
    assert report.messages_zh == [
        "【金融服务】1,600 件作品 × 3 = 4,800 次评审；40 位评委 × 上限 100 = 4,000："
        "请增加 8 位评委（上限 100）或将上限提高到 120"
    ]
    assert report.issues[0].data["judges_to_add"] == 8
    assert report.issues[0].data["max_needed"] == 120
    with pytest.raises(AssignmentInfeasible) as raised:
        assignment_solve(problem)
    assert raised.value.report.messages == report.messages


def test_check_entry_with_too_few_conflict_free_judges_listed_by_name():
    entries = [
        EntryNode(id="e1", name="矿山安全监测", panel="应急管理"),
        EntryNode(id="e2", name="洪涝预警", panel="应急管理"),
    ]
    judges = [
        JudgeNode(id=f"j{i}", name=f"评委{i}", panels={"应急管理"}, max_load=2) for i in range(4)
    ]
    problem = AssignmentProblem(
        entries=entries, judges=judges, k=3, forbidden={("j0", "e1"), ("j1", "e1")}
    )

    report = assignment_check(problem)

    assert report.messages == [
        "【应急管理】1 件作品无回避冲突且有余量的评委不足 3 位（如《矿山安全监测》）："
        "请为该评审组增加 1 位无回避冲突的评委 / "
        "[应急管理] 1 entries have fewer than 3 conflict-free judges with room "
        "(e.g. “矿山安全监测”): add 1 judges without a conflict to the panel"
    ]
    assert report.summary["entries_short"] == 1
    assert [(s.id, s.name, s.available, s.needed) for s in report.short_entries] == [
        ("e1", "矿山安全监测", 2, 3)
    ]


def test_check_min_load_too_high():
    problem = AssignmentProblem(
        entries=[EntryNode(id=i, name=f"作品{i}") for i in range(10)],
        judges=[JudgeNode(id=i, name=f"评委{i}", min_load=10, max_load=10) for i in range(4)],
        k=3,
        panel_names={None: "初赛"},
    )

    report = assignment_check(problem)

    assert [i.code for i in report.issues] == ["min_exceeds_reviews"]
    assert report.messages_en == [
        "[初赛] 4 judges × 10 min = 40 > 10 entries × 3 = 30 reviews: "
        "lower the min to 7 or remove 1 judges"
    ]
    assert report.messages_zh == [
        "【初赛】4 位评委 × 下限 10 = 40，多于 10 件作品 × 3 = 30 次评审：请将下限降到 7 或减少 1 位评委"
    ]


def test_solve_joint_conflicts_reported_after_counts_pass():
    # Both entries may only use j1 (conflicts with j2): every count passes, the flow cannot.
    problem = AssignmentProblem(
        entries=[EntryNode(id="e1", name="甲"), EntryNode(id="e2", name="乙")],
        judges=[
            JudgeNode(id="j1", name="张", max_load=1),
            JudgeNode(id="j2", name="李", max_load=1),
        ],
        k=1,
        forbidden={("j2", "e1"), ("j2", "e2")},
    )
    assert assignment_check(problem).ok is True

    with pytest.raises(AssignmentInfeasible) as raised:
        assignment_solve(problem)

    report = raised.value.report
    assert [i.code for i in report.issues] == ["entry_short_joint"]
    assert len(report.short_entries) == 1
    assert report.short_entries[0].available == 0
    assert report.short_entries[0].name in {"甲", "乙"}


def test_solve_fixed_pairs_kept_and_counted():
    problem = greedy_trap()
    fixed = AssignmentProblem(
        entries=problem.entries, judges=problem.judges, k=1, fixed=[("j1", "e1")]
    )

    result = assignment_solve(fixed)

    assert result.pairs == [("j1", "e1"), ("j2", "e2")]
    assert result.cost == 18
    assert result.loads == {"j1": 1, "j2": 1}


def test_check_fixed_conflict_rejected():
    problem = greedy_trap()
    bad = AssignmentProblem(
        entries=problem.entries,
        judges=problem.judges,
        k=1,
        forbidden={("j1", "e1")},
        fixed=[("j1", "e1")],
    )

    assert [i.code for i in assignment_check(bad).issues] == ["fixed_conflict"]


def test_solve_judge_on_two_panels_load_counted_once():
    entries = [EntryNode(id=f"a{i}", name=f"A{i}", panel="A") for i in range(2)] + [
        EntryNode(id=f"b{i}", name=f"B{i}", panel="B") for i in range(2)
    ]
    judges = [
        JudgeNode(id="shared", name="共享", panels={"A", "B"}, tags={"x"}, max_load=3),
        JudgeNode(id="a", name="甲", panels={"A"}, min_load=1, max_load=2),
        JudgeNode(id="b", name="乙", panels={"B"}, max_load=2),
        JudgeNode(id="c", name="丙", panels={"C"}, max_load=5),
    ]
    entries = [EntryNode(id=e.id, name=e.name, panel=e.panel, tags={"x"}) for e in entries]
    problem = AssignmentProblem(entries=entries, judges=judges, k=1)

    result = assignment_solve(problem)

    assert result.components == 1
    # Alone per panel "shared" would take all four (cost 36); max 3 holds across both panels
    # and "a" needs its minimum, so "shared" takes one A and both B entries.
    assert result.loads == {"shared": 3, "a": 1, "b": 0, "c": 0}
    assert result.cost == 3 * 9 + 10


def test_solve_progress_called_per_panel():
    problem = AssignmentProblem(
        entries=[EntryNode(id=i, name=f"作品{i}", panel=i % 2) for i in range(4)],
        judges=[JudgeNode(id=i, name=f"评委{i}", panels={i % 2}, max_load=2) for i in range(4)],
        k=2,
    )
    calls = []

    result = assignment_solve(problem, progress=lambda done, total: calls.append((done, total)))

    assert calls == [(1, 2), (2, 2)]
    assert result.loads == {0: 2, 1: 2, 2: 2, 3: 2}


def test_solve_joint_minimums_reported_after_counts_pass():
    # j1 and j2 each need one review but may only review e1, which takes one judge.
    problem = AssignmentProblem(
        entries=[EntryNode(id="e1", name="甲"), EntryNode(id="e2", name="乙")],
        judges=[
            JudgeNode(id="j1", name="张", min_load=1, max_load=1),
            JudgeNode(id="j2", name="李", min_load=1, max_load=1),
            JudgeNode(id="j3", name="王", max_load=1),
        ],
        k=1,
        forbidden={("j1", "e2"), ("j2", "e2")},
    )
    assert assignment_check(problem).ok is True

    with pytest.raises(AssignmentInfeasible) as raised:
        assignment_solve(problem)

    report = raised.value.report
    assert [i.code for i in report.issues] == ["judge_short_joint"]
    assert [(s.available, s.min_load) for s in report.short_judges] == [(0, 1)]


# --- balance (balance=True): loads first, expertise second -------------------------------------


def _skewed(n_entries: int, n_judges: int, *, base=None) -> AssignmentProblem:
    # Judge 0 matches every entry best, judge 1 next: a linear cost piles reviews on them.
    entries = [EntryNode(id=i, name=f"作品{i}", tags={"a", "b", "c"}) for i in range(n_entries)]
    tags = [{"a", "b", "c"}, {"a", "b"}, {"a"}] + [set()] * n_judges
    judges = [
        JudgeNode(
            id=j, name=f"评委{j}", tags=tags[j], max_load=60, base_load=(base or {}).get(j, 0)
        )
        for j in range(n_judges)
    ]
    return AssignmentProblem(entries=entries, judges=judges, k=3, balance=True)


def test_balance_six_judges_eighteen_reviews_three_each():
    result = assignment_solve(_skewed(6, 6))
    assert sorted(result.loads.values()) == [3, 3, 3, 3, 3, 3]
    unbalanced = assignment_solve(dataclasses.replace(_skewed(6, 6), balance=False))
    assert max(unbalanced.loads.values()) - min(unbalanced.loads.values()) > 1


@pytest.mark.parametrize(("n_entries", "n_judges"), [(7, 4), (5, 6), (11, 5), (13, 7)])
def test_balance_uneven_numbers_spread_at_most_one(n_entries, n_judges):
    problem = _skewed(n_entries, n_judges)
    result = assignment_solve(problem)
    assert assignment_validate(problem, result.pairs) == []
    assert max(result.loads.values()) - min(result.loads.values()) <= 1


@pytest.mark.parametrize("seed", range(25))
def test_balance_is_min_squares_then_min_cost_by_brute_force(seed):
    rnd = random.Random(seed)
    entries = [
        EntryNode(id=i, name=str(i), tags=set(rnd.sample("abcd", rnd.randint(0, 3))))
        for i in range(5)
    ]
    judges = [
        JudgeNode(
            id=j,
            name=str(j),
            tags=set(rnd.sample("abcd", rnd.randint(0, 3))),
            max_load=9,
            base_load=rnd.choice([0, 0, 1, 2]),
        )
        for j in range(4)
    ]
    forbidden = {(rnd.randrange(4), rnd.randrange(5)) for _ in range(2)}
    problem = AssignmentProblem(
        entries=entries, judges=judges, k=2, balance=True, forbidden=forbidden
    )
    best = None
    options = [
        [
            c
            for c in itertools.combinations(range(4), 2)
            if all((j, e.id) not in forbidden for j in c)
        ]
        for e in entries
    ]
    for combo in itertools.product(*options):
        loads = [j.base_load for j in judges]
        cost = 0
        for e, chosen in zip(entries, combo, strict=True):
            for j in chosen:
                loads[j] += 1
                cost += problem.pair_cost(judges[j], e)
        key = (sum(x * x for x in loads), cost)
        best = key if best is None or key < best else best
    result = assignment_solve(problem)
    loads = [result.loads[j.id] + j.base_load for j in judges]
    assert (sum(x * x for x in loads), result.cost) == best


def test_balance_counts_base_load():
    # Judges 0 and 1 already have 2 reviews elsewhere: of the 12 new ones they get 2 each.
    problem = _skewed(4, 4, base={0: 2, 1: 2})
    result = assignment_solve(problem)
    assert [result.loads[j] for j in range(4)] == [2, 2, 4, 4]
