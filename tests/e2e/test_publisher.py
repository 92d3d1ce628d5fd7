"""A publisher from its 征榜 application to a published challenge with an answered question:
apply in the call window, the organiser approves, draft and submit, returned with a reason,
revise and resubmit, approved and published, a team asks, the publisher answers publicly, and
the answer shows under the public challenge."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, shot, uscc
from .helpers import confirm_dialog, field, login, toast

pytestmark = pytest.mark.browser


def _open(new_page, *, phone: bool = False):
    """A page with patient timeouts: this journey runs many steps on a machine shared by others."""
    page = new_page(phone=phone)
    page.set_default_timeout(40_000)
    page.set_default_navigation_timeout(90_000)
    return page


@pytest.fixture(autouse=True)
def _patient_expect():
    expect.set_options(timeout=20_000)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default, for the tests that follow


@pytest.fixture
def call_world(transactional_db):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from contest.enums import StageKind
    from contest.services.team import team_create

    from .conftest import challenge_contest_open, organiser_create

    User = get_user_model()
    now = timezone.now()
    contest, _, _ = challenge_contest_open(
        organiser=organiser_create(),
        code="jbgs-call-2026",
        name="2026 揭榜挂帅征榜赛",
        call_opens_at=now - timedelta(days=1),
        call_closes_at=now + timedelta(days=10),
        entrant_kinds=["person"],
        stages=[
            {
                "name": "初赛",
                "kind": StageKind.ONLINE_REVIEW,
                "submission_opens_at": now + timedelta(days=1),
                "submission_closes_at": now + timedelta(days=20),
            }
        ],
    )
    User.objects.create_user(email="fabang@example.com", password=PASSWORD, real_name="李发榜")
    captain = User.objects.create_user(
        email="captain@example.com", password=PASSWORD, real_name="赵队长"
    )
    team_create(actor=captain, contest=contest, name="星河团队")
    return contest


def test_publisher_from_application_to_an_answered_question(live_server, new_page, call_world):
    from contest.models import Challenge, ChallengeQuestion, PublisherApplication

    base, contest = live_server.url, call_world

    # 1. 征榜: the applicant applies for an organisation in the call window.
    publisher = _open(new_page)
    login(publisher, base, login="fabang@example.com", password=PASSWORD, next_path="/")
    publisher.goto(f"{base}/publisher/apply?contest={contest.pk}")
    expect(publisher.get_by_test_id("call-window")).to_contain_text("征榜中")
    field(publisher, "apply-organisation_name").fill("江苏智造科技有限公司")
    field(publisher, "apply-uscc").fill(uscc(4242)[:17] + "0")
    field(publisher, "apply-region").fill("江苏")
    field(publisher, "apply-contact_name").fill("李发榜")
    field(publisher, "apply-contact_phone").fill("13800001111")
    field(publisher, "apply-contact_email").fill("fabang@example.com")
    if uscc(4242)[17] != "0":  # a wrong check character: the form says so before the server
        expect(publisher.get_by_text("校验位不正确").first).to_be_visible()
    field(publisher, "apply-uscc").fill(uscc(4242))
    shot(publisher, "desktop-publisher-apply")
    publisher.get_by_test_id("apply-submit").click()
    expect(publisher.get_by_test_id("applied")).to_be_visible()
    assert PublisherApplication.objects.get().status == "submitted"

    # 2. The organiser approves it on the contest's challenge tab.
    organiser = _open(new_page)
    login(organiser, base, login="organiser@example.com", password=PASSWORD, next_path="/")
    organiser.goto(f"{base}/organiser/contests/{contest.pk}?tab=challenges")
    review = organiser.get_by_test_id("application-review")
    expect(review).to_contain_text("江苏智造科技有限公司")
    shot(organiser, "desktop-publisher-application-review")
    review.get_by_test_id("approve-application").click()
    confirm_dialog(organiser)
    toast(organiser, "已通过“江苏智造科技有限公司”的申请。")
    expect(review).to_contain_text("没有待审核的征榜申请。")

    # 3. The new publisher finds the 发榜方 menu, drafts and submits a challenge.
    publisher.goto(f"{base}/publisher")
    expect(publisher.get_by_role("link", name="发榜方").first).to_be_visible()
    publisher.get_by_test_id(f"new-challenge-{contest.pk}").click()
    field(publisher, "field-code").fill("JB-CALL-001")
    field(publisher, "field-title").fill("产线视觉缺陷检测")
    field(publisher, "field-background").fill("产线人工目检漏检率高。")
    field(publisher, "field-targets").fill("检出率≥99.5%")
    field(publisher, "field-acceptance_indicators").fill("连续 30 天产线实测")
    field(publisher, "field-prize_amount").fill("-5")
    publisher.get_by_test_id("submit-challenge").click()
    expect(publisher.get_by_text("榜额不能为负数").first).to_be_visible()  # inline, kept input
    field(publisher, "field-prize_amount").fill("600000")
    shot(publisher, "desktop-publisher-editor")
    publisher.get_by_test_id("submit-challenge").click()
    toast(publisher, "已提交组委会审核。")
    expect(publisher.get_by_test_id("status-JB-CALL-001")).to_contain_text("待审核")

    # 4. The organiser returns it with a reason; the publisher revises and resubmits.
    organiser.goto(f"{base}/organiser/contests/{contest.pk}?tab=challenges")
    organiser.get_by_test_id("review-actions-JB-CALL-001").get_by_test_id("return").click()
    organiser.locator(".el-message-box textarea").fill("请明确验收数据由谁提供。")
    confirm_dialog(organiser)
    publisher.goto(f"{base}/publisher")
    expect(publisher.get_by_test_id("return-reason-JB-CALL-001")).to_contain_text(
        "请明确验收数据由谁提供。"
    )
    shot(publisher, "desktop-publisher-home-returned")
    publisher.get_by_test_id("edit-JB-CALL-001").click()
    expect(publisher.get_by_test_id("editor-return-reason")).to_contain_text("验收数据")
    field(publisher, "field-acceptance_indicators").fill("连续 30 天产线实测，数据由发榜方提供")
    publisher.get_by_test_id("submit-challenge").click()
    toast(publisher, "已提交组委会审核。")

    # 5. Approved and published by the organiser.
    organiser.goto(f"{base}/organiser/contests/{contest.pk}?tab=challenges")
    actions = organiser.get_by_test_id("review-actions-JB-CALL-001")
    actions.get_by_test_id("approve").click()
    expect(actions.get_by_test_id("publish")).to_be_visible()
    actions.get_by_test_id("publish").click()
    expect(actions.get_by_test_id("close")).to_be_visible()
    challenge = Challenge.objects.get(code="JB-CALL-001")
    assert challenge.status == "published"

    # 6. A team asks a question under the public challenge.
    team = _open(new_page)
    login(team, base, login="captain@example.com", password=PASSWORD, next_path="/")
    team.goto(f"{base}/challenges/{challenge.pk}")
    field(team, "ask-text").fill("验收数据集规模有多大？")
    team.get_by_test_id("ask-submit").click()
    toast(team, "提问已提交。")
    expect(team.get_by_test_id("challenge-questions")).to_contain_text("待发榜方答复")

    # 7. The publisher answers publicly from the workspace.
    publisher.goto(f"{base}/publisher")
    box = publisher.get_by_test_id("questions-to-answer")
    expect(box).to_contain_text("验收数据集规模有多大？")
    expect(box).not_to_contain_text("星河团队")  # the asker is not named to the publisher
    field(publisher, "answer-text").fill("约 2 万张标注图像，由发榜方提供。")
    shot(publisher, "desktop-publisher-answer")
    publisher.get_by_test_id("answer-submit").click()
    toast(publisher, "已答复。")
    expect(box).to_contain_text("暂无待答复的提问。")
    question = ChallengeQuestion.objects.get()
    assert (question.visibility, question.answered_by.real_name) == ("public", "李发榜")

    # 8. Anyone sees the dated answer under the challenge, without the asking team's name.
    public = _open(new_page)
    public.goto(f"{base}/challenges/{challenge.pk}")
    qa = public.get_by_test_id("challenge-questions")
    expect(qa).to_contain_text("约 2 万张标注图像，由发榜方提供。")
    expect(qa).to_contain_text("答复于")
    expect(qa).not_to_contain_text("星河团队")
    shot(public, "desktop-challenge-questions-zh")
    public.get_by_test_id("lang-toggle").click()
    expect(qa).to_contain_text("Answered")
    shot(public, "desktop-challenge-questions-en")
    phone = _open(new_page, phone=True)
    phone.goto(f"{base}/challenges/{challenge.pk}")
    expect(phone.get_by_test_id("challenge-questions")).to_contain_text("约 2 万张标注图像")
    shot(phone, "phone-challenge-questions-zh")
    publisher.set_viewport_size({"width": 375, "height": 812})
    publisher.goto(f"{base}/publisher")
    expect(publisher.get_by_test_id("my-challenges")).to_contain_text("产线视觉缺陷检测")
    shot(publisher, "phone-publisher-home-zh")
