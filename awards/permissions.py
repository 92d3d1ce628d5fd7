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
