"""Who may do what in awards (see `contest.permissions`): one `permission_define` per rule.

Every rule here is the contest's organisers', and takes the contest as `obj` (a tier, award,
notice, objection or certificate is checked on its contest) — except the holiday calendar, which
is the platform's and is checked on the user alone.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contest.permissions import is_organiser, is_platform_admin, permission_define

# Award tiers and awards (`obj`: the contest)
permission_define("awards.set_award_tier", is_organiser, _("set award tiers"))
permission_define("awards.propose_awards", is_organiser, _("propose awards"))
permission_define("awards.adjust_awards", is_organiser, _("adjust awards"))
permission_define("awards.check_awards", is_organiser, _("check awards"))

# Public notices and objections (`obj`: the contest)
permission_define("awards.open_notice", is_organiser, _("open a public notice"))
permission_define("awards.resolve_objection", is_organiser, _("resolve objections"))
permission_define("awards.finalise_awards", is_organiser, _("finalise the award list"))

# The working-day calendar (public holidays and 调休): platform admins, no object
permission_define(
    "awards.edit_calendar", is_platform_admin, _("edit the holiday calendar"), on_object=False
)

# Certificates (`obj`: the contest)
permission_define("awards.manage_certificates", is_organiser, _("manage certificates"))
permission_define(
    "awards.edit_certificate_template", is_organiser, _("edit the certificate template")
)
permission_define("awards.issue_certificates", is_organiser, _("issue certificates"))
permission_define("awards.revoke_certificate", is_organiser, _("revoke certificates"))

# Issue 9: the contest's award settings (minimum notice length) and replacement certificates
permission_define("awards.set_award_settings", is_organiser, _("set award settings"))
permission_define("awards.replace_certificate", is_organiser, _("replace certificates"))

# 揭榜挂帅 after the win. `obj`: the challenge (a result or a new agreement) or the agreement;
# a 验收 decision is checked on the acceptance review.
import rules  # noqa: E402

from contest.permissions import (  # noqa: E402
    can_edit_entry,
    is_challenge_organiser,
    is_challenge_publisher,
    is_publisher_for,
)


@rules.predicate
def is_agreement_organiser(user, agreement) -> bool:
    return is_organiser(user, agreement.contest)


@rules.predicate
def is_agreement_publisher(user, agreement) -> bool:
    """A publisher of the contest acting for the agreement's publishing organisation."""
    return is_publisher_for(user, agreement.contest, agreement.publisher_id)


@rules.predicate
def is_agreement_winner(user, agreement) -> bool:
    """The winning team's captain and members (advisors read only)."""
    return can_edit_entry(user, agreement.team)


@rules.predicate
def is_acceptance_organiser(user, review) -> bool:
    return is_organiser(user, review.agreement.contest)


@rules.predicate
def is_acceptance_chair(user, review) -> bool:
    """The chair of the acceptance stage's panel (accepted invitation, declaration signed)."""
    if not (user and user.is_authenticated):
        return False
    from judging.models import PanelMembership

    return PanelMembership.objects.filter(
        stage_id=review.stage_id,
        judge=user,
        is_chair=True,
        status="accepted",
        declaration_accepted_at__isnull=False,
    ).exists()


permission_define(
    "awards.record_challenge_result", is_challenge_organiser, _("record a challenge's result")
)
permission_define(
    "awards.create_agreement",
    is_challenge_organiser | is_challenge_publisher,
    _("draft an agreement for this challenge"),
)
permission_define(
    "awards.sign_agreement",
    is_agreement_organiser | is_agreement_publisher,
    _("record the signing of this agreement"),
)
permission_define(
    "awards.deliver_milestone", is_agreement_winner, _("deliver this agreement's milestones")
)
permission_define(
    "awards.decide_milestone",
    is_agreement_publisher,
    _("accept or return this agreement's milestones"),
)
permission_define(
    "awards.record_payment",
    is_agreement_organiser | is_agreement_publisher,
    _("record payments of this agreement"),
)
permission_define(
    "awards.schedule_acceptance",
    is_agreement_organiser,
    _("schedule this agreement's acceptance review"),
)
permission_define(
    "awards.decide_acceptance",
    is_acceptance_organiser | is_acceptance_chair,
    _("decide this acceptance review"),
)
