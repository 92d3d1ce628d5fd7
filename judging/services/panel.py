"""Judge panels: invitations to a stage (whole stage or one track) and the declaration."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from contest.models import Stage
from contest.permissions import permission_require
from judging.enums import PanelStatus
from judging.errors import error
from judging.models import JudgeProfile, PanelMembership
from judging.services.audit import audit_record

DECLARATION_TEXT = (
    "本人承诺：与所评审的参赛单位及团队成员不存在利害关系（本单位、亲属、师生等），如有将主动申请回避；"
    "对评审材料、评审意见和评审结果严格保密，不复制、不外传、不用于评审以外的用途。\n"
    "I declare that I have no conflict of interest with the entrants I review (my own organisation, "
    "relatives, students) and will recuse myself if one arises; I will keep all entry materials, "
    "opinions and results confidential and use them only for this review."
)


@transaction.atomic
def judge_profile_upsert(
    *, user, organisation=None, province: str = "", title: str = "", expertise=None, bio: str = ""
) -> JudgeProfile:
    profile, _ = JudgeProfile.objects.update_or_create(
        user=user,
        defaults={
            "organisation": organisation,
            "province": province or user.province,
            "title": title,
            "expertise": list(expertise or []),
            "bio": bio,
        },
    )
    return profile


@transaction.atomic
def judge_invite(
    *,
    actor,
    stage: Stage,
    judge,
    track=None,
    min_load: int = 0,
    max_load: int = 60,
    is_chair: bool = False,
) -> PanelMembership:
    permission_require(actor, "judging.invite_judge", stage.contest)
    if track is not None and track.contest_id != stage.contest_id:
        raise error("track_not_in_contest")
    if min_load > max_load:
        raise error("invalid_load")
    if PanelMembership.objects.filter(stage=stage, judge=judge).exists():
        raise error("already_on_panel")
    JudgeProfile.objects.get_or_create(user=judge, defaults={"province": judge.province})
    return PanelMembership.objects.create(
        stage=stage,
        judge=judge,
        track=track,
        min_load=min_load,
        max_load=max_load,
        is_chair=is_chair,
    )


@transaction.atomic
def panel_accept(
    *, actor, membership: PanelMembership, declaration_accepted: bool
) -> PanelMembership:
    """The judge accepts the invitation; only with the signed declaration can they see entries."""
    membership = (
        PanelMembership.objects.select_for_update()
        .select_related("stage__contest")
        .get(pk=membership.pk)
    )
    permission_require(actor, "judging.accept_invitation", membership)
    if not declaration_accepted:
        raise error(
            "declaration_required", fields={"declaration_accepted": ["declaration_required"]}
        )
    if membership.status == PanelStatus.ACCEPTED and membership.declaration_accepted_at:
        return membership
    membership.status = PanelStatus.ACCEPTED
    membership.declaration_accepted_at = timezone.now()
    membership.declaration_text = DECLARATION_TEXT
    membership.save()
    audit_record(
        contest=membership.stage.contest,
        actor=actor,
        action="panel.declaration",
        obj=membership,
        data={
            "stage": membership.stage_id,
            "declaration_sha": hashlib.sha256(DECLARATION_TEXT.encode()).hexdigest(),
        },
    )
    return membership


@transaction.atomic
def panel_decline(*, actor, membership: PanelMembership) -> PanelMembership:
    membership = PanelMembership.objects.select_for_update().get(pk=membership.pk)
    permission_require(actor, "judging.decline_invitation", membership)
    if membership.status == PanelStatus.ACCEPTED:
        raise error("already_accepted")
    membership.status = PanelStatus.DECLINED
    membership.save(update_fields=["status"])
    return membership
