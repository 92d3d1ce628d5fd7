"""The formal check in the browser: the organiser returns an entry with a reason and a deadline,
the team sees it, fixes and resubmits after the submission window closed, the organiser passes it;
another entry is rejected; promotion takes the passed entry only."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from .conftest import MINIMAL_PDF, PASSWORD, make_user, shot, uscc
from .helpers import confirm_dialog, field, login

pytestmark = pytest.mark.browser


def _formal_world(world):
    from django.utils import timezone

    from contest.enums import OrganisationKind, StageKind
    from contest.models import Stage
    from contest.services.contest import contest_registration_open, stage_create
    from contest.services.entry import entry_create, entry_file_upload, entry_submit
    from contest.services.organisation import organisation_create
    from contest.services.team import team_create

    organiser = world.organiser
    contest = contest_registration_open(actor=organiser, contest=world.other_contest)
    formal = Stage.objects.get(contest=contest, kind=StageKind.FORMAL_CHECK)
    nxt = stage_create(
        actor=organiser, contest=contest, name="初赛", kind=StageKind.ONLINE_REVIEW, order=2
    )
    entries = []
    for n, title in enumerate(["城市数据底座", "交通数据融合"], start=1):
        captain = make_user(f"fc{n}@example.com", f"审查队长{n}")
        org = organisation_create(
            name=f"审查科技{n}有限公司",
            kind=OrganisationKind.ENTERPRISE,
            uscc=uscc(200 + n),
            province="江苏",
        )
        team = team_create(
            actor=captain, contest=contest, name=f"审查团队{n}", lead_organisation=org
        )
        entry = entry_create(actor=captain, team=team, stage=formal, title=title)
        entry_file_upload(
            actor=captain,
            entry=entry,
            kind="plan",
            uploaded=SimpleUploadedFile("plan.pdf", MINIMAL_PDF),
        )
        entries.append(entry_submit(actor=captain, entry=entry))
    # the submission window has closed: only a returned entry may still change
    now = timezone.now()
    Stage.objects.filter(pk=formal.pk).update(
        submission_opens_at=now - timedelta(days=5), submission_closes_at=now - timedelta(hours=1)
    )
    return contest, formal, nxt, entries


def test_formal_check_return_fix_resubmit_pass_reject_promote(live_server, new_page, world):
    from contest.models import Entry
    from judging.enums import PromotionRule
    from judging.services.promotion import promotion_apply

    base = live_server.url
    contest, formal, nxt, (fixed, rejected) = _formal_world(world)

    org = new_page()
    login(org, base, login="organiser@example.com", password=PASSWORD, next_path="/organiser")
    # From the contest's management page, its formal check.
    org.goto(f"{base}/organiser/contests/{contest.pk}")
    org.get_by_test_id("manage-formal-check").click()
    expect(org).to_have_url(f"{base}/organiser/contests/{contest.pk}/formal-check")
    expect(org.get_by_test_id(f"formal-state-{fixed.pk}")).to_have_text("待审查")
    expect(org.get_by_test_id(f"formal-state-{rejected.pk}")).to_have_text("待审查")

    # Return without a deadline: the API's field error shows on the deadline field.
    org.get_by_test_id(f"formal-return-{fixed.pk}").click()
    dialog = org.get_by_test_id("formal-dialog")
    field(org, "formal-reason").fill("方案书缺少单位盖章页，请补充后重新提交。")
    org.get_by_test_id("formal-dialog-save").click()
    expect(
        org.locator('[data-testid="form-error"][data-code="formal_deadline_required"]')
    ).to_be_visible()
    expect(dialog.locator(".el-form-item__error")).to_have_count(1)
    deadline = field(org, "formal-deadline")
    in_three_days = datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=3)
    deadline.fill(in_three_days.strftime("%Y-%m-%d %H:%M:%S"))
    deadline.press("Enter")
    # The deadline is given: its complaint and the alert go before the next save.
    expect(dialog.locator(".el-form-item__error")).to_have_count(0)
    expect(dialog.locator('[data-testid="form-error"]')).to_have_count(0)
    shot(org, "desktop-formal-check-return")
    org.get_by_test_id("formal-dialog-save").click()
    expect(org.get_by_test_id(f"formal-state-{fixed.pk}")).to_have_text("已退回补正")

    # Reject the other with a reason.
    org.get_by_test_id(f"formal-reject-{rejected.pk}").click()
    field(org, "formal-reason").fill("申报单位不符合参赛资格。")
    org.get_by_test_id("formal-dialog-save").click()
    expect(org.get_by_test_id(f"formal-state-{rejected.pk}")).to_have_text("未通过")

    # The team sees the outcome and the reason, fixes and resubmits after the window closed.
    team = new_page()
    login(team, base, login="fc1@example.com", password=PASSWORD, next_path=f"/entries/{fixed.pk}")
    team.goto(f"{base}/entries/{fixed.pk}")
    card = team.get_by_test_id("entry-formal-check")
    expect(card).to_have_attribute("data-state", "returned")
    expect(team.get_by_test_id("entry-formal-reason")).to_contain_text("方案书缺少单位盖章页")
    shot(team, "desktop-entry-returned")
    team.locator("textarea").first.fill("补充了单位盖章页。")
    team.get_by_role("button", name="保存").click()
    expect(team.locator(".el-message", has_text="已保存").first).to_be_visible()
    team.get_by_test_id("entry-submit").click()
    confirm_dialog(team)
    expect(team.get_by_test_id("entry-status")).to_contain_text("已提交")
    expect(card).to_have_attribute("data-state", "pending")

    # The organiser finds it pending again and passes it.
    org.reload()
    org.get_by_test_id("formal-filter-pending").click()
    expect(org.get_by_test_id(f"formal-state-{fixed.pk}")).to_have_text("待审查")
    expect(org.get_by_test_id(f"formal-row-{rejected.pk}")).to_have_count(0)
    org.get_by_test_id(f"formal-pass-{fixed.pk}").click()
    # The decision is saved (its toast) before the list is asked for again.
    expect(org.locator(".el-message", has_text="已记录结论。").first).to_be_visible()
    org.get_by_test_id("formal-filter-passed").click()
    expect(org.get_by_test_id(f"formal-state-{fixed.pk}")).to_have_text("已通过")
    shot(org, "desktop-formal-check-passed")

    # Team-side: the rejected team sees the rejection and its reason.
    other = new_page()
    login(
        other, base, login="fc2@example.com", password=PASSWORD, next_path=f"/entries/{rejected.pk}"
    )
    other.goto(f"{base}/entries/{rejected.pk}")
    expect(other.get_by_test_id("entry-formal-check")).to_have_attribute("data-state", "rejected")
    expect(other.get_by_test_id("entry-formal-reason")).to_contain_text("不符合参赛资格")
    shot(other, "desktop-entry-rejected")

    # Only the passed entry goes on.
    outcome = promotion_apply(
        actor=world.organiser, from_stage=formal, to_stage=nxt, rule=PromotionRule.FORMAL_PASSED
    )
    assert outcome.promoted == [fixed.pk]
    assert list(Entry.objects.filter(stage=nxt).values_list("title", flat=True)) == ["城市数据底座"]


def test_formal_check_queue_in_english_on_a_phone(live_server, new_page, world):
    base = live_server.url
    contest, formal, _nxt, (first, _second) = _formal_world(world)
    page = new_page(phone=True)
    page.goto(f"{base}/login?next=/organiser/contests/{contest.pk}/formal-check")
    field(page, "login-login").fill("organiser@example.com")
    field(page, "login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id(f"formal-state-{first.pk}")).to_have_text("待审查")
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_test_id(f"formal-state-{first.pk}")).to_have_text("Pending")
    expect(page.get_by_role("heading", name="Formal check")).to_be_visible()
    shot(page, "phone-formal-check-en")
