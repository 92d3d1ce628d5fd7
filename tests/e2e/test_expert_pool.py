"""The expert pool in the browser: the organiser imports experts from Excel (a bad row reported),
draws experts for a stage, verifies the draw; a drawn expert confirms through their link (an
account is opened for them) and gets the appointment letter. Both languages, desktop and phone."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, shot
from .helpers import field

pytestmark = pytest.mark.browser


def _pool(world):
    from judging.services.expert import expert_create
    from tests.factories.contest import make_uscc

    for n in range(1, 9):
        expert_create(
            actor=world.organiser,
            contest=world.contest,
            name=f"库内专家{n}",
            organisation_name=f"北京研究院{n}",
            organisation_uscc=make_uscc(990_000 + n),
            province="北京",
            fields=["人工智能"],
            title="研究员",
            mobile=f"1370000{n:04d}",
        )


def _workbook(contest) -> bytes:
    from openpyxl import load_workbook

    from judging.services.expert_import import expert_template_build

    wb = load_workbook(io.BytesIO(expert_template_build(contest)))
    ws = wb.active
    ws.append(["", "无名大学", "", "上海", "金融", "", "13911110000"])  # row 3: no name
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _open_experts(page, base, contest, lang):
    page.goto(f"{base}/login?next=/organiser/contests/{contest.pk}?tab=experts")
    page.evaluate(f"localStorage.setItem('saiwu.lang', '{lang}')")
    page.reload()
    field(page, "login-login").fill("organiser@example.com")
    field(page, "login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("expert-pool")).to_be_visible()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_import_draw_verify_and_an_expert_confirming(live_server, new_page, world, lang):
    from judging.models import ExpertDrawPick

    zh = lang == "zh-CN"
    base = live_server.url
    _pool(world)
    page = new_page()
    _open_experts(page, base, world.contest, lang)
    expect(page.get_by_test_id("expert-pool")).to_contain_text("库内专家1")

    # Import: the example row comes in, the row without a name is reported.
    page.get_by_test_id("expert-import-upload").locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "专家.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": _workbook(world.contest),
            }
        ]
    )
    page.get_by_test_id("expert-import-submit").click()
    expect(page.get_by_test_id("expert-import-result")).to_contain_text(
        "已新增 1 位，更新 0 位专家。" if zh else "1 experts added, 0 updated."
    )
    errors = page.get_by_test_id("expert-import-errors")
    expect(errors).to_contain_text("姓名 Name")
    expect(errors.locator("tbody tr").first).to_contain_text("3")
    expect(page.get_by_test_id("expert-pool")).to_contain_text("示例专家(可删除)")

    # Draw 5 + 2 reserves for the stage picked, then verify.
    page.get_by_test_id("draw-submit").click()
    result = page.get_by_test_id("draw-result").first
    expect(result).to_be_visible()
    expect(result.get_by_test_id("pick-status")).to_have_count(7)
    expect(result.locator("[data-status=invited]")).to_have_count(5)
    expect(result.locator("[data-status=standby]")).to_have_count(2)
    result.get_by_test_id("draw-verify").click()
    expect(result.get_by_test_id("draw-verify-result")).to_contain_text(
        "验证通过" if zh else "Verified"
    )
    shot(page, f"desktop-expert-draw-{lang}")

    # The first drawn expert confirms through their own link, choosing a password.
    pick = ExpertDrawPick.objects.filter(position=1).order_by("-draw_id").first()
    expert_page = new_page(phone=True)
    expert_page.goto(f"{base}/expert-invitation/{pick.token}")
    expert_page.evaluate(f"localStorage.setItem('saiwu.lang', '{lang}')")
    expert_page.reload()
    invitation = expert_page.get_by_test_id("expert-invitation")
    expect(invitation).to_contain_text(pick.expert.name)
    shot(expert_page, f"phone-expert-invitation-{lang}")
    field(expert_page, "expert-password").fill("Zhuanjia-2026!")
    expert_page.get_by_test_id("expert-confirm").click()
    expect(expert_page.get_by_test_id("expert-confirmed")).to_be_visible()
    expect(expert_page.get_by_test_id("expert-letter")).to_be_visible()
    pick.refresh_from_db()
    assert pick.status == "confirmed" and pick.membership is not None

    # The organiser sees the confirmation; on a phone the workspace tab still works.
    page.reload()
    expect(
        page.get_by_test_id("draw-result").first.locator("[data-status=confirmed]")
    ).to_have_count(1)
    phone = new_page(phone=True)
    _open_experts(phone, base, world.contest, lang)
    expect(phone.get_by_test_id("draw-result").first).to_be_visible()
    shot(phone, f"phone-expert-pool-{lang}")
