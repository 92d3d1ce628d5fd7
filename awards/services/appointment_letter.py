"""Appointment letters (聘书) of the experts a draw confirmed: rendered on request from the pick,
for the organisers of the contest and for the expert (through their invitation link, or their
account). Only a confirmed pick has one. Its reference is the draw and position; its fingerprint
is the SHA-256 of its wording, so a printed letter can be compared with the platform's record."""

from __future__ import annotations

import hashlib
import json

from django.utils import timezone

from awards.certificates.appointment import LetterData, appointment_letter_draw
from contest.permissions import permission_require
from judging.enums import ExpertPickStatus
from judging.errors import error
from judging.models import ExpertDrawPick


def appointment_letter_data(pick: ExpertDrawPick) -> LetterData:
    draw = pick.draw
    contest = draw.stage.contest
    fields = {
        "reference": f"PS-{contest.code}-{draw.pk:04d}-{pick.position:02d}",
        "expert_name": pick.expert.name,
        "contest_name": f"{contest.name}（{contest.edition}）",
        "stage_name": draw.stage.name,
        "track_name": draw.track.name if draw.track_id else "",
        "event_date": draw.event_date.isoformat() if draw.event_date else "",
        "issuer": f"{contest.name} 组委会",
        "issued_on": timezone.localtime(pick.responded_at or timezone.now()).date().isoformat(),
    }
    wording = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()
    return LetterData(**fields, fingerprint=hashlib.sha256(wording).hexdigest())


def _confirmed_or_raise(pick: ExpertDrawPick) -> None:
    if pick.status != ExpertPickStatus.CONFIRMED:
        raise error("expert_letter_not_confirmed")


def appointment_letter_render(*, pick: ExpertDrawPick) -> bytes:
    """The letter's PDF, for the holder of the expert's link (the caller has checked it)."""
    _confirmed_or_raise(pick)
    return appointment_letter_draw(appointment_letter_data(pick))


def appointment_letter_for(*, actor, pick: ExpertDrawPick) -> bytes:
    """The letter for an organiser of the contest, or for the expert signed in on their account."""
    if not (actor and actor.is_authenticated and pick.expert.user_id == actor.pk):
        permission_require(actor, "judging.draw_experts", pick.draw.stage.contest)
    return appointment_letter_render(pick=pick)
