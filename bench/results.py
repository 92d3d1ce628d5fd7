"""Benchmark: recomputing a national stage's results (数据要素× 2025 scale).

    python bench/results.py [--scale F] [--runs N] [--seed N]

Builds, with bulk_create, one contest with 14 tracks of uneven size, one stage with 22,000 × F
submitted entries (one team each, a lead organisation from a pool of 400), 1,500 × F judges on
track panels (each with an organisation, a few of them the same as a team's, so recusal has
reviews to remove, plus 50 declared conflicts), a six-criterion rubric, and 3 submitted reviews
per entry (66,000 × F reviews, 396,000 × F criterion scores). The stage ranks per track with the
plain mean and the tie-break chain [criterion "innovation", first places].

Then times, N runs each (median reported):
- recompute_seconds: a full `judging.services.result.ranking_compute` — settings, entries,
  reviews, recusal, the innovation scores for the tie-break, aggregation and ranking, deleting
  and bulk-inserting the stage's EntryResult rows in one transaction;
- floor_seconds: the bare SQL over the same score rows through one cursor, fetched in full:
  ``AVG(total) GROUP BY entry`` over the submitted reviews, and ``AVG(value) GROUP BY entry,
  criterion`` over their criterion scores. It reads more rows than ranking_compute (all six
  criteria) but computes and writes nothing.

Database: without DATABASE_URL, a fresh SQLite file in a temporary folder (migrated, removed at
the end). With DATABASE_URL, that database as is: migrated (a warning says so), the bench's rows
added under their own contest and deleted at the end in plain SQL, ANALYZE after the load.

The last line is one JSON object with recompute_seconds and floor_seconds.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import shutil
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

from _common import configure, split  # bench/ is on sys.path when a script runs

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TRACKS = [
    "工业制造", "现代农业", "商贸流通", "交通运输", "金融服务", "科技创新", "文化旅游",
    "医疗健康", "应急管理", "气象服务", "城市治理", "绿色低碳", "医疗保障", "开放性创新",
]  # fmt: skip
TRACK_WEIGHTS = [3.2, 2.4, 1.9, 1.7, 2.8, 1.5, 1.2, 2.1, 0.8, 0.5, 1.6, 1.1, 0.6, 0.9]
# key, name, weight (sums to 100); every criterion is scored 0-10 in steps of 0.5
CRITERIA = [
    ("innovation", "创新性", 25),
    ("value", "应用价值", 20),
    ("data", "数据要素作用", 20),
    ("feasibility", "可行性", 15),
    ("team", "团队能力", 10),
    ("scale", "推广前景", 10),
]
K = 3  # reviews per entry
N_LEAD_ORGS = 400
BATCH = 5000


def build(scale: float, rng: random.Random, tag: str, ids: dict) -> dict:
    """Fill the database; `ids` is filled as rows are made, so cleanup works after a failure."""
    from django.db import transaction
    from django.utils import timezone

    from contest.enums import ContestKind, ContestRoleKind, EntryStatus, OrganisationKind
    from contest.models import Contest, ContestRole, Entry, Organisation, Stage, Team, Track, User
    from judging.enums import AssignmentSource, ConflictSource, ReviewStatus
    from judging.models import (
        Assignment,
        Conflict,
        Criterion,
        JudgeProfile,
        ResultSettings,
        Review,
        ReviewScore,
        Rubric,
    )
    from tests.factories.contest import make_uscc

    n_entries = round(22_000 * scale)
    n_judges = max(round(1_500 * scale), K * len(TRACKS))
    entries_per_track = split(n_entries, TRACK_WEIGHTS)
    judges_per_track = [max(K, x) for x in split(n_judges, [float(x) for x in entries_per_track])]
    now = timezone.now()
    uscc_base = rng.randrange(10**9)

    with transaction.atomic():
        organiser = User.objects.create(email=f"organiser-{tag}@bench.example", real_name="组委会")
        ids["users"].append(organiser.pk)
        contest = Contest.objects.create(
            code=f"bench-results-{tag}",
            name=f"数据要素×大赛（成绩基准 {tag}）",
            kind=ContestKind.DATA_ELEMENTS,
            edition="2025",
            year=2025,
        )
        ids["contest"] = contest.pk
        ContestRole.objects.create(contest=contest, user=organiser, role=ContestRoleKind.ORGANISER)
        tracks = Track.objects.bulk_create(
            [Track(contest=contest, code=f"t{i}", name=n, order=i) for i, n in enumerate(TRACKS)]
        )
        stage = Stage.objects.create(contest=contest, name="初赛", kind="online_review", order=1)
        rubric = Rubric.objects.create(stage=stage, name="初赛评分细则")
        criteria = Criterion.objects.bulk_create(
            [
                Criterion(
                    rubric=rubric,
                    key=key,
                    name=name,
                    weight=Decimal(weight),
                    max_score=Decimal(10),
                    step=Decimal("0.5"),
                    order=i,
                )
                for i, (key, name, weight) in enumerate(CRITERIA)
            ]
        )
        ResultSettings.objects.create(
            stage=stage,
            tie_break=[{"rule": "criterion", "key": "innovation"}, {"rule": "first_places"}],
        )
        orgs = Organisation.objects.bulk_create(
            [
                Organisation(
                    name=f"基准单位{tag}-{i}",
                    kind=OrganisationKind.ENTERPRISE,
                    uscc=make_uscc(uscc_base + i),
                    province="江苏",
                )
                for i in range(N_LEAD_ORGS + 100)
            ],
            batch_size=BATCH,
        )
        ids["organisations"] = [o.pk for o in orgs]
        lead_orgs, judge_orgs = orgs[:N_LEAD_ORGS], orgs[N_LEAD_ORGS:]

        captains = User.objects.bulk_create(
            [
                User(email=f"c{i}-{tag}@bench.example", real_name=f"队长{i}", password="!")
                for i in range(n_entries)
            ],
            batch_size=BATCH,
        )
        judges = User.objects.bulk_create(
            [
                User(email=f"j{i}-{tag}@bench.example", real_name=f"评委{i}", password="!")
                for i in range(sum(judges_per_track))
            ],
            batch_size=BATCH,
        )
        ids["users"] += [u.pk for u in captains] + [u.pk for u in judges]
        # 2% of the judges work for an organisation that also leads teams: their reviews of
        # those teams are recused when results are computed
        JudgeProfile.objects.bulk_create(
            [
                JudgeProfile(
                    user=j,
                    organisation=rng.choice(lead_orgs)
                    if rng.random() < 0.02
                    else rng.choice(judge_orgs),
                    province="江苏",
                )
                for j in judges
            ],
            batch_size=BATCH,
        )

        team_track, teams, position = [], [], 0
        for t, count in enumerate(entries_per_track):
            for _ in range(count):
                teams.append(
                    Team(
                        contest=contest,
                        code=f"T{position:06d}",
                        name=f"团队{position}",
                        captain=captains[position],
                        track=tracks[t],
                        lead_organisation=rng.choice(lead_orgs),
                    )
                )
                team_track.append(t)
                position += 1
        teams = Team.objects.bulk_create(teams, batch_size=BATCH)
        entries = Entry.objects.bulk_create(
            [
                Entry(
                    team=team,
                    stage=stage,
                    title=f"作品{i}",
                    status=EntryStatus.SUBMITTED,
                    submitted_at=now,
                )
                for i, team in enumerate(teams)
            ],
            batch_size=BATCH,
        )

        panels, start = [], 0
        for count in judges_per_track:
            panels.append(judges[start : start + count])
            start += count
        bias = {j.pk: rng.gauss(0, 0.6) for j in judges}
        quality = {e.pk: rng.uniform(3, 8) for e in entries}
        assignments, picks = [], []
        for i, entry in enumerate(entries):
            chosen = rng.sample(panels[team_track[i]], K)
            picks.append(chosen)
            for judge in chosen:
                assignments.append(
                    Assignment(
                        stage=stage,
                        entry=entry,
                        judge=judge,
                        source=AssignmentSource.AUTO,
                        anonymous_code=f"A{len(assignments):06d}",
                    )
                )
        assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        reviews, values = [], []
        for a in assignments:
            row = []
            for _ in CRITERIA:
                raw = quality[a.entry_id] + bias[a.judge_id] + rng.gauss(0, 0.8)
                row.append(min(10.0, max(0.0, round(raw * 2) / 2)))
            total = sum(
                Decimal(str(v)) * w / 10 for v, (_, _, w) in zip(row, CRITERIA, strict=True)
            )
            values.append(row)
            reviews.append(
                Review(
                    assignment=a,
                    stage=stage,
                    entry_id=a.entry_id,
                    judge_id=a.judge_id,
                    rubric=rubric,
                    status=ReviewStatus.SUBMITTED,
                    total=total,
                    submitted_at=now,
                )
            )
        reviews = Review.objects.bulk_create(reviews, batch_size=BATCH)
        score_rows = [
            ReviewScore(review=r, criterion=c, value=Decimal(str(v)))
            for r, row in zip(reviews, values, strict=True)
            for c, v in zip(criteria, row, strict=True)
        ]
        ReviewScore.objects.bulk_create(score_rows, batch_size=BATCH)
        declared = rng.sample(range(len(entries)), min(50, len(entries)))
        Conflict.objects.bulk_create(
            [
                Conflict(
                    contest=contest,
                    judge=picks[i][0],
                    team=teams[i],
                    source=ConflictSource.DECLARED_BY_JUDGE,
                    reason="基准：评审后申报回避",
                )
                for i in declared
            ]
        )
    return {
        "stage": stage,
        "counts": {
            "entries": len(entries),
            "judges": len(judges),
            "reviews": len(reviews),
            "scores": len(score_rows),
        },
    }


def analyze() -> None:
    from django.db import connection

    from contest.models import Entry, Team, TeamMember, User
    from judging.models import Conflict, EntryResult, JudgeProfile, Review, ReviewScore

    models = (
        Entry,
        Team,
        TeamMember,
        User,
        Conflict,
        EntryResult,
        JudgeProfile,
        Review,
        ReviewScore,
    )
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f'ANALYZE "{model._meta.db_table}"')


def floor_query(stage_id: int) -> int:
    """The bare aggregate over the same rows, fetched in full; returns rows fetched."""
    from django.db import connection

    from judging.models import Review, ReviewScore

    review, score = Review._meta.db_table, ReviewScore._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT r.entry_id, AVG(r.total), COUNT(*) FROM "{review}" r '
            "WHERE r.stage_id = %s AND r.status = 'submitted' GROUP BY r.entry_id",
            [stage_id],
        )
        rows = len(cursor.fetchall())
        cursor.execute(
            f'SELECT r.entry_id, s.criterion_id, AVG(s.value) FROM "{score}" s '
            f'JOIN "{review}" r ON r.id = s.review_id '
            "WHERE r.stage_id = %s AND r.status = 'submitted' "
            "GROUP BY r.entry_id, s.criterion_id",
            [stage_id],
        )
        rows += len(cursor.fetchall())
    return rows


def cleanup(ids: dict) -> None:
    """Delete the bench's rows in plain SQL (PostgreSQL: the database is shared)."""
    from django.db import connection, transaction

    from contest.models import Contest, ContestRole, Entry, Organisation, Stage, Team, Track, User
    from judging.models import (
        Assignment,
        AuditLog,
        Conflict,
        Criterion,
        EntryResult,
        JudgeProfile,
        PanelOverride,
        Promotion,
        ResultSettings,
        ResultSnapshot,
        Review,
        ReviewScore,
        Rubric,
    )

    t = {m: m._meta.db_table for m in (Contest, ContestRole, Entry, Organisation, Stage, Team, Track, User, Assignment, AuditLog, Conflict, Criterion, EntryResult, JudgeProfile, PanelOverride, Promotion, ResultSettings, ResultSnapshot, Review, ReviewScore, Rubric)}  # fmt: skip
    contest = ids.get("contest")
    with transaction.atomic(), connection.cursor() as cursor:
        if contest:
            stages = f'SELECT id FROM "{t[Stage]}" WHERE contest_id = %s'
            reviews = f'SELECT id FROM "{t[Review]}" WHERE stage_id IN ({stages})'
            rubrics = f'SELECT id FROM "{t[Rubric]}" WHERE stage_id IN ({stages})'
            cursor.execute(
                f'DELETE FROM "{t[ReviewScore]}" WHERE review_id IN ({reviews})', [contest]
            )
            for model in (
                Review,
                Assignment,
                EntryResult,
                PanelOverride,
                ResultSettings,
                ResultSnapshot,
            ):
                cursor.execute(f'DELETE FROM "{t[model]}" WHERE stage_id IN ({stages})', [contest])
            cursor.execute(
                f'DELETE FROM "{t[Promotion]}" WHERE from_stage_id IN ({stages})', [contest]
            )
            cursor.execute(
                f'DELETE FROM "{t[Criterion]}" WHERE rubric_id IN ({rubrics})', [contest]
            )
            cursor.execute(f'DELETE FROM "{t[Rubric]}" WHERE stage_id IN ({stages})', [contest])
            cursor.execute(f'DELETE FROM "{t[Entry]}" WHERE stage_id IN ({stages})', [contest])
            for model in (Conflict, AuditLog, Team, Track, Stage, ContestRole):
                cursor.execute(f'DELETE FROM "{t[model]}" WHERE contest_id = %s', [contest])
            cursor.execute(f'DELETE FROM "{t[Contest]}" WHERE id = %s', [contest])
        users = ids.get("users", [])
        for start in range(0, len(users), BATCH):
            chunk = users[start : start + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f'DELETE FROM "{t[JudgeProfile]}" WHERE user_id IN ({marks})', chunk)
            cursor.execute(f'DELETE FROM "{t[User]}" WHERE id IN ({marks})', chunk)
        orgs = ids.get("organisations", [])
        if orgs:
            marks = ", ".join(["%s"] * len(orgs))
            cursor.execute(f'DELETE FROM "{t[Organisation]}" WHERE id IN ({marks})', orgs)


def timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args()

    backend, folder = configure("results")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    where = settings.DATABASES["default"]["NAME"]
    print(f"database: {backend} {where}", flush=True)
    if backend == "postgresql":
        print(
            f"WARNING: migrating {where} and adding rows; they are deleted at the end", flush=True
        )
    call_command("migrate", verbosity=0)

    from judging.models import EntryResult
    from judging.services.result import ranking_compute

    rng = random.Random(args.seed)
    tag = secrets.token_hex(4)
    ids: dict = {"users": [], "organisations": []}
    try:
        started = time.perf_counter()
        built = build(args.scale, rng, tag, ids)
        counts = built["counts"]
        print(
            f"built in {time.perf_counter() - started:.1f} s: {counts['entries']:,} entries, "
            f"{counts['judges']:,} judges, {counts['reviews']:,} reviews, "
            f"{counts['scores']:,} criterion scores",
            flush=True,
        )
        if backend == "postgresql":
            analyze()
        stage = built["stage"]
        floor_query(stage.pk)  # warm the page cache for both
        recompute, summary = timed(lambda: ranking_compute(stage=stage), args.runs)
        floor, fetched = timed(lambda: floor_query(stage.pk), args.runs)
        ranked = EntryResult.objects.filter(stage=stage, rank__isnull=False).count()
        print(
            f"ranking_compute: {summary.entries:,} rows stored ({ranked:,} ranked), "
            f"{summary.reviews:,} reviews counted, {summary.excluded_conflicts:,} recused; "
            f"runs {', '.join(f'{s:.3f}' for s in recompute)} s",
            flush=True,
        )
        print(f"floor: {fetched:,} aggregate rows; runs {', '.join(f'{s:.3f}' for s in floor)} s")
        recompute_seconds = statistics.median(recompute)
        floor_seconds = statistics.median(floor)
        result = {
            "database": backend,
            "scale": args.scale,
            **counts,
            "excluded_conflicts": summary.excluded_conflicts,
            "recompute_seconds": round(recompute_seconds, 3),
            "floor_seconds": round(floor_seconds, 3),
            "ratio": round(recompute_seconds / floor_seconds, 2) if floor_seconds else None,
        }
    finally:
        if backend == "postgresql":
            cleanup(ids)
            print("bench rows deleted", flush=True)
        elif folder is not None:
            from django.db import connection

            connection.close()
            shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
