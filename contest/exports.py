"""Excel exports for organisers (registrations), the way Chinese organisers exchange lists."""

from __future__ import annotations

import io

from django.db.models import Prefetch
from django.utils import timezone

from contest.enums import MemberRole
from contest.models import Contest, Team, TeamMember


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
    ws.append(header)
    for team in teams:
        members = list(team.members.all())
        ws.append(
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
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
