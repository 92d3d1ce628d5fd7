"""The organiser's gaps closed: a judge invited by name (not by user id), a 合议 override with its
reason changing the ranking, promotion to the next stage; the certificate template with the API's
image errors, revoking a certificate (已撤销 on the public verify page); an upheld objection that
changes the award list."""

import io
import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, judging_stage, make_user, score_everything, shot
from .helpers import confirm_dialog, field, login, pick, table_rows, toast

pytestmark = pytest.mark.browser


@pytest.fixture
def ranked(world):
    """初赛 scored by three judges and ranked; 李专家 (not on the panel) is someone to invite."""
    from contest.services.organisation import organisation_create
    from judging.services.assignment import assignment_start
    from judging.services.result import ranking_compute

    from .conftest import uscc

    judging = judging_stage(world, teams=5, judges=3)
    assignment_start(actor=world.organiser, stage=judging.stage, k=2)  # eager: runs on commit
    assert score_everything(judging) == 10
    ranking_compute(stage=judging.stage, actor=world.organiser)
    expert = make_user("lizhuanjia@example.com", "李专家")
    expert.organisation = organisation_create(
        name="南京理工大学", kind="university", uscc=uscc(77), province="江苏"
    )
    expert.save()
    # A contestant whose name a search will also find: flagged, not invitable.
    from contest.enums import MemberRole
    from contest.models import TeamMember

    team = judging.entries[0].team
    TeamMember.objects.create(
        team=team,
        contest=team.contest,
        user=make_user("wangcansai@example.com", "王参赛"),
        role=MemberRole.MEMBER,
    )
    return judging, expert


def test_invite_by_name_override_and_promote(live_server, new_page, ranked):
    judging, expert = ranked
    contest = judging.world.contest
    page = new_page()
    login(
        page,
        live_server.url,
        login="organiser@example.com",
        password=PASSWORD,
        next_path=f"/organiser/contests/{contest.pk}?tab=judging",
    )
    expect(table_rows(page, "panel-members")).to_have_count(3)

    # A contestant turns up flagged and cannot be chosen.
    page.get_by_test_id("invite-judge").click()
    field(page, "invite-judge").fill("王参赛")
    contestant = page.locator(".el-select-dropdown__item:visible", has_text="王参赛").first
    expect(contestant).to_contain_text("参赛者，不可邀请")
    expect(contestant).to_have_class(re.compile(r"is-disabled"))
    page.keyboard.press("Escape")
    field(page, "invite-judge").fill("")

    # Invite by name: the remote search shows the person with a masked email.
    page.get_by_test_id("invite-judge").click()
    field(page, "invite-judge").fill("李专")
    option = page.locator(".el-select-dropdown__item:visible", has_text="李专家").first
    expect(option).to_contain_text("li***@example.com")
    expect(option).to_contain_text("南京理工大学")
    option.click()
    page.get_by_test_id("invite-submit").click()
    toast(page, "已发送邀请")
    expect(table_rows(page, "panel-members")).to_have_count(4)
    expect(page.get_by_test_id("panel-members")).to_contain_text("李专家")
    # Inviting the same person again: the API's refusal, in Chinese.
    page.get_by_test_id("invite-judge").click()
    field(page, "invite-judge").fill("李专家")
    page.locator(".el-select-dropdown__item:visible", has_text="李专家").first.click()
    page.get_by_test_id("invite-submit").click()
    expect(page.get_by_test_id("panel-card").get_by_test_id("form-error")).to_contain_text(
        "该评委已在评审组中"
    )
    shot(page, "desktop-organiser-invite-by-name")

    # 合议: 数智工坊 is second in 工业制造; the panel raises it above 先锋队 with a reason.
    row = table_rows(page, "ranking").filter(has_text="数智工坊")
    expect(row).to_contain_text("2")
    row.get_by_test_id("override").click()
    dialog = page.get_by_test_id("override-dialog")
    field(page, "override-score").fill("95")
    page.get_by_test_id("override-save").click()
    expect(dialog.get_by_test_id("form-error")).to_contain_text("理由")
    field(page, "override-reason").fill("合议：现场复核后一致认为应用成效突出。")
    page.get_by_test_id("override-save").click()
    toast(page, "已记录合议结果")
    expect(dialog).to_be_hidden()
    industry = table_rows(page, "ranking").filter(has_text="工业制造")
    expect(industry.first).to_contain_text("数智工坊")
    expect(industry.first).to_contain_text("95")
    expect(industry.first.get_by_test_id("overridden")).to_be_visible()
    expect(industry.nth(1)).to_contain_text("先锋队")
    shot(page, "desktop-organiser-override")

    # Publish, then promote the top 1 of each group to 决赛 (the tie in 医疗健康 stays together).
    page.get_by_test_id("publish-results").click()
    confirm_dialog(page)
    toast(page, "已发布第 1 版成绩")
    expect(page.get_by_test_id("promotion-stage")).to_contain_text("决赛")
    field(page, "promotion-n").fill("1")
    page.get_by_test_id("promote").click()
    expect(page.locator(".el-message-box")).to_contain_text("每组前 N 名")
    confirm_dialog(page)
    toast(page, "已晋级 4 项")
    final = judging.world.stages[1]
    promoted = set(final.entries.values_list("team__name", flat=True))
    assert promoted == {"数智工坊", "明眸团队", "星火团队", "绿源科技队"}


def _image(mode: str, size: tuple[int, int], fmt: str) -> bytes:
    from PIL import Image

    colour = (200, 30, 30, 0) if mode == "RGBA" else (200, 30, 30)
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def issued(world, settings):
    """A final 一等奖 for 先锋队 and its certificates (team + captain), issued by the service."""
    from awards.certificates.signing import generate_signing_key_b64
    from awards.enums import AwardStatus, AwardTierKind
    from awards.models import Award, AwardTier, Certificate
    from awards.services.certificate_batch import certificates_issue

    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    contest = world.contest
    tier = AwardTier.objects.create(
        contest=contest, name="一等奖", kind=AwardTierKind.RANKED, quota_count=1, order=0
    )
    team = contest.teams.get(name="先锋队")
    Award.objects.create(contest=contest, tier=tier, team=team, status=AwardStatus.FINAL, rank=1)
    certificates_issue(actor=world.organiser, contest=contest)  # eager: runs on commit
    certificates = list(Certificate.objects.filter(contest=contest).order_by("seq"))
    assert len(certificates) == 2, certificates
    return certificates


def test_certificate_template_and_revocation(live_server, new_page, issued, tmp_path):
    base = live_server.url
    contest = issued[0].contest
    page = new_page()
    login(
        page,
        base,
        login="organiser@example.com",
        password=PASSWORD,
        next_path=f"/organiser/contests/{contest.pk}?tab=awards",
    )
    expect(table_rows(page, "certificates-table")).to_have_count(2)

    # The template: issuing bodies and wording; a seal without transparency is refused by the API.
    template = page.get_by_test_id("certificate-template")
    field(page, "template-body-0").fill("江苏省工业和信息化厅")
    page.get_by_test_id("template-add-body").click()
    field(page, "template-body-1").fill("东南大学")
    field(page, "template-wording-team").fill("在本届大赛中荣获一等奖，特发此证。")
    flat = tmp_path / "seal.jpg"
    flat.write_bytes(_image("RGB", (200, 200), "JPEG"))
    template.get_by_test_id("template-seal").locator("input[type=file]").set_input_files(str(flat))
    # A seal is printed only with the organiser's confirmation of the right to use it: until then
    # the save button is disabled.
    expect(page.get_by_test_id("template-save")).to_be_disabled()
    page.get_by_test_id("template-seal-confirm").click()
    page.get_by_test_id("template-save").click()
    expect(template.get_by_test_id("form-error")).to_contain_text("印章须为带透明通道的 PNG 图片")
    expect(field(page, "template-body-1")).to_have_value("东南大学")
    seal = tmp_path / "seal.png"
    seal.write_bytes(_image("RGBA", (200, 200), "PNG"))
    template.get_by_test_id("template-seal").locator("input[type=file]").set_input_files(str(seal))
    page.get_by_test_id("template-seal-confirm").click()  # a new seal: confirmed again
    page.get_by_test_id("template-save").click()
    toast(page, "证书模板已保存")
    expect(page.get_by_test_id("template-seal-state")).to_contain_text("已上传")
    from awards.models import CertificateTemplate

    saved = CertificateTemplate.objects.get(contest=contest)
    assert saved.issuing_bodies == ["江苏省工业和信息化厅", "东南大学"]
    assert saved.seal_sha256
    assert saved.seal_usable and saved.seal_confirmed_by.email == "organiser@example.com"

    # Revoke the captain's certificate: a reason is required, then the list says 已撤销.
    mine = issued[1]
    page.get_by_test_id(f"revoke-{mine.pk}").click()
    dialog = page.get_by_test_id("revoke-dialog")
    page.get_by_test_id("revoke-save").click()
    expect(dialog.get_by_test_id("form-error")).to_be_visible()
    field(page, "revoke-reason").fill("获奖人信息有误，撤销后重新颁发。")
    page.get_by_test_id("revoke-save").click()
    toast(page, "证书已撤销")
    row = table_rows(page, "certificates-table").filter(has_text=mine.serial)
    expect(row.get_by_test_id("certificate-status")).to_have_text("已撤销")
    shot(page, "desktop-organiser-certificate-revoked")

    # Anyone verifying it (the QR link) sees it revoked.
    phone = new_page(phone=True)
    phone.goto(f"{base}/verify/{mine.serial}")
    result = phone.get_by_test_id("verify-result")
    expect(result).to_have_attribute("data-valid", "false")
    expect(result).to_contain_text("已撤销")
    shot(phone, "phone-certificate-revoked")


@pytest.fixture
def objected(world):
    """初赛 ranked and published, awards in an open notice, and an objection to 数智工坊's award."""
    from awards.models import Award
    from awards.services.award import awards_propose
    from awards.services.notice import notice_open, objection_submit
    from judging.services.assignment import assignment_start
    from judging.services.result import ranking_compute, results_publish

    from .conftest import award_tiers

    judging = judging_stage(world, teams=5, judges=3)
    organiser = world.organiser
    assignment_start(actor=organiser, stage=judging.stage, k=2)
    assert score_everything(judging) == 10
    ranking_compute(stage=judging.stage, actor=organiser)
    results_publish(actor=organiser, stage=judging.stage)
    award_tiers(world)
    awards_propose(actor=organiser, stage=judging.stage)
    notice = notice_open(
        actor=organiser, stage=judging.stage, days=10, working_days=False, title="初赛公示"
    )
    award = Award.objects.get(notice=notice, team__name="数智工坊")
    objector = make_user("objector@example.com", "异议人")
    objection = objection_submit(
        actor=objector,
        notice=notice,
        award=award,
        reason="该团队作品与往届获奖作品雷同。",
        contact="13800000000",
    )
    return award, objection


def test_upheld_objection_changes_the_list(live_server, new_page, objected):
    award, objection = objected
    page = new_page()
    login(
        page,
        live_server.url,
        login="organiser@example.com",
        password=PASSWORD,
        next_path=f"/organiser/contests/{award.contest_id}?tab=awards",
    )
    box = page.get_by_test_id(f"objection-{objection.pk}")
    box.get_by_test_id("uphold").click()
    field(page, "resolution").fill("经核查，作品与往届获奖作品高度雷同，异议成立。")
    page.get_by_test_id("add-change").click()
    pick(page, "change-action-0", "取消获奖")
    expect(page.get_by_test_id("change-award-0")).to_contain_text("数智工坊")
    shot(page, "desktop-organiser-resolve-upheld")
    page.get_by_test_id("resolve-save").click()
    toast(page, "已处理")
    row = table_rows(page, "awards-table").filter(has_text="数智工坊")
    expect(row).to_contain_text("已移除")
    award.refresh_from_db()
    assert award.status == "removed"
