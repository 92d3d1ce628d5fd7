"""The awards side of a correction (更正) of a stage's published results.

`awards_mark_stale` receives `judging.signals.snapshot_withdrawn` (`awards.receivers`): every
award proposed from the withdrawn snapshot becomes *stale* (it keeps the status it had in
`status_before_stale`); stale awards cannot be noticed, changed or get certificates; open notices
listing them close as stale, with the correction's reason.

When the stage's awards are proposed again from the new snapshot (`awards_propose` calls
`stale_awards_reconcile`), each stale award that had been published (in a notice or final) is
compared, by team, with the new proposal:

* same team, same tier — *unchanged*: the award is kept (its rank and score follow the new
  snapshot); a final one stays final with its certificates, one whose notice was cut short goes
  to the new notice;
* same team, another tier — *changed*: the old award is removed and its certificates revoked with
  the correction's reason; the new award `supersedes` it, so the certificates issued for it once
  final replace the revoked ones (`replaces`, same person);
* team no longer wins — *removed*: removed, certificates revoked.

Stale awards that were only proposed are replaced as any proposal is. If anything published
changed, the changed part goes to a new 公示 (`notice_follow_up_open`, the contest's minimum
length) that lists the changes and links to the last notice of the withdrawn list.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from awards.enums import AwardStatus, NoticeStatus
from awards.models import Award, Notice
from contest.models import Stage
from judging.models import ResultSnapshot
from judging.services.audit import audit_record


@transaction.atomic
def awards_mark_stale(*, snapshot: ResultSnapshot, reason: str, actor) -> list[int]:
    """Mark the awards proposed from `snapshot` stale and close their open notices as stale.

    A consequence of `results_correction_open` (whose permission was checked there), in its
    transaction; audited as `awards.stale`. Returns the ids of the awards marked."""
    awards = list(
        Award.objects.select_for_update()
        .filter(snapshot=snapshot)
        .exclude(status__in=[AwardStatus.REMOVED, AwardStatus.STALE])
    )
    if not awards:
        return []
    now = timezone.now()
    for award in awards:
        award.status_before_stale = award.status
        award.status = AwardStatus.STALE
        award.stale_reason = reason
        award.updated_at = now
    Award.objects.bulk_update(
        awards, ["status_before_stale", "status", "stale_reason", "updated_at"]
    )
    notice_ids = sorted(
        {a.notice_id for a in awards if a.notice_id and a.status_before_stale != AwardStatus.FINAL}
    )
    closed = list(
        Notice.objects.filter(pk__in=notice_ids, status=NoticeStatus.OPEN).values_list(
            "pk", flat=True
        )
    )
    Notice.objects.filter(pk__in=closed).update(status=NoticeStatus.STALE, stale_reason=reason)
    audit_record(
        contest=snapshot.stage.contest_id,
        actor=actor,
        action="awards.stale",
        obj=snapshot.stage,
        reason=reason,
        data={
            "snapshot": snapshot.pk,
            "snapshot_version": snapshot.version,
            "awards": [a.pk for a in awards],
            "notices": closed,
        },
    )
    return [a.pk for a in awards]


@dataclass
class Reconciled:
    """What re-proposing after a correction did to the stale awards."""

    to_create: list[Award]
    kept: list[int] = field(default_factory=list)
    changed: list[dict] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    follows: Notice | None = None
    reason: str = ""

    def summary(self) -> dict:
        return {"kept": self.kept, "changes": self.changed, "revoked": self.revoked}

    def notice_changed_part(self, *, actor, awards: list[Award]) -> Notice | None:
        """Open the 公示 of the changed part (the proposed awards of this proposal)."""
        if self.follows is None:
            return None
        listed = [a.pk for a in awards if a.status == AwardStatus.PROPOSED]
        if not listed and not self.changed:
            return None
        from awards.services.notice import notice_follow_up_open  # notice imports award

        by_id = {a.pk: a for a in awards}
        changes = list(self.changed)  # the re-tiered (by their old award) and the removed
        for pk in listed:
            award = by_id[pk]
            if award.supersedes_id is None:
                changes.append(
                    {
                        "action": "relist" if pk in self.kept else "add",
                        "award": pk,
                        "team_name": award.team.name,
                        "tier_name": award.tier.name,
                        "before_tier_name": "",
                        "reason": self.reason,
                    }
                )
        return notice_follow_up_open(
            actor=actor,
            notice=self.follows,
            award_ids=listed,
            changes=changes,
            reason=self.reason,
        )


def stale_awards_reconcile(
    *, actor, stage: Stage, snapshot: ResultSnapshot, new: list[Award]
) -> Reconciled:
    """Compare the stage's stale awards with the new proposal `new` (unsaved); see the module
    docstring. Returns the awards still to create and what happened to the stale ones."""
    stale = list(
        Award.objects.select_for_update(of=("self",))
        .filter(stage=stage, status=AwardStatus.STALE)
        .select_related("tier", "team", "notice")
        .order_by("id")
    )
    published = {a.team_id: a for a in stale if a.status_before_stale != AwardStatus.PROPOSED}
    # only ever proposed: nothing was published, they are replaced as any proposal is
    Award.objects.filter(
        pk__in=[a.pk for a in stale if a.status_before_stale == AwardStatus.PROPOSED]
    ).delete()
    reason = next((a.stale_reason for a in stale if a.stale_reason), "成绩更正")
    noticed = [a.notice for a in stale if a.notice_id]
    result = Reconciled(
        to_create=[],
        follows=max(noticed, key=lambda n: (n.opens_at, n.pk)) if noticed else None,
        reason=f"成绩更正：{reason}",
    )
    now = timezone.now()
    for award in new:
        old = published.pop(award.team_id, None)
        if old is None:
            result.to_create.append(award)
            continue
        if old.tier_id == award.tier_id:
            was_final = old.status_before_stale == AwardStatus.FINAL
            old.status = AwardStatus.FINAL if was_final else AwardStatus.PROPOSED
            old.notice = old.notice if was_final else None
            old.snapshot, old.entry_id = snapshot, award.entry_id
            old.rank, old.tied, old.final_score = award.rank, award.tied, award.final_score
            old.group_key, old.group_name = award.group_key, award.group_name
            old.status_before_stale, old.updated_at = "", now
            old.save()
            result.kept.append(old.pk)
            continue
        result.revoked += _old_remove(actor=actor, award=old, reason=result.reason)
        award.supersedes = old
        result.to_create.append(award)
        result.changed.append(
            {
                "action": "change_tier",
                "award": old.pk,
                "team_name": old.team.name,
                "tier_name": award.tier.name,
                "before_tier_name": old.tier.name,
                "reason": result.reason,
            }
        )
    for old in published.values():
        result.revoked += _old_remove(actor=actor, award=old, reason=result.reason)
        result.changed.append(
            {
                "action": "remove",
                "award": old.pk,
                "team_name": old.team.name,
                "tier_name": old.tier.name,
                "before_tier_name": old.tier.name,
                "reason": result.reason,
            }
        )
    return result


def _old_remove(*, actor, award: Award, reason: str) -> list[str]:
    from awards.services.award import _certificates_revoke

    award.status = AwardStatus.REMOVED
    award.status_before_stale = ""
    award.reason = reason
    award.save()
    revoked = _certificates_revoke(actor=actor, award=award, reason=reason)
    audit_record(
        contest=award.contest_id,
        actor=actor,
        action="award.remove",
        obj=award,
        reason=reason,
        data={"correction": True, "certificates_revoked": revoked},
    )
    return revoked
