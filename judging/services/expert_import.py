"""Import experts into a contest's pool from the Excel template, row by row, with a report.

Row by row, not all or nothing: each row is one person, independent of the others, so a good row
is imported even when another row is wrong, and the report names every wrong cell by row and
column. An expert whose mobile number or e-mail is already in the pool is updated, not added
again, so the corrected file can simply be imported once more."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from contest.errors import error, text_by_language
from contest.identity import id_number_normalise
from contest.models import Contest
from contest.permissions import permission_require
from contest.services.common import bilingual_text
from contest.validators import uscc_compose
from judging.enums import RelationKind
from judging.models import Expert
from judging.services.expert import tags_clean

# (header, key, required)
TEMPLATE_COLUMNS = [
    ("姓名 Name", "name", True),
    ("工作单位 Organisation", "organisation_name", False),
    ("单位统一社会信用代码 Organisation USCC", "organisation_uscc", False),
    ("省份 Province", "province", False),
    ("专业领域 Fields", "fields", False),
    ("职称 Title", "title", False),
    ("手机 Mobile", "mobile", False),
    ("邮箱 Email", "email", False),
    ("在库可用 Active", "active", False),
    ("不可参加日期 Unavailable dates", "unavailable_dates", False),
    ("申报的亲属或学生 Declared relatives and students", "declared_relations", False),
    ("备注 Note", "note", False),
]
HEADER_OF = {key: header for header, key, _ in TEMPLATE_COLUMNS}
MAX_ROWS = 5000
SPLIT = re.compile(r"[、,，;；\n]+")
YES = {"", "是", "y", "yes", "true", "1", "可用"}
NO = {"否", "n", "no", "false", "0", "停用"}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[dict] = field(default_factory=list)

    def add(self, row: int, column: str, message: str) -> None:
        self.errors.append({"row": row, "column": column, "message": message})


def expert_template_build(contest: Contest | None = None) -> bytes:
    """The Excel template with one example row that imports as it stands."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "专家库 Experts"
    ws.append([h for h, _, _ in TEMPLATE_COLUMNS])
    for cell, (_, _, required) in zip(ws[1], TEMPLATE_COLUMNS, strict=True):
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="C0392B" if required else "34495E")
    ws.append(
        [
            "示例专家(可删除)",
            "示例大学",
            uscc_compose("12110000", 20260001),
            "北京",
            "数据要素、人工智能",
            "教授",
            "13900000000",
            "expert.example@example.edu.cn",
            "是",
            "",
            "",
            "",
        ]
    )
    for column in ws.columns:
        ws.column_dimensions[column[0].column_letter].width = 24
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _dates(value, row: int, report: ImportReport) -> list[str] | None:
    if isinstance(value, datetime.datetime | datetime.date):
        return [_text(value)]
    days = []
    for part in SPLIT.split(_text(value)):
        part = part.strip()
        if not part:
            continue
        try:
            days.append(datetime.date.fromisoformat(part).isoformat())
        except ValueError:
            report.add(
                row,
                HEADER_OF["unavailable_dates"],
                f"日期格式应为 YYYY-MM-DD / dates as YYYY-MM-DD: {part}",
            )
            return None
    return sorted(set(days))


def _relations(value) -> list[dict]:
    """'姓名:身份证号' items (the ID number may be left out), separated like the other lists."""
    items = []
    for part in SPLIT.split(_text(value)):
        name, _, id_number = part.replace("：", ":").partition(":")
        if name.strip():
            items.append(
                {
                    "name": name.strip(),
                    "id_number": id_number_normalise(id_number),
                    "relation": RelationKind.RELATIVE,
                }
            )
    return items  # ID numbers are checked with the row's other cells (`_parse_row`)


def _parse_row(values: dict, row: int, report: ImportReport) -> Expert | None:
    before = len(report.errors)
    if not _text(values.get("name")):
        report.add(row, HEADER_OF["name"], "必填 / required")
    active_text = _text(values.get("active")).lower()
    if active_text not in YES and active_text not in NO:
        report.add(row, HEADER_OF["active"], f"应为“是”或“否” / yes or no: {active_text}")
    days = _dates(values.get("unavailable_dates"), row, report)
    expert = Expert(
        name=_text(values.get("name")),
        organisation_name=_text(values.get("organisation_name")),
        organisation_uscc=_text(values.get("organisation_uscc")).upper(),
        province=_text(values.get("province")),
        fields=tags_clean(SPLIT.split(_text(values.get("fields")))),
        title=_text(values.get("title")),
        mobile=_text(values.get("mobile")),
        email=_text(values.get("email")).lower(),
        active=active_text not in NO,
        unavailable_dates=days or [],
        declared_relations=_relations(values.get("declared_relations")),
        note=_text(values.get("note")),
    )
    if not expert.mobile and not expert.email:
        report.add(row, HEADER_OF["mobile"], "手机或邮箱至少填一项 / a mobile number or an e-mail")
    try:
        expert.full_clean(exclude=["contest", "user"], validate_unique=False)
    except ValidationError as exc:
        for key, header in HEADER_OF.items():
            if key in exc.error_dict and not (key == "name" and not expert.name):
                report.add(row, header, bilingual_text(exc.error_dict[key]))
    bad_ids = [r["name"] for r in expert.declared_relations if r["id_number"] and not _id_ok(r)]
    if bad_ids:
        report.add(
            row,
            HEADER_OF["declared_relations"],
            f"身份证号无效 / invalid citizen ID number: {'、'.join(bad_ids)}",
        )
    if len(report.errors) > before:
        return None
    report.errors.sort(key=lambda e: (e["row"], _column_index(e["column"])))
    return expert


def _id_ok(relation: dict) -> bool:
    from contest.identity import id_number_is_valid

    return id_number_is_valid(relation["id_number"])


def _column_index(header: str) -> int:
    headers = [h for h, _, _ in TEMPLATE_COLUMNS]
    return headers.index(header) if header in headers else len(headers)


def experts_import(*, actor, contest: Contest, fileobj) -> ImportReport:
    """Read the template: import every good row (update the expert with the same mobile or e-mail
    in the pool), report every bad cell by row and column."""
    from openpyxl import load_workbook

    permission_require(actor, "judging.manage_experts", contest)
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a non-xlsx file
        raise error("invalid_workbook") from exc
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, [])]
    keys_by_header = {h: k for h, k, _ in TEMPLATE_COLUMNS}
    missing = [h for h, _, req in TEMPLATE_COLUMNS if req and h not in header]
    if missing:
        raise error(
            "template_mismatch",
            columns=text_by_language(zh="、".join(missing), en=", ".join(missing)),
            details={"missing": missing},
        )
    report = ImportReport()
    parsed: list[tuple[int, Expert]] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows, start=2):
        if raw is None or all(_text(v) == "" for v in raw):
            continue
        if index > MAX_ROWS + 1:
            report.add(index, "-", f"最多导入 {MAX_ROWS} 行 / at most {MAX_ROWS} rows")
            break
        values = {
            keys_by_header[h]: v for h, v in zip(header, raw, strict=False) if h in keys_by_header
        }
        expert = _parse_row(values, index, report)
        if expert is None:
            continue
        contacts = [c for c in (expert.mobile, expert.email) if c]
        repeated = next((seen[c] for c in contacts if c in seen), None)
        if repeated is not None:
            report.add(
                index,
                HEADER_OF["mobile"],
                f"与第 {repeated} 行是同一位专家 / the same expert as row {repeated}",
            )
            continue
        for contact in contacts:
            seen[contact] = index
        parsed.append((index, expert))
    if not parsed and not report.errors:
        report.add(2, "-", "没有数据行 / no data rows")
    with transaction.atomic():
        existing = list(
            Expert.objects.filter(contest=contest).filter(
                Q(mobile__in=[e.mobile for _, e in parsed if e.mobile])
                | Q(email__in=[e.email for _, e in parsed if e.email])
            )
        )
        by_contact = {}
        for old in existing:
            for contact in (old.mobile, old.email):
                if contact:
                    by_contact[contact] = old
        for _, expert in parsed:
            old = by_contact.get(expert.mobile) or by_contact.get(expert.email)
            if old is None:
                expert.contest = contest
                expert.save()
                report.created += 1
                continue
            for name in (
                "name",
                "organisation_name",
                "organisation_uscc",
                "province",
                "fields",
                "title",
                "mobile",
                "email",
                "active",
                "unavailable_dates",
                "declared_relations",
                "note",
            ):
                setattr(old, name, getattr(expert, name))
            old.save()
            report.updated += 1
    report.errors.sort(key=lambda e: (e["row"], _column_index(e["column"])))
    return report
