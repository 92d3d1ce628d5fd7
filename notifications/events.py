"""The one place that says which domain event notifies whom, on which channels, and whether the
message is essential (a person cannot switch it off entirely: its inbox copy stays on).

Each `Event` names the model its object is (loaded again after commit), who receives it
(`recipients(obj, data)`: a User queryset or list, never more than the people the object
concerns), the template context (plain strings and numbers only: organisers' overrides are
rendered with it, so no model instance is exposed to them), the SPA link and the contest. The
signals that raise them are connected in `notifications.receivers`; `data` is what the signal
carried besides the object (ids, a reason), JSON-serialisable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications import challenge_context as demand
from notifications import expert_context as expert
from notifications import national_context as national
from notifications.enums import Channel
from notifications.recipients import active_users as _users
from notifications.recipients import challenge_publishers, contest_organisers, team_people

ALL = (Channel.INBOX, Channel.EMAIL, Channel.SMS)
INBOX_EMAIL = (Channel.INBOX, Channel.EMAIL)


@dataclass(frozen=True)
class Event:
    key: str
    label: object  # lazy English text; its Chinese is in the .po
    model: str  # "app_label.Model" of the object
    essential: bool
    channels: tuple[str, ...]
    recipients: Callable
    context: Callable
    link: Callable = lambda obj, data: ""
    contest: Callable = lambda obj: obj.contest_id
    # Addresses without an account (an invitee not yet registered): e-mail or mobile strings.
    addresses: Callable = lambda obj, data: []


def _contest_ctx(contest) -> dict:
    return {"contest_name": contest.name, "contest_edition": contest.edition}


def _invitation_ctx(inv, data) -> dict:
    team = inv.team
    return {
        **_contest_ctx(team.contest),
        "team_name": team.name,
        "team_code": team.code,
        "inviter_name": inv.invited_by.real_name,
        "invitee_name": inv.invitee_name
        or (inv.responded_by.real_name if inv.responded_by else ""),
        "code": inv.code,
        "expires_at": inv.expires_at.strftime("%Y-%m-%d %H:%M"),
        "status": inv.status,
    }


def _invitee_users(inv, data):
    contact = (inv.invitee_contact or "").strip()
    if not contact:
        return _users().none()
    return _users().filter(Q(email__iexact=contact) | Q(mobile=contact))


def _invitee_addresses(inv, data):
    contact = (inv.invitee_contact or "").strip()
    if not contact or _invitee_users(inv, data).exists():
        return []
    return [contact]


def _entry_ctx(entry, data) -> dict:
    files = entry.files.filter(is_current=True).order_by("kind")
    return {
        **_contest_ctx(entry.team.contest),
        "team_name": entry.team.name,
        "entry_title": entry.title,
        "stage_name": entry.stage.name,
        "submitted_at": entry.submitted_at.strftime("%Y-%m-%d %H:%M:%S")
        if entry.submitted_at
        else "",
        "files": [
            {"name": f.original_name, "kind": f.kind, "size": f.size, "sha256": f.sha256}
            for f in files
        ],
    }


def _stage_ctx(stage, data) -> dict:
    return {
        **_contest_ctx(stage.contest),
        "stage_name": stage.name,
        "closes_at": stage.submission_closes_at.strftime("%Y-%m-%d %H:%M")
        if stage.submission_closes_at
        else "",
        "review_closes_at": stage.review_closes_at.strftime("%Y-%m-%d %H:%M")
        if stage.review_closes_at
        else "",
        "hours": data.get("hours", ""),
    }


def _challenge_ctx(ch, data) -> dict:
    return {
        **_contest_ctx(ch.contest),
        "challenge_code": ch.code,
        "challenge_title": ch.title,
        "reason": data.get("reason", ""),
    }


def _membership_ctx(m, data) -> dict:
    return {
        **_contest_ctx(m.stage.contest),
        "stage_name": m.stage.name,
        "track_name": m.track.name if m.track_id else "",
        "judge_name": m.judge.real_name,
    }


def _review_ctx(review, data) -> dict:
    return {
        **_contest_ctx(review.stage.contest),
        "stage_name": review.stage.name,
        "anonymous_code": review.assignment.anonymous_code,
        "reason": data.get("reason", ""),
    }


def _snapshot_ctx(snap, data) -> dict:
    return {
        **_contest_ctx(snap.stage.contest),
        "stage_name": snap.stage.name,
        "version": snap.version,
    }


def _promotion_ctx(entry, data) -> dict:
    from contest.models import Stage

    to_stage = Stage.objects.filter(pk=data.get("to_stage")).first()
    return {
        **_contest_ctx(entry.team.contest),
        "team_name": entry.team.name,
        "entry_title": entry.title,
        "stage_name": entry.stage.name,
        "to_stage_name": to_stage.name if to_stage else "",
    }


def _formal_check_ctx(decision, data) -> dict:
    entry = decision.entry
    deadline = decision.deadline
    return {
        **_contest_ctx(entry.team.contest),
        "team_name": entry.team.name,
        "entry_title": entry.title,
        "stage_name": decision.stage.name,
        "outcome": decision.outcome,
        "reason": decision.reason,
        "deadline": timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M") if deadline else "",
    }


def _recommendation_ctx(rec, data) -> dict:
    return {
        **_contest_ctx(rec.from_contest),
        "team_name": rec.entry.team.name,
        "entry_title": rec.entry.title,
        "to_contest_name": rec.to_contest.name,
    }


def _notice_ctx(notice, data) -> dict:
    return {
        **_contest_ctx(notice.contest),
        "notice_title": notice.title,
        "opens_at": notice.opens_at.strftime("%Y-%m-%d %H:%M"),
        "closes_at": notice.closes_at.strftime("%Y-%m-%d %H:%M"),
    }


def _objection_ctx(obj, data) -> dict:
    return {
        **_notice_ctx(obj.notice, data),
        "objector_name": obj.objector_name,
        "status": obj.status,
        "resolution": obj.resolution,
    }


def _certificate_ctx(cert, data) -> dict:
    return {
        **_contest_ctx(cert.contest),
        "serial": cert.serial,
        "award_name": cert.award_name,
        "reason": data.get("reason", ""),
    }


def _announcement_ctx(a, data) -> dict:
    return {**_contest_ctx(a.contest), "subject": a.subject, "body": a.body}


def _teams_of_contest(contest_id: int):
    from contest.models import Team

    return Team.objects.filter(contest_id=contest_id).values_list("pk", flat=True)


def _announcement_recipients(a, data):
    from contest.models import Team

    teams = Team.objects.filter(contest_id=a.contest_id)
    if a.track_id:
        teams = teams.filter(track_id=a.track_id)
    if a.stage_id:
        teams = teams.filter(entries__stage_id=a.stage_id)
    return team_people(teams.values_list("pk", flat=True))


def _drafting_teams(stage, data):
    return team_people(stage.entries.filter(status="draft").values_list("team_id", flat=True))


def _stage_teams(snap, data):
    return team_people(snap.stage.entries.values_list("team_id", flat=True))


def _award_teams(notice, data):
    from awards.models import Award

    return team_people(
        Award.objects.filter(
            notice_id__in=data.get("notice_ids") or [notice.pk], team__isnull=False
        ).values_list("team_id", flat=True)
    )


def _team_ctx(team, data) -> dict:
    return {
        **_contest_ctx(team.contest),
        "team_name": team.name,
        "team_code": team.code,
        "track_name": team.track.name if team.track_id else "",
    }


_EVENTS = [
    Event(
        "registration_confirmed",
        _("Registration confirmed"),
        "contest.Team",
        True,
        INBOX_EMAIL,
        lambda team, d: _users().filter(pk=team.captain_id),
        _team_ctx,
        link=lambda team, d: f"/teams/{team.pk}",
    ),
    Event(
        "invitation_sent",
        _("Team invitation"),
        "contest.Invitation",
        True,
        ALL,
        _invitee_users,
        _invitation_ctx,
        link=lambda inv, d: f"/join/{inv.code}",
        contest=lambda inv: inv.team.contest_id,
        addresses=_invitee_addresses,
    ),
    Event(
        "invitation_accepted",
        _("Invitation accepted"),
        "contest.Invitation",
        False,
        INBOX_EMAIL,
        lambda inv, d: _users().filter(pk=inv.team.captain_id),
        _invitation_ctx,
        link=lambda inv, d: f"/teams/{inv.team_id}",
        contest=lambda inv: inv.team.contest_id,
    ),
    Event(
        "invitation_declined",
        _("Invitation declined"),
        "contest.Invitation",
        False,
        INBOX_EMAIL,
        lambda inv, d: _users().filter(pk=inv.team.captain_id),
        _invitation_ctx,
        link=lambda inv, d: f"/teams/{inv.team_id}",
        contest=lambda inv: inv.team.contest_id,
    ),
    Event(
        "entry_submitted",
        _("Entry submitted (receipt)"),
        "contest.Entry",
        True,
        INBOX_EMAIL,
        lambda e, d: team_people([e.team_id]),
        _entry_ctx,
        link=lambda e, d: f"/entries/{e.pk}",
        contest=lambda e: e.team.contest_id,
    ),
    Event(
        "deadline_reminder",
        _("Submission deadline reminder"),
        "contest.Stage",
        True,
        ALL,
        _drafting_teams,
        _stage_ctx,
        link=lambda s, d: "/teams",
    ),
    Event(
        "challenge_returned",
        _("Challenge returned"),
        "contest.Challenge",
        True,
        INBOX_EMAIL,
        lambda ch, d: challenge_publishers(ch),
        _challenge_ctx,
        link=lambda ch, d: f"/challenges/{ch.pk}",
    ),
    Event(
        "challenge_approved",
        _("Challenge approved"),
        "contest.Challenge",
        False,
        INBOX_EMAIL,
        lambda ch, d: challenge_publishers(ch),
        _challenge_ctx,
        link=lambda ch, d: f"/challenges/{ch.pk}",
    ),
    Event(
        "challenge_published",
        _("Challenge published"),
        "contest.Challenge",
        False,
        INBOX_EMAIL,
        lambda ch, d: challenge_publishers(ch),
        _challenge_ctx,
        link=lambda ch, d: f"/challenges/{ch.pk}",
    ),
    Event(
        "panel_invited",
        _("Judge panel invitation"),
        "judging.PanelMembership",
        True,
        ALL,
        lambda m, d: _users().filter(pk=m.judge_id),
        _membership_ctx,
        link=lambda m, d: "/judging",
        contest=lambda m: m.stage.contest_id,
    ),
    Event(
        "declaration_reminder",
        _("Judge invitation reminder"),
        "judging.PanelMembership",
        True,
        ALL,
        lambda m, d: _users().filter(pk=m.judge_id),
        _membership_ctx,
        link=lambda m, d: "/judging",
        contest=lambda m: m.stage.contest_id,
    ),
    Event(
        "assignment_ready",
        _("Entries assigned to you"),
        "contest.Stage",
        True,
        ALL,
        lambda s, d: _users().filter(pk__in=d.get("judge_ids", [])),
        _stage_ctx,
        link=lambda s, d: "/judging",
    ),
    Event(
        "scoring_reminder",
        _("Scoring reminder"),
        "contest.Stage",
        True,
        ALL,
        lambda s, d: _users().filter(pk__in=d.get("judge_ids", [])),
        _stage_ctx,
        link=lambda s, d: "/judging",
    ),
    Event(
        "score_reopened",
        _("Score reopened"),
        "judging.Review",
        True,
        INBOX_EMAIL,
        lambda r, d: _users().filter(pk=r.judge_id),
        _review_ctx,
        link=lambda r, d: f"/judging/assignments/{r.assignment_id}",
        contest=lambda r: r.stage.contest_id,
    ),
    Event(
        "results_published",
        _("Results published"),
        "judging.ResultSnapshot",
        True,
        INBOX_EMAIL,
        _stage_teams,
        _snapshot_ctx,
        link=lambda s, d: f"/contests/{s.stage.contest_id}/results",
        contest=lambda s: s.stage.contest_id,
    ),
    Event(
        "entry_promoted",
        _("Entry promoted"),
        "contest.Entry",
        True,
        ALL,
        lambda e, d: team_people([e.team_id]),
        _promotion_ctx,
        link=lambda e, d: "/teams",
        contest=lambda e: e.team.contest_id,
    ),
    Event(
        "entry_not_promoted",
        _("Entry not promoted"),
        "contest.Entry",
        True,
        INBOX_EMAIL,
        lambda e, d: team_people([e.team_id]),
        _promotion_ctx,
        link=lambda e, d: "/teams",
        contest=lambda e: e.team.contest_id,
    ),
    Event(
        "formal_check_decided",
        _("Formal check decided"),
        "judging.FormalCheckDecision",
        True,
        INBOX_EMAIL,
        lambda fd, d: team_people([fd.entry.team_id]),
        _formal_check_ctx,
        link=lambda fd, d: f"/entries/{fd.entry_id}",
        contest=lambda fd: fd.stage.contest_id,
    ),
    Event(
        "entry_recommended",
        _("Recommended to the parent contest"),
        "judging.Recommendation",
        True,
        INBOX_EMAIL,
        lambda r, d: team_people([r.entry.team_id]),
        _recommendation_ctx,
        link=lambda r, d: "/teams",
        contest=lambda r: r.from_contest_id,
    ),
    Event(
        "notice_opened",
        _("Public notice opened"),
        "awards.Notice",
        True,
        INBOX_EMAIL,
        lambda n, d: team_people(_teams_of_contest(n.contest_id)),
        _notice_ctx,
        link=lambda n, d: f"/notices/{n.pk}",
    ),
    Event(
        "objection_received",
        _("Objection received"),
        "awards.Objection",
        True,
        INBOX_EMAIL,
        lambda o, d: contest_organisers(o.notice.contest_id),
        _objection_ctx,
        link=lambda o, d: f"/notices/{o.notice_id}",
        contest=lambda o: o.notice.contest_id,
    ),
    Event(
        "objection_decided",
        _("Objection decided"),
        "awards.Objection",
        True,
        ALL,
        lambda o, d: _users().filter(pk=o.objector_id),
        _objection_ctx,
        link=lambda o, d: f"/notices/{o.notice_id}",
        contest=lambda o: o.notice.contest_id,
    ),
    Event(
        "awards_final",
        _("Awards final"),
        "awards.Notice",
        True,
        INBOX_EMAIL,
        _award_teams,
        _notice_ctx,
        link=lambda n, d: f"/notices/{n.pk}",
    ),
    Event(
        "certificate_issued",
        _("Certificate issued"),
        "awards.Certificate",
        False,
        INBOX_EMAIL,
        lambda c, d: _users().filter(pk=c.user_id),
        _certificate_ctx,
        link=lambda c, d: "/certificates",
    ),
    Event(
        "certificate_revoked",
        _("Certificate revoked"),
        "awards.Certificate",
        True,
        INBOX_EMAIL,
        lambda c, d: _users().filter(pk=c.user_id),
        _certificate_ctx,
        link=lambda c, d: "/certificates",
    ),
    Event(
        "certificate_replaced",
        _("Certificate replaced"),
        "awards.Certificate",
        True,
        INBOX_EMAIL,
        lambda c, d: _users().filter(pk=c.user_id),
        _certificate_ctx,
        link=lambda c, d: "/certificates",
    ),
    Event(
        "announcement",
        _("Announcement from the organisers"),
        "notifications.Announcement",
        False,
        INBOX_EMAIL,
        _announcement_recipients,
        _announcement_ctx,
        link=lambda a, d: f"/contests/{a.contest_id}",
    ),
    # 揭榜挂帅: 征榜 decisions, public answers to challenge questions, overdue milestones
    # (contexts in notifications/challenge_context.py)
    Event(
        "publisher_application_decided",
        _("Application to publish decided"),
        "contest.PublisherApplication",
        True,
        INBOX_EMAIL,
        lambda a, d: _users().filter(pk=a.applicant_id),
        demand.application_context,
        link=lambda a, d: "/publisher",
    ),
    Event(
        "question_answered",
        _("Challenge question answered"),
        "contest.ChallengeQuestion",
        False,
        INBOX_EMAIL,
        lambda q, d: team_people(demand.question_team_ids(q)),
        demand.question_context,
        link=lambda q, d: f"/challenges/{q.challenge_id}",
        contest=lambda q: q.challenge.contest_id,
    ),
    Event(
        "milestone_overdue",
        _("Milestone overdue"),
        "awards.Milestone",
        False,
        INBOX_EMAIL,
        lambda m, d: contest_organisers(m.agreement.contest_id),
        demand.milestone_context,
        link=lambda m, d: f"/agreements/{m.agreement_id}",
        contest=lambda m: m.agreement.contest_id,
    ),
    # The expert draw (专家抽取): a drawn expert's invitation with their personal link.
    Event(
        "expert_invited",
        _("Expert invitation"),
        "judging.ExpertDrawPick",
        True,
        ALL,
        lambda p, d: expert.expert_users(p),
        expert.expert_pick_context,
        link=lambda p, d: f"/expert-invitation/{p.token}",
        contest=lambda p: p.draw.stage.contest_id,
        addresses=lambda p, d: expert.expert_addresses(p),
    ),
    # The national contest's inbox: its decision on a recommendation (national_context.py)
    Event(*national.RETURNED, national.returned_to, national.context, **national.RETURNED_KW),
    Event(*national.ACCEPTED, national.accepted_to, national.context, **national.ACCEPTED_KW),
]


EVENTS: dict[str, Event] = {e.key: e for e in _EVENTS}


def event_get(key: str) -> Event:
    return EVENTS[key]
