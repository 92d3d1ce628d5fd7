"""Public notice (公示) of the proposed award list, objections (异议) and finalising the list.

* `notice_open` publishes the contest's (or one stage's) proposed awards for N calendar or working
  days; the window end follows `awards.workdays.notice_window_end` (end of the last day,
  Asia/Shanghai) and is stored.
* `objection_submit` is accepted only inside the window, only from a logged-in account with a real
  name, with a reason, a contact and evidence files (PDF/PNG/JPEG, checked by content); an objection
  on behalf of an organisation must carry at least one file (its sealed letter). Who objected is
  visible to organisers only.
* `objection_resolve`: upheld or rejected with reasoning; an upheld objection may change the list
  (`award_add`, `award_tier_change`, `award_remove` with the objection attached). Both are
  audited.
* `notice_finalise`: once the window has closed and no objection is open, the list becomes final.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from awards.enums import AwardStatus, NoticeStatus, ObjectionStatus
from awards.errors import error
from awards.models import Award, AwardTier, Notice, Objection, ObjectionFile
from awards.services.award import award_add, award_remove, award_tier_change
from awards.workdays import local_date, notice_window_end
from contest.errors import NotPermitted
from contest.files import upload_check
from contest.models import Contest, Organisation, Stage, Team
from contest.permissions import permission_require
from judging.services.audit import audit_record

EVIDENCE_TYPES = ("pdf", "png", "jpeg")
MAX_EVIDENCE_FILES = 10
MAX_NOTICE_DAYS = 60


def evidence_max_bytes() -> int:
    return getattr(settings, "OBJECTION_FILE_MAX_BYTES", 10 * 1024 * 1024)


class NoticePhase:
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    FINAL = "final"


def notice_phase(notice: Notice, *, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if notice.status == NoticeStatus.FINAL:
        return NoticePhase.FINAL
    if now < notice.opens_at:
        return NoticePhase.SCHEDULED
    if now <= notice.closes_at:
        return NoticePhase.OPEN
    return NoticePhase.CLOSED


# --------------------------------------------------------------------------------------------
# Opening


@transaction.atomic
def notice_open(
    *,
    actor,
    days: int,
    working_days: bool,
    contest: Contest | None = None,
    stage: Stage | None = None,
    opens_at: dt.datetime | None = None,
    title: str = "",
) -> Notice:
    """Publish the proposed awards of the contest (or of one stage) for `days` (working) days.

    Every proposed award of the scope moves into the notice; the window end is computed once and
    stored. Awards added by hand (special, organiser awards) belong to the contest scope."""
    if contest is None and stage is None:
        raise error("scope_required")
    contest = stage.contest if stage is not None else contest
    permission_require(actor, "awards.open_notice", contest)
    if not 1 <= int(days) <= MAX_NOTICE_DAYS:
        raise error(
            "notice_days_range", max_days=MAX_NOTICE_DAYS, fields={"days": ["notice_days_range"]}
        )
    opens_at = opens_at or timezone.now()
    awards = Award.objects.select_for_update().filter(contest=contest, status=AwardStatus.PROPOSED)
    if stage is not None:
        awards = awards.filter(stage=stage)
    award_ids = list(awards.values_list("pk", flat=True))
    if not award_ids:
        raise error("no_proposed_awards")
    closes_at = notice_window_end(opens_at, days=int(days), working_days=working_days)
    notice = Notice.objects.create(
        contest=contest,
        stage=stage,
        title=title.strip() or f"{contest.name}{stage.name if stage else ''}拟获奖名单公示",
        days=int(days),
        working_days=working_days,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
    )
    Award.objects.filter(pk__in=award_ids).update(
        status=AwardStatus.IN_NOTICE, notice=notice, updated_at=timezone.now()
    )
    audit_record(
        contest=contest,
        actor=actor,
        action="notice.open",
        obj=notice,
        data={
            "stage": stage.pk if stage else None,
            "days": notice.days,
            "working_days": working_days,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "awards": award_ids,
        },
    )
    return notice


# --------------------------------------------------------------------------------------------
# Objections


def _login_required() -> NotPermitted:
    return error("login_required")


@transaction.atomic
def objection_submit(
    *,
    actor,
    notice: Notice,
    reason: str,
    contact: str,
    award: Award | None = None,
    on_behalf_of: str = "",
    files=(),
    now: dt.datetime | None = None,
) -> Objection:
    """File an objection during the notice window, under the actor's real name."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise _login_required()
    if not (actor.real_name or "").strip():
        raise error("real_name_required")
    phase = notice_phase(notice, now=now)
    if phase == NoticePhase.SCHEDULED:
        raise error("notice_not_open")
    if phase in (NoticePhase.CLOSED, NoticePhase.FINAL):
        raise error(
            "notice_closed", closes_at=f"{timezone.localtime(notice.closes_at):%Y-%m-%d %H:%M:%S}"
        )
    if award is not None and award.notice_id != notice.pk:
        raise error("award_not_in_notice", fields={"award": ["award_not_in_notice"]})
    reason, contact, on_behalf_of = (
        (reason or "").strip(),
        (contact or "").strip(),
        (on_behalf_of or "").strip(),
    )
    fields = {}
    if not reason:
        fields["reason"] = ["required"]
    if not contact:
        fields["contact"] = ["required"]
    if fields:
        raise error("objection_incomplete", fields=fields)
    files = list(files or [])
    if len(files) > MAX_EVIDENCE_FILES:
        raise error(
            "too_many_files", max_files=MAX_EVIDENCE_FILES, fields={"files": ["too_many_files"]}
        )
    if on_behalf_of and not files:
        raise error("sealed_letter_required", fields={"files": ["sealed_letter_required"]})
    checked = [
        upload_check(f, allowed=EVIDENCE_TYPES, max_bytes=evidence_max_bytes()) for f in files
    ]

    objection = Objection.objects.create(
        notice=notice,
        award=award,
        objector=actor,
        objector_name=actor.real_name.strip(),
        on_behalf_of=on_behalf_of,
        contact=contact,
        reason=reason,
    )
    for upload, check in zip(files, checked, strict=True):
        evidence = ObjectionFile(
            objection=objection,
            original_name=(upload.name or "evidence")[:255],
            file_type=check.file_type,
            content_type=check.content_type,
            size=check.size,
            sha256=check.sha256,
        )
        evidence.file.save(
            f"{check.sha256}.{upload.name.rsplit('.', 1)[-1].lower()}", upload, save=False
        )
        evidence.save()
    audit_record(
        contest=notice.contest_id,
        actor=actor,
        action="objection.submit",
        obj=objection,
        reason=reason,
        data={
            "notice": notice.pk,
            "award": award.pk if award else None,
            "on_behalf_of": on_behalf_of,
            "files": [c.sha256 for c in checked],
        },
    )
    return objection


def _change_from_spec(change: dict, contest_id: int) -> dict:
    """Resolve the ids of one requested list change, all within the contest."""
    values = {"action": change.get("action")}
    award_id = change.get("award")
    if award_id is not None:
        values["award"] = Award.objects.filter(pk=award_id, contest_id=contest_id).first()
        if values["award"] is None:
            raise error("award_not_in_contest")
    tier_id = change.get("tier")
    if tier_id is not None:
        values["tier"] = AwardTier.objects.filter(pk=tier_id, contest_id=contest_id).first()
    team_id = change.get("team")
    if team_id is not None:
        values["team"] = Team.objects.filter(pk=team_id, contest_id=contest_id).first()
        if values["team"] is None:
            raise error("team_not_in_contest")
    organisation_id = change.get("organisation")
    if organisation_id is not None:
        values["organisation"] = Organisation.objects.filter(pk=organisation_id).first()
    return values


def _change_apply(
    *,
    actor,
    contest: Contest,
    objection: Objection,
    action: str,
    reason: str,
    award: Award | None = None,
    tier: AwardTier | None = None,
    team: Team | None = None,
    organisation: Organisation | None = None,
) -> Award:
    """Apply one change an upheld objection asks for, through the service of that change."""
    if action == "add":
        return award_add(
            actor=actor,
            contest=contest,
            tier=tier,
            team=team,
            organisation=organisation,
            reason=reason,
            objection=objection,
        )
    if action not in ("change_tier", "remove"):
        raise error("invalid_action", fields={"action": ["invalid_action"]})
    if award is None:
        raise error("award_required")
    if action == "change_tier":
        return award_tier_change(
            actor=actor, award=award, tier=tier, reason=reason, objection=objection
        )
    return award_remove(actor=actor, award=award, reason=reason, objection=objection)


@transaction.atomic
def objection_resolve(
    *,
    actor,
    objection: Objection,
    decision: str,
    resolution: str,
    changes: list[dict] | tuple = (),
) -> Objection:
    """Resolve an objection: upheld or rejected, with reasoning. When upheld, `changes` (each
    `{"action": "remove"|"change_tier"|"add", "award"?, "tier"?, "team"?, "organisation"?}`)
    are applied to the list through `award_add`, `award_tier_change` or `award_remove`, each
    audited with this objection."""
    notice = objection.notice
    permission_require(actor, "awards.resolve_objection", notice.contest)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise error("objection_resolved")
    if notice.status == NoticeStatus.FINAL:
        raise error("notice_final")
    if decision not in (ObjectionStatus.UPHELD, ObjectionStatus.REJECTED):
        raise error("invalid_decision", fields={"decision": ["invalid_decision"]})
    resolution = (resolution or "").strip()
    if not resolution:
        raise error("resolution_required", fields={"resolution": ["resolution_required"]})
    if changes and decision != ObjectionStatus.UPHELD:
        raise error("changes_need_upheld")
    objection.status = decision
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save()
    applied = []
    for change in changes:
        values = _change_from_spec(change, notice.contest_id)
        if values.get("award") is not None and values["award"].notice_id != notice.pk:
            raise error("award_not_in_notice")
        award = _change_apply(
            actor=actor,
            contest=notice.contest,
            objection=objection,
            reason=f"异议 #{objection.pk} 成立：{resolution}",
            **values,
        )
        applied.append({"action": values["action"], "award": award.pk})
    audit_record(
        contest=notice.contest_id,
        actor=actor,
        action=f"objection.{decision}",
        obj=objection,
        reason=resolution,
        data={"notice": notice.pk, "changes": applied},
    )
    return objection


# --------------------------------------------------------------------------------------------
# Finalising


@transaction.atomic
def notice_finalise(*, actor, notice: Notice, now: dt.datetime | None = None) -> Notice:
    """Make the list final: the window must have closed and every objection be resolved."""
    permission_require(actor, "awards.finalise_awards", notice.contest)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    phase = notice_phase(notice, now=now)
    if phase == NoticePhase.FINAL:
        raise error("notice_final")
    if phase in (NoticePhase.SCHEDULED, NoticePhase.OPEN):
        closes = timezone.localtime(notice.closes_at)
        raise error("notice_window_open", closes_at=f"{closes:%Y-%m-%d %H:%M:%S}")
    open_count = notice.objections.filter(status=ObjectionStatus.OPEN).count()
    if open_count:
        raise error(
            "objections_open",
            count=open_count,
            details={"open_objections": open_count},
        )
    now = now or timezone.now()
    final_ids = list(
        notice.awards.filter(status=AwardStatus.IN_NOTICE).values_list("pk", flat=True)
    )
    Award.objects.filter(pk__in=final_ids).update(status=AwardStatus.FINAL, updated_at=now)
    notice.status = NoticeStatus.FINAL
    notice.finalised_by = actor
    notice.finalised_at = now
    notice.save()
    audit_record(
        contest=notice.contest_id,
        actor=actor,
        action="notice.finalise",
        obj=notice,
        data={"awards": final_ids, "final_on": local_date(now)},
    )
    return notice
