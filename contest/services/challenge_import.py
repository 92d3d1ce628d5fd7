"""Import a challenge list (榜单) from the Excel template, all or nothing, with a row-by-row report."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contest.enums import ChallengeStatus, OrganisationKind, PrizePayer
from contest.errors import error, text_by_language
from contest.models import Challenge, Contest, Organisation
from contest.permissions import permission_require
from contest.services.common import bilingual_text
from contest.validators import uscc_compose, uscc_is_valid

# (header, key, required)
TEMPLATE_COLUMNS = [
    ("榜题编号 Code", "code", True),
    ("榜题名称 Title", "title", True),
    ("发榜单位 Publisher", "publisher_name", True),
    ("统一社会信用代码 USCC", "publisher_uscc", True),
    ("单位类型 Publisher type", "publisher_kind", False),
    ("所在省份 Province", "publisher_province", False),
    ("赛道 Track", "track", False),
    ("需求背景 Background", "background", False),
    ("技术指标 Targets", "targets", False),
    ("验收指标 Acceptance", "acceptance_indicators", False),
    ("榜额(元) Prize (CNY)", "prize", False),
    ("出资方 Paid by", "prize_payer", False),
    ("揭榜截止 Deadline", "deadline", False),
    ("揭榜条件 Eligibility", "eligibility", False),
    ("联系人 Contact", "contact_name", False),
    ("联系电话 Phone", "contact_phone", False),
    ("联系邮箱 Email", "contact_email", False),
]
KIND_BY_LABEL = {label.split()[0]: value for value, label in OrganisationKind.choices}
PAYER_BY_LABEL = {"发榜方": PrizePayer.PUBLISHER, "组委会": PrizePayer.ORGANISER}
MAX_ROWS = 5000


@dataclass
class ImportReport:
    created: int = 0
    errors: list[dict] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})


def challenge_template_build(contest: Contest | None = None) -> bytes:
    """The Excel template, with one example row that imports as it stands into `contest`: a code
    not yet used there, a valid USCC (`uscc_compose`, check character included), the contest's
    first track (blank when it has none), a deadline 60 days ahead."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "榜单 Challenges"
    ws.append([h for h, _, _ in TEMPLATE_COLUMNS])
    for cell, (_, _, required) in zip(ws[1], TEMPLATE_COLUMNS, strict=True):
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="C0392B" if required else "34495E")
    ws.append(_example_row(contest))
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = 22
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _example_row(contest: Contest | None) -> list:
    today = timezone.localdate()
    used = set(contest.challenges.values_list("code", flat=True)) if contest else set()
    number = 1
    while f"EX-{today:%Y}-{number:03d}" in used:
        number += 1
    track = contest.tracks.order_by("order", "pk").first() if contest else None
    return [
        f"EX-{today:%Y}-{number:03d}",
        "高精度工业缺陷视觉检测(示例,可删除)",
        "示例智能制造有限公司",
        uscc_compose("91320100", 20260001),
        "企业",
        "江苏",
        track.name if track else "",
        "产线缺陷漏检率高",
        "检出率≥99.5%",
        "现场验收",
        500000,
        "发榜方",
        (today + datetime.timedelta(days=60)).isoformat(),
        "国内注册单位",
        "张工",
        "025-00000000",
        "contact@example.com",
    ]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _parse_row(
    values: dict, row: int, report: ImportReport, contest: Contest, tracks: dict
) -> dict | None:
    before = len(report.errors)
    for header, key, required in TEMPLATE_COLUMNS:
        if required and not _text(values.get(key)):
            report.add(row, header, "必填 / required")
    uscc = _text(values.get("publisher_uscc")).upper()
    if uscc and not uscc_is_valid(uscc):
        report.add(row, "统一社会信用代码 USCC", f"无效的统一社会信用代码 / invalid USCC: {uscc}")
    prize_amount, negotiable = None, False
    prize = values.get("prize")
    if _text(prize) in {"面议", "negotiable"}:
        negotiable = True
    elif _text(prize):
        try:
            prize_amount = Decimal(_text(prize).replace(",", ""))
            if prize_amount < 0:
                raise InvalidOperation
        except InvalidOperation:
            report.add(
                row,
                "榜额(元) Prize (CNY)",
                f"应为非负金额或“面议” / a non-negative amount or 面议: {_text(prize)}",
            )
    payer_text = _text(values.get("prize_payer")) or "发榜方"
    payer = PAYER_BY_LABEL.get(payer_text, payer_text if payer_text in PrizePayer.values else None)
    if payer is None:
        report.add(
            row, "出资方 Paid by", f"应为“发榜方”或“组委会” / publisher or organiser: {payer_text}"
        )
    kind_text = _text(values.get("publisher_kind")) or "企业"
    kind = KIND_BY_LABEL.get(kind_text, kind_text if kind_text in OrganisationKind.values else None)
    if kind is None:
        report.add(row, "单位类型 Publisher type", f"未知单位类型 / unknown type: {kind_text}")
    track = None
    track_text = _text(values.get("track"))
    if track_text:
        track = tracks.get(track_text)
        if track is None:
            report.add(row, "赛道 Track", f"赛事中没有该赛道 / no such track: {track_text}")
    deadline = values.get("deadline")
    if isinstance(deadline, datetime.datetime):
        deadline = timezone.make_aware(deadline) if timezone.is_naive(deadline) else deadline
    elif isinstance(deadline, datetime.date):
        deadline = timezone.make_aware(
            datetime.datetime.combine(deadline, datetime.time(23, 59, 59))
        )
    elif _text(deadline):
        try:
            day = datetime.date.fromisoformat(_text(deadline)[:10])
            deadline = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(23, 59, 59))
            )
        except ValueError:
            report.add(
                row,
                "揭榜截止 Deadline",
                f"日期格式应为 YYYY-MM-DD / date as YYYY-MM-DD: {_text(deadline)}",
            )
    else:
        deadline = None
    if len(report.errors) > before:
        return None
    parsed = {
        "code": _text(values["code"]),
        "title": _text(values["title"]),
        "publisher_name": _text(values["publisher_name"]),
        "publisher_uscc": uscc,
        "publisher_kind": kind,
        "publisher_province": _text(values.get("publisher_province")) or contest.region or "—",
        "track": track,
        "background": _text(values.get("background")),
        "targets": _text(values.get("targets")),
        "acceptance_indicators": _text(values.get("acceptance_indicators")),
        "prize_amount": prize_amount,
        "prize_negotiable": negotiable,
        "prize_payer": payer,
        "deadline": deadline,
        "eligibility": _text(values.get("eligibility")),
        "contact_name": _text(values.get("contact_name")),
        "contact_phone": _text(values.get("contact_phone")),
        "contact_email": _text(values.get("contact_email")),
    }
    _model_check(parsed, row, report)
    if len(report.errors) > before:
        return None
    return parsed


# Template column key of each field the model checks (the rest have the same name).
_COLUMN_OF_FIELD = {"prize_amount": "prize"}


def _model_check(parsed: dict, row: int, report: ImportReport) -> None:
    """The model's own field rules (lengths, e-mail, digits of the prize) as row errors, so a cell
    the database would refuse is reported with the others instead of failing the whole import."""
    challenge = Challenge(**{k: v for k, v in parsed.items() if not k.startswith("publisher_")})
    publisher = Organisation(
        name=parsed["publisher_name"],
        uscc=parsed["publisher_uscc"],
        kind=parsed["publisher_kind"],
        province=parsed["publisher_province"],
    )
    errors: dict[str, list] = {}
    for instance, prefix, exclude in (
        (challenge, "", ["contest", "publisher", "track", "created_by"]),
        (publisher, "publisher_", []),
    ):
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, field_errors in exc.error_dict.items():
                key = _COLUMN_OF_FIELD.get(name, name)
                errors.setdefault(prefix + key, []).extend(field_errors)
    for header, key, _ in TEMPLATE_COLUMNS:
        if key in errors:
            report.add(row, header, bilingual_text(errors[key]))


def challenges_import(*, actor, contest: Contest, fileobj) -> ImportReport:
    """Read the template; if any row has an error, nothing is created and every error is reported.

    Imported challenges come in as approved: the organiser who imports them has screened them.
    Publishers are matched by USCC and created when new.
    """
    from openpyxl import load_workbook

    permission_require(actor, "contest.import_challenges", contest)
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a non-xlsx file
        raise error("invalid_workbook") from exc
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [(_text(h)) for h in next(rows, [])]
    keys_by_header = {h: k for h, k, _ in TEMPLATE_COLUMNS}
    missing = [h for h, _, req in TEMPLATE_COLUMNS if req and h not in header]
    if missing:
        raise error(
            "template_mismatch",
            columns=text_by_language(zh="、".join(missing), en=", ".join(missing)),
            details={"missing": missing},
        )
    tracks = {}
    for track in contest.tracks.all():
        tracks[track.name] = track
        tracks[track.code] = track
    report = ImportReport()
    parsed: list[tuple[int, dict]] = []
    seen_codes: dict[str, int] = {}
    existing_codes = set(contest.challenges.values_list("code", flat=True))
    for index, raw in enumerate(rows, start=2):
        if raw is None or all(_text(v) == "" for v in raw):
            continue
        if len(parsed) + len(report.errors) > MAX_ROWS:
            report.add(index, "-", f"最多导入 {MAX_ROWS} 行 / at most {MAX_ROWS} rows")
            break
        values = {
            keys_by_header[h]: v for h, v in zip(header, raw, strict=False) if h in keys_by_header
        }
        result = _parse_row(values, index, report, contest, tracks)
        if result is None:
            continue
        code = result["code"]
        if code in existing_codes:
            report.add(index, "榜题编号 Code", f"编号已存在 / code exists: {code}")
            continue
        if code in seen_codes:
            report.add(
                index,
                "榜题编号 Code",
                f"与第 {seen_codes[code]} 行编号重复 / duplicate of row {seen_codes[code]}",
            )
            continue
        seen_codes[code] = index
        parsed.append((index, result))
    if report.errors or not parsed:
        if not parsed and not report.errors:
            report.add(2, "-", "没有数据行 / no data rows")
        return report
    with transaction.atomic():
        publishers = {
            o.uscc: o
            for o in Organisation.objects.filter(uscc__in={r["publisher_uscc"] for _, r in parsed})
        }
        for _, r in parsed:
            publisher = publishers.get(r["publisher_uscc"])
            if publisher is None:
                publisher = Organisation.objects.create(
                    name=r["publisher_name"],
                    uscc=r["publisher_uscc"],
                    kind=r["publisher_kind"],
                    province=r["publisher_province"],
                )
                publishers[publisher.uscc] = publisher
            Challenge.objects.create(
                contest=contest,
                publisher=publisher,
                status=ChallengeStatus.APPROVED,
                created_by=actor,
                **{k: v for k, v in r.items() if not k.startswith("publisher_")},
            )
        report.created = len(parsed)
    return report
