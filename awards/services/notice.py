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

Issue 9 (the phases hold): a notice opens now or later, never in the past, and lasts at least
the contest's minimum (`awards.services.settings`, default 5 working days). An upheld objection
needs its consequence — the award changes, or "no change" with the resolution as its reason — and
the changed part goes back to 公示: a follow-up notice (`follows`) lists only the changed awards
and the changes. The list is final only when every notice of the chain (the first and its
follow-ups) is closed with no objection open; finalising records the audit chain's head on it.
A correction of the results marks open notices on its awards stale (`awards.services.correction`).
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
from awards.services.settings import award_settings_get
from awards.signals import awards_finalised, notice_opened, objection_resolved, objection_submitted
from awards.workdays import local_date, notice_window_end
from contest.errors import NotPermitted
from contest.files import upload_check
from contest.models import Contest, Organisation, Stage, Team
from contest.permissions import permission_require
from judging.services.audit import audit_record

EVIDENCE_TYPES = ("pdf", "png", "jpeg")
MAX_EVIDENCE_FILES = 10
MAX_NOTICE_DAYS = 60
# A client's "now" may lag the server's by a little: within this, opens_at is taken as now.
OPENS_AT_TOLERANCE = dt.timedelta(minutes=5)


def evidence_max_bytes() -> int:
    return getattr(settings, "OBJECTION_FILE_MAX_BYTES", 10 * 1024 * 1024)


class NoticePhase:
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"
    FINAL = "final"
    STALE = "stale"


def notice_phase(notice: Notice, *, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    if notice.status == NoticeStatus.FINAL:
        return NoticePhase.FINAL
    if notice.status == NoticeStatus.STALE:
        return NoticePhase.STALE
    if now < notice.opens_at:
        return NoticePhase.SCHEDULED
    if now <= notice.closes_at:
        return NoticePhase.OPEN
    return NoticePhase.CLOSED


# --------------------------------------------------------------------------------------------
# Opening


def _local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M:%S}"


def notice_window_check(
    *, contest: Contest, days: int, working_days: bool, opens_at: dt.datetime | None, now
) -> tuple[dt.datetime, dt.datetime]:
    """(opens_at, closes_at) of a new notice: never in the past, at least the contest's minimum.

    Codes: notice_days_range, notice_opens_in_past, notice_too_short."""
    if not 1 <= int(days) <= MAX_NOTICE_DAYS:
        raise error(
            "notice_days_range", max_days=MAX_NOTICE_DAYS, fields={"days": ["notice_days_range"]}
        )
    if opens_at is None or now - OPENS_AT_TOLERANCE <= opens_at < now:
        opens_at = now
    if opens_at < now:
        raise error(
            "notice_opens_in_past",
            opens_at=_local(opens_at),
            fields={"opens_at": ["notice_opens_in_past"]},
        )
    closes_at = notice_window_end(opens_at, days=int(days), working_days=working_days)
    rules = award_settings_get(contest)
    minimum = notice_window_end(
        opens_at, days=rules.notice_min_days, working_days=rules.notice_min_working_days
    )
    if closes_at < minimum:
        raise error(
            "notice_too_short",
            min_days=rules.notice_min_days,
            unit="工作日" if rules.notice_min_working_days else "自然日",
            closes_at=_local(closes_at),
            fields={"days": ["notice_too_short"]},
            details={
                "min_days": rules.notice_min_days,
                "min_working_days": rules.notice_min_working_days,
                "min_closes_at": minimum.isoformat(),
            },
        )
    return opens_at, closes_at


def _notice_create(
    *,
    actor,
    contest: Contest,
    stage: Stage | None,
    award_ids: list[int],
    days: int,
    working_days: bool,
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    title: str,
    follows: Notice | None = None,
    changes: list[dict] | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Notice:
    notice = Notice.objects.create(
        contest=contest,
        stage=stage,
        title=title,
        days=int(days),
        working_days=working_days,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
        follows=follows,
        changes=changes or [],
    )
    if now is not None and now < notice.created_at - OPENS_AT_TOLERANCE:
        # the demo seed's timeline: the notice was created at its `now`
        Notice.objects.filter(pk=notice.pk).update(created_at=now)
        notice.created_at = now
    elif notice.opens_at < notice.created_at:  # the window lies at or after its creation
        notice.opens_at = notice.created_at
        notice.closes_at = notice_window_end(
            notice.opens_at, days=notice.days, working_days=working_days
        )
        notice.save(update_fields=["opens_at", "closes_at"])
    Award.objects.filter(pk__in=award_ids).update(
        status=AwardStatus.IN_NOTICE, notice=notice, updated_at=timezone.now()
    )
    audit_record(
        contest=contest,
        actor=actor,
        action="notice.open",
        obj=notice,
        reason=reason,
        data={
            "stage": stage.pk if stage else None,
            "days": notice.days,
            "working_days": working_days,
            "opens_at": notice.opens_at,
            "closes_at": notice.closes_at,
            "awards": award_ids,
            "follows": follows.pk if follows else None,
            "changes": changes or [],
        },
    )
    notice_opened.send(sender=Notice, notice=notice)
    return notice


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
    now: dt.datetime | None = None,
) -> Notice:
    """Publish the proposed awards of the contest (or of one stage) for `days` (working) days.

    Every proposed award of the scope moves into the notice; the window end is computed once and
    stored. Awards added by hand (special, organiser awards) belong to the contest scope. The
    window opens now or later (notice_opens_in_past) and lasts at least the contest's minimum
    (notice_too_short); awards from corrected results must be proposed again first
    (stale_awards_pending). `now` is the clock (the demo seed's timeline); the API never sets it."""
    if contest is None and stage is None:
        raise error("scope_required")
    contest = stage.contest if stage is not None else contest
    permission_require(actor, "awards.open_notice", contest)
    now = now or timezone.now()
    opens_at, closes_at = notice_window_check(
        contest=contest, days=days, working_days=working_days, opens_at=opens_at, now=now
    )
    scope = Award.objects.filter(contest=contest)
    if stage is not None:
        scope = scope.filter(stage=stage)
    stale = scope.filter(status=AwardStatus.STALE).count()
    if stale:
        raise error("stale_awards_pending", count=stale, details={"stale_awards": stale})
    awards = scope.select_for_update().filter(status=AwardStatus.PROPOSED)
    award_ids = list(awards.values_list("pk", flat=True))
    if not award_ids:
        raise error("no_proposed_awards")
    notice = _notice_create(
        actor=actor,
        contest=contest,
        stage=stage,
        award_ids=award_ids,
        days=days,
        working_days=working_days,
        opens_at=opens_at,
        closes_at=closes_at,
        title=title.strip() or f"{contest.name}{stage.name if stage else ''}拟获奖名单公示",
        now=now,
    )
    return notice


def notice_follow_up_open(
    *, actor, notice: Notice, award_ids: list[int], changes: list[dict], reason: str
) -> Notice:
    """Open the notice of a changed part of `notice`'s list (upheld objection, correction): now,
    for the contest's minimum, listing only `award_ids` and the `changes`. Inside the caller's
    transaction; the caller has checked the permission of the change."""
    rules = award_settings_get(notice.contest_id)
    now = timezone.now()
    opens_at, closes_at = notice_window_check(
        contest=notice.contest,
        days=rules.notice_min_days,
        working_days=rules.notice_min_working_days,
        opens_at=now,
        now=now,
    )
    return _notice_create(
        actor=actor,
        contest=notice.contest,
        stage=notice.stage,
        award_ids=award_ids,
        days=rules.notice_min_days,
        working_days=rules.notice_min_working_days,
        opens_at=opens_at,
        closes_at=closes_at,
        title=f"{notice.title}（变更部分）",
        follows=notice,
        changes=changes,
        reason=reason,
    )


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
    if phase == NoticePhase.STALE:
        raise error("notice_stale", reason=notice.stale_reason)
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
    objection_submitted.send(sender=Objection, objection=objection)
    return objection


def _change_from_spec(change: dict, contest_id: int) -> dict:
    """Resolve the ids of one requested list change, all within the contest."""
    values = {
        "action": change.get("action"),
        "quota_override_reason": (change.get("quota_override_reason") or "").strip(),
    }
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
    quota_override_reason: str = "",
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
            quota_override_reason=quota_override_reason,
        )
    if action not in ("change_tier", "remove"):
        raise error("invalid_action", fields={"action": ["invalid_action"]})
    if award is None:
        raise error("award_required")
    if action == "change_tier":
        return award_tier_change(
            actor=actor,
            award=award,
            tier=tier,
            reason=reason,
            objection=objection,
            quota_override_reason=quota_override_reason,
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
    no_change: bool = False,
) -> Objection:
    """Resolve an objection: upheld or rejected, with reasoning.

    An upheld objection needs its consequence (consequence_required): `changes` (each
    `{"action": "remove"|"change_tier"|"add", "award"?, "tier"?, "team"?, "organisation"?,
    "quota_override_reason"?}`), applied through `award_add`, `award_tier_change` or
    `award_remove`, each audited with this objection — or `no_change=True`, the resolution being
    its reason. A changed list goes back to 公示 for the changed part: a follow-up notice opens
    now for the contest's minimum length, listing the added and re-tiered awards and every change
    (removals included), linked to this notice."""
    notice = objection.notice
    permission_require(actor, "awards.resolve_objection", notice.contest)
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise error("objection_resolved")
    if notice.status == NoticeStatus.FINAL:
        raise error("notice_final")
    if notice.status == NoticeStatus.STALE:
        raise error("notice_stale", reason=notice.stale_reason)
    if decision not in (ObjectionStatus.UPHELD, ObjectionStatus.REJECTED):
        raise error("invalid_decision", fields={"decision": ["invalid_decision"]})
    resolution = (resolution or "").strip()
    if not resolution:
        raise error("resolution_required", fields={"resolution": ["resolution_required"]})
    changes = list(changes or [])
    if (changes or no_change) and decision != ObjectionStatus.UPHELD:
        raise error("changes_need_upheld")
    if decision == ObjectionStatus.UPHELD and changes and no_change:
        raise error("no_change_with_changes", fields={"no_change": ["no_change_with_changes"]})
    if decision == ObjectionStatus.UPHELD and not changes and not no_change:
        raise error("consequence_required", fields={"changes": ["consequence_required"]})
    objection.status = decision
    objection.resolution = resolution
    objection.resolved_by = actor
    objection.resolved_at = timezone.now()
    objection.save()
    reason = f"异议 #{objection.pk} 成立：{resolution}"
    applied, relisted = [], []
    for change in changes:
        values = _change_from_spec(change, notice.contest_id)
        before = values.get("award")
        if before is not None and before.notice_id != notice.pk:
            raise error("award_not_in_notice")
        before_tier = before.tier.name if before is not None else ""
        award = _change_apply(
            actor=actor, contest=notice.contest, objection=objection, reason=reason, **values
        )
        applied.append(
            {
                "action": values["action"],
                "award": award.pk,
                "team_name": award.team.name if award.team_id else "",
                "organisation_name": award.organisation.name if award.organisation_id else "",
                "tier_name": award.tier.name,
                "before_tier_name": before_tier,
                "reason": reason,
            }
        )
        if award.status != AwardStatus.REMOVED:
            relisted.append(award.pk)
    follow_up = None
    if applied:
        follow_up = notice_follow_up_open(
            actor=actor, notice=notice, award_ids=relisted, changes=applied, reason=reason
        )
    audit_record(
        contest=notice.contest_id,
        actor=actor,
        action=f"objection.{decision}",
        obj=objection,
        reason=resolution,
        data={
            "notice": notice.pk,
            "changes": applied,
            "no_change": bool(no_change),
            "follow_up_notice": follow_up.pk if follow_up else None,
        },
    )
    objection_resolved.send(sender=Objection, objection=objection)
    return objection


# --------------------------------------------------------------------------------------------
# Finalising


def notice_chain(notice: Notice) -> list[Notice]:
    """The first notice of `notice`'s list and all its follow-ups (not the stale ones)."""
    root = notice
    while root.follows_id:
        root = Notice.objects.get(pk=root.follows_id)
    chain, frontier = [], [root]
    while frontier:
        chain.extend(frontier)
        frontier = list(
            Notice.objects.filter(follows__in=frontier).exclude(status=NoticeStatus.STALE)
        )
    return chain


@transaction.atomic
def notice_finalise(*, actor, notice: Notice, now: dt.datetime | None = None) -> Notice:
    """Make the list final: every notice of its chain (the first and the follow-ups of changed
    parts) must have closed with every objection resolved; they all become final together, and
    the audit chain's head (hash, row count) after this decision is recorded on each."""
    permission_require(actor, "awards.finalise_awards", notice.contest)
    notice = Notice.objects.select_for_update().get(pk=notice.pk)
    phase = notice_phase(notice, now=now)
    if phase == NoticePhase.FINAL:
        raise error("notice_final")
    if phase == NoticePhase.STALE:
        raise error("notice_stale", reason=notice.stale_reason)
    if phase in (NoticePhase.SCHEDULED, NoticePhase.OPEN):
        raise error("notice_window_open", closes_at=_local(notice.closes_at))
    chain = [n for n in notice_chain(notice) if n.status != NoticeStatus.FINAL]
    for other in chain:
        if notice_phase(other, now=now) in (NoticePhase.SCHEDULED, NoticePhase.OPEN):
            raise error(
                "follow_up_notice_open",
                closes_at=_local(other.closes_at),
                details={"notice": other.pk},
            )
    open_count = Objection.objects.filter(notice__in=chain, status=ObjectionStatus.OPEN).count()
    if open_count:
        raise error(
            "objections_open",
            count=open_count,
            details={"open_objections": open_count},
        )
    now = now or timezone.now()
    final_ids = list(
        Award.objects.filter(notice__in=chain, status=AwardStatus.IN_NOTICE).values_list(
            "pk", flat=True
        )
    )
    Award.objects.filter(pk__in=final_ids).update(status=AwardStatus.FINAL, updated_at=now)
    ids = [n.pk for n in chain]
    Notice.objects.filter(pk__in=ids).update(
        status=NoticeStatus.FINAL, finalised_by=actor, finalised_at=now
    )
    row = audit_record(
        contest=notice.contest_id,
        actor=actor,
        action="notice.finalise",
        obj=notice,
        data={"awards": final_ids, "final_on": local_date(now), "notices": ids},
    )
    Notice.objects.filter(pk__in=ids).update(chain_head=row.hash, chain_rows=row.seq)
    notice.refresh_from_db()
    awards_finalised.send(sender=Notice, notice=notice, notice_ids=ids)
    return notice
