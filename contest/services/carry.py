"""Carried across (承接): a sub-contest's entry recommended to and accepted by the national
contest becomes a team and a draft entry of the national stage, nobody re-typing anything.

`entry_carry_create` is called by the national organiser's decision
(`judging.services.recommendation.recommendation_accept`), which checks the permission and holds
the transaction; the team then confirms the carried entry (`entry_carry_confirm`) and may update
it through the ordinary entry services.
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from contest.enums import EntryStatus
from contest.errors import error
from contest.models import Entry, EntryFile, Group, Stage, Team, TeamMember, Track
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from contest.services.team import _next_team_code

CHUNK = 1024 * 1024


def _free_team_name(contest_id: int, name: str, source_contest) -> str:
    """The team's own name, or, taken by another team of the national contest, the name with its
    sub-contest (region or name) in brackets; a number after that if that is taken too."""
    taken = set(
        Team.objects.filter(contest_id=contest_id, name__startswith=name).values_list(
            "name", flat=True
        )
    )
    if name not in taken:
        return name
    candidate = f"{name}（{source_contest.region or source_contest.name}）"[:120]
    number = 2
    while candidate in taken:
        candidate = f"{name}（{source_contest.region or source_contest.name} {number}）"[:120]
        number += 1
    return candidate


def _sha256_of(field) -> str:
    digest = hashlib.sha256()
    with field.open("rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _files_copy(*, source: Entry, target: Entry) -> list[EntryFile]:
    """The source's current files, each copied through the storage API into the target's folder
    as version 1 (same bytes, same sha256, checked before the copy). On any failure the copies
    already stored are deleted and the error raised, so nothing is left half-made."""
    copies: list[EntryFile] = []
    try:
        for f in source.files.filter(is_current=True).order_by("kind"):
            try:
                intact = _sha256_of(f.file) == f.sha256
            except OSError:  # gone from storage
                intact = False
            if not intact:
                raise error("carried_file_changed", name=f.original_name)
            copy = EntryFile(
                entry=target,
                kind=f.kind,
                version=1,
                is_current=True,
                original_name=f.original_name,
                file_type=f.file_type,
                content_type=f.content_type,
                size=f.size,
                sha256=f.sha256,
                uploaded_by_id=f.uploaded_by_id,
            )
            with f.file.open("rb") as stored:
                copy.file.save(f.original_name, stored, save=False)
            copies.append(copy)
        return EntryFile.objects.bulk_create(copies)
    except BaseException:
        for copy in copies:
            copy.file.delete(save=False)
        raise


@transaction.atomic
def entry_carry_create(*, source: Entry, stage: Stage, track: Track | None = None) -> Entry:
    """One team in `stage.contest` made from `source.team` (name, lead organisation,
    co-applicants, captain, members and advisors with their roles, order and titles; the group of
    the same code), and one draft entry in `stage` (title, summary, tags, the current files as
    version 1, `carried_from` = source). The caller checks who may do it and that it is done once.
    """
    team = source.team
    contest = stage.contest
    group = None
    if team.group_id:
        group = Group.objects.filter(contest=contest, code=team.group.code).first()
    carried = Team(
        contest=contest,
        name=_free_team_name(contest.pk, team.name, team.contest),
        lead_organisation_id=team.lead_organisation_id,
        track=track,
        group=group,
        captain_id=team.captain_id,
        code=_next_team_code(contest),
    )
    full_clean_or_raise(carried)
    carried.save()
    co_applicants = list(team.co_applicants.values_list("pk", flat=True))
    if co_applicants:
        carried.co_applicants.set(co_applicants)
    TeamMember.objects.bulk_create(
        [
            TeamMember(
                team=carried,
                contest=contest,
                user_id=m.user_id,
                role=m.role,
                order=m.order,
                title=m.title,
            )
            for m in team.members.all()
        ]
    )
    entry = Entry(
        team=carried,
        stage=stage,
        title=source.title,
        summary=source.summary,
        tags=list(source.tags or []),
        status=EntryStatus.DRAFT,
        carried_from=source,
    )
    full_clean_or_raise(entry)
    entry.save()
    _files_copy(source=source, target=entry)
    return entry


@transaction.atomic
def entry_carry_confirm(*, actor, entry: Entry) -> Entry:
    """The team confirms the entry carried across to it (its captain or a member who may edit
    it); confirming again keeps the first confirmation's time."""
    entry = Entry.objects.select_for_update().select_related("team").get(pk=entry.pk)
    permission_require(actor, "contest.edit_entry", entry.team)
    if entry.carried_from_id is None:
        raise error("entry_not_carried")
    if entry.carried_confirmed_at is None:
        entry.carried_confirmed_at = timezone.now()
        entry.save(update_fields=["carried_confirmed_at", "updated_at"])
    return entry
