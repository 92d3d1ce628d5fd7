"""Excel exports for organisers (registrations), the way Chinese organisers exchange lists, and
the one cell neutraliser every spreadsheet and CSV export passes its cells through."""

from __future__ import annotations

import io
import re

from django.db.models import Prefetch
from django.utils import timezone

from contest.enums import MemberRole
from contest.models import Contest, Team, TeamMember

# A cell a spreadsheet would read as a formula (= + - @) or that starts with a control character
# (tab, carriage return, … which some programs also strip before reading a formula).
_FORMULA_START = re.compile(r"^[=+\-@\x00-\x1f\x7f]")
# Characters XML 1.0 cannot hold (openpyxl refuses them): dropped from .xlsx cells.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_neutralise(value, *, xlsx: bool = False):
    """The value as a spreadsheet must show it, never run it: a string that begins with `=`,
    `+`, `-`, `@` or a control character gets a leading apostrophe (OWASP's CSV-injection
    advice; the text stays readable and is never a formula). For .xlsx (`xlsx=True`) characters
    XML cannot hold are dropped as well. Numbers, dates and None pass unchanged."""
    if not isinstance(value, str):
        return value
    if _FORMULA_START.match(value):
        value = "'" + value
    if xlsx:
        value = _XML_ILLEGAL.sub("", value)
    return value


def cells_neutralise(row, *, xlsx: bool = False) -> list:
    return [cell_neutralise(value, xlsx=xlsx) for value in row]


def registrations_export(*, contest: Contest) -> bytes:
    from openpyxl import Workbook

    teams = (
        Team.objects.filter(contest=contest)
        .select_related("lead_organisation", "track", "group", "challenge", "captain")
        .prefetch_related(
            "co_applicants",
            Prefetch(
                "members", queryset=TeamMember.objects.select_related("user").order_by("order")
            ),
            "entries",
        )
        .order_by("code")
    )
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("报名 Registrations")
    header = [
        "团队编号 Code",
        "团队名称 Team",
        "申报单位 Lead organisation",
        "统一社会信用代码 USCC",
        "联合申报单位 Co-applicants",
        "赛道 Track",
        "组别 Group",
        "榜题 Challenge",
        "队长 Captain",
        "队长手机 Mobile",
        "队长邮箱 Email",
        "成员 Members",
        "指导老师 Advisors",
        "作品状态 Entries",
        "报名时间 Registered at",
    ]
    ws.append(cells_neutralise(header, xlsx=True))
    for team in teams:
        members = list(team.members.all())
        ws.append(
            cells_neutralise(
                [
                    team.code,
                    team.name,
                    team.lead_organisation.name if team.lead_organisation else "",
                    team.lead_organisation.uscc if team.lead_organisation else "",
                    "、".join(o.name for o in team.co_applicants.all()),
                    team.track.name if team.track else "",
                    team.group.name if team.group else "",
                    f"{team.challenge.code} {team.challenge.title}" if team.challenge else "",
                    team.captain.real_name,
                    team.captain.mobile or "",
                    team.captain.email or "",
                    "、".join(m.user.real_name for m in members if m.role == MemberRole.MEMBER),
                    "、".join(m.user.real_name for m in members if m.role == MemberRole.ADVISOR),
                    "、".join(f"{e.stage_id}:{e.status}" for e in team.entries.all()),
                    timezone.localtime(team.created_at).strftime("%Y-%m-%d %H:%M"),
                ],
                xlsx=True,
            )
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
