from __future__ import annotations

import datetime
import functools

from django.db import transaction
from django.utils import timezone

from contest.enums import CONTEST_STATUS_FLOW, ContestRoleKind, ContestStatus
from contest.errors import TRANSITION_SUBJECT_CONTEST, error, text_by_language
from contest.models import Contest, ContestRole, Group, Organisation, Stage, Track
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from contest.services.window import (
    REGISTRATION_BOUNDARIES,
    STAGE_BOUNDARIES,
    window_changes_check,
)
from contest.signals import decision_record
from contest.validators import contest_is_ancestor

# The fields an organiser sets on a contest, in the order forms and the API show them.
CONTEST_FIELDS = (
    "code",
    "name",
    "kind",
    "edition",
    "year",
    "parent",
    "description",
    "region",
    "registration_opens_at",
    "registration_closes_at",
    "call_opens_at",
    "call_closes_at",
    "team_size_min",
    "team_size_max",
    "advisors_max",
    "entrant_kinds",
    "one_team_per_person",
    "joint_entries_allowed",
    "co_applicants_max",
    "requires_challenge",
    "requires_track",
    "conflict_same_province",
    "promotion_quota",
    # the rule across editions (contest/editions.py)
    "series",
    "wins_max",
    "past_winners_excluded",
)


def _audit_value(value):
    """A field's value as the audit row keeps it: a related object by its id, a moment to the
    microsecond (the JSON encoder would cut it to milliseconds)."""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value.pk if hasattr(value, "pk") else value


def _changes(instance, fields: dict) -> dict[str, list]:
    """{field: [old, new]} for the fields whose value changes."""
    return {
        key: [_audit_value(getattr(instance, key)), _audit_value(value)]
        for key, value in fields.items()
        if getattr(instance, key) != value
    }


def _rules_check(contest: Contest) -> None:
    """Rules of a contest that the database constraint would only name, not explain."""
    if contest.pk is not None and contest_is_ancestor(contest=contest, of=contest.parent):
        raise error("contest_parent_cycle", fields={"parent": ["contest_parent_cycle"]})
    if contest.team_size_min > contest.team_size_max:
        raise error(
            "team_size_range_invalid",
            team_size_min=contest.team_size_min,
            team_size_max=contest.team_size_max,
            fields={"team_size_min": ["team_size_range_invalid"]},
        )


@transaction.atomic
def contest_create(*, actor, reason: str = "", **fields) -> Contest:
    """Create a contest in draft; the creator becomes its first organiser."""
    permission_require(actor, "contest.create_contest")
    unknown = set(fields) - set(CONTEST_FIELDS)
    if unknown:
        raise ValueError(f"unknown contest fields: {sorted(unknown)}")
    parent = fields.get("parent")
    if parent is not None:
        permission_require(actor, "contest.create_subcontest", parent)
    contest = Contest(created_by=actor, **fields)
    _rules_check(contest)
    full_clean_or_raise(contest)
    contest.save()
    ContestRole.objects.create(contest=contest, user=actor, role=ContestRoleKind.ORGANISER)
    decision_record(
        contest=contest,
        actor=actor,
        action="contest.create",
        subject=contest,
        reason=reason.strip(),
        data={"status": contest.status, "parent": contest.parent_id},
    )
    return contest


@transaction.atomic
def contest_update(*, actor, contest: Contest, reason: str = "", **fields) -> Contest:
    """Change a contest's fields. Once published, its registration window follows the window
    rules (`contest.services.window`); every change is recorded on the chain with `reason`."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    permission_require(actor, "contest.manage_contest", contest)
    unknown = set(fields) - set(CONTEST_FIELDS)
    if unknown:
        raise ValueError(f"unknown contest fields: {sorted(unknown)}")
    if (
        contest.status != ContestStatus.DRAFT
        and "code" in fields
        and fields["code"] != contest.code
    ):
        raise error("contest_code_frozen")
    if contest.status != ContestStatus.DRAFT:
        window_changes_check(
            instance=contest, fields=fields, boundaries=REGISTRATION_BOUNDARIES, reason=reason
        )
    changes = _changes(contest, fields)
    for key, value in fields.items():
        setattr(contest, key, value)
    _rules_check(contest)
    full_clean_or_raise(contest)
    contest.save()
    if changes:
        decision_record(
            contest=contest,
            actor=actor,
            action="contest.update",
            subject=contest,
            reason=reason.strip(),
            data={"changes": changes},
        )
    return contest


def _status_text(status: str):
    """A status as the messages show it: its label in Chinese, its value in English."""
    return text_by_language(zh=ContestStatus(status).label, en=str(status))


def _transition(*, actor, contest: Contest, to: str) -> Contest:
    """Move a contest one step along its lifecycle (draft → … → finished): the organiser only,
    from the status just before `to`; no skipping, no going back."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    permission_require(actor, "contest.manage_contest", contest)
    current = CONTEST_STATUS_FLOW.index(contest.status)
    if CONTEST_STATUS_FLOW.index(to) != current + 1:
        raise error(
            "invalid_transition",
            subject=TRANSITION_SUBJECT_CONTEST,
            current=_status_text(contest.status),
            target=_status_text(to),
        )
    return contest


def _transition_record(*, actor, contest: Contest, previous: str) -> None:
    decision_record(
        contest=contest,
        actor=actor,
        action="contest.transition",
        subject=contest,
        data={"from": str(previous), "to": str(contest.status)},
    )


@transaction.atomic
def contest_publish(*, actor, contest: Contest) -> Contest:
    """Draft → published; a contest needs at least one stage to be published."""
    contest = _transition(actor=actor, contest=contest, to=ContestStatus.PUBLISHED)
    if not contest.stages.exists():
        raise error("contest_has_no_stages")
    previous, contest.status = contest.status, ContestStatus.PUBLISHED
    contest.save()
    _transition_record(actor=actor, contest=contest, previous=previous)
    return contest


@transaction.atomic
def contest_registration_open(*, actor, contest: Contest) -> Contest:
    """Published → registration open."""
    contest = _transition(actor=actor, contest=contest, to=ContestStatus.REGISTRATION_OPEN)
    previous, contest.status = contest.status, ContestStatus.REGISTRATION_OPEN
    contest.save()
    _transition_record(actor=actor, contest=contest, previous=previous)
    return contest


@transaction.atomic
def contest_registration_close(*, actor, contest: Contest) -> Contest:
    """Registration open → closed: every roster locks, and the registration deadline becomes now
    unless it has already passed."""
    contest = _transition(actor=actor, contest=contest, to=ContestStatus.REGISTRATION_CLOSED)
    contest.teams.update(roster_locked=True)
    if contest.registration_closes_at is None or contest.registration_closes_at > timezone.now():
        contest.registration_closes_at = timezone.now()
    previous, contest.status = contest.status, ContestStatus.REGISTRATION_CLOSED
    contest.save()
    _transition_record(actor=actor, contest=contest, previous=previous)
    return contest


@transaction.atomic
def contest_judging_start(*, actor, contest: Contest) -> Contest:
    """Registration closed → judging."""
    contest = _transition(actor=actor, contest=contest, to=ContestStatus.JUDGING)
    previous, contest.status = contest.status, ContestStatus.JUDGING
    contest.save()
    _transition_record(actor=actor, contest=contest, previous=previous)
    return contest


@transaction.atomic
def contest_results_publish(*, actor, contest: Contest) -> Contest:
    """Judging → results."""
    contest = _transition(actor=actor, contest=contest, to=ContestStatus.RESULTS)
    previous, contest.status = contest.status, ContestStatus.RESULTS
    contest.save()
    _transition_record(actor=actor, contest=contest, previous=previous)
    return contest


@transaction.atomic
def contest_finish(*, actor, contest: Contest) -> Contest:
    """Results → finished."""
    contest = _transition(actor=actor, contest=contest, to=ContestStatus.FINISHED)
    previous, contest.status = contest.status, ContestStatus.FINISHED
    contest.save()
    _transition_record(actor=actor, contest=contest, previous=previous)
    return contest


# The transition into each status, for callers that hold the target status (the API, the demo).
CONTEST_TRANSITIONS = {
    ContestStatus.PUBLISHED: contest_publish,
    ContestStatus.REGISTRATION_OPEN: contest_registration_open,
    ContestStatus.REGISTRATION_CLOSED: contest_registration_close,
    ContestStatus.JUDGING: contest_judging_start,
    ContestStatus.RESULTS: contest_results_publish,
    ContestStatus.FINISHED: contest_finish,
}


def contest_transition_for(status: str):
    """The service that moves a contest into `status`. Nothing moves a contest back into draft:
    asking for that is refused by the same checks as any step out of order."""
    if status in CONTEST_TRANSITIONS:
        return CONTEST_TRANSITIONS[status]
    return functools.partial(transaction.atomic(_transition), to=status)


@transaction.atomic
def contest_role_grant(
    *, actor, contest: Contest, user, role: str, organisation: Organisation | None = None
) -> ContestRole:
    permission_require(actor, "contest.manage_contest", contest)
    if role == ContestRoleKind.PUBLISHER and organisation is None:
        raise error("publisher_needs_organisation")
    contest_role, created = ContestRole.objects.get_or_create(
        contest=contest, user=user, role=role, defaults={"organisation": organisation}
    )
    if created:
        decision_record(
            contest=contest,
            actor=actor,
            action="contest_role.grant",
            subject=contest_role,
            data={"user": user.pk, "role": role, "organisation": _audit_value(organisation)},
        )
    return contest_role


def _child_create(model, *, actor, contest: Contest, **fields):
    permission_require(actor, "contest.manage_contest", contest)
    instance = model(contest=contest, **fields)
    full_clean_or_raise(instance)
    instance.save()
    return instance


@transaction.atomic
def track_create(*, actor, contest: Contest, **fields) -> Track:
    return _child_create(Track, actor=actor, contest=contest, **fields)


@transaction.atomic
def group_create(*, actor, contest: Contest, **fields) -> Group:
    return _child_create(Group, actor=actor, contest=contest, **fields)


STAGE_WINDOW_FIELDS = tuple(boundary.field for boundary in STAGE_BOUNDARIES)


@transaction.atomic
def stage_create(*, actor, contest: Contest, reason: str = "", **fields) -> Stage:
    """Add a stage; its windows go on the chain."""
    stage = Stage(contest=contest, **fields)
    permission_require(actor, "contest.manage_contest", contest)
    _stage_windows_check(stage)
    full_clean_or_raise(stage)
    stage.save()
    decision_record(
        contest=contest,
        actor=actor,
        action="stage.create",
        subject=stage,
        reason=reason.strip(),
        data={
            "name": stage.name,
            "order": stage.order,
            **{f: _audit_value(getattr(stage, f)) for f in STAGE_WINDOW_FIELDS},
        },
    )
    return stage


def _child_update(instance, *, actor, **fields):
    permission_require(actor, "contest.manage_contest", instance.contest)
    for key, value in fields.items():
        setattr(instance, key, value)
    if isinstance(instance, Stage):
        _stage_windows_check(instance)
    full_clean_or_raise(instance)
    instance.save()
    return instance


@transaction.atomic
def track_update(*, actor, track: Track, **fields) -> Track:
    return _child_update(track, actor=actor, **fields)


@transaction.atomic
def group_update(*, actor, group: Group, **fields) -> Group:
    return _child_update(group, actor=actor, **fields)


@transaction.atomic
def stage_update(*, actor, stage: Stage, reason: str = "", **fields) -> Stage:
    """Update a stage; its submission and review windows must each open before they close.

    Once the contest is published, a window boundary already passed cannot move, a deadline cannot
    move before now, and extending the submission deadline needs a reason
    (`contest.services.window`). Every change goes on the chain, with the reason."""
    stage = Stage.objects.select_for_update().select_related("contest").get(pk=stage.pk)
    permission_require(actor, "contest.manage_contest", stage.contest)
    # An inverted window is refused as such first, before the rules on moving a window.
    _stage_windows_check(
        Stage(**{f: fields.get(f, getattr(stage, f)) for f in STAGE_WINDOW_FIELDS})
    )
    if stage.contest.status != ContestStatus.DRAFT:
        window_changes_check(
            instance=stage, fields=fields, boundaries=STAGE_BOUNDARIES, reason=reason
        )
    changes = _changes(stage, fields)
    stage = _child_update(stage, actor=actor, **fields)
    if changes:
        windows_moved = any(f in changes for f in STAGE_WINDOW_FIELDS)
        decision_record(
            contest=stage.contest,
            actor=actor,
            action="stage.windows_change" if windows_moved else "stage.update",
            subject=stage,
            reason=reason.strip(),
            data={"changes": changes},
        )
    return stage


def _stage_windows_check(stage: Stage) -> None:
    for opens, closes, name in [
        (stage.submission_opens_at, stage.submission_closes_at, "submission"),
        (stage.review_opens_at, stage.review_closes_at, "review"),
    ]:
        if opens and closes and opens >= closes:
            raise error(
                "invalid_window",
                # The Chinese message names no window.
                window=text_by_language(zh="", en=name),
                fields={f"{name}_closes_at": ["invalid_window"]},
            )


@transaction.atomic
def track_guide_upload(*, actor, track: Track, uploaded) -> Track:
    """Attach a track's challenge guide (赛题指南) file, checked like every upload (PDF or DOCX)."""
    from contest.files import upload_check

    permission_require(actor, "contest.manage_contest", track.contest)
    checked = upload_check(uploaded, allowed=("pdf", "docx"))
    track.sha256 = checked.sha256  # names the stored file: <contest>/guides/<track>/<sha>.<ext>
    previous = track.guide_file.name if track.guide_file else None
    track.guide_file.save(uploaded.name, uploaded, save=False)
    track.save(update_fields=["guide_file"])
    if previous and previous != track.guide_file.name:
        transaction.on_commit(lambda: track.guide_file.storage.delete(previous))
    return track
