"""Who may do what in judging (see `contest.permissions`): one `permission_define` per rule.

Organiser rules take the contest as `obj` (a stage, rubric or result is checked on its contest);
a judge's own rules take the object they act on: the assignment for reviewing, the panel
membership for accepting or declining an invitation.
"""

from __future__ import annotations

import rules
from django.utils.translation import gettext_lazy as _

from contest.permissions import can_edit_entry, is_organiser, permission_define


@rules.predicate
def is_assigned_judge(user, assignment) -> bool:
    """The judge an assignment names, and only them."""
    return bool(user and user.is_authenticated and assignment.judge_id == user.pk)


@rules.predicate
def is_invited_judge(user, membership) -> bool:
    """The judge a panel invitation is for: nobody accepts or declines for someone else."""
    return bool(user and user.is_authenticated and membership.judge_id == user.pk)


# Rubrics (`obj`: the contest)
permission_define("judging.set_rubric", is_organiser, _("set rubrics"))
permission_define("judging.change_rubric", is_organiser, _("change rubrics"))

# Panels (`obj`: the contest; for the judge's answer, the panel membership)
permission_define("judging.invite_judge", is_organiser, _("invite judges"))
permission_define("judging.accept_invitation", is_invited_judge, _("accept for someone else"))
permission_define("judging.decline_invitation", is_invited_judge, _("decline for someone else"))

# Conflicts of interest (`obj`: the contest). A judge always recuses themself; declaring a
# conflict for another judge is the organisers'.
permission_define("judging.declare_conflict", is_organiser, _("declare a conflict for this judge"))

# Assignment (`obj`: the contest)
permission_define("judging.assign_judges", is_organiser, _("assign judges"))
permission_define("judging.remove_assignment", is_organiser, _("remove assignments"))
permission_define("judging.swap_judge", is_organiser, _("swap judges"))

# Reviews (`obj`: the assignment; reopening: the contest)
permission_define("judging.review_entry", is_assigned_judge, _("review this entry"))
permission_define("judging.reopen_review", is_organiser, _("reopen reviews"))

# Results (`obj`: the contest). Seeing every published version, not only the latest, is the
# organisers'.
permission_define("judging.compute_results", is_organiser, _("compute results"))
permission_define("judging.change_result_settings", is_organiser, _("change result settings"))
permission_define("judging.set_panel_override", is_organiser, _("record a panel override"))
permission_define("judging.remove_panel_override", is_organiser, _("lift a panel override"))
permission_define("judging.publish_results", is_organiser, _("publish results"))
permission_define(
    "judging.view_result_history", is_organiser, _("see earlier versions of the results")
)

# Promotion and recommendation (`obj`: the contest)
permission_define("judging.promote_entries", is_organiser, _("promote entries"))
permission_define(
    "judging.recommend_entries", is_organiser, _("recommend entries to the parent contest")
)
# The national contest's inbox (`obj`: the parent contest)
permission_define(
    "judging.decide_recommendations", is_organiser, _("accept or return recommendations")
)
permission_define(
    "judging.set_recommendation_quotas", is_organiser, _("set the recommendation quotas")
)

# The correction (更正) of published results (`obj`: the contest)
permission_define(
    "judging.open_correction", is_organiser, _("open a correction of published results")
)

# The blind-stage check and redaction (`obj`: the contest)
permission_define("judging.check_anonymity", is_organiser, _("check entries for names"))
permission_define("judging.redact_entry", is_organiser, _("redact entries"))

# The notary export of a stage's published results and the contest's chain (`obj`: the contest)
permission_define("judging.export_notary", is_organiser, _("export the notary package"))


# The formal check (`obj`: the contest)
permission_define("judging.decide_formal_check", is_organiser, _("decide the formal check"))
permission_define("judging.set_material_checklist", is_organiser, _("set the material checklist"))
permission_define("judging.view_formal_check", is_organiser, _("see the formal-check queue"))


@rules.predicate
def is_returned_before_deadline(user, entry) -> bool:
    """The entry's latest formal-check decision returned it for correction (补正) and its deadline
    has not passed: its team may edit and resubmit it even after the submission window closed."""
    from django.utils import timezone

    from judging.enums import FormalCheckOutcome
    from judging.models import FormalCheckDecision

    latest = (
        FormalCheckDecision.objects.filter(entry_id=entry.pk)
        .order_by("-decided_at", "-id")
        .values_list("outcome", "deadline")
        .first()
    )
    return bool(
        latest
        and latest[0] == FormalCheckOutcome.RETURN
        and latest[1] is not None
        and latest[1] > timezone.now()
    )


@rules.predicate
def can_edit_entry_of_team(user, entry) -> bool:
    return can_edit_entry(user, entry.team)


# Asked by name by `contest.services.entry` when the submission window refuses (`obj`: the entry).
permission_define(
    "judging.edit_returned_entry",
    can_edit_entry_of_team & is_returned_before_deadline,
    _("edit the returned entry"),
)


# The expert pool and the expert draw (`obj`: the contest)
permission_define("judging.manage_experts", is_organiser, _("manage the expert pool"))
permission_define("judging.draw_experts", is_organiser, _("draw experts"))
# The live final (obj: the contest)
permission_define("judging.run_live_final", is_organiser, _("run the live final"))
