"""A stage with scored, overridden and published results, and the notary package checked the way
its README says — with hashlib and json only, none of the platform's code."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from contest.enums import EntryStatus
from contest.models import Entry, Stage
from judging.models import Criterion, ReviewScore
from judging.services.audit import audit_record
from judging.services.result import panel_override_set, ranking_compute, results_publish
from tests.factories.contest import (
    ContestRoleFactory,
    StageFactory,
    TeamFactory,
    TrackFactory,
    UserFactory,
)
from tests.factories.judging import ReviewFactory

# entry title -> (judge 1's scores, judge 2's scores) per criterion (innovation, feasibility)
SCORES = {"甲": ((90, 80), (80, 70)), "乙": ((85, 75), (75, 65)), "丙": ((70, 60), (60, 60))}


@dataclass
class Published:
    contest: object
    stage: Stage
    organiser: object
    judges: list
    entries: dict[str, Entry]


def published_stage(contest, organiser=None) -> Published:
    """Three entries scored by two judges on two criteria, one 合议 with a reason, published;
    then one more chain row after the publication (not covered by the snapshot's head)."""
    if organiser is None:
        organiser = UserFactory(real_name="组委会")
        ContestRoleFactory(contest=contest, user=organiser)
    stage = StageFactory(contest=contest, order=1)
    track = TrackFactory(contest=contest, name="工业制造")
    judges = [UserFactory(real_name=f"评委{i}") for i in (1, 2)]
    entries = {}
    for title, by_judge in SCORES.items():
        entry = Entry.objects.create(
            team=TeamFactory(contest=contest, track=track),
            stage=stage,
            title=title,
            status=EntryStatus.SUBMITTED,
        )
        entries[title] = entry
        for judge, (innovation, feasibility) in zip(judges, by_judge, strict=True):
            total = Decimal(innovation + feasibility) / 2
            review = ReviewFactory(assignment__entry=entry, assignment__judge=judge, total=total)
            for key, value in (("innovation", innovation), ("feasibility", feasibility)):
                criterion, _ = Criterion.objects.get_or_create(
                    rubric=review.rubric,
                    key=key,
                    defaults={"name": key, "weight": Decimal(50), "max_score": Decimal(100)},
                )
                ReviewScore.objects.create(review=review, criterion=criterion, value=value)
    ranking_compute(stage=stage, actor=organiser)
    panel_override_set(
        actor=organiser,
        stage=stage,
        entry=entries["丙"],
        score=Decimal("71"),
        panel_order=None,
        reason="评审组合议：路演表现突出",
    )
    ranking_compute(stage=stage, actor=organiser)
    results_publish(actor=organiser, stage=stage)
    audit_record(contest=contest, actor=organiser, action="test.after", obj=stage)
    return Published(contest, stage, organiser, judges, entries)


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def chain_head_recomputed(jsonl: bytes) -> tuple[str, int]:
    """Steps 1-4 of the README's chain check; raises AssertionError at the first bad line."""
    prev = "0" * 64
    count = 0
    for line in jsonl.decode("utf-8").splitlines():
        row = json.loads(line)
        assert row["prev_hash"] == prev, f"broken link at seq {row['seq']}"
        stated = row["hash"]
        content = {k: v for k, v in row.items() if k not in ("prev_hash", "hash")}
        canonical = json.dumps(
            content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
        recomputed = hashlib.sha256(prev.encode("ascii") + canonical).hexdigest()
        assert recomputed == stated, f"row {row['seq']} does not match its hash"
        prev = stated
        count += 1
    return prev, count
