"""The judging safeguards in the browser: the organiser opens a correction on published results (a reason is
required) and the public page shows the withdrawn version as 已更正 with the reason; a top-up
assignment run (only the entries below k; a second one is refused) beside the anonymity check of a
blind stage (a flagged entry, redacted); the judge states an organisation and lists a relative
before signing (refusals shown)."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, judging_stage, score_everything, shot
from .helpers import field, login, pick, table_rows, toast

pytestmark = pytest.mark.browser


def organiser_judging(page, base, contest):
    login(
        page,
        base,
        login="organiser@example.com",
        password=PASSWORD,
        next_path=f"/organiser/contests/{contest.pk}?tab=judging",
    )


@pytest.fixture
def published(world):
    from judging.services.assignment import assignment_start
    from judging.services.result import ranking_compute, results_publish

    judging = judging_stage(world, teams=5, judges=3)
    type(judging.stage).objects.filter(pk=judging.stage.pk).update(judges_per_entry=2)
    judging.stage.refresh_from_db()  # the stage's rule: the run form's default k
    assignment_start(actor=world.organiser, stage=judging.stage, k=2)  # eager: runs on commit
    assert score_everything(judging) == 10
    ranking_compute(stage=judging.stage, actor=world.organiser)
    results_publish(actor=world.organiser, stage=judging.stage)
    return judging


def test_organiser_opens_correction_public_sees_corrected(live_server, new_page, published):
    judging = published
    contest = judging.world.contest
    base = live_server.url
    page = new_page()
    organiser_judging(page, base, contest)

    phase = page.get_by_test_id("stage-phase")
    expect(phase).to_have_attribute("data-phase", "results_published")
    expect(phase).to_have_text("成绩已公布")
    expect(page.get_by_test_id("results-frozen")).to_contain_text("发起更正")
    expect(page.get_by_test_id("publish-results")).to_be_disabled()
    expect(page.get_by_test_id("snapshot-1")).to_have_attribute("data-status", "published")
    expect(page.get_by_test_id("snapshot-1")).to_contain_text("审计链头")
    expect(page.get_by_test_id("notary-export")).to_have_attribute(
        "href", f"/api/stages/{judging.stage.pk}/notary-export.zip"
    )
    # Scores are exact decimals from the API, shown at two places.
    expect(table_rows(page, "ranking").first).to_contain_text("90.00")
    shot(page, "desktop-organiser-results-published")

    page.get_by_test_id("open-correction").click()
    dialog = page.get_by_test_id("correction-dialog")
    expect(dialog).to_be_visible()
    # Without a reason: the API's refusal shows, nothing is withdrawn.
    page.get_by_test_id("correction-save").click()
    expect(dialog.get_by_test_id("form-error")).to_be_visible()
    page.get_by_test_id("correction-reviews").click()
    option = page.locator(".el-select-dropdown__item:visible").first
    expect(option).to_be_visible()
    option.click()
    expect(page.get_by_test_id("correction-reviews").locator(".el-tag")).to_have_count(1)
    page.keyboard.press("Escape")
    reason = "评委乙对先锋队的评分录入有误，经核实重新评分。"
    field(page, "correction-reason").fill(reason)
    shot(page, "desktop-organiser-correction-dialog")
    page.get_by_test_id("correction-save").click()
    toast(page, "已撤回第 1 版成绩")
    expect(dialog).to_be_hidden()
    expect(phase).to_have_attribute("data-phase", "under_correction")
    snap = page.get_by_test_id("snapshot-1")
    expect(snap).to_have_attribute("data-status", "withdrawn")
    expect(snap).to_contain_text("已更正")
    expect(snap).to_contain_text(reason)
    expect(snap).to_contain_text("更正版本尚未发布")
    expect(page.get_by_test_id("results-correcting")).to_be_visible()
    shot(page, "desktop-organiser-under-correction")

    from judging.models import ResultSnapshot, Review

    snapshot = ResultSnapshot.objects.get(stage=judging.stage, version=1)
    assert snapshot.status == "withdrawn" and snapshot.withdrawal_reason == reason
    assert Review.objects.filter(assignment__stage=judging.stage, status="draft").count() == 1

    # The public: version 1 as 已更正 with the reason.
    public = new_page()
    public.goto(f"{base}/contests/{contest.pk}/results")
    expect(public.get_by_test_id("results-version")).to_have_attribute("data-status", "withdrawn")
    withdrawn = public.get_by_test_id("results-withdrawn")
    expect(withdrawn).to_contain_text("第 1 版成绩已更正")
    expect(withdrawn).to_contain_text(reason)
    expect(public.get_by_test_id("results-corrections")).to_contain_text("已更正")
    expect(public.get_by_test_id("results-chain")).to_contain_text("审计链头")
    shot(public, "desktop-public-results-corrected")

    # Re-scored and published again: v2 replaces v1, the public sees v2 first and v1 linked.
    score_everything_again(judging)
    page.get_by_test_id("compute").click()
    toast(page, "已计算")
    page.get_by_test_id("publish-results").click()
    page.locator(".el-message-box__btns .el-button--primary:visible").click()
    toast(page, "已发布第 2 版成绩")
    expect(page.get_by_test_id("snapshot-1")).to_contain_text("由第 2 版取代")
    expect(page.get_by_test_id("snapshot-2")).to_contain_text("更正并取代第 1 版")
    expect(phase).to_have_attribute("data-phase", "results_published")

    phone = new_page(phone=True)
    phone.goto(f"{base}/contests/{contest.pk}/results")
    expect(phone.get_by_test_id("results-version")).to_contain_text("第 2 版")
    expect(phone.get_by_test_id("results-version")).to_have_attribute("data-status", "published")
    expect(phone.get_by_test_id("correction-1")).to_contain_text(reason)
    expect(phone.get_by_test_id("correction-1")).to_contain_text("由第 2 版取代")
    shot(phone, "phone-public-results-corrected")
    phone.get_by_test_id("correction-1").get_by_role("button").click()
    expect(phone.get_by_test_id("results-withdrawn")).to_contain_text(reason)
    phone.get_by_test_id("results-replacement").click()
    expect(phone.get_by_test_id("results-version")).to_contain_text("第 2 版")


def score_everything_again(judging):
    """The reopened reviews submitted again (same scores) through the service."""
    from judging.models import Review
    from judging.services.review import review_submit

    from .conftest import SCORES

    index = {entry.pk: i for i, entry in enumerate(judging.entries)}
    for review in Review.objects.filter(
        assignment__stage=judging.stage, status="draft"
    ).select_related("assignment__judge"):
        assignment = review.assignment
        review_submit(
            actor=assignment.judge, assignment=assignment, scores=SCORES[index[assignment.entry_id]]
        )


@pytest.fixture
def assigned(world):
    """Five blind entries, each given 2 judges by a full run; then one entry loses a judge, and
    one entry's title names its team (the anonymity check flags it)."""
    from judging.models import Assignment
    from judging.services.assignment import assignment_start

    judging = judging_stage(world, teams=5, judges=3)
    type(judging.stage).objects.filter(pk=judging.stage.pk).update(judges_per_entry=2)
    judging.stage.refresh_from_db()  # the stage's rule: the run form's default k
    assignment_start(actor=world.organiser, stage=judging.stage, k=2)
    assert Assignment.objects.filter(stage=judging.stage).count() == 10
    Assignment.objects.filter(stage=judging.stage, entry=judging.entries[0]).first().delete()
    entry = judging.entries[1]
    entry.title = "明眸团队医学影像辅助诊断系统"
    entry.save(update_fields=["title"])
    return judging


def test_organiser_tops_up_and_redacts(live_server, new_page, assigned):
    judging = assigned
    contest = judging.world.contest
    base = live_server.url
    page = new_page()
    organiser_judging(page, base, contest)

    # Blind stage: the flagged entry and where its team's name was found.
    summary = page.get_by_test_id("anonymity-summary")
    expect(summary).to_have_attribute("data-flagged", "1")
    flagged = page.get_by_test_id(f"anonymity-entry-{judging.entries[1].pk}")
    expect(flagged).to_contain_text("标题")
    expect(flagged).to_contain_text("明眸团队")
    shot(page, "desktop-organiser-anonymity")
    flagged.get_by_test_id("redact-open").click()
    expect(page.get_by_test_id("redact-dialog")).to_be_visible()
    field(page, "redact-reason").fill("标题含团队名称")
    page.get_by_test_id("redact-save").click()
    toast(page, "已遮盖")
    expect(page.get_by_test_id("anonymity-summary")).to_have_attribute("data-flagged", "0")

    from judging.models import Assignment

    # Top-up feasibility: one entry below k, in a short summary.
    page.get_by_test_id("assign-mode-top-up").click()
    page.get_by_test_id("feasibility").click()
    report = page.get_by_test_id("feasibility-report")
    expect(report).to_have_attribute("data-ok", "true")
    expect(page.get_by_test_id("feasibility-summary")).to_contain_text("补充分配：1 件作品")
    expect(page.get_by_test_id("feasibility-summary")).to_contain_text("还需补充 1 次")
    shot(page, "desktop-organiser-top-up-feasibility")

    page.get_by_test_id("start-top-up").click()
    run = page.get_by_test_id("assignment-run")
    expect(run).to_have_attribute("data-status", "done", timeout=30_000)
    expect(page.get_by_test_id("run-done")).to_have_attribute("data-outcome", "assigned")
    expect(page.get_by_test_id("run-done")).to_contain_text("已分配 1 项")
    assert Assignment.objects.filter(stage=judging.stage).count() == 10

    # Again: every entry has its judges, the API refuses and says so.
    page.get_by_test_id("start-top-up").click()
    error = page.get_by_test_id("assignment-card").get_by_test_id("form-error")
    expect(error).to_have_attribute("data-code", "all_entries_assigned")
    shot(page, "desktop-organiser-top-up-refused")

    phone = new_page(phone=True)
    phone.goto(f"{base}/login?next=/organiser/contests/{contest.pk}%3Ftab%3Djudging")
    field(phone, "login-login").fill("organiser@example.com")
    field(phone, "login-password").fill(PASSWORD)
    phone.get_by_test_id("login-submit").click()
    expect(phone).to_have_url(re.compile(r"tab=judging"))
    expect(phone.get_by_test_id("anonymity-summary")).to_be_visible()
    phone.get_by_test_id("assign-mode-top-up").click()
    phone.get_by_test_id("feasibility").click()
    # Every entry has its judges now: the check says so in one line, not an empty summary.
    expect(phone.get_by_test_id("feasibility-title")).to_contain_text("每件作品都已有足够的评委")
    expect(phone.get_by_test_id("feasibility-summary")).to_have_count(0)
    shot(phone, "phone-organiser-assignment")


def id_number(first17: str) -> str:
    from contest.identity import id_number_check_character

    return first17 + id_number_check_character(first17)


@pytest.fixture
def invited(world):
    judging = judging_stage(world, teams=2, judges=2, accept=False)
    return judging


def test_judge_states_organisation_and_relative(live_server, new_page, invited):
    judging = invited
    base = live_server.url
    page = new_page()
    login(page, base, login="judge1@example.com", password=PASSWORD, next_path="/judging")
    page.get_by_test_id("panel-accept").click()
    dialog = page.get_by_test_id("declaration-dialog")
    page.get_by_test_id("declaration-agree").click()

    # Nothing stated: the API refuses the signature and says why.
    page.get_by_test_id("declaration-submit").click()
    expect(dialog.get_by_test_id("form-error")).to_have_attribute(
        "data-code", "organisation_not_stated"
    )

    # An existing organisation, found by name; a relative with a wrong ID number is refused.
    page.get_by_test_id("org-choice-existing").click()
    page.get_by_test_id("judge-org-select").click()
    page.keyboard.type("示例智能")
    option = page.locator(
        ".el-select-dropdown__item:visible", has_text="示例智能制造有限公司"
    ).first
    expect(option).to_be_visible()
    option.click()
    page.get_by_test_id("relation-add").click()
    field(page, "relation-name-0").fill("李四")
    field(page, "relation-id-0").fill("110101199003070000")
    pick(page, "relation-kind-0", "亲属")
    shot(page, "desktop-judge-declaration")
    page.get_by_test_id("declaration-submit").click()
    expect(dialog.get_by_test_id("form-error")).to_have_attribute("data-code", "invalid_id_number")
    # The organisation was stated in the meantime; the rest is kept as typed.
    expect(page.get_by_test_id("organisation-stated")).to_contain_text("示例智能制造有限公司")
    expect(field(page, "relation-name-0")).to_have_value("李四")
    good = id_number("11010119900307001")
    field(page, "relation-id-0").fill(good)
    page.get_by_test_id("declaration-submit").click()
    toast(page, "已接受邀请")
    expect(dialog).to_be_hidden()

    from judging.models import DeclaredRelation

    judge = judging.judges[0]
    judge.refresh_from_db()
    assert judge.organisation == judging.world.publishers[0]
    assert judge.organisation_stated_at is not None
    relation = DeclaredRelation.objects.get(judge=judge)
    assert (relation.name, relation.id_number, relation.relation) == ("李四", good, "relative")

    # The second judge, on a phone: "none", and a student by name only.
    phone = new_page(phone=True)
    phone.goto(f"{base}/login?next=/judging")
    field(phone, "login-login").fill("judge2@example.com")
    field(phone, "login-password").fill(PASSWORD)
    phone.get_by_test_id("login-submit").click()
    expect(phone).to_have_url(re.compile(r"/judging$"))
    phone.get_by_test_id("panel-accept").click()
    phone.get_by_test_id("org-choice-none").click()
    phone.get_by_test_id("relation-add").click()
    field(phone, "relation-name-0").fill("王五")
    pick(phone, "relation-kind-0", "学生")
    phone.get_by_test_id("declaration-agree").click()
    shot(phone, "phone-judge-declaration")
    phone.get_by_test_id("declaration-submit").click()
    toast(phone, "已接受邀请")
    other = judging.judges[1]
    other.refresh_from_db()
    assert other.organisation is None and other.organisation_stated_at is not None
    assert DeclaredRelation.objects.get(judge=other).relation == "student"
