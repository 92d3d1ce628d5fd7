"""Team journey: sign up, register a team, invite by link, a second user joins, upload, submit."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import MINIMAL_PDF, PASSWORD, shot, uscc
from .helpers import confirm_dialog, field, pick, signup, table_rows

pytestmark = pytest.mark.browser


def test_team_signup_register_invite_join_upload_submit(live_server, new_page, world):
    base = live_server.url
    contest = world.contest
    captain = new_page()

    # A visitor wants to register a team: log in first, or sign up — and come back.
    captain.goto(f"{base}/contests/{contest.pk}")
    captain.get_by_test_id("register-team").click()
    expect(captain).to_have_url(re.compile(r"/login\?next="))
    captain.get_by_test_id("to-register").click()
    # Client-side checks first: nothing typed is lost.
    field(captain, "register-name").fill("李揭榜")
    field(captain, "register-email").fill("not-an-email")
    field(captain, "register-password").fill("short")
    captain.get_by_test_id("register-submit").click()
    expect(captain.get_by_text("邮箱格式不正确。")).to_be_visible()
    expect(captain.get_by_text("密码至少 8 位。")).to_be_visible()
    expect(field(captain, "register-name")).to_have_value("李揭榜")
    # The API's own error: an account that exists.
    signup(captain, name="李揭榜", email="captain1@example.com", password=PASSWORD)
    expect(captain.get_by_test_id("form-error")).to_have_text(re.compile("该邮箱或手机号已注册"))
    field(captain, "register-email").fill("li@example.com")
    captain.get_by_test_id("register-submit").click()
    expect(captain).to_have_url(re.compile(rf"/contests/{contest.pk}/register$"))
    expect(captain.get_by_test_id("user-name")).to_have_text("李揭榜")

    # The team form: name, track, group, challenge and a lead organisation created on the spot.
    field(captain, "team-name").fill("数智先锋")
    pick(captain, "team-track", "工业制造")
    pick(captain, "team-group", "初创组")
    pick(captain, "team-challenge", "JB-2026-001")
    captain.get_by_test_id("lead-org-new").click()
    field(captain, "lead-org-name").fill("南京数智科技有限公司")
    field(captain, "lead-org-province").fill("江苏")
    field(captain, "lead-org-uscc").fill(uscc(42)[:17] + ("0" if uscc(42)[17] != "0" else "1"))
    captain.get_by_test_id("lead-org-create").click()
    expect(captain.get_by_text("统一社会信用代码校验位不正确，请核对。")).to_be_visible()
    # A USCC that is already registered: the API's field error shows next to the field.
    field(captain, "lead-org-uscc").fill(world.publishers[0].uscc)
    captain.get_by_test_id("lead-org-create").click()
    expect(captain.locator(".el-dialog .el-form-item__error")).to_have_text(
        re.compile("该统一社会信用代码的单位已存在")
    )
    shot(captain, "desktop-team-org-error")
    field(captain, "lead-org-uscc").fill(uscc(42))
    captain.get_by_test_id("lead-org-create").click()
    expect(captain.locator(".el-dialog:visible")).to_have_count(0)
    expect(captain.get_by_test_id("lead-org-select")).to_contain_text("南京数智科技有限公司")
    shot(captain, "desktop-team-create")
    captain.get_by_test_id("team-submit").click()

    expect(captain.get_by_test_id("team-title")).to_have_text("数智先锋")
    expect(captain.get_by_test_id("roster-warning")).to_contain_text("至少需要 2 人")
    team_url = captain.url

    # Invite a member by link.
    field(captain, "invitee-name").fill("赵成员")
    captain.get_by_test_id("invite-create").click()
    link = captain.get_by_test_id("invite-link").inner_text()
    assert re.fullmatch(rf"{re.escape(base)}/join/[\w-]+", link), link
    expect(table_rows(captain, "invitations-table")).to_have_count(1)
    shot(captain, "desktop-team-invite")

    # The invitee opens the link in another browser: signs up, previews, accepts.
    member = new_page(phone=True)
    member.goto(link)
    expect(member.get_by_test_id("join-card")).to_contain_text("请先登录或注册")
    member.get_by_test_id("join-register").click()
    signup(member, name="赵成员", email="zhao@example.com", password=PASSWORD)
    expect(member.get_by_test_id("join-team-name")).to_have_text("数智先锋")
    shot(member, "phone-join")
    member.get_by_test_id("join-accept").click()
    expect(member.get_by_test_id("team-title")).to_have_text("数智先锋")
    expect(table_rows(member, "members-table")).to_have_count(2)

    # Back to the captain: the roster is complete; create the 初赛 entry.
    captain.goto(team_url)
    expect(table_rows(captain, "members-table")).to_have_count(2)
    expect(captain.get_by_test_id("roster-warning")).to_have_count(0)
    stage_one = world.stages[0]
    expect(captain.get_by_test_id(f"stage-status-{stage_one.pk}")).to_have_text("未创建")
    captain.get_by_test_id("create-entry").first.click()
    expect(field(captain, "entry-title")).to_have_value("数智先锋")
    field(captain, "entry-title").fill("工业缺陷视觉检测方案")
    captain.get_by_test_id("entry-create-submit").click()
    expect(captain.get_by_test_id("entry-status")).to_have_text("草稿")

    # Each kind says its own limit, from the server's settings: a video takes far more than a plan.
    expect(captain.get_by_test_id("upload-video")).to_contain_text("500.0 MB")
    expect(captain.get_by_test_id("upload-plan")).to_contain_text("50.0 MB")

    plan_input = captain.get_by_test_id("upload-plan").locator("input[type=file]")
    # Refused in the browser: a type the plan does not take.
    plan_input.set_input_files(
        files=[
            {"name": "plan.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00"}
        ]
    )
    expect(captain.get_by_test_id("upload-plan").get_by_test_id("upload-error")).to_contain_text(
        "仅接受 pdf, docx"
    )
    # Refused by the API: named .pdf but not a PDF inside.
    plan_input.set_input_files(
        files=[
            {
                "name": "plan.pdf",
                "mimeType": "application/pdf",
                "buffer": b"just some text, not a pdf",
            }
        ]
    )
    error = captain.get_by_test_id("upload-plan").get_by_test_id("upload-error")
    expect(error).to_have_attribute("data-code", "file_type_not_allowed")
    expect(error).to_contain_text("文件类型不允许")
    # Submitting without the plan: the API says what is missing.
    captain.get_by_test_id("entry-submit").click()
    confirm_dialog(captain)
    expect(captain.get_by_test_id("form-error")).to_contain_text("提交前须上传方案书")
    shot(captain, "desktop-entry-errors")

    plan_input.set_input_files(
        files=[{"name": "方案书.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}]
    )
    expect(captain.get_by_test_id("file-current-plan")).to_have_text("方案书.pdf")
    expect(captain.get_by_test_id("upload-plan").get_by_test_id("upload-error")).to_have_count(0)
    captain.get_by_test_id("entry-submit").click()
    confirm_dialog(captain)
    expect(captain.get_by_test_id("entry-status")).to_have_text("已提交")
    expect(captain.get_by_test_id("upload-button-plan")).to_be_disabled()
    shot(captain, "desktop-entry-submitted")

    # The stage status on the team page; the member sees it too (phone).
    captain.goto(team_url)
    expect(captain.get_by_test_id(f"stage-status-{stage_one.pk}")).to_have_text("已提交")
    member.goto(team_url)
    expect(member.get_by_test_id(f"stage-status-{stage_one.pk}")).to_have_text("已提交")
    shot(member, "phone-team")
    member.get_by_test_id("open-entry").click()
    expect(member.get_by_test_id("file-current-plan")).to_have_text("方案书.pdf")
    shot(member, "phone-entry")
