"""The two events of the national contest's decision on a recommendation (`notifications.events`
lists them): returned, to the sub-contest's organisers; accepted, to the people of the team
carried across, who are asked to confirm their entry."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.enums import Channel
from notifications.recipients import contest_organisers, team_people

_CHANNELS = (Channel.INBOX, Channel.EMAIL)
# key, label, model, essential, channels: the positional head of each `Event`
RETURNED = (
    "recommendation_returned",
    _("Recommendation returned by the national contest"),
    "judging.Recommendation",
    True,
    _CHANNELS,
)
ACCEPTED = (
    "recommendation_accepted",
    _("Accepted into the national contest"),
    "judging.Recommendation",
    True,
    _CHANNELS,
)


def context(rec, data) -> dict:
    contest = rec.from_contest
    return {
        "contest_name": contest.name,
        "contest_edition": contest.edition,
        "team_name": rec.entry.team.name,
        "entry_title": rec.entry.title,
        "to_contest_name": rec.to_contest.name,
        "status": rec.status,
        "return_reason": rec.return_reason,
        "national_team_code": rec.national_entry.team.code if rec.national_entry_id else "",
    }


def returned_to(rec, data):
    return contest_organisers(rec.from_contest_id)


def accepted_to(rec, data):
    return team_people([rec.national_entry.team_id] if rec.national_entry_id else [])


RETURNED_KW = {
    "link": lambda r, d: f"/organiser/contests/{r.from_contest_id}",
    "contest": lambda r: r.from_contest_id,
}
ACCEPTED_KW = {
    "link": lambda r, d: f"/entries/{r.national_entry_id}" if r.national_entry_id else "/teams",
    "contest": lambda r: r.to_contest_id,
}
