"""Judge panels: invitations to a stage (whole stage or one track) and the declaration.

A captain, member or advisor of any team of the contest is never its judge: refused at the
invitation and at the acceptance (and, should they join a team later, every entry of the contest
leaves their worklist through `judging.selectors.conflict`). Before signing, the judge must have
stated their organisation or that they have none, and lists their relatives and students."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from contest.identity import id_number_normalise
from contest.models import Stage
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from judging.enums import PanelStatus
from judging.errors import error
from judging.models import DeclaredRelation, JudgeProfile, PanelMembership
from judging.selectors.conflict import judge_is_contestant, judge_usccs
from judging.services.audit import audit_record
from judging.signals import panel_invited

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
    if judge_is_contestant(judge=judge, contest=stage.contest):
        raise error("judge_is_contestant", judge_name=judge.real_name)
    JudgeProfile.objects.get_or_create(user=judge, defaults={"province": judge.province})
    membership = PanelMembership.objects.create(
        stage=stage,
        judge=judge,
        track=track,
        min_load=min_load,
        max_load=max_load,
        is_chair=is_chair,
    )
    panel_invited.send(sender=PanelMembership, membership=membership)
    return membership


def _judge_organisation_stated(judge) -> bool:
    judge = type(judge).objects.get(pk=judge.pk)
    return (
        judge.organisation_stated
        or JudgeProfile.objects.filter(user_id=judge.pk, organisation__isnull=False).exists()
    )


def _relations_clean(
    *, membership: PanelMembership, judge, relations: list[dict]
) -> list[DeclaredRelation]:
    rows = []
    for item in relations:
        row = DeclaredRelation(
            membership=membership,
            contest=membership.stage.contest,
            judge=judge,
            name=(item.get("name") or "").strip(),
            id_number=id_number_normalise(item.get("id_number") or ""),
            relation=item.get("relation") or "",
        )
        full_clean_or_raise(row)
        rows.append(row)
    return rows


@transaction.atomic
def panel_accept(
    *,
    actor,
    membership: PanelMembership,
    declaration_accepted: bool,
    relations: list[dict] | None = None,
) -> PanelMembership:
    """The judge accepts the invitation; only with the signed declaration can they see entries.

    Refused while the judge is on a team of the contest, and until they have stated their
    organisation (or none). `relations` lists the relatives and students the judge names
    ({name, id_number, relation: relative | student}); they are stored with the declaration and
    conflict with every team that has such a member or advisor. The declaration, the judge's
    organisations (USCC) and the relations (ID numbers as SHA-256) go on the audit chain."""
    membership = (
        PanelMembership.objects.select_for_update()
        .select_related("stage__contest", "judge")
        .get(pk=membership.pk)
    )
    permission_require(actor, "judging.accept_invitation", membership)
    if not declaration_accepted:
        raise error(
            "declaration_required", fields={"declaration_accepted": ["declaration_required"]}
        )
    judge = membership.judge
    contest = membership.stage.contest
    if judge_is_contestant(judge=judge, contest=contest):
        raise error("judge_is_contestant", judge_name=judge.real_name)
    if not _judge_organisation_stated(judge):
        raise error("organisation_not_stated", fields={"organisation": ["organisation_not_stated"]})
    if membership.status == PanelStatus.ACCEPTED and membership.declaration_accepted_at:
        return membership
    rows = _relations_clean(membership=membership, judge=judge, relations=list(relations or []))
    membership.status = PanelStatus.ACCEPTED
    membership.declaration_accepted_at = timezone.now()
    membership.declaration_text = DECLARATION_TEXT
    membership.save()
    DeclaredRelation.objects.bulk_create(rows)
    audit_record(
        contest=contest,
        actor=actor,
        action="panel.declaration",
        obj=membership,
        data={
            "stage": membership.stage_id,
            "declaration_sha": hashlib.sha256(DECLARATION_TEXT.encode()).hexdigest(),
            "organisations": sorted(judge_usccs(judge=judge)),
            "relations": [
                {
                    "name": r.name,
                    "relation": r.relation,
                    "id_sha": hashlib.sha256(r.id_number.encode()).hexdigest()
                    if r.id_number
                    else "",
                }
                for r in rows
            ],
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
