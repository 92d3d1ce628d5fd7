"""Public notice windows in Asia/Shanghai (calendar and working days, holidays, 调休), objections
(anonymous, no real name, late, evidence), resolving them (an upheld one changes the list) and
finalising."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from awards.enums import AwardStatus, CalendarDayKind, NoticeStatus, ObjectionStatus
from awards.models import Award, CalendarDay, Notice, ObjectionFile
from awards.services.notice import (
    notice_finalise,
    notice_open,
    notice_phase,
    objection_resolve,
    objection_submit,
)
from awards.workdays import SHANGHAI, is_working_day, notice_window_end, working_days_between
from contest.errors import NotPermitted, StateConflict, ValidationFailed
from judging.models import AuditLog
from judging.services.audit import audit_verify
from tests.factories.awards import (
    AwardFactory,
    AwardTierFactory,
    CalendarDayFactory,
    NoticeFactory,
    ObjectionFactory,
)
from tests.factories.contest import (
    StageFactory,
    TeamFactory,
    UserFactory,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def sh(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _calendar_as_each_test_states(db):
    """These tests state their own calendar: start from none (the migration preloads China's
    official days; tests/awards/test_calendar.py covers that)."""
    CalendarDay.objects.all().delete()


@pytest.fixture
def qingming(db):
    """2026: Saturday 4 April to Monday 6 April off (清明节)."""
    for day in (4, 5, 6):
        CalendarDayFactory(date=dt.date(2026, 4, day), kind=CalendarDayKind.HOLIDAY, name="清明节")


# --------------------------------------------------------------------------------------------
# Working days and the window end


def test_window_calendar_days_counts_opening_day(db):
    # Opens Friday 10:00 for 7 calendar days: Fri 3 … Thu 9, closes at the end of Thursday.
    assert notice_window_end(sh(2026, 4, 3, 10), days=7, working_days=False) == sh(
        2026, 4, 9, 23, 59, 59, 999999
    )


def test_window_working_days_skips_weekend_and_holiday(qingming):
    # Opens Friday 3 April 10:00, 5 working days; Sat–Mon off → Fri 3, Tue 7, Wed 8, Thu 9, Fri 10.
    assert notice_window_end(sh(2026, 4, 3, 10), days=5, working_days=True) == sh(
        2026, 4, 10, 23, 59, 59, 999999
    )


def test_window_working_days_without_holiday(db):
    assert notice_window_end(sh(2026, 4, 3, 10), days=5, working_days=True) == sh(
        2026, 4, 9, 23, 59, 59, 999999
    )


def test_window_opening_on_holiday_starts_next_working_day(qingming):
    # Opens Saturday 4 April (a holiday weekend): day 1 is Tuesday 7 April.
    assert notice_window_end(sh(2026, 4, 4, 9), days=1, working_days=True) == sh(
        2026, 4, 7, 23, 59, 59, 999999
    )


def test_window_adjusted_working_weekend_counts(db):
    # 国庆 2026: Thu 1 – Wed 7 October off, Saturday 10 October worked (调休).
    for day in range(1, 8):
        CalendarDayFactory(date=dt.date(2026, 10, day), kind=CalendarDayKind.HOLIDAY)
    CalendarDayFactory(date=dt.date(2026, 10, 10), kind=CalendarDayKind.WORKDAY, name="国庆调休")
    # Opens Wednesday 30 September 15:00, 3 working days: Wed 30, Thu 8, Fri 9.
    assert notice_window_end(sh(2026, 9, 30, 15), days=3, working_days=True) == sh(
        2026, 10, 9, 23, 59, 59, 999999
    )
    # 4 working days: … and Saturday 10 October.
    assert notice_window_end(sh(2026, 9, 30, 15), days=4, working_days=True) == sh(
        2026, 10, 10, 23, 59, 59, 999999
    )


def test_window_opening_late_evening_utc_is_next_day_in_shanghai(db):
    # 2026-04-02 17:30 UTC is Friday 3 April 01:30 in Shanghai: Friday is day 1.
    opens = dt.datetime(2026, 4, 2, 17, 30, tzinfo=dt.UTC)
    assert notice_window_end(opens, days=1, working_days=False) == sh(
        2026, 4, 3, 23, 59, 59, 999999
    )


def test_is_working_day_rules(qingming):
    assert is_working_day(dt.date(2026, 4, 3)) is True  # Friday
    assert is_working_day(dt.date(2026, 4, 6)) is False  # Monday, holiday
    assert is_working_day(dt.date(2026, 4, 11)) is False  # Saturday
    assert working_days_between(dt.date(2026, 4, 3), dt.date(2026, 4, 10)) == 5


# --------------------------------------------------------------------------------------------
# Opening


def test_notice_open_publishes_proposed_awards(organiser, contest, qingming):
    stage = StageFactory(contest=contest, order=1)
    proposed = AwardFactory(contest=contest, stage=stage)
    removed = AwardFactory(contest=contest, stage=stage, status=AwardStatus.REMOVED)
    notice = notice_open(
        actor=organiser,
        stage=stage,
        days=5,
        working_days=True,
        opens_at=sh(2026, 4, 3, 10),
        now=sh(2026, 4, 3, 10),  # the clock (as the demo's timeline sets it)
    )
    assert notice.closes_at == sh(2026, 4, 10, 23, 59, 59, 999999)
    assert notice.title == f"{contest.name}{stage.name}拟获奖名单公示"
    proposed.refresh_from_db()
    removed.refresh_from_db()
    assert (proposed.status, proposed.notice) == (AwardStatus.IN_NOTICE, notice)
    assert (removed.status, removed.notice) == (AwardStatus.REMOVED, None)
    assert AuditLog.objects.get(action="notice.open").data["awards"] == [proposed.pk]


def test_notice_open_without_proposed_awards_refused(organiser, contest):
    with pytest.raises(StateConflict) as exc:
        notice_open(actor=organiser, contest=contest, days=5, working_days=True)
    assert exc.value.code == "no_proposed_awards"


def test_notice_open_by_stranger_refused(contest):
    AwardFactory(contest=contest)
    with pytest.raises(NotPermitted):
        notice_open(actor=UserFactory(), contest=contest, days=5, working_days=True)


def test_notice_phase_edges(contest):
    notice = NoticeFactory(
        contest=contest, opens_at=sh(2026, 4, 3, 10), closes_at=sh(2026, 4, 10, 23, 59, 59, 999999)
    )
    assert notice_phase(notice, now=sh(2026, 4, 3, 9, 59, 59)) == "scheduled"
    assert notice_phase(notice, now=sh(2026, 4, 3, 10)) == "open"
    assert notice_phase(notice, now=sh(2026, 4, 10, 23, 59, 59)) == "open"
    assert notice_phase(notice, now=sh(2026, 4, 11, 0, 0, 0)) == "closed"


# --------------------------------------------------------------------------------------------
# Objections


@pytest.fixture
def notice(contest, organiser):
    notice = NoticeFactory(
        contest=contest,
        created_by=organiser,
        opens_at=sh(2026, 4, 3, 10),
        closes_at=sh(2026, 4, 10, 23, 59, 59, 999999),
    )
    AwardFactory(contest=contest, status=AwardStatus.IN_NOTICE, notice=notice)
    return notice


@pytest.fixture
def objector(db):
    return UserFactory(real_name="实名异议人")


def submit(notice, actor, *, now, **values):
    values.setdefault("reason", "获奖作品涉嫌抄袭。")
    values.setdefault("contact", "13800000000")
    return objection_submit(actor=actor, notice=notice, now=now, **values)


def test_objection_submit_last_second_accepted(notice, objector):
    objection = submit(notice, objector, now=sh(2026, 4, 10, 23, 59, 59))
    assert (objection.status, objection.objector_name) == (ObjectionStatus.OPEN, "实名异议人")


def test_objection_submit_after_window_refused(notice, objector):
    with pytest.raises(StateConflict) as exc:
        submit(notice, objector, now=sh(2026, 4, 11, 0, 0, 0))
    assert exc.value.code == "notice_closed"
    assert "2026-04-10 23:59:59" in exc.value.message_zh


def test_objection_submit_before_window_refused(notice, objector):
    with pytest.raises(StateConflict) as exc:
        submit(notice, objector, now=sh(2026, 4, 3, 9))
    assert exc.value.code == "notice_not_open"


def test_objection_submit_anonymous_refused(notice):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotPermitted) as exc:
        submit(notice, AnonymousUser(), now=sh(2026, 4, 5))
    assert exc.value.code == "login_required"


def test_objection_submit_without_real_name_refused(notice):
    with pytest.raises(ValidationFailed) as exc:
        submit(notice, UserFactory(real_name=" "), now=sh(2026, 4, 5))
    assert exc.value.code == "real_name_required"


def test_objection_submit_without_reason_or_contact_refused(notice, objector):
    with pytest.raises(ValidationFailed) as exc:
        submit(notice, objector, now=sh(2026, 4, 5), reason="", contact="")
    assert (exc.value.code, sorted(exc.value.fields)) == (
        "objection_incomplete",
        ["contact", "reason"],
    )


def test_objection_submit_for_organisation_needs_sealed_letter(notice, objector):
    with pytest.raises(ValidationFailed) as exc:
        submit(notice, objector, now=sh(2026, 4, 5), on_behalf_of="某科技有限公司")
    assert exc.value.code == "sealed_letter_required"
    objection = submit(
        notice,
        objector,
        now=sh(2026, 4, 5),
        on_behalf_of="某科技有限公司",
        files=[SimpleUploadedFile("盖章函.pdf", PDF)],
    )
    evidence = ObjectionFile.objects.get(objection=objection)
    assert (evidence.original_name, evidence.file_type, evidence.size) == (
        "盖章函.pdf",
        "pdf",
        len(PDF),
    )


def test_objection_submit_evidence_type_checked(notice, objector):
    with pytest.raises(ValidationFailed) as exc:
        submit(
            notice,
            objector,
            now=sh(2026, 4, 5),
            files=[SimpleUploadedFile("x.exe", b"MZ\x90\x00" + b"\x00" * 60)],
        )
    assert exc.value.code == "file_type_not_allowed"


def test_objection_submit_evidence_size_limited(notice, objector, settings):
    settings.OBJECTION_FILE_MAX_BYTES = 50
    with pytest.raises(ValidationFailed) as exc:
        submit(notice, objector, now=sh(2026, 4, 5), files=[SimpleUploadedFile("a.pdf", PDF)])
    assert exc.value.code == "file_too_large"


def test_objection_submit_award_of_other_notice_refused(notice, objector, contest):
    other = AwardFactory(contest=contest)
    with pytest.raises(ValidationFailed) as exc:
        submit(notice, objector, now=sh(2026, 4, 5), award=other)
    assert exc.value.code == "award_not_in_notice"


# --------------------------------------------------------------------------------------------
# Resolving and finalising


def test_objection_upheld_removes_award_and_changes_list(notice, organiser, objector, contest):
    award = notice.awards.get()
    objection = submit(notice, objector, now=sh(2026, 4, 5), award=award)
    objection = objection_resolve(
        actor=organiser,
        objection=objection,
        decision="upheld",
        resolution="经核查，作品与已发表论文高度雷同，取消获奖资格。",
        changes=[{"action": "remove", "award": award.pk}],
    )
    award.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    assert award.status == AwardStatus.REMOVED
    remove_log = AuditLog.objects.get(action="award.remove")
    assert remove_log.data["objection"] == objection.pk
    upheld = AuditLog.objects.get(action="objection.upheld").data
    assert [(c["action"], c["award"]) for c in upheld["changes"]] == [("remove", award.pk)]
    follow_up = Notice.objects.get(follows=notice)
    assert upheld["follow_up_notice"] == follow_up.pk
    assert [c["action"] for c in follow_up.changes] == ["remove"]
    assert audit_verify(contest=contest).ok is True


def test_objection_upheld_changes_tier_and_adds_award(notice, organiser, objector, contest):
    award = notice.awards.get()
    lower = AwardTierFactory(contest=contest, name="三等奖", order=9)
    team = TeamFactory(contest=contest)
    objection = submit(notice, objector, now=sh(2026, 4, 5), award=award)
    objection_resolve(
        actor=organiser,
        objection=objection,
        decision="upheld",
        resolution="评分录入有误，更正。",
        changes=[
            {"action": "change_tier", "award": award.pk, "tier": lower.pk},
            {"action": "add", "tier": award.tier_id, "team": team.pk},
        ],
    )
    award.refresh_from_db()
    added = Award.objects.get(team=team)
    assert award.tier == lower
    follow_up = Notice.objects.get(follows=notice)
    assert (added.status, added.notice) == (AwardStatus.IN_NOTICE, follow_up)
    assert (award.status, award.notice) == (AwardStatus.IN_NOTICE, follow_up)


def test_objection_rejected_with_changes_refused(notice, organiser, objector):
    award = notice.awards.get()
    objection = submit(notice, objector, now=sh(2026, 4, 5))
    with pytest.raises(ValidationFailed) as exc:
        objection_resolve(
            actor=organiser,
            objection=objection,
            decision="rejected",
            resolution="理由不成立",
            changes=[{"action": "remove", "award": award.pk}],
        )
    assert exc.value.code == "changes_need_upheld"


def test_objection_resolve_twice_refused(notice, organiser, objector):
    objection = submit(notice, objector, now=sh(2026, 4, 5))
    objection_resolve(
        actor=organiser, objection=objection, decision="rejected", resolution="不成立"
    )
    with pytest.raises(StateConflict) as exc:
        objection_resolve(
            actor=organiser, objection=objection, decision="upheld", resolution="成立"
        )
    assert exc.value.code == "objection_resolved"


def test_objection_resolve_needs_reasoning(notice, organiser, objector):
    objection = submit(notice, objector, now=sh(2026, 4, 5))
    with pytest.raises(ValidationFailed) as exc:
        objection_resolve(actor=organiser, objection=objection, decision="rejected", resolution="")
    assert exc.value.code == "resolution_required"


def test_objection_resolve_by_stranger_refused(notice, objector):
    objection = submit(notice, objector, now=sh(2026, 4, 5))
    with pytest.raises(NotPermitted):
        objection_resolve(actor=objector, objection=objection, decision="rejected", resolution="x")


def test_notice_finalise_during_window_refused(notice, organiser):
    with pytest.raises(StateConflict) as exc:
        notice_finalise(actor=organiser, notice=notice, now=sh(2026, 4, 10, 23, 59, 59))
    assert exc.value.code == "notice_window_open"


def test_notice_finalise_with_open_objection_refused(notice, organiser):
    ObjectionFactory(notice=notice)
    with pytest.raises(StateConflict) as exc:
        notice_finalise(actor=organiser, notice=notice, now=sh(2026, 4, 11))
    assert (exc.value.code, exc.value.details) == ("objections_open", {"open_objections": 1})


def test_notice_finalise_makes_awards_final(notice, organiser, objector):
    removed = AwardFactory(contest=notice.contest, status=AwardStatus.REMOVED, notice=notice)
    objection = submit(notice, objector, now=sh(2026, 4, 5))
    objection_resolve(
        actor=organiser, objection=objection, decision="rejected", resolution="不成立"
    )
    notice = notice_finalise(actor=organiser, notice=notice, now=sh(2026, 4, 11, 0, 0, 0))
    assert notice.status == NoticeStatus.FINAL
    assert list(notice.awards.values_list("status", flat=True).order_by("pk")) == [
        AwardStatus.FINAL,
        AwardStatus.REMOVED,
    ]
    removed.refresh_from_db()
    assert removed.status == AwardStatus.REMOVED
    with pytest.raises(StateConflict) as exc:
        notice_finalise(actor=organiser, notice=notice, now=sh(2026, 4, 12))
    assert exc.value.code == "notice_final"
    assert Notice.objects.get().finalised_by == organiser
