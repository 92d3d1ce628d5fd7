"""Public: the published results of a stage, the 公示 list and its objection form (anonymous →
log in first; a refused submit keeps what was typed and shows the API's messages; a closed notice
takes no objection), and the certificate check page on a phone."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .conftest import MINIMAL_PDF, PASSWORD, award_tiers, judging_stage, score_everything, shot
from .helpers import field, login, pick, table_rows, toast

pytestmark = pytest.mark.browser


@pytest.fixture
def published(world):
    """初赛 scored, ranked and published; awards proposed and in an open 10-day notice; and an
    older notice of the other contest whose window has passed."""
    from django.utils import timezone

    from awards.models import Notice
    from awards.services.award import awards_propose
    from awards.services.notice import notice_open
    from judging.services.assignment import assignment_start
    from judging.services.result import ranking_compute, results_publish

    judging = judging_stage(world, teams=5, judges=3)
    organiser = world.organiser
    assignment_start(actor=organiser, stage=judging.stage, k=2)  # eager: runs on commit
    assert score_everything(judging) == 10
    ranking_compute(stage=judging.stage, actor=organiser)
    results_publish(actor=organiser, stage=judging.stage)
    award_tiers(world)
    awards_propose(actor=organiser, stage=judging.stage)
    notice = notice_open(
        actor=organiser,
        stage=judging.stage,
        days=10,
        working_days=False,
        title="初赛拟获奖名单公示",
    )
    now = timezone.now()
    closed = Notice.objects.create(
        contest=world.other_contest,
        title="形式审查结果公示",
        days=5,
        working_days=False,
        opens_at=now - dt.timedelta(days=20),
        closes_at=now - dt.timedelta(days=15),
        created_by=organiser,
    )
    return judging, notice, closed


def test_public_results_notice_and_objection(live_server, new_page, published, tmp_path):
    judging, notice, closed = published
    contest = judging.world.contest
    base = live_server.url

    # Anyone: the published ranking.
    page = new_page()
    page.goto(f"{base}/contests/{contest.pk}")
    page.get_by_test_id("view-results").click()
    expect(page).to_have_url(re.compile(rf"/contests/{contest.pk}/results"))
    expect(page.get_by_test_id("results-version")).to_contain_text("第 1 版")
    expect(table_rows(page, "results-table")).to_have_count(5)
    expect(page.get_by_test_id("results-table")).to_contain_text("先锋队")
    expect(page.get_by_test_id("results-table")).to_contain_text("并列")
    shot(page, "desktop-public-results")
    # Filter by track: the first track has two of the five teams (teams go round the 3 tracks).
    first_track = list(judging.world.tracks.values())[0].name
    pick(page, "results-group", first_track)
    expect(table_rows(page, "results-table")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"group="))

    # The 公示 list: the open notice first; anonymous visitors are asked to log in.
    page.goto(f"{base}/awards")
    card = page.get_by_test_id(f"notice-{notice.pk}")
    expect(card).to_contain_text("初赛拟获奖名单公示")
    expect(card.get_by_test_id("notice-phase")).to_have_attribute("data-phase", "open")
    card.click()
    expect(page.get_by_test_id("notice-title")).to_have_text("初赛拟获奖名单公示")
    expect(page.get_by_test_id("notice-awards")).to_contain_text("一等奖")
    expect(page.get_by_test_id("objection-login")).to_contain_text("须先登录")
    page.get_by_test_id("objection-login-link").click()
    field(page, "login-login").fill("captain2@example.com")
    field(page, "login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(rf"/notices/{notice.pk}$"))

    # A refused submit (no reason) shows the API's message and keeps what was typed.
    page.get_by_test_id("objection-open").click()
    field(page, "objection-contact").fill("13800000000")
    page.get_by_test_id("objection-submit").click()
    form = page.get_by_test_id("objection-form")
    expect(form.get_by_test_id("form-error")).to_be_visible()
    expect(form.locator(".el-form-item.is-error")).to_contain_text("异议理由")
    expect(field(page, "objection-contact")).to_have_value("13800000000")
    shot(page, "desktop-objection-error")

    evidence = tmp_path / "evidence.pdf"
    evidence.write_bytes(MINIMAL_PDF)
    field(page, "objection-reason").fill("第一名作品与公开论文雷同，附比对材料。")
    page.get_by_test_id("objection-files").locator("input[type=file]").set_input_files(
        str(evidence)
    )
    page.get_by_test_id("objection-submit").click()
    toast(page, "异议已提交")
    expect(page.get_by_test_id("notice-objections")).to_contain_text("异议：1 件")

    from awards.models import Objection

    objection = Objection.objects.get()
    assert objection.objector.email == "captain2@example.com"
    assert objection.files.count() == 1

    # The organiser sees who objected and rejects it with reasoning.
    organiser = new_page()
    login(
        organiser,
        base,
        login="organiser@example.com",
        password=PASSWORD,
        next_path=f"/organiser/contests/{contest.pk}?tab=awards",
    )
    card = organiser.get_by_test_id(f"objection-{objection.pk}")
    expect(card).to_contain_text("队长2")
    expect(card).to_contain_text("evidence.pdf")
    card.get_by_test_id("reject").click()
    field(organiser, "resolution").fill("经核查，作品与论文研究对象不同，异议不成立。")
    organiser.get_by_test_id("resolve-save").click()
    toast(organiser, "已处理")
    expect(card).to_contain_text("异议不成立")
    shot(organiser, "desktop-organiser-objections")

    # A notice whose window has passed takes no objection, on a phone too.
    phone = new_page(phone=True)
    phone.goto(f"{base}/notices/{closed.pk}")
    expect(phone.get_by_test_id("notice-phase")).to_have_attribute("data-phase", "closed")
    expect(phone.get_by_test_id("notice-closed")).to_contain_text("公示期已结束")
    expect(phone.get_by_test_id("objection-form")).to_have_count(0)
    shot(phone, "phone-notice-closed")
    phone.goto(f"{base}/notices/{notice.pk}")
    expect(phone.get_by_test_id("notice-awards")).to_contain_text("先锋队")
    shot(phone, "phone-notice")
    phone.goto(f"{base}/contests/{contest.pk}/results")
    expect(table_rows(phone, "results-table")).to_have_count(5)
    shot(phone, "phone-public-results")

    # The verify page (the certificate QR target) answers a wrong serial clearly.
    phone.goto(f"{base}/verify/NO-SUCH-1")
    expect(phone.get_by_test_id("form-error")).to_contain_text("未找到该编号的证书")
