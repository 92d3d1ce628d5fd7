"""Forms that guide (issue 12), in Chromium: the rubric editor checks as the organiser types —
messages under the fields, the weights' sum live, save disabled while the weights do not add up
to 100 — and an error the API finds is shown under its field (`criteria.0.key`), never as raw
serializer text; in zh-CN and English, 1366 and 375 px wide."""

import pytest
from playwright.sync_api import expect

from judging.models import Criterion

from .conftest import judging_stage, shot
from .helpers import field
from .test_assignment import open_judging

pytestmark = pytest.mark.browser

TEXT = {
    "zh-CN": {
        "name": "请填写评分项名称。",
        "sum": "各项权重合计须为 100，当前为 60",
        "hint": "处需修改",
        "too_long": "40",
    },
    "en": {
        "name": "Give the criterion a name.",
        "sum": "The weights must add up to 100; now 60",
        "hint": "to fix before saving",
        "too_long": "40",
    },
}


def edit_and_check(page, lang: str, name: str):
    text = TEXT[lang]
    editor = page.get_by_test_id("rubric-editor")
    expect(field(page, "criterion-2-name")).to_have_value("数据要素价值", timeout=30_000)
    expect(page.get_by_test_id("rubric-weight-sum")).to_have_attribute("data-ok", "true")
    save = page.get_by_test_id("rubric-save")
    expect(save).to_be_enabled()

    # Weights 40 + 35 + 25. A weight of 0: its message under it, save disabled.
    field(page, "criterion-1-weight").fill("0")
    expect(page.get_by_test_id("criterion-1-weight-error")).to_be_visible()
    expect(page.get_by_test_id("rubric-weight-sum")).to_have_attribute("data-ok", "false")
    expect(save).to_be_disabled()
    field(page, "criterion-0-weight").fill("35")
    field(page, "criterion-1-weight").fill("")  # 35 + 25 = 60, live
    expect(page.get_by_test_id("rubric-weight-error")).to_contain_text(text["sum"])
    expect(save).to_be_disabled()
    expect(page.get_by_test_id("rubric-save-hint")).to_contain_text(text["hint"])

    # A name cleared: its message right under it.
    field(page, "criterion-2-name").fill("")
    expect(page.get_by_test_id("criterion-2-name-error")).to_have_text(text["name"])
    shot(page, name + "-invalid")

    # Fixed: the save button comes back.
    field(page, "criterion-2-name").fill("数据要素价值")
    field(page, "criterion-1-weight").fill("40")
    expect(page.get_by_test_id("rubric-weight-sum")).to_have_attribute("data-ok", "true")
    expect(save).to_be_enabled()

    # What only the server checks (a key over 40 characters) comes back under that field.
    field(page, "criterion-0-key").fill("k" * 41)
    save.click()
    error = page.get_by_test_id("criterion-0-key-error")
    expect(error).to_contain_text(text["too_long"], timeout=30_000)
    alert = editor.get_by_test_id("form-error")
    expect(alert).to_have_attribute("data-code", "invalid")
    for raw in ("ErrorDetail", "criteria", "{'", "string="):
        expect(editor).not_to_contain_text(raw)
    shot(page, name + "-server")
    field(page, "criterion-0-key").fill("impact")


@pytest.mark.parametrize("phone", [False, True], ids=["desktop", "phone"])
def test_rubric_editor_guides_and_maps_api_errors(live_server, new_page, world, phone):
    judging = judging_stage(world, teams=1, judges=1)
    before = sorted(Criterion.objects.values_list("key", "weight"))
    for lang in ("zh-CN", "en"):
        page = new_page(phone=phone)
        open_judging(page, live_server.url, judging.world.contest, lang=lang)
        page.get_by_test_id("rubric-editor").scroll_into_view_if_needed()
        where = "phone" if phone else "desktop"
        edit_and_check(page, lang, f"{where}-rubric-{'zh' if lang == 'zh-CN' else 'en'}")
    assert sorted(Criterion.objects.values_list("key", "weight")) == before  # nothing saved
