from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from contest import permissions
from contest.enums import CONTEST_STATUS_FLOW, ContestRoleKind, ContestStatus
from contest.errors import StateConflict, ValidationFailed
from contest.models import Contest, ContestRole, Group, Organisation, Stage, Track
from contest.services.common import full_clean_or_raise, not_permitted

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
)


def _rules_check(contest: Contest) -> None:
    """Rules of a contest that the database constraint would only name, not explain."""
    if contest.team_size_min > contest.team_size_max:
        raise ValidationFailed(
            "team_size_range_invalid",
            f"团队最少人数（{contest.team_size_min}）不能大于最多人数（{contest.team_size_max}）。",
            f"The minimum team size ({contest.team_size_min}) exceeds the maximum "
            f"({contest.team_size_max}).",
            fields={"team_size_min": ["team_size_range_invalid"]},
        )


def _require_organiser(actor, contest: Contest) -> None:
    if not permissions.is_organiser(actor, contest):
        raise not_permitted("管理该赛事", "manage this contest")


@transaction.atomic
def contest_create(*, actor, **fields) -> Contest:
    """Create a contest in draft; the creator becomes its first organiser."""
    if not permissions.can_create_contest(actor):
        raise not_permitted("创建赛事", "create contests")
    unknown = set(fields) - set(CONTEST_FIELDS)
    if unknown:
        raise ValueError(f"unknown contest fields: {sorted(unknown)}")
    parent = fields.get("parent")
    if parent is not None and not permissions.is_organiser(actor, parent):
        raise not_permitted("在该上级赛事下创建分赛", "create a sub-contest under that contest")
    contest = Contest(created_by=actor, **fields)
    _rules_check(contest)
    full_clean_or_raise(contest)
    contest.save()
    ContestRole.objects.create(contest=contest, user=actor, role=ContestRoleKind.ORGANISER)
    return contest


@transaction.atomic
def contest_update(*, actor, contest: Contest, **fields) -> Contest:
    _require_organiser(actor, contest)
    unknown = set(fields) - set(CONTEST_FIELDS)
    if unknown:
        raise ValueError(f"unknown contest fields: {sorted(unknown)}")
    if (
        contest.status != ContestStatus.DRAFT
        and "code" in fields
        and fields["code"] != contest.code
    ):
        raise StateConflict(
            "contest_code_frozen",
            "赛事发布后不能修改代码。",
            "A contest's code cannot change once it is published.",
        )
    for key, value in fields.items():
        setattr(contest, key, value)
    _rules_check(contest)
    full_clean_or_raise(contest)
    contest.save()
    return contest


@transaction.atomic
def contest_transition(*, actor, contest: Contest, to: str) -> Contest:
    """Move a contest one step along its lifecycle (draft → … → finished); no skipping, no going back."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    _require_organiser(actor, contest)
    if to not in CONTEST_STATUS_FLOW:
        raise ValidationFailed(
            "invalid_status",
            f"未知状态：{to}。",
            f"Unknown status: {to}.",
            fields={"status": ["invalid_status"]},
        )
    current = CONTEST_STATUS_FLOW.index(contest.status)
    target = CONTEST_STATUS_FLOW.index(to)
    if target != current + 1:
        raise StateConflict(
            "invalid_transition",
            f"赛事状态不能从“{contest.get_status_display()}”变为“{ContestStatus(to).label}”。",
            f"A contest cannot move from {contest.status} to {to}.",
        )
    if to == ContestStatus.PUBLISHED and not contest.stages.exists():
        raise StateConflict(
            "contest_has_no_stages",
            "发布前须至少设置一个阶段。",
            "Add at least one stage before publishing.",
        )
    if to == ContestStatus.REGISTRATION_CLOSED:
        contest.teams.update(roster_locked=True)
        if (
            contest.registration_closes_at is None
            or contest.registration_closes_at > timezone.now()
        ):
            contest.registration_closes_at = timezone.now()
    contest.status = to
    contest.save()
    return contest


@transaction.atomic
def contest_role_grant(
    *, actor, contest: Contest, user, role: str, organisation: Organisation | None = None
) -> ContestRole:
    _require_organiser(actor, contest)
    if role == ContestRoleKind.PUBLISHER and organisation is None:
        raise ValidationFailed(
            "publisher_needs_organisation",
            "发榜方须指定所属单位。",
            "A publisher must act for an organisation.",
        )
    contest_role, _ = ContestRole.objects.get_or_create(
        contest=contest, user=user, role=role, defaults={"organisation": organisation}
    )
    return contest_role


def _child_create(model, *, actor, contest: Contest, **fields):
    _require_organiser(actor, contest)
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


@transaction.atomic
def stage_create(*, actor, contest: Contest, **fields) -> Stage:
    stage = Stage(contest=contest, **fields)
    _require_organiser(actor, contest)
    _stage_windows_check(stage)
    full_clean_or_raise(stage)
    stage.save()
    return stage


@transaction.atomic
def child_update(*, actor, instance, **fields):
    """Update a track, group or stage of a contest the actor organises."""
    _require_organiser(actor, instance.contest)
    for key, value in fields.items():
        setattr(instance, key, value)
    if isinstance(instance, Stage):
        _stage_windows_check(instance)
    full_clean_or_raise(instance)
    instance.save()
    return instance


def _stage_windows_check(stage: Stage) -> None:
    for opens, closes, name in [
        (stage.submission_opens_at, stage.submission_closes_at, "submission"),
        (stage.review_opens_at, stage.review_closes_at, "review"),
    ]:
        if opens and closes and opens >= closes:
            raise ValidationFailed(
                "invalid_window",
                "开始时间须早于截止时间。",
                f"The {name} window must open before it closes.",
                fields={f"{name}_closes_at": ["invalid_window"]},
            )


@transaction.atomic
def track_guide_upload(*, actor, track: Track, uploaded) -> Track:
    """Attach a track's challenge guide (赛题指南) file, checked like every upload (PDF or DOCX)."""
    from contest.files import upload_check

    _require_organiser(actor, track.contest)
    checked = upload_check(uploaded, allowed=("pdf", "docx"))
    track.sha256 = checked.sha256  # names the stored file: <contest>/guides/<track>/<sha>.<ext>
    previous = track.guide_file.name if track.guide_file else None
    track.guide_file.save(uploaded.name, uploaded, save=False)
    track.save(update_fields=["guide_file"])
    if previous and previous != track.guide_file.name:
        transaction.on_commit(lambda: track.guide_file.storage.delete(previous))
    return track
