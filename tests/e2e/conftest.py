"""Browser tests: headless Debian Chromium drives the built SPA against pytest-django's live server.

The SPA must be built first (`cd frontend && npm ci && npm run build`); without the build or without
/usr/bin/chromium these tests fail with a message saying so, they do not skip. Data is made through
the contest services, as the API would make it.
"""

from __future__ import annotations

import os

# Playwright's sync API runs an event loop in this thread; the ORM calls in fixtures are still
# synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import io
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "frontend" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
PASSWORD = "Saiwu-e2e-2026"


def _require_build_and_browser() -> None:
    from django.conf import settings

    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests drive Debian's Chromium "
            "(apt-get install chromium); `playwright install` cannot download a browser here."
        )
    if not (DIST / "index.html").exists():
        pytest.fail(
            f"{DIST / 'index.html'} is missing: build the SPA first with "
            "`cd frontend && npm ci && npm run build`."
        )
    assets = DIST / "assets"
    if assets not in [Path(p) for p in settings.STATICFILES_DIRS]:
        pytest.fail(
            f"settings.STATICFILES_DIRS does not contain {assets}: it is read when settings load, so "
            "build the SPA before starting pytest."
        )


@pytest.fixture(scope="session")
def browser():
    _require_build_and_browser()
    from django.db import connections

    # Chromium keeps HTTP connections alive, so a live-server thread can outlive a test holding a
    # persistent database connection (CONN_MAX_AGE), which blocks dropping the test database.
    for alias in connections:
        connections.settings[alias]["CONN_MAX_AGE"] = 0
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # Logins happen in every test: a fast hasher keeps the run short (never in production).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _live_server_settled(transactional_db):
    """After each test, before the database is flushed: wait until the live server's request
    threads have ended. A request's work after its response (a recompute without a broker runs
    then) still holds locks, and PostgreSQL's TRUNCATE for the flush would deadlock with it."""
    yield
    deadline = time.monotonic() + 20
    while any(
        t.is_alive() and "process_request_thread" in t.name and t is not threading.current_thread()
        for t in threading.enumerate()
    ):
        if time.monotonic() > deadline:
            break
        time.sleep(0.05)


def _context(browser, viewport, **extra):
    context = browser.new_context(
        viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai", **extra
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def new_page(browser):
    """`new_page(phone=False)` opens a page in a fresh context (its own cookies and localStorage)."""
    contexts = []

    def make(*, phone: bool = False):
        extra = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if phone else {}
        context = _context(browser, PHONE if phone else DESKTOP, **extra)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: print(f"[pageerror] {error}\n{error.stack}"))
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.evaluate(
        "window.scrollTo(0, 0)"
    )  # the sticky header belongs at the top of a full-page shot
    page.wait_for_timeout(150)  # let transitions settle
    page.screenshot(path=str(path), full_page=True)
    return path


def uscc(serial: int) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015 check character) for test organisations."""
    from contest.validators import uscc_check_character

    first17 = f"91320100MA{serial:07d}"
    return first17 + uscc_check_character(first17)


def organiser_create():
    """The e2e organiser login (organiser@example.com, 王组委, staff)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(
        email="organiser@example.com", password=PASSWORD, real_name="王组委", is_staff=True
    )


def challenge_contest_open(
    *, organiser, code: str, name: str, stages: list[dict], prepare=None, **fields
):
    """A 揭榜挂帅 contest (2026, 江苏), published and open for registration from yesterday for
    30 days, built through the services: `fields` are further `contest_create` fields (a call
    window, entrant kinds…), `prepare(contest)` runs before publishing (tracks, groups) and its
    result is returned, `stages` are `stage_create` fields in order. Returns (contest, what
    `prepare` returned, the stages). Used by `world` and by tests/e2e/test_publisher.py."""
    from django.utils import timezone

    from contest.enums import ContestKind
    from contest.services.contest import (
        contest_create,
        contest_publish,
        contest_registration_open,
        stage_create,
    )

    now = timezone.now()
    values = {
        "edition": "2026",
        "year": 2026,
        "region": "江苏",
        "registration_opens_at": now - timedelta(days=1),
        "registration_closes_at": now + timedelta(days=30),
        **fields,
    }
    contest = contest_create(
        actor=organiser, code=code, name=name, kind=ContestKind.CHALLENGE_LIST, **values
    )
    prepared = prepare(contest) if prepare else None
    made = [
        stage_create(actor=organiser, contest=contest, order=i, **stage)
        for i, stage in enumerate(stages, start=1)
    ]
    contest = contest_publish(actor=organiser, contest=contest)
    contest = contest_registration_open(actor=organiser, contest=contest)
    return contest, prepared, made


@dataclass
class World:
    organiser: object
    contest: object
    other_contest: object
    tracks: dict
    groups: dict
    stages: list
    publishers: list
    challenges: list = field(default_factory=list)
    submitted: list = field(default_factory=list)


KEYWORD_TITLES = ["高精度工业缺陷视觉检测", "医学影像视觉辅助诊断", "港口集装箱视觉识别"]


@pytest.fixture
def world(transactional_db) -> World:
    """A 揭榜挂帅 contest open for registration: 3 tracks, 2 groups, 2 stages, 23 published and
    2 submitted challenges, 2 registered teams; plus a second, published contest."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from contest.enums import ContestKind, OrganisationKind, StageKind
    from contest.services import challenge as challenges
    from contest.services.contest import (
        contest_create,
        contest_publish,
        group_create,
        stage_create,
        track_create,
    )
    from contest.services.organisation import organisation_create
    from contest.services.team import team_create

    User = get_user_model()
    now = timezone.now()
    organiser = organiser_create()

    def tracks_and_groups(contest):
        made_tracks = {
            name: track_create(actor=organiser, contest=contest, code=code, name=name, order=i)
            for i, (code, name) in enumerate(
                [("industry", "工业制造"), ("health", "医疗健康"), ("green", "绿色低碳")]
            )
        }
        made_groups = {
            name: group_create(actor=organiser, contest=contest, code=code, name=name, order=i)
            for i, (code, name) in enumerate([("startup", "初创组"), ("growth", "成长组")])
        }
        return made_tracks, made_groups

    contest, (tracks, groups), stages = challenge_contest_open(
        organiser=organiser,
        code="jbgs-2026",
        name="2026 揭榜挂帅专项赛",
        description="面向产业真实需求张榜招贤。",
        team_size_min=2,
        team_size_max=5,
        entrant_kinds=["person", "enterprise", "university"],
        prepare=tracks_and_groups,
        stages=[
            {
                "name": "初赛",
                "kind": StageKind.ONLINE_REVIEW,
                "submission_opens_at": now - timedelta(days=1),
                "submission_closes_at": now + timedelta(days=10),
            },
            {
                "name": "决赛",
                "kind": StageKind.ROADSHOW,
                "submission_opens_at": now + timedelta(days=40),
                "submission_closes_at": now + timedelta(days=50),
            },
        ],
    )

    publishers = [
        organisation_create(name=name, kind=kind, uscc=uscc(i), province="江苏")
        for i, (name, kind) in enumerate(
            [
                ("示例智能制造有限公司", OrganisationKind.ENTERPRISE),
                ("省人民医院", OrganisationKind.PUBLIC_INSTITUTION),
                ("东南大学", OrganisationKind.UNIVERSITY),
            ],
            start=1,
        )
    ]
    track_list = list(tracks.values())
    world = World(organiser, contest, None, tracks, groups, stages, publishers)
    for i in range(1, 24):
        title = KEYWORD_TITLES[i - 1] if i <= len(KEYWORD_TITLES) else f"产业共性技术难题 {i:02d}"
        challenge = challenges.challenge_create(
            actor=organiser,
            contest=contest,
            publisher=publishers[i % 3],
            code=f"JB-2026-{i:03d}",
            title=title,
            track=track_list[i % 3],
            background=f"第 {i} 项需求背景。",
            targets="检出率≥99.5%",
            prize_amount=Decimal(i * 100_000),
            deadline=now + timedelta(days=60),
            contact_name="张工",
            contact_phone="025-00000000",
        )
        challenges.challenge_submit(actor=organiser, challenge=challenge)
        challenges.challenge_approve(actor=organiser, challenge=challenge)
        world.challenges.append(challenges.challenge_publish(actor=organiser, challenge=challenge))
    for code, title in [
        ("JB-2026-101", "待审核：储能电池热失控预警"),
        ("JB-2026-102", "待审核：农田遥感估产"),
    ]:
        challenge = challenges.challenge_create(
            actor=organiser,
            contest=contest,
            publisher=publishers[0],
            code=code,
            title=title,
            track=track_list[2],
            prize_amount=Decimal(300_000),
        )
        world.submitted.append(challenges.challenge_submit(actor=organiser, challenge=challenge))

    for n, (name, track) in enumerate([("先锋队", "工业制造"), ("明眸团队", "医疗健康")], start=1):
        captain = User.objects.create_user(
            email=f"captain{n}@example.com", password=PASSWORD, real_name=f"队长{n}"
        )
        team_create(
            actor=captain, contest=contest, name=name, track=tracks[track], group=groups["初创组"]
        )

    other = contest_create(
        actor=organiser,
        code="sjys-2025-js",
        name="2025 数据要素× 大赛江苏分赛",
        kind=ContestKind.DATA_ELEMENTS,
        edition="2025",
        year=2025,
        region="江苏",
        entrant_kinds=["enterprise", "university"],
    )
    stage_create(
        actor=organiser, contest=other, name="形式审查", kind=StageKind.FORMAL_CHECK, order=1
    )
    world.other_contest = contest_publish(actor=organiser, contest=other)
    return world


def xlsx_bytes(rows: list[list]) -> bytes:
    """A challenge-list workbook with the template's header row and the given data rows."""
    from openpyxl import Workbook

    from contest.services.challenge_import import TEMPLATE_COLUMNS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for header, _, _ in TEMPLATE_COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# ---------------------------------------------------------------------------------------------
# Judging, results and awards

CRITERIA = [
    {"key": "impact", "name": "应用成效", "weight": "40", "max_score": "10", "step": "0.5"},
    {"key": "novelty", "name": "创新性", "weight": "35", "max_score": "10", "step": "0.5"},
    {"key": "data_value", "name": "数据要素价值", "weight": "25", "max_score": "20", "step": "1"},
]
# Scores per team (by index). Teams go to tracks by index % 3, and results rank per track:
# 工业制造 has teams 0 and 3, 医疗健康 teams 1 and 4 (tied), 绿色低碳 team 2.
SCORES = [
    {"impact": "9", "novelty": "9", "data_value": "18"},
    {"impact": "8", "novelty": "8", "data_value": "16"},
    {"impact": "7", "novelty": "7", "data_value": "14"},
    {"impact": "6", "novelty": "6", "data_value": "12"},
    {"impact": "8", "novelty": "8", "data_value": "16"},
]
TEAM_NAMES = ["先锋队", "明眸团队", "绿源科技队", "数智工坊", "星火团队"]
ENTRY_TITLES = [
    "工业设备预测性维护平台",
    "医学影像辅助诊断系统",
    "园区碳排放监测",
    "供应链数据空间",
    "城市交通数据治理",
]


@dataclass
class Judging:
    world: World
    stage: object
    entries: list
    judges: list


def make_user(email: str, name: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(email=email, password=PASSWORD, real_name=name)


def judging_stage(world: World, *, teams: int = 5, judges: int = 3, accept: bool = True) -> Judging:
    """The 初赛 of `world` made blind, with the rubric, `teams` submitted entries and `judges`
    judges invited to the panel (accepted with the declaration when `accept`)."""
    from contest.models import Entry
    from contest.services.team import team_create
    from contest.services.user import user_organisation_set
    from judging.services.panel import judge_invite, panel_accept
    from judging.services.rubric import rubric_create

    stage = world.stages[0]
    type(stage).objects.filter(pk=stage.pk).update(blind=True)
    stage.refresh_from_db()
    rubric_create(actor=world.organiser, stage=stage, name="初赛评分细则", criteria=CRITERIA)
    track_list = list(world.tracks.values())
    entries = []
    for i, name in enumerate(TEAM_NAMES[:teams]):
        team = world.contest.teams.filter(name=name).first()
        if team is None:
            captain = make_user(f"captain-{i}@example.com", f"队长{i + 10}")
            team = team_create(
                actor=captain,
                contest=world.contest,
                name=name,
                track=track_list[i % 3],
                group=world.groups["初创组"],
            )
        # Entries are written as submitted: the upload-and-submit path has its own browser test.
        entries.append(
            Entry.objects.create(
                team=team,
                stage=stage,
                title=ENTRY_TITLES[i],
                summary="面向工业现场的数据平台：采集、治理与预测性维护。",
                status="submitted",
            )
        )
    people = []
    for n in range(judges):
        judge = make_user(f"judge{n + 1}@example.com", f"评委{'甲乙丙丁戊'[n]}")
        membership = judge_invite(actor=world.organiser, stage=stage, judge=judge)
        if accept:
            user_organisation_set(user=judge, none=True)
            panel_accept(actor=judge, membership=membership, declaration_accepted=True)
        people.append(judge)
    return Judging(world, stage, entries, people)


def score_everything(judging: Judging) -> int:
    """Every assignment of the stage gets its team's scores, submitted through the service."""
    from judging.models import Assignment
    from judging.services.review import review_submit

    index = {entry.pk: i for i, entry in enumerate(judging.entries)}
    count = 0
    for assignment in Assignment.objects.filter(stage=judging.stage).select_related("judge"):
        review_submit(
            actor=assignment.judge,
            assignment=assignment,
            scores=SCORES[index[assignment.entry_id]],
        )
        count += 1
    return count


def award_tiers(world: World):
    from awards.services.award import award_tier_create

    return [
        award_tier_create(
            actor=world.organiser,
            contest=world.contest,
            name=name,
            kind="ranked",
            quota_count=quota,
            order=order,
        )
        for order, (name, quota) in enumerate([("一等奖", 1), ("二等奖", 2)])
    ]
