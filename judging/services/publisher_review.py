"""评榜 by publishers: a challenge's publisher reviews the entries for its own challenges as a
reviewer class of the stage's panel, with an organiser-set weight.

Not a parallel scoring system: the publisher is a `PanelMembership` with
``reviewer_class=publisher``; it signs the panel declaration like any judge (`panel_accept`, with
its declared relatives and students), is given `Assignment`s to the entries whose team took one
of its organisation's challenges, and scores them through the ordinary review services with the
stage's rubric. Conflicts are the judges' rules (`judging.selectors.conflict`): the organisations
a person publishes for count as theirs, so a publisher never scores an entrant of its own
organisation, and declared relations apply.

The weight (`ResultSettings.publisher_weight`, a percentage) is set per stage before scoring
starts (phase rule ``results.reviewer_weight``: preparing or submissions; and no review of the
stage exists) and fixed afterwards (`publisher_weight_locked`). Aggregation
(`judging.aggregation.results_compute`, ``reviewer_classes``/``class_weights``): the stage's
method is applied to the experts' totals and to the publishers' totals separately, and an
entry's score is ``w * publisher + (1 - w) * experts``; an entry only one class reviewed gets
that class's score. Every step is on the contest's audit chain.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction

from contest.enums import EntryStatus
from contest.models import Entry, Stage
from contest.permissions import permission_require, publisher_organisation_ids
from judging.enums import AssignmentSource, PanelStatus, ReviewerClass
from judging.errors import error
from judging.models import Assignment, JudgeProfile, PanelMembership, Review
from judging.phases import phase_allows, phase_require, stage_phase
from judging.selectors.conflict import conflict_exists
from judging.services.assignment import _code_for, _codes_for_stage
from judging.services.audit import audit_record
from judging.services.panel import judge_invite
from judging.services.result import result_settings_ensure
from judging.signals import assignments_ready

WEIGHT_MAX = Decimal("99.99")


def _weight_clean(weight) -> Decimal:
    try:
        value = Decimal(str(weight)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError, TypeError):
        value = None
    if value is None or not value.is_finite() or not (0 <= value <= WEIGHT_MAX):
        raise error("publisher_weight_invalid", fields={"weight": ["publisher_weight_invalid"]})
    return value


def scoring_started(stage: Stage) -> bool:
    """Scoring has started: the phase is past submissions, or a review (draft or submitted)
    of the stage exists."""
    return (
        not phase_allows(stage, "results.reviewer_weight")
        or Review.objects.filter(stage=stage).exists()
    )


@transaction.atomic
def publisher_weight_set(*, actor, stage: Stage, weight) -> Decimal:
    """The organiser sets the share (percent, 0 to 99.99) the publishers' scores carry in the
    stage's result. Refused once scoring has started (409 `publisher_weight_locked`)."""
    permission_require(actor, "judging.change_result_settings", stage.contest)
    value = _weight_clean(weight)
    Stage.objects.select_for_update().filter(pk=stage.pk).first()
    if scoring_started(stage):
        raise error(
            "publisher_weight_locked",
            details={"phase": stage_phase(stage).value},
        )
    settings = result_settings_ensure(stage=stage)
    before = Decimal(settings.publisher_weight).quantize(Decimal("0.01"))
    settings.publisher_weight = value
    settings.save(update_fields=["publisher_weight"])
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="results.publisher_weight",
        obj=settings,
        data={"stage": stage.pk, "before": str(before), "after": str(value)},
    )
    return value


@transaction.atomic
def publisher_reviewer_invite(*, actor, stage: Stage, user) -> PanelMembership:
    """Invite a publisher of the contest onto the stage's panel as a publisher reviewer. The
    stage needs a publisher weight first; the invitee accepts with the judges' declaration.
    The publisher's organisation goes on its judge profile if none is there (organisation stated,
    and the conflict rules see it either way)."""
    permission_require(actor, "judging.invite_judge", stage.contest)
    phase_require(stage, "assignment.change")
    settings = result_settings_ensure(stage=stage)
    if not settings.publisher_weight:
        raise error("publisher_reviewer_no_weight")
    organisations = sorted(publisher_organisation_ids(user, stage.contest))
    if not organisations:
        raise error("publisher_reviewer_not_publisher", name=user.real_name)
    membership = judge_invite(actor=actor, stage=stage, judge=user)
    membership.reviewer_class = ReviewerClass.PUBLISHER
    membership.save(update_fields=["reviewer_class"])
    JudgeProfile.objects.filter(user=user, organisation__isnull=True).update(
        organisation_id=organisations[0]
    )
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="panel.publisher_invite",
        obj=membership,
        data={"stage": stage.pk, "judge": user.pk, "organisations": organisations},
    )
    return membership


def publisher_entries(*, stage: Stage, user) -> list[Entry]:
    """The stage's submitted entries whose team took a challenge of the user's organisation."""
    organisations = publisher_organisation_ids(user, stage.contest)
    return list(
        Entry.objects.filter(
            stage=stage,
            status=EntryStatus.SUBMITTED,
            team__challenge__publisher_id__in=organisations,
        )
        .select_related("team")
        .order_by("pk")
    )


@transaction.atomic
def publisher_assignments_create(*, actor, stage: Stage) -> dict:
    """Assign every accepted publisher reviewer of the stage to the submitted entries of its
    own challenges, leaving out the teams it conflicts with (回避) and pairs already assigned.
    Returns the counts; audited. Refused (`publisher_reviewers_none`) with no accepted one."""
    permission_require(actor, "judging.assign_judges", stage.contest)
    phase_require(stage, "assignment.change")
    Stage.objects.select_for_update().filter(pk=stage.pk).first()
    members = list(
        PanelMembership.objects.filter(
            stage=stage, reviewer_class=ReviewerClass.PUBLISHER, status=PanelStatus.ACCEPTED
        )
        .exclude(declaration_accepted_at__isnull=True)
        .select_related("judge")
        .order_by("pk")
    )
    if not members:
        raise error("publisher_reviewers_none")
    existing = set(Assignment.objects.filter(stage=stage).values_list("judge_id", "entry_id"))
    codes = _codes_for_stage(stage)
    new: list[Assignment] = []
    conflicts: list[dict] = []
    for member in members:
        for entry in publisher_entries(stage=stage, user=member.judge):
            if (member.judge_id, entry.pk) in existing:
                continue
            if conflict_exists(judge=member.judge, team=entry.team):
                conflicts.append({"judge": member.judge_id, "entry": entry.pk})
                continue
            new.append(
                Assignment(
                    stage=stage,
                    entry=entry,
                    judge=member.judge,
                    source=AssignmentSource.MANUAL,
                    anonymous_code=_code_for(entry.pk, codes),
                    created_by=actor,
                )
            )
    Assignment.objects.bulk_create(new)
    summary = {
        "reviewers": len(members),
        "created": len(new),
        "conflicts": len(conflicts),
    }
    audit_record(
        contest=stage.contest_id,
        actor=actor,
        action="assignment.publisher",
        obj=stage,
        data={**summary, "excluded": conflicts},
    )
    if new:
        judge_ids = sorted({a.judge_id for a in new})
        assignments_ready.send(
            sender=Stage,
            stage=stage,
            judge_ids=judge_ids,
            occurrence=f"publisher-assignments:{stage.pk}:{len(existing)}",
        )
    return summary


def publisher_pair_check(*, membership: PanelMembership, entry: Entry) -> None:
    """A publisher reviewer may be assigned only to an entry of its own challenges."""
    if membership.reviewer_class != ReviewerClass.PUBLISHER:
        return
    organisations = publisher_organisation_ids(membership.judge, entry.stage.contest)
    if entry.team.challenge_id is None or entry.team.challenge.publisher_id not in organisations:
        raise error("publisher_reviewer_other_challenge")
