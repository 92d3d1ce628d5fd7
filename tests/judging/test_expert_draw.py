"""The expert draw: reproducible from its audit row, never a conflicted expert, reserves called
on a decline or a lapse, the confirmed expert on the panel; and the pool's Excel import."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contest.errors import DomainError
from judging.draw import draw_pick
from judging.enums import ExpertPickRole, ExpertPickStatus, PanelStatus
from judging.models import AuditLog, Expert, ExpertDrawPick, PanelMembership
from judging.selectors.expert import draw_pool
from judging.services.expert_draw import (
    expert_draw_create,
    expert_draw_verify,
    expert_pick_confirm,
    expert_pick_decline,
    expert_picks_lapse,
)
from judging.services.expert_import import expert_template_build, experts_import
from tests.judging.expert_fixtures import EVENT_DAY, expert_make, expert_world_build

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert_world(db):
    return expert_world_build()


def _draw(world, **kw):
    values = {"count": 3, "reserves": 2, "fields_wanted": ["数据要素"], "event_date": EVENT_DAY}
    values.update(kw)
    return expert_draw_create(actor=world.organiser, stage=world.stage, **values)


def test_the_draw_redoes_from_its_audit_row_alone(expert_world):
    draw = _draw(expert_world)
    row = AuditLog.objects.get(contest=expert_world.contest, seq=draw.audit_seq)
    assert row.action == "expert_draw.create"
    data = row.data
    redo = draw_pick(data["seed"], data["candidates"], count=3, reserves=2)
    picks = list(draw.picks.order_by("position").values_list("role", "expert_id", "status"))
    assert [str(e) for _, e, _ in picks] == redo.picked + redo.reserves
    assert data["picked"] == redo.picked and data["reserve_order"] == redo.reserves
    assert [r for r, _, _ in picks] == ["picked"] * 3 + ["reserve"] * 2
    assert [s for _, _, s in picks] == ["invited"] * 3 + ["standby"] * 2
    assert data["candidates"] == sorted(str(e.pk) for e in expert_world.clean)
    assert data["excluded_counts"] == {
        "inactive": 1,
        "unavailable": 1,
        "fields": 1,
        "same_organisation": 3,
        "same_province": 1,
        "declared_relation": 2,
        "contestant": 1,
    }
    check = expert_draw_verify(draw=draw)
    assert check.matches is True and check.chain_ok is True and check.stored_match is True
    assert check.candidates == 12


def test_the_same_seed_and_candidates_give_the_same_draw_in_any_order(expert_world):
    draw = _draw(expert_world)
    shuffled = list(reversed(draw.candidates))
    again = draw_pick(draw.seed, shuffled, count=3, reserves=2)
    assert again.picked == [str(p.expert_id) for p in draw.picks.filter(role="picked")]
    other = draw_pick("0" * 32, draw.candidates, count=3, reserves=2)
    assert other == draw_pick("0" * 32, shuffled, count=3, reserves=2)


def test_verify_says_no_when_a_pick_was_changed_behind_the_draw(expert_world):
    draw = _draw(expert_world)
    first = draw.picks.get(position=1)
    outsider = expert_world.conflicted["same_province"]
    ExpertDrawPick.objects.filter(pk=first.pk).update(expert=outsider)
    check = expert_draw_verify(draw=draw)
    assert check.matches is False and check.stored_match is False
    assert check.recomputed_picked == check.picked


def test_conflicted_experts_are_never_drawn_over_many_draws(expert_world):
    conflicted = {e.pk for e in expert_world.conflicted.values()}
    seen: set[int] = set()
    for _ in range(40):
        draw = _draw(expert_world, count=6, reserves=6)
        drawn = set(draw.picks.values_list("expert_id", flat=True))
        assert not drawn & conflicted
        seen |= drawn
        ExpertDrawPick.objects.filter(draw=draw).update(status=ExpertPickStatus.DECLINED)
    assert seen == {e.pk for e in expert_world.clean}


def test_exclusion_reasons_name_each_rule(expert_world):
    pool = draw_pool(stage=expert_world.stage, fields_wanted=["数据要素"], event_date=EVENT_DAY)
    c = expert_world.conflicted
    assert pool.excluded == {
        str(c["same_organisation"].pk): ["same_organisation"],
        str(c["co_applicant"].pk): ["same_organisation"],
        str(c["member_organisation"].pk): ["same_organisation"],
        str(c["same_province"].pk): ["same_province"],
        str(c["declared_relation"].pk): ["declared_relation"],
        str(c["declared_relation_by_name"].pk): ["declared_relation"],
        str(c["inactive"].pk): ["inactive"],
        str(c["unavailable"].pk): ["unavailable"],
        str(c["fields"].pk): ["fields"],
        str(c["contestant"].pk): ["contestant"],
    }


def test_same_province_counts_only_when_the_contest_says_so(expert_world):
    expert_world.contest.conflict_same_province = False
    expert_world.contest.save()
    pool = draw_pool(stage=expert_world.stage)
    assert str(expert_world.conflicted["same_province"].pk) in pool.candidates


def test_the_pool_is_read_in_a_constant_number_of_queries(expert_world):
    with CaptureQueriesContext(connection) as small:
        draw_pool(stage=expert_world.stage, fields_wanted=["数据要素"], event_date=EVENT_DAY)
    for n in range(100, 160):
        expert_make(
            expert_world.contest,
            n,
            user=get_user_model().objects.create_user(
                email=f"pooled{n}@example.org", password="x", real_name=f"账号{n}"
            ),
        )
    with CaptureQueriesContext(connection) as large:
        pool = draw_pool(stage=expert_world.stage, fields_wanted=["数据要素"], event_date=EVENT_DAY)
    assert len(large) == len(small) == 12
    assert len(pool.candidates) == 72


def test_an_expert_on_the_panel_or_standing_by_is_not_drawn_again(expert_world):
    draw = _draw(expert_world, count=12, reserves=0)
    assert draw.picks.count() == 12
    with pytest.raises(DomainError) as caught:
        _draw(expert_world, count=1, reserves=0)
    assert caught.value.code == "expert_draw_too_few"
    assert caught.value.message_en == "Only 0 experts qualify; 1 are wanted (experts and reserves)."


def test_a_decline_invites_the_next_reserve(expert_world):
    draw = _draw(expert_world)
    first = draw.picks.get(position=1)
    expert_pick_decline(token=first.token)
    statuses = dict(draw.picks.values_list("position", "status"))
    assert statuses == {1: "declined", 2: "invited", 3: "invited", 4: "invited", 5: "standby"}
    fourth = draw.picks.get(position=4)
    assert fourth.invited_at is not None and fourth.respond_by > timezone.now()
    row = AuditLog.objects.filter(contest=expert_world.contest).order_by("-seq").first()
    assert row.action == "expert_draw.declined"
    assert row.data["reserve_invited"] == str(fourth.expert_id)
    with pytest.raises(DomainError) as caught:
        expert_pick_decline(token=first.token)
    assert caught.value.code == "expert_pick_not_open"


def test_a_lapse_invites_the_next_reserve_and_closes_the_link(expert_world):
    draw = _draw(expert_world)
    later = timezone.now() + datetime.timedelta(hours=49)
    assert expert_picks_lapse(now=later) == 3
    statuses = dict(draw.picks.values_list("position", "status"))
    assert statuses == {1: "lapsed", 2: "lapsed", 3: "lapsed", 4: "invited", 5: "invited"}
    with pytest.raises(DomainError) as caught:
        expert_pick_confirm(token=draw.picks.get(position=1).token, password="Secret-2026")
    assert caught.value.code == "expert_pick_not_open"


def test_confirming_makes_the_expert_a_judge_of_the_stage_on_a_new_account(expert_world):
    draw = _draw(expert_world)
    pick = draw.picks.get(position=1)
    with pytest.raises(DomainError) as caught:
        expert_pick_confirm(token=pick.token)
    assert caught.value.code == "expert_password_required"
    assert not get_user_model().objects.filter(email=pick.expert.email).exists()
    expert_pick_confirm(token=pick.token, password="Secret-2026")
    pick.refresh_from_db()
    user = get_user_model().objects.get(email=pick.expert.email)
    assert user.check_password("Secret-2026") and user.real_name == pick.expert.name
    assert pick.status == ExpertPickStatus.CONFIRMED
    membership = PanelMembership.objects.get(stage=expert_world.stage, judge=user)
    assert pick.membership == membership and membership.status == PanelStatus.INVITED
    assert user.judge_profile.province == pick.expert.province
    assert Expert.objects.get(pk=pick.expert_id).user == user


def test_confirming_uses_the_existing_account_with_the_same_email(expert_world):
    draw = _draw(expert_world)
    pick = draw.picks.get(position=2)
    user = get_user_model().objects.create_user(
        email=pick.expert.email.upper(), password="Own-pass-1", real_name="已有账号"
    )
    expert_pick_confirm(token=pick.token)
    assert PanelMembership.objects.filter(stage=expert_world.stage, judge=user).count() == 1
    assert ExpertDrawPick.objects.get(pk=pick.pk).role == ExpertPickRole.PICKED


def test_a_bad_token_is_refused(expert_world):
    with pytest.raises(DomainError) as caught:
        expert_pick_confirm(token="nope", password="x")
    assert caught.value.code == "expert_pick_token_invalid"


def test_only_organisers_draw(expert_world):
    with pytest.raises(DomainError):
        expert_draw_create(actor=expert_world.captain, stage=expert_world.stage, count=1)
    assert not ExpertDrawPick.objects.exists()


# The pool's Excel import


def test_the_template_example_row_imports(expert_world):
    report = experts_import(
        actor=expert_world.organiser,
        contest=expert_world.contest,
        fileobj=io.BytesIO(expert_template_build(expert_world.contest)),
    )
    assert report.errors == [] and report.created == 1


def test_the_import_reports_bad_rows_and_imports_the_good_ones(expert_world):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(expert_template_build(expert_world.contest)))
    ws = wb.active
    example = [c.value for c in ws[2]]
    ws.append(["", *example[1:]])  # row 3: no name
    bad_uscc = list(example)
    bad_uscc[0], bad_uscc[2] = "坏代码专家", "123"
    ws.append(bad_uscc)  # row 4
    good = list(example)
    good[0], good[6], good[7] = "第二位专家", "13911112222", "second@example.org"
    ws.append(good)  # row 5
    bad_date = list(good)
    bad_date[0], bad_date[6], bad_date[7], bad_date[9] = "日期错", "", "", "明天"
    ws.append(bad_date)  # row 6
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    before = Expert.objects.count()
    report = experts_import(
        actor=expert_world.organiser, contest=expert_world.contest, fileobj=buffer
    )
    assert report.created == 2
    assert [(e["row"], e["column"]) for e in report.errors] == [
        (3, "姓名 Name"),
        (4, "单位统一社会信用代码 Organisation USCC"),
        (6, "手机 Mobile"),
        (6, "不可参加日期 Unavailable dates"),
    ]
    assert Expert.objects.count() == before + 2


def test_the_picked_and_then_the_reserve_are_notified_with_their_own_link(
    expert_world, django_capture_on_commit_callbacks
):
    from notifications.models import Message

    with django_capture_on_commit_callbacks(execute=True):
        draw = _draw(expert_world)
    picked = list(draw.picks.filter(role="picked").select_related("expert"))
    emails = Message.objects.filter(event="expert_invited", channel="email")
    assert sorted(emails.values_list("address", "link")) == sorted(
        (p.expert.email, f"/expert-invitation/{p.token}") for p in picked
    )
    with django_capture_on_commit_callbacks(execute=True):
        expert_pick_decline(token=picked[0].token)
    reserve = draw.picks.select_related("expert").get(position=4)
    assert emails.filter(address=reserve.expert.email).count() == 1


def test_a_confirmed_expert_signs_the_declaration_like_any_judge_and_is_not_drawn_again(
    expert_world,
):
    from judging.services.panel import panel_accept
    from tests.factories.contest import OrganisationFactory

    draw = _draw(expert_world)
    pick = draw.picks.select_related("expert").get(position=1)
    OrganisationFactory(uscc=pick.expert.organisation_uscc, province="北京")
    expert_pick_confirm(token=pick.token, password="Zhuanjia-2026!")
    pick.refresh_from_db()
    membership = panel_accept(
        actor=pick.expert.user, membership=pick.membership, declaration_accepted=True
    )
    assert membership.can_review is True
    pool = draw_pool(stage=expert_world.stage)
    assert pool.excluded[str(pick.expert_id)] == ["on_panel", "already_drawn"]
