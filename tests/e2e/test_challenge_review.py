"""评榜 in the browser: a challenge's publisher, a publisher reviewer with 30 % of the score, sees
in the judges' workbench only the entry of its own challenge it does not conflict with (the team
led by its own organisation is left out), scores it and submits; the stage's result is
0.3 × the publisher's total + 0.7 × the expert's."""

from decimal import ROUND_HALF_UP, Decimal

import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, judging_stage, make_user, score_everything, shot
from .helpers import confirm_dialog, field, login, pick, toast

pytestmark = pytest.mark.browser


@pytest.fixture
def review_world(world):
    from contest.enums import ContestRoleKind
    from contest.models import ContestRole, Team
    from contest.services.user import user_organisation_set
    from judging.enums import AssignmentSource
    from judging.models import Assignment
    from judging.services.panel import panel_accept
    from judging.services.publisher_review import (
        publisher_assignments_create,
        publisher_reviewer_invite,
        publisher_weight_set,
    )

    judging = judging_stage(world, teams=2, judges=1)
    challenge = world.challenges[0]
    own, other = (e.team for e in judging.entries)
    Team.objects.filter(pk=own.pk).update(challenge=challenge)
    Team.objects.filter(pk=other.pk).update(
        challenge=challenge, lead_organisation=challenge.publisher
    )
    publisher = make_user("fabang@example.com", "李发榜")
    user_organisation_set(user=publisher, organisation=challenge.publisher)
    ContestRole.objects.create(
        contest=world.contest,
        user=publisher,
        role=ContestRoleKind.PUBLISHER,
        organisation=challenge.publisher,
    )
    organiser, stage = world.organiser, judging.stage
    publisher_weight_set(actor=organiser, stage=stage, weight="30")
    membership = publisher_reviewer_invite(actor=organiser, stage=stage, user=publisher)
    panel_accept(actor=publisher, membership=membership, declaration_accepted=True)
    for n, entry in enumerate(judging.entries, start=1):
        Assignment.objects.create(
            stage=stage,
            entry=entry,
            judge=judging.judges[0],
            source=AssignmentSource.MANUAL,
            anonymous_code=f"A-{n:04d}",
        )
    score_everything(judging)
    summary = publisher_assignments_create(actor=organiser, stage=stage)
    assert summary == {"reviewers": 1, "created": 1, "conflicts": 1}
    return judging, publisher


def test_publisher_scores_its_own_challenge_with_its_weight(live_server, new_page, review_world):
    from judging.models import Assignment, EntryResult, Review
    from judging.services.result import ranking_compute

    judging, publisher = review_world
    base = live_server.url
    page = new_page()
    login(page, base, login=publisher.email, password=PASSWORD, next_path="/judging")
    worklist = page.get_by_test_id("worklist")
    expect(worklist.locator(".el-table__body-wrapper tbody tr")).to_have_count(1)
    expect(worklist).to_contain_text("A-0001")
    expect(worklist).not_to_contain_text("A-0002")
    shot(page, "desktop-publisher-review-worklist-zh")
    assignment = Assignment.objects.get(judge=publisher)
    page.get_by_test_id(f"open-{assignment.pk}").click()
    expect(page.get_by_test_id("entry-code")).to_have_text("A-0001")
    field(page, "score-impact").fill("8.5")
    field(page, "score-novelty").fill("7")
    field(page, "score-data_value").fill("15")
    expect(page.get_by_test_id("rubric-total")).to_contain_text("77.25")
    page.get_by_test_id("submit-review").click()
    confirm_dialog(page)
    expect(page.get_by_test_id("review-locked")).to_be_visible()
    shot(page, "desktop-publisher-review-submitted-zh")

    stage = judging.stage
    ranking_compute(stage=stage)
    own, other = judging.entries
    expert = judging.judges[0]
    expert_own = Review.objects.get(entry=own, judge=expert).total
    expert_other = Review.objects.get(entry=other, judge=expert).total
    expected_own = (Decimal("0.3") * Decimal("77.25") + Decimal("0.7") * expert_own).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )
    finals = dict(EntryResult.objects.filter(stage=stage).values_list("entry_id", "final_score"))
    assert finals == {own.pk: expected_own, other.pk: expert_other.quantize(Decimal("0.0001"))}


def test_organiser_sets_the_weight_and_invites_a_publisher(live_server, new_page, world):
    from contest.enums import ContestRoleKind
    from contest.models import ContestRole
    from judging.models import PanelMembership, ResultSettings

    challenge = world.challenges[0]
    publisher = make_user("fabang@example.com", "李发榜")
    ContestRole.objects.create(
        contest=world.contest,
        user=publisher,
        role=ContestRoleKind.PUBLISHER,
        organisation=challenge.publisher,
    )
    base = live_server.url
    page = new_page()
    login(
        page,
        base,
        login=world.organiser.email,
        password=PASSWORD,
        next_path=f"/organiser/contests/{world.contest.pk}?tab=challenges",
    )
    setup = page.get_by_test_id("publisher-review-setup")
    expect(setup).to_contain_text("发榜方评榜")
    # no weight yet: inviting is refused, in Chinese
    pick(page, "publisher-invitee", "李发榜（省人民医院）")
    page.get_by_test_id("publisher-invite").click()
    expect(page.get_by_test_id("publisher-review-error")).to_contain_text(
        "请先设置本阶段的发榜方评分权重，再邀请发榜方参与评审。"
    )
    field(page, "publisher-weight").fill("30")
    page.get_by_test_id("publisher-weight-save").click()
    toast(page, "已保存")
    page.get_by_test_id("publisher-invite").click()
    expect(page.get_by_test_id("publisher-reviewers")).to_contain_text("李发榜 · 已邀请，尚未签署")
    shot(page, "desktop-publisher-review-setup-zh")
    stage = world.stages[0]
    assert str(ResultSettings.objects.get(stage=stage).publisher_weight) == "30.00"
    assert PanelMembership.objects.get(stage=stage, judge=publisher).reviewer_class == "publisher"
