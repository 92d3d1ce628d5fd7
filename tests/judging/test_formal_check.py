"""The formal check (形式审查): checklist, decisions, the returned entry's correction window,
bulk pass, promotion of passed entries only, and the team told of the outcome."""

import datetime

import pytest
from django.utils import timezone

from contest.enums import EntryStatus, StageKind
from contest.errors import NotPermitted, StateConflict, ValidationFailed
from contest.models import Entry
from contest.services.entry import entry_submit, entry_update
from judging.enums import FormalCheckOutcome, FormalCheckState, PromotionRule
from judging.models import AuditLog, FormalCheckDecision, MaterialChecklist, Promotion
from judging.selectors.formal_check import checklist_of_stage, formal_queue, materials_missing
from judging.services.audit import audit_verify
from judging.services.formal_check import (
    formal_check_pass,
    formal_check_pass_bulk,
    formal_check_reject,
    formal_check_return,
    material_checklist_set,
)
from judging.services.promotion import promotion_apply
from notifications.models import Message
from tests.factories.contest import EntryFactory, StageFactory, TeamFactory, entry_plan_attach

pytestmark = pytest.mark.django_db


@pytest.fixture
def formal(contest):
    """A formal-check stage whose submission window has closed, and the next stage."""
    now = timezone.now()
    stage = StageFactory(
        contest=contest,
        name="形式审查",
        kind=StageKind.FORMAL_CHECK,
        order=1,
        submission_opens_at=now - datetime.timedelta(days=10),
        submission_closes_at=now - datetime.timedelta(days=1),
    )
    nxt = StageFactory(contest=contest, name="初赛", order=2)
    return stage, nxt


def _submitted(stage, team, **kw) -> Entry:
    entry = EntryFactory(
        team=team,
        stage=stage,
        status=EntryStatus.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(days=2),
        **kw,
    )
    entry_plan_attach(entry)
    return entry


def _in_days(days: float):
    return timezone.now() + datetime.timedelta(days=days)


def test_checklist_default_when_none_set(formal):
    stage, _ = formal
    checklist = checklist_of_stage(stage)
    assert (checklist.required_file_kinds, checklist.required_fields, checklist.is_default) == (
        ["plan"],
        ["title"],
        True,
    )


def test_checklist_set_and_missing_materials(formal, organiser, team):
    stage, _ = formal
    material_checklist_set(
        actor=organiser,
        stage=stage,
        required_file_kinds=["plan", "slides"],
        required_fields=["title", "summary"],
    )
    entry = _submitted(stage, team, summary="")
    checklist = checklist_of_stage(stage)
    assert materials_missing(entry, checklist) == {"files": ["slides"], "fields": ["summary"]}
    assert AuditLog.objects.filter(action="formal_check.checklist_set").count() == 1


def test_checklist_set_refuses_unknown_kind(formal, organiser):
    stage, _ = formal
    with pytest.raises(ValidationFailed) as e:
        material_checklist_set(
            actor=organiser, stage=stage, required_file_kinds=["poster"], required_fields=[]
        )
    assert e.value.code == "checklist_file_kind_invalid"
    assert MaterialChecklist.objects.count() == 0


def test_checklist_set_refuses_other_stage_kind(contest, organiser):
    stage = StageFactory(contest=contest, order=1)
    with pytest.raises(StateConflict) as e:
        material_checklist_set(
            actor=organiser, stage=stage, required_file_kinds=[], required_fields=[]
        )
    assert e.value.code == "stage_not_formal_check"


def test_pass_records_decision_audit_and_tells_the_team(
    formal, organiser, team, member, django_capture_on_commit_callbacks
):
    stage, _ = formal
    entry = _submitted(stage, team)
    with django_capture_on_commit_callbacks(execute=True):
        decision = formal_check_pass(actor=organiser, entry=entry)
    assert (decision.outcome, decision.reason, decision.decided_by) == ("pass", "", organiser)
    row = AuditLog.objects.get(action="formal_check.pass")
    assert (row.object_type, row.object_id) == ("Entry", str(entry.pk))
    assert audit_verify(contest=stage.contest_id).ok is True
    inbox = Message.objects.filter(event="formal_check_decided", channel="inbox")
    assert sorted(inbox.values_list("recipient_id", flat=True)) == sorted(
        [team.captain_id, member.pk]
    )
    assert list(formal_queue(stage).values_list("formal_state", flat=True)) == ["passed"]


def test_return_needs_reason_and_future_deadline(formal, organiser, team):
    stage, _ = formal
    entry = _submitted(stage, team)
    with pytest.raises(ValidationFailed) as e:
        formal_check_return(actor=organiser, entry=entry, reason=" ", deadline=_in_days(3))
    assert e.value.code == "reason_required"
    with pytest.raises(ValidationFailed) as e:
        formal_check_return(actor=organiser, entry=entry, reason="缺盖章页", deadline=None)
    assert e.value.code == "formal_deadline_required"
    with pytest.raises(ValidationFailed) as e:
        formal_check_return(actor=organiser, entry=entry, reason="缺盖章页", deadline=_in_days(-1))
    assert e.value.code == "formal_deadline_past"
    assert FormalCheckDecision.objects.count() == 0
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def test_returned_entry_edited_and_resubmitted_after_window_until_deadline(formal, organiser, team):
    stage, _ = formal
    entry = _submitted(stage, team)
    formal_check_return(actor=organiser, entry=entry, reason="缺盖章页", deadline=_in_days(3))
    entry.refresh_from_db()
    assert entry.status == EntryStatus.DRAFT
    assert list(formal_queue(stage, state="returned").values_list("pk", flat=True)) == [entry.pk]

    entry_update(actor=team.captain, entry=entry, title="修改后的作品")
    entry_submit(actor=team.captain, entry=entry)
    entry.refresh_from_db()
    assert (entry.status, entry.title) == (EntryStatus.SUBMITTED, "修改后的作品")
    queued = formal_queue(stage).get(pk=entry.pk)
    assert (queued.formal_state, queued.formal_outcome) == ("pending", "return")
    formal_check_pass(actor=organiser, entry=entry)
    assert formal_queue(stage).get(pk=entry.pk).formal_state == "passed"
    assert list(
        FormalCheckDecision.objects.filter(entry=entry)
        .order_by("decided_at", "id")
        .values_list("outcome", flat=True)
    ) == ["return", "pass"]


def test_returned_entry_after_deadline_refused(formal, organiser, team):
    stage, _ = formal
    entry = _submitted(stage, team)
    formal_check_return(actor=organiser, entry=entry, reason="缺盖章页", deadline=_in_days(3))
    FormalCheckDecision.objects.filter(entry=entry).update(deadline=_in_days(-0.01))
    with pytest.raises(StateConflict) as e:
        entry_update(actor=team.captain, entry=entry, title="太迟")
    assert e.value.code == "submission_closed"
    with pytest.raises(StateConflict) as e:
        entry_submit(actor=team.captain, entry=entry)
    assert e.value.code == "submission_closed"


def test_draft_never_returned_stays_closed(formal, team):
    stage, _ = formal
    entry = EntryFactory(team=team, stage=stage)
    with pytest.raises(StateConflict) as e:
        entry_update(actor=team.captain, entry=entry, title="迟到")
    assert e.value.code == "submission_closed"


def test_returned_entry_not_editable_by_stranger(formal, organiser, team, stranger):
    stage, _ = formal
    entry = _submitted(stage, team)
    formal_check_return(actor=organiser, entry=entry, reason="缺盖章页", deadline=_in_days(3))
    with pytest.raises(NotPermitted):
        entry_update(actor=stranger, entry=entry, title="x")


def test_reject_needs_reason_and_is_final_for_promotion(formal, organiser, team, contest):
    stage, nxt = formal
    entry = _submitted(stage, team)
    with pytest.raises(ValidationFailed) as e:
        formal_check_reject(actor=organiser, entry=entry, reason="")
    assert e.value.code == "reason_required"
    formal_check_reject(actor=organiser, entry=entry, reason="不符合参赛资格")
    assert formal_queue(stage).get(pk=entry.pk).formal_state == FormalCheckState.REJECTED
    outcome = promotion_apply(
        actor=organiser, from_stage=stage, to_stage=nxt, rule=PromotionRule.FORMAL_PASSED
    )
    assert (outcome.promoted, Entry.objects.filter(stage=nxt).count()) == ([], 0)


def test_decide_refuses_draft_other_stage_and_non_organiser(formal, organiser, team, contest):
    stage, _ = formal
    draft = EntryFactory(team=team, stage=stage)
    with pytest.raises(StateConflict) as e:
        formal_check_pass(actor=organiser, entry=draft)
    assert e.value.code == "entry_not_submitted"
    online = StageFactory(contest=contest, order=3)
    other = _submitted(online, TeamFactory(contest=contest))
    with pytest.raises(StateConflict) as e:
        formal_check_pass(actor=organiser, entry=other)
    assert e.value.code == "stage_not_formal_check"
    entry = _submitted(stage, TeamFactory(contest=contest))
    with pytest.raises(NotPermitted):
        formal_check_pass(actor=team.captain, entry=entry)
    assert FormalCheckDecision.objects.count() == 0


def test_bulk_pass_all_skips_incomplete_and_decided(formal, organiser, contest):
    stage, _ = formal
    material_checklist_set(
        actor=organiser, stage=stage, required_file_kinds=["plan"], required_fields=["summary"]
    )
    ok1 = _submitted(stage, TeamFactory(contest=contest), summary="完整")
    ok2 = _submitted(stage, TeamFactory(contest=contest), summary="完整")
    lacking = _submitted(stage, TeamFactory(contest=contest), summary="")
    rejected = _submitted(stage, TeamFactory(contest=contest), summary="完整")
    formal_check_reject(actor=organiser, entry=rejected, reason="资格不符")
    outcome = formal_check_pass_bulk(actor=organiser, stage=stage)
    assert outcome.passed == [ok1.pk, ok2.pk]
    assert outcome.skipped == [{"id": lacking.pk, "missing": {"files": [], "fields": ["summary"]}}]
    assert AuditLog.objects.filter(action="formal_check.pass").count() == 2
    assert audit_verify(contest=contest.pk).ok is True


def test_bulk_pass_listed_refuses_whole_when_one_is_not_in_queue(formal, organiser, contest):
    stage, _ = formal
    ok = _submitted(stage, TeamFactory(contest=contest))
    draft = EntryFactory(team=TeamFactory(contest=contest), stage=stage)
    with pytest.raises(ValidationFailed) as e:
        formal_check_pass_bulk(actor=organiser, stage=stage, entry_ids=[ok.pk, draft.pk])
    assert (e.value.code, e.value.details) == ("entry_not_in_stage", {"entry_ids": [draft.pk]})
    assert FormalCheckDecision.objects.count() == 0
    assert formal_check_pass_bulk(actor=organiser, stage=stage, entry_ids=[ok.pk]).passed == [ok.pk]


def test_promotion_from_formal_stage_only_passed(formal, organiser, contest):
    stage, nxt = formal
    passed = _submitted(stage, TeamFactory(contest=contest))
    returned = _submitted(stage, TeamFactory(contest=contest))
    rejected = _submitted(stage, TeamFactory(contest=contest))
    _pending = _submitted(stage, TeamFactory(contest=contest))
    formal_check_pass(actor=organiser, entry=passed)
    formal_check_return(actor=organiser, entry=returned, reason="补材料", deadline=_in_days(2))
    formal_check_reject(actor=organiser, entry=rejected, reason="资格不符")
    with pytest.raises(ValidationFailed) as e:
        promotion_apply(
            actor=organiser, from_stage=stage, to_stage=nxt, rule=PromotionRule.TOP_N, n=3
        )
    assert e.value.code == "promotion_rule_formal_only"
    outcome = promotion_apply(
        actor=organiser, from_stage=stage, to_stage=nxt, rule=PromotionRule.FORMAL_PASSED
    )
    assert outcome.promoted == [passed.pk]
    assert list(Entry.objects.filter(stage=nxt).values_list("team_id", flat=True)) == [
        passed.team_id
    ]
    assert Promotion.objects.get().rule == "formal_passed"
    # once promoted, the decision no longer changes
    with pytest.raises(StateConflict) as e:
        formal_check_reject(actor=organiser, entry=passed, reason="改判")
    assert e.value.code == "formal_check_entry_promoted"


def test_formal_passed_rule_refused_from_other_stage(contest, organiser):
    online = StageFactory(contest=contest, order=1)
    nxt = StageFactory(contest=contest, order=2)
    with pytest.raises(ValidationFailed) as e:
        promotion_apply(
            actor=organiser, from_stage=online, to_stage=nxt, rule=PromotionRule.FORMAL_PASSED
        )
    assert e.value.code == "promotion_rule_needs_formal_stage"


def test_notification_texts_per_outcome(
    formal, organiser, team, django_capture_on_commit_callbacks
):
    stage, _ = formal
    entry = _submitted(stage, team, title="智慧水务")
    with django_capture_on_commit_callbacks(execute=True):
        formal_check_return(actor=organiser, entry=entry, reason="缺盖章页", deadline=_in_days(3))
    zh = Message.objects.filter(
        event="formal_check_decided", channel="inbox", recipient=team.captain
    ).get()
    assert "退回补正" in zh.subject
    assert "缺盖章页" in zh.body
    assert FormalCheckOutcome.RETURN == "return"


def test_returned_entry_file_upload_after_window(formal, organiser, team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contest.services.entry import entry_file_upload

    stage, _ = formal
    entry = _submitted(stage, team)
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    with pytest.raises(StateConflict) as e:
        entry_file_upload(
            actor=team.captain,
            entry=entry,
            kind="slides",
            uploaded=SimpleUploadedFile("s.pdf", pdf),
        )
    assert e.value.code == "submission_closed"
    formal_check_return(actor=organiser, entry=entry, reason="补路演材料", deadline=_in_days(1))
    uploaded = entry_file_upload(
        actor=team.captain, entry=entry, kind="slides", uploaded=SimpleUploadedFile("s.pdf", pdf)
    )
    assert (uploaded.kind, uploaded.version) == ("slides", 1)
