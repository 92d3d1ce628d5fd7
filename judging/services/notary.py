"""The notary export (公证材料包) of a stage: one ZIP a notary, an objector's expert or a journalist
can check without the platform.

It holds the stage's published snapshot exactly as hashed, its sha256, the frozen inputs the
ranking was computed from (rubrics and criteria, the submitted reviews' scores by judge and
criterion with their submit times, the result settings, the 合议 overrides with their reasons),
every row of the contest's audit chain up to the head recorded on the snapshot (all rows when the
snapshot has none), and a README.txt in Chinese and English that says how to recompute each hash.
The README describes `judging.services.audit.row_hash` and `judging.snapshot.snapshot_canonical`
in plain words; `tests/judging/test_notary.py` checks the package as the README says, with
hashlib only.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from contest.models import Stage
from contest.permissions import permission_require
from judging.enums import ReviewStatus, SnapshotStatus
from judging.errors import error
from judging.models import AuditLog, PanelOverride, ResultSnapshot, Review, ReviewScore, Rubric
from judging.services.audit import GENESIS, row_hash
from judging.services.result import snapshot_canonical

# Names inside the ZIP (the README refers to them).
README = "README.txt"
MANIFEST = "manifest.json"
SNAPSHOT = "snapshot/snapshot.json"
SNAPSHOT_SHA256 = "snapshot/snapshot.sha256"
INPUTS = "inputs/frozen_inputs.json"
RUBRICS = "inputs/rubrics.json"
REVIEWS = "inputs/reviews.json"
SETTINGS = "inputs/result_settings.json"
OVERRIDES = "inputs/overrides.json"
CHAIN = "chain/audit_chain.jsonl"
CHAIN_HEAD = "chain/head.txt"

ROW_FIELDS = (
    "seq",
    "contest",
    "actor",
    "action",
    "object_type",
    "object_id",
    "reason",
    "data",
    "created_at",
)


@dataclass(frozen=True)
class NotaryExport:
    content: bytes
    filename: str
    snapshot_sha256: str
    chain_head: str
    chain_rows: int


def _json(value) -> str:
    """Readable JSON for the input files (they are not hashed; the snapshot file is)."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, cls=DjangoJSONEncoder)


def audit_row_content(row: AuditLog) -> dict:
    """The fields of a chain row its hash covers, as `judging.services.audit` canonicalises them."""
    return {
        "seq": row.seq,
        "contest": row.contest_id,
        "actor": row.actor_id,
        "action": row.action,
        "object_type": row.object_type,
        "object_id": str(row.object_id),
        "reason": row.reason,
        "data": row.data,
        "created_at": row.created_at.isoformat(timespec="microseconds"),
    }


def _published_snapshot(stage: Stage) -> ResultSnapshot:
    snapshot = (
        ResultSnapshot.objects.filter(stage=stage, status=SnapshotStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if snapshot is None:
        raise error("notary_nothing_published")
    return snapshot


def _rubrics(stage: Stage) -> list[dict]:
    rubrics = Rubric.objects.filter(stage=stage).prefetch_related("criteria").order_by("pk")
    return [
        {
            "id": r.pk,
            "name": r.name,
            "version": r.version,
            "track": r.track_id,
            "group": r.group_id,
            "updated_at": r.updated_at,
            "criteria": [
                {
                    "key": c.key,
                    "name": c.name,
                    "description": c.description,
                    "weight": str(c.weight),
                    "max_score": str(c.max_score),
                    "step": str(c.step),
                    "order": c.order,
                }
                for c in r.criteria.all()
            ],
        }
        for r in rubrics
    ]


def _reviews(stage: Stage, snapshot: ResultSnapshot) -> list[dict]:
    """Every submitted review of the stage, with its scores per criterion; `counted` says whether
    the frozen inputs of the snapshot counted it (a judge in conflict is left out of the ranking)."""
    counted = {(r[0], r[1]) for r in (snapshot.inputs or {}).get("reviews", [])}
    reviews = list(
        Review.objects.filter(stage=stage, status=ReviewStatus.SUBMITTED)
        .select_related("judge")
        .order_by("entry_id", "judge_id", "pk")
    )
    scores: dict[int, dict[str, str]] = {}
    for review_id, key, value in ReviewScore.objects.filter(
        review__in=[r.pk for r in reviews]
    ).values_list("review_id", "criterion__key", "value"):
        scores.setdefault(review_id, {})[key] = str(value)
    return [
        {
            "review": r.pk,
            "entry": r.entry_id,
            "judge": r.judge_id,
            "judge_name": r.judge.real_name,
            "rubric": r.rubric_id,
            "scores": scores.get(r.pk, {}),
            "total": None if r.total is None else str(r.total),
            "submitted_at": r.submitted_at,
            "reopened_count": r.reopened_count,
            "counted": (r.entry_id, r.judge_id) in counted if counted else None,
        }
        for r in reviews
    ]


def _overrides(stage: Stage) -> list[dict]:
    return [
        {
            "entry": o.entry_id,
            "score": None if o.score is None else str(o.score),
            "panel_order": o.panel_order,
            "reason": o.reason,
            "by": o.created_by_id,
            "by_name": o.created_by.real_name,
            "at": o.created_at,
        }
        for o in PanelOverride.objects.filter(stage=stage)
        .select_related("created_by")
        .order_by("entry_id")
    ]


def _chain(snapshot: ResultSnapshot) -> tuple[list[AuditLog], str]:
    rows = AuditLog.objects.filter(contest_id=snapshot.stage.contest_id).order_by("seq")
    if snapshot.chain_rows:
        rows = rows.filter(seq__lte=snapshot.chain_rows)
    rows = list(rows)
    return rows, rows[-1].hash if rows else GENESIS


def _chain_lines(rows: list[AuditLog]) -> bytes:
    lines = []
    for row in rows:
        line = audit_row_content(row) | {"prev_hash": row.prev_hash, "hash": row.hash}
        lines.append(json.dumps(line, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder))
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def notary_export(*, actor, stage: Stage) -> NotaryExport:
    """The stage's notary package as ZIP bytes (organisers): see the module docstring.

    Needs a published snapshot (`notary_nothing_published` otherwise); a withdrawn (corrected)
    snapshot is not exported, its replacement is. The package is read-only: exporting changes
    nothing and records nothing."""
    contest = stage.contest
    permission_require(actor, "judging.export_notary", contest)
    snapshot = _published_snapshot(stage)
    canonical = snapshot_canonical(snapshot.data)
    computed = hashlib.sha256(canonical).hexdigest()
    rows, head = _chain(snapshot)
    chain_ok = all(
        row.prev_hash == (rows[i - 1].hash if i else GENESIS)
        and row_hash(row.prev_hash, row) == row.hash
        for i, row in enumerate(rows)
    )
    inputs = snapshot.inputs or {}
    files = {
        SNAPSHOT: canonical,
        SNAPSHOT_SHA256: f"{snapshot.sha256}  snapshot.json\n".encode("ascii"),
        INPUTS: _json(inputs).encode("utf-8"),
        RUBRICS: _json(_rubrics(stage)).encode("utf-8"),
        REVIEWS: _json(_reviews(stage, snapshot)).encode("utf-8"),
        SETTINGS: _json(snapshot.data.get("settings", inputs.get("settings", {}))).encode("utf-8"),
        OVERRIDES: _json(_overrides(stage)).encode("utf-8"),
        CHAIN: _chain_lines(rows),
        CHAIN_HEAD: f"{head}\n{len(rows)}\n".encode("ascii"),
    }
    manifest = {
        "contest": {"id": contest.pk, "code": contest.code, "name": contest.name},
        "stage": {"id": stage.pk, "name": stage.name, "order": stage.order},
        "snapshot": {
            "version": snapshot.version,
            "sha256": snapshot.sha256,
            "sha256_recomputed_matches": computed == snapshot.sha256,
            "published_at": snapshot.published_at,
            "published_by": snapshot.published_by_id,
        },
        "chain": {
            "head": head,
            "rows": len(rows),
            "head_recorded_on_snapshot": snapshot.chain_head or None,
            "verifies": chain_ok,
        },
        "exported_at": timezone.now(),
        "exported_by": actor.pk,
        "files": {name: hashlib.sha256(content).hexdigest() for name, content in files.items()},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(README, readme_text(head=head, rows=len(rows), sha256=snapshot.sha256))
        archive.writestr(MANIFEST, _json(manifest))
        for name, content in files.items():
            archive.writestr(name, content)
    return NotaryExport(
        content=buffer.getvalue(),
        filename=f"notary-{contest.code}-stage{stage.order}-v{snapshot.version}.zip",
        snapshot_sha256=snapshot.sha256,
        chain_head=head,
        chain_rows=len(rows),
    )


def readme_text(*, head: str, rows: int, sha256: str) -> str:
    """The plain-language description of how to check the package, Chinese first."""
    return f"""公证材料包 · 如何核验
==========================

本材料包含：
- snapshot/snapshot.json：公布的成绩快照，正是计算哈希时所用的字节（键按字母排序、无空格、UTF-8）。
- snapshot/snapshot.sha256：该快照的 SHA-256 值（{sha256}）。
- inputs/：计算成绩所依据的冻结数据——frozen_inputs.json（计分所用的评分、规则、合议与作品）、
  rubrics.json（评分细则及评分项）、reviews.json（每位评委对每个评分项的打分及提交时间）、
  result_settings.json（成绩规则）、overrides.json（合议改分及理由）。
- chain/audit_chain.jsonl：本赛事审计链的全部记录（至快照记录的链头为止），每行一条 JSON。
- chain/head.txt：链头哈希与记录条数（{head}，共 {rows} 条）。
- manifest.json：各文件的 SHA-256 及导出信息。

一、核验成绩快照
用任意 SHA-256 工具计算 snapshot/snapshot.json 文件全部字节的 SHA-256，结果应等于
snapshot/snapshot.sha256 中的值，也等于平台公开页面上显示的快照哈希。
（例：sha256sum snapshot/snapshot.json）

二、核验审计链
audit_chain.jsonl 每行是一条记录，按 seq 从 1 起依次排列。对每一行：
1. 去掉 "prev_hash" 和 "hash" 两个字段，其余字段（seq、contest、actor、action、object_type、
   object_id、reason、data、created_at）组成一个 JSON 对象；
2. 把该对象写成规范 JSON：键按字母排序（嵌套对象也排序），分隔符为 "," 和 ":"、不加空格，
   中文等非 ASCII 字符原样保留，编码为 UTF-8 字节；
3. 取“上一行的 hash”（第一行取 64 个字符 "0"），按 ASCII 编码成字节，接在规范 JSON 字节之前；
4. 计算这串字节的 SHA-256（小写十六进制）。结果必须等于本行的 "hash"，且本行的 "prev_hash"
   必须等于上一行的 "hash"。
最后一行的 hash 即链头，应等于 chain/head.txt 第一行及平台公开页面显示的链头；行数应等于
chain/head.txt 第二行。任何一行被修改、删除或插入，都会使从该行起的哈希对不上。

三、核验成绩可由冻结数据重算
按 result_settings.json 中的规则（平均、去极值、标准分、合议、并列规则），用 frozen_inputs.json
中的评分重算排名，应与 snapshot.json 中各行的分数与名次一致。


Notary package · how to check it
================================

Contents:
- snapshot/snapshot.json: the published result snapshot, exactly the bytes its hash covers (keys
  sorted, no spaces, UTF-8).
- snapshot/snapshot.sha256: the snapshot's SHA-256 ({sha256}).
- inputs/: the frozen inputs the results were computed from — frozen_inputs.json (the scores,
  settings, panel overrides and entries the ranking counted), rubrics.json (rubrics and criteria),
  reviews.json (each judge's score per criterion and when it was submitted), result_settings.json,
  overrides.json (panel overrides with their reasons).
- chain/audit_chain.jsonl: every row of the contest's audit chain up to the head recorded on the
  snapshot, one JSON object per line.
- chain/head.txt: the chain head hash and the row count ({head}, {rows} rows).
- manifest.json: the SHA-256 of each file and who exported the package when.

1. The snapshot
Compute the SHA-256 of all bytes of snapshot/snapshot.json with any SHA-256 tool; it must equal
the value in snapshot/snapshot.sha256 and the snapshot hash on the platform's public page.
(For example: sha256sum snapshot/snapshot.json)

2. The audit chain
Each line of audit_chain.jsonl is one row, in order of seq from 1. For each line:
1. drop the fields "prev_hash" and "hash"; the others (seq, contest, actor, action, object_type,
   object_id, reason, data, created_at) form one JSON object;
2. write that object as canonical JSON: keys sorted (nested objects too), separators "," and ":"
   with no spaces, non-ASCII characters kept as they are, encoded as UTF-8 bytes;
3. take the previous line's "hash" (for the first line, 64 characters "0"), encode it as ASCII
   bytes and put it in front of the canonical JSON bytes;
4. compute the SHA-256 of those bytes (lower-case hex). It must equal the line's "hash", and the
   line's "prev_hash" must equal the previous line's "hash".
The last line's hash is the chain head: it must equal the first line of chain/head.txt and the
head shown on the platform's public pages; the number of lines must equal its second line. A row
changed, deleted or inserted anywhere breaks every hash from that row on.

3. The ranking recomputes from the frozen inputs
Apply the rules in result_settings.json (mean, trimmed mean, z-scores, panel overrides, tie-break
chain) to the scores in frozen_inputs.json; the scores and ranks must equal the rows of
snapshot.json.
"""
