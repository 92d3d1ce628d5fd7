"""The fixed demo logins (password ``saiwu-demo-2026``) and the table `demo_logins` prints."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from contest.models import User

DEMO_PASSWORD = "saiwu-demo-2026"
DEMO_URL = "http://127.0.0.1:8000"
DEMO_DOMAIN = "demo.saiwu.cn"

ORGANISER_EMAIL = f"organiser@{DEMO_DOMAIN}"
PUBLISHER_EMAIL = f"publisher@{DEMO_DOMAIN}"
CAPTAIN_EMAIL = f"captain@{DEMO_DOMAIN}"
JUDGE_EMAIL = f"judge@{DEMO_DOMAIN}"
WINNER_EMAIL = f"winner@{DEMO_DOMAIN}"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"

NATIONAL_CODE = "sjys-national-2026"
SUBCONTEST_CODE = "sjys-js-2026"
CHALLENGE_CODE = "jbgs-2026"


@dataclass(frozen=True)
class DemoLogin:
    role_zh: str
    role_en: str
    email: str
    try_zh: str
    try_en: str


DEMO_LOGINS = [
    DemoLogin(
        "组委会",
        "Organiser",
        ORGANISER_EMAIL,
        "两个赛事的组委会：审核待审榜题、查看初赛评审进度与成绩",
        "Organiser of both contests: review submitted challenges, follow the 初赛 judging and results",
    ),
    DemoLogin(
        "发榜方",
        "Publisher",
        PUBLISHER_EMAIL,
        "揭榜挂帅赛发榜单位：完善并提交草稿榜题",
        "Publisher in the 揭榜挂帅 contest: finish and submit the draft challenge",
    ),
    DemoLogin(
        "队长",
        "Team captain",
        CAPTAIN_EMAIL,
        "数据要素×江苏分赛：编辑初赛作品草稿、上传方案书、提交",
        "数据要素× Jiangsu: edit the draft 初赛 entry, upload the plan, submit it",
    ),
    DemoLogin(
        "评审专家",
        "Judge",
        JUDGE_EMAIL,
        "签署无利害关系及保密承诺后，为分配的作品评分",
        "Sign the no-conflict declaration, then score the assigned entries",
    ),
    DemoLogin(
        "获奖者",
        "Winner",
        WINNER_EMAIL,
        "获奖团队成员：查看获奖结果、下载证书",
        "Member of an award-winning team: see the award, download the certificate",
    ),
    DemoLogin(
        "平台管理员",
        "Platform admin",
        ADMIN_EMAIL,
        "超级用户：后台 /admin/ 与全部赛事",
        "Superuser: the /admin/ site and every contest",
    ),
]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _display_width(text))


def demo_exists() -> bool:
    return User.objects.filter(email=ORGANISER_EMAIL).exists()


def demo_logins_table(url: str = DEMO_URL) -> str:
    """The demo logins as a bilingual text table."""
    header = ("角色 Role", "账号 Login", "密码 Password", "可以试试 What to try")
    rows = [
        (f"{d.role_zh} {d.role_en}", d.email, DEMO_PASSWORD, f"{d.try_zh}\n{d.try_en}")
        for d in DEMO_LOGINS
    ]
    widths = [
        max(_display_width(line) for r in [header, *rows] for line in r[i].split("\n"))
        for i in range(4)
    ]
    rule = "+" + "+".join("-" * (w + 2) for w in widths) + "+"
    lines = [
        "赛务 Saiwu 演示账号 / Demo logins",
        f"地址 URL: {url}   （所有账号密码 password for all: {DEMO_PASSWORD}）",
        rule,
    ]

    def emit(cells):
        split = [c.split("\n") for c in cells]
        for i in range(max(len(s) for s in split)):
            parts = [
                _pad(s[i] if i < len(s) else "", w) for s, w in zip(split, widths, strict=True)
            ]
            lines.append("| " + " | ".join(parts) + " |")

    emit(header)
    lines.append(rule)
    for row in rows:
        emit(row)
        lines.append(rule)
    from demo.live_final import live_final_urls

    lines.extend(live_final_urls(url))
    return "\n".join(lines)
