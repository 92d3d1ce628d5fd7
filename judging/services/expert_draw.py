"""The expert draw (专家抽取): a reproducible random draw from the pool, the invitations, the
answers, and the reserves a decline or a lapse calls.

The recipe (docs/developer/expert-pool.md): the candidates are `judging.selectors.expert.draw_pool`
(the pool ∩ fields ∩ available, minus every conflict), as sorted string keys; the seed is
`draw_seed_new()`; the drawn order is `judging.draw.draw_order(seed, candidates)`; the first
`count` are picked, the next `reserves` stand by in order. The audit row ``expert_draw.create``
holds the seed, the candidates, the excluded keys with reasons, and the result, so
`expert_draw_verify` (or anyone with the row) redoes the draw from it alone.

A picked expert is invited at once (notification with a personal link, `pick.token`). Confirming
makes them a judge of the stage through `judging.services.panel.judge_invite`, on the account with
their e-mail or mobile, or on one created for them then (they choose its password on the
confirmation page), so assignment and the live final see an ordinary panel member. A decline, or
no answer by `respond_by`, invites the next reserve. Every step is on the audit chain.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from contest.models import Organisation, Stage
from contest.permissions import permission_require
from judging.draw import draw_pick, draw_seed_new
from judging.enums import ExpertPickRole, ExpertPickStatus
from judging.errors import error
from judging.models import AuditLog, ExpertDraw, ExpertDrawPick, PanelMembership
from judging.selectors.expert import draw_pool
from judging.services.audit import audit_record, audit_verify
from judging.services.panel import judge_invite, judge_profile_upsert
from judging.signals import expert_invited

COUNT_MAX = 200
DRAW_ACTION = "expert_draw.create"


def _invite(pick: ExpertDrawPick, draw: ExpertDraw, now) -> None:
    pick.status = ExpertPickStatus.INVITED
    pick.invited_at = now
    pick.respond_by = now + datetime.timedelta(hours=draw.response_hours)
    pick.save(update_fields=["status", "invited_at", "respond_by"])
    expert_invited.send(sender=ExpertDrawPick, pick=pick)


@transaction.atomic
def expert_draw_create(
    *,
    actor,
    stage: Stage,
    track=None,
    count: int,
    reserves: int = 0,
    fields_wanted=(),
    event_date: datetime.date | None = None,
    response_hours: int = 48,
) -> ExpertDraw:
    """Draw `count` experts and up to `reserves` reserves for the stage (or one track of it);
    refused when fewer than `count` qualify. The picked are invited at once."""
    contest = stage.contest
    permission_require(actor, "judging.draw_experts", contest)
    if track is not None and track.contest_id != contest.pk:
        raise error("track_not_in_contest")
    if not 1 <= count <= COUNT_MAX or not 0 <= reserves <= COUNT_MAX:
        raise error("expert_draw_count_invalid", count_max=COUNT_MAX, fields={"count": ["invalid"]})
    fields_wanted = sorted({str(f).strip() for f in fields_wanted or [] if str(f).strip()})
    pool = draw_pool(stage=stage, track=track, fields_wanted=fields_wanted, event_date=event_date)
    if len(pool.candidates) < count:
        raise error("expert_draw_too_few", available=len(pool.candidates), wanted=count + reserves)
    seed = draw_seed_new()
    result = draw_pick(seed, pool.candidates, count=count, reserves=reserves)
    draw = ExpertDraw.objects.create(
        stage=stage,
        track=track,
        count=count,
        reserves=reserves,
        fields_wanted=fields_wanted,
        event_date=event_date,
        response_hours=response_hours,
        seed=seed,
        candidates=pool.candidates,
        excluded=pool.excluded,
        created_by=actor,
    )
    picks = [
        ExpertDrawPick(
            draw=draw,
            expert_id=int(key),
            position=position,
            role=ExpertPickRole.PICKED if position <= count else ExpertPickRole.RESERVE,
            status=ExpertPickStatus.STANDBY,
        )
        for position, key in enumerate(result.picked + result.reserves, start=1)
    ]
    ExpertDrawPick.objects.bulk_create(picks)
    row = audit_record(
        contest=contest,
        actor=actor,
        action=DRAW_ACTION,
        obj=draw,
        data={
            "stage": stage.pk,
            "track": track.pk if track else None,
            "count": count,
            "reserves": reserves,
            "fields_wanted": fields_wanted,
            "event_date": event_date.isoformat() if event_date else None,
            "algorithm": "HMAC-SHA256(seed, key) ascending; first count picked, next reserves",
            "seed": seed,
            "candidates": pool.candidates,
            "excluded": pool.excluded,
            "excluded_counts": pool.excluded_counts,
            "picked": result.picked,
            "reserve_order": result.reserves,
        },
    )
    draw.audit_seq = row.seq
    draw.save(update_fields=["audit_seq"])
    now = timezone.now()
    for pick in ExpertDrawPick.objects.filter(draw=draw, role=ExpertPickRole.PICKED).order_by(
        "position"
    ):
        _invite(pick, draw, now)
    return draw


@dataclass(frozen=True)
class DrawCheck:
    """Whether the draw redoes from its audit row, and whether the picks stored match it."""

    matches: bool
    chain_ok: bool
    seed: str
    candidates: int
    picked: list[str]
    reserve_order: list[str]
    recomputed_picked: list[str]
    recomputed_reserve_order: list[str]
    stored_match: bool


def expert_draw_verify(*, draw: ExpertDraw) -> DrawCheck:
    """Redo the draw from the recorded seed and candidates on its audit row and compare with what
    the row and the pick rows say; also walk the contest's audit chain."""
    contest_id = draw.stage.contest_id
    row = AuditLog.objects.get(contest_id=contest_id, seq=draw.audit_seq, action=DRAW_ACTION)
    data = row.data
    redo = draw_pick(
        data["seed"], data["candidates"], count=data["count"], reserves=data["reserves"]
    )
    stored = list(draw.picks.order_by("position").values_list("role", "expert_id"))
    stored_picked = [str(e) for role, e in stored if role == ExpertPickRole.PICKED]
    stored_reserves = [str(e) for role, e in stored if role == ExpertPickRole.RESERVE]
    stored_match = (
        stored_picked == redo.picked
        and stored_reserves == redo.reserves
        and draw.seed == data["seed"]
        and list(draw.candidates) == list(data["candidates"])
    )
    matches = redo.picked == data["picked"] and redo.reserves == data["reserve_order"]
    return DrawCheck(
        matches=matches and stored_match,
        chain_ok=audit_verify(contest=contest_id).ok,
        seed=data["seed"],
        candidates=len(data["candidates"]),
        picked=list(data["picked"]),
        reserve_order=list(data["reserve_order"]),
        recomputed_picked=redo.picked,
        recomputed_reserve_order=redo.reserves,
        stored_match=stored_match,
    )


def _promote_next(*, draw: ExpertDraw, after: ExpertDrawPick, actor, now) -> ExpertDrawPick | None:
    """Invite the first reserve standing by, in drawn order; None when none is left."""
    reserve = (
        ExpertDrawPick.objects.select_for_update()
        .filter(draw=draw, role=ExpertPickRole.RESERVE, status=ExpertPickStatus.STANDBY)
        .order_by("position")
        .first()
    )
    audit_data = {
        "draw": draw.pk,
        "expert": str(after.expert_id),
        "position": after.position,
        "status": after.status,
        "reserve_invited": str(reserve.expert_id) if reserve else None,
        "reserve_position": reserve.position if reserve else None,
    }
    audit_record(
        contest=draw.stage.contest_id,
        actor=actor,
        action=f"expert_draw.{after.status}",
        obj=after,
        data=audit_data,
    )
    if reserve is not None:
        _invite(reserve, draw, now)
    return reserve


def pick_by_token(token: str) -> ExpertDrawPick:
    pick = (
        ExpertDrawPick.objects.select_related("draw__stage__contest", "draw__track", "expert")
        .filter(token=token or "")
        .first()
    )
    if pick is None:
        raise error("expert_pick_token_invalid")
    return pick


def _locked(pick: ExpertDrawPick) -> ExpertDrawPick:
    return (
        ExpertDrawPick.objects.select_for_update(of=("self",))
        .select_related("draw__stage__contest", "draw__track", "draw__created_by", "expert")
        .get(pk=pick.pk)
    )


def _open_or_raise(pick: ExpertDrawPick, now) -> None:
    """Only an invitation still open may be answered; one past its time is refused as lapsed
    (`expert_picks_lapse` records the lapse and calls the reserve)."""
    status = pick.status
    if status == ExpertPickStatus.INVITED and pick.respond_by and pick.respond_by < now:
        status = ExpertPickStatus.LAPSED
    if status != ExpertPickStatus.INVITED:
        raise error("expert_pick_not_open", status=ExpertPickStatus(status).label)


def expert_pick_decline(*, token: str, actor=None) -> ExpertDrawPick:
    """The expert declines (through their link): the next reserve is invited."""
    with transaction.atomic():
        pick = _locked(pick_by_token(token))
        now = timezone.now()
        _open_or_raise(pick, now)
        pick.status = ExpertPickStatus.DECLINED
        pick.responded_at = now
        pick.save(update_fields=["status", "responded_at"])
        _promote_next(draw=pick.draw, after=pick, actor=actor, now=now)
    return pick


def _password_check(password: str, expert) -> None:
    """The project's password rules, as at sign-up."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    candidate = get_user_model()(
        email=expert.email or "", mobile=expert.mobile or "", real_name=expert.name
    )
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise error(
            "password_too_weak",
            fields={"password": list(exc.messages)},
            details={"reasons": sorted({e.code for e in exc.error_list if e.code})},
        ) from exc


def _account_match(expert):
    q = Q(pk__in=[])
    if expert.email:
        q |= Q(email__iexact=expert.email)
    if expert.mobile:
        q |= Q(mobile=expert.mobile)
    return get_user_model().objects.filter(q).order_by("pk").first()


def expert_has_account(expert) -> bool:
    """Whether confirming will use an existing account (so no password is asked for)."""
    return expert.user_id is not None or _account_match(expert) is not None


def _account_for(expert, password: str | None):
    if expert.user_id:
        return expert.user
    user = _account_match(expert)
    if user is None:
        if not password:
            raise error("expert_password_required", fields={"password": ["required"]})
        _password_check(password, expert)
        from contest.services.user import user_register

        user = user_register(
            real_name=expert.name,
            password=password,
            email=expert.email or None,
            mobile=expert.mobile or None,
            province=expert.province,
        )
    expert.user = user
    expert.save(update_fields=["user"])
    return user


def expert_pick_confirm(*, token: str, password: str | None = None, actor=None) -> ExpertDrawPick:
    """The expert confirms: they join the stage's panel (for the draw's track, if any) as an
    invited judge, on their account (created now if they have none: `password` is then required).
    They then sign the panel declaration like every judge."""
    with transaction.atomic():
        pick = _locked(pick_by_token(token))
        now = timezone.now()
        _open_or_raise(pick, now)
        draw, expert = pick.draw, pick.expert
        user = _account_for(expert, password)
        organisation = (
            Organisation.objects.filter(uscc=expert.organisation_uscc).first()
            if expert.organisation_uscc
            else None
        )
        profile = getattr(user, "judge_profile", None)
        judge_profile_upsert(
            user=user,
            organisation=organisation or (profile.organisation if profile else None),
            province=expert.province,
            title=expert.title,
            expertise=expert.fields,
            bio=profile.bio if profile else "",
        )
        membership = PanelMembership.objects.filter(stage=draw.stage, judge=user).first()
        if membership is None:
            membership = judge_invite(
                actor=draw.created_by, stage=draw.stage, judge=user, track=draw.track
            )
        pick.status = ExpertPickStatus.CONFIRMED
        pick.responded_at = now
        pick.membership = membership
        pick.save(update_fields=["status", "responded_at", "membership"])
        audit_record(
            contest=draw.stage.contest_id,
            actor=actor if actor is not None else user,
            action="expert_draw.confirmed",
            obj=pick,
            data={
                "draw": draw.pk,
                "expert": str(expert.pk),
                "position": pick.position,
                "judge": user.pk,
                "membership": membership.pk,
            },
        )
    return pick


def expert_picks_lapse(*, now=None) -> int:
    """Mark invitations past their answer-by time as lapsed and invite the next reserves. Run
    periodically (the `judging.expert_picks_lapse` task); returns how many lapsed."""
    now = now or timezone.now()
    lapsed = 0
    ids = list(
        ExpertDrawPick.objects.filter(
            status=ExpertPickStatus.INVITED, respond_by__lt=now
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            pick = _locked(ExpertDrawPick(pk=pk))
            if pick.status != ExpertPickStatus.INVITED or pick.respond_by >= now:
                continue
            pick.status = ExpertPickStatus.LAPSED
            pick.save(update_fields=["status"])
            _promote_next(draw=pick.draw, after=pick, actor=None, now=now)
            lapsed += 1
    return lapsed
