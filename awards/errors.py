"""The awards app's error codes (see `contest.errors`): tiers and awards, public notices and
objections, certificates. Codes the lower apps define (`not_permitted`, `reason_required`,
`track_not_in_contest`, `file_too_large` …) are raised from here too and not defined again."""

from django.utils.translation import gettext_lazy as _

import contest.errors  # noqa: F401  (the lower apps' catalogues: codes awards raises too)
import judging.errors  # noqa: F401
from contest.errors import Catalogue, error

__all__ = ["catalogue", "error"]

catalogue = Catalogue("awards")

# Award tiers and awards
catalogue.invalid("challenge_not_in_contest", _("The challenge belongs to another contest."))
catalogue.invalid(
    "tier_track_and_challenge", _("A tier is limited to a track or to a challenge, not both.")
)
catalogue.invalid(
    "quota_required", _("A ranked tier needs a quota: a count or a percentage, not both.")
)
catalogue.invalid("quota_percent_range", _("The percentage must be above 0 and at most 100."))
catalogue.conflict("tier_in_use", _("Awards of this tier exist; it cannot be deleted."))
catalogue.invalid("invalid", _("Give the contest and the tier's name."))
catalogue.conflict(
    "no_published_results", _("This stage has no published results to propose awards from.")
)
catalogue.conflict(
    "snapshot_tampered",
    _("The published results no longer match their checksum; awards cannot be proposed."),
)
catalogue.conflict(
    "awards_already_published",
    _("This stage's awards are already in a public notice; they cannot be proposed again."),
)
catalogue.conflict("no_award_tiers", _("Set up ranked award tiers with quotas first."))
catalogue.conflict("award_final", _("The award list is final."))
catalogue.conflict("award_removed", _("This award was removed."))
catalogue.conflict(
    "award_in_notice",
    _("During the public notice the list changes only through an upheld objection."),
)
catalogue.invalid("tier_not_in_contest", _("Choose a tier of this contest."))
catalogue.invalid("invalid_action", _("The action must be add, change_tier or remove."))
catalogue.invalid("contest_required", _("Name the contest."))
catalogue.invalid("recipient_required", _("Name the winning team or organisation (one of them)."))
catalogue.invalid("team_not_in_contest", _("The team belongs to another contest."))
catalogue.invalid(
    "organisation_needs_organiser_tier", _("Only an organiser award goes to an organisation.")
)
catalogue.invalid(
    "organiser_tier_needs_organisation",
    _("An organiser award goes to an organisation, not a team."),
)
catalogue.conflict("award_exists", _("This team or organisation already has this award."))
catalogue.invalid("award_required", _("Name the award."))
catalogue.invalid("tier_unchanged", _("The award already has this tier."))
catalogue.invalid(
    "tier_kind_mismatch", _("Organiser awards go to organisations, other tiers to teams.")
)

# Public notices and objections
catalogue.invalid("scope_required", _("Name the contest or the stage."))
catalogue.invalid("notice_days_range", _("A notice lasts 1 to {max_days} days."))
catalogue.conflict("no_proposed_awards", _("There are no proposed awards to publish."))
catalogue.forbidden(
    "login_required",
    _(
        "Objections must come from a logged-in, real-name account; anonymous objections are refused."
    ),
)
catalogue.invalid(
    "real_name_required",
    _("Objections are made under a real name: add your real name to your profile first."),
)
catalogue.conflict("notice_not_open", _("The public notice has not opened yet."))
catalogue.conflict(
    "notice_closed", _("The notice period ended at {closes_at}; late objections are refused.")
)
catalogue.invalid("award_not_in_notice", _("That award is not on this notice's list."))
catalogue.invalid("objection_incomplete", _("Give the reason for the objection and a contact."))
catalogue.invalid("too_many_files", _("At most {max_files} evidence files."))
catalogue.invalid(
    "sealed_letter_required",
    _("An objection on behalf of an organisation needs its sealed letter as a file."),
)
catalogue.invalid("award_not_in_contest", _("No such award in this contest."))
catalogue.conflict("objection_resolved", _("This objection has already been resolved."))
catalogue.conflict("notice_final", _("The list is already final."))
catalogue.invalid("invalid_decision", _("The decision must be upheld or rejected."))
catalogue.invalid("resolution_required", _("Give the reasoning of the decision."))
catalogue.invalid("changes_need_upheld", _("Only an upheld objection changes the award list."))
catalogue.conflict(
    "notice_window_open", _("The notice period runs until {closes_at}; finalise after it ends.")
)
catalogue.conflict(
    "objections_open", _("{count} objection(s) are still open; resolve them before finalising.")
)

# Certificates
catalogue.invalid("positions_invalid", _("Invalid positions."))
catalogue.invalid(
    "serial_prefix_invalid", _("The serial prefix may contain letters and digits only.")
)
catalogue.invalid("too_many_bodies", _("At most 4 issuing bodies."))
catalogue.invalid(
    "image_too_many_pixels",
    _("The image is too large ({width}×{height}); the limit is 40 megapixels."),
)
catalogue.invalid("image_invalid", _("The image cannot be read or is damaged."))
catalogue.invalid(
    "image_aspect",
    _(
        "The background must have A4 proportions (landscape or portrait, ±10%); it is {width}×{height}."
    ),
)
catalogue.invalid(
    "seal_needs_alpha", _("The seal must be a PNG with transparency (an alpha channel).")
)
catalogue.invalid(
    "seal_right_unconfirmed",
    _("Confirm that you have the right to use this seal; without it no seal is printed."),
)
catalogue.invalid(
    "wording_placeholder",
    _("Unknown placeholders in the wording: {unknown}; use {available} and the like."),
)
catalogue.invalid(
    "names_missing_glyphs",
    _("Some names contain characters the certificate font cannot print; fix them first: {names}"),
)
catalogue.conflict(
    "no_final_awards",
    _("No award is final yet: certificates are issued after the notice and its objections."),
)
catalogue.conflict("batch_running", _("A certificate batch is already running."))
catalogue.conflict("certificate_revoked", _("This certificate is already revoked."))

# Issue 9: notices that hold, upheld objections with consequences, quotas, certificates, corrections
catalogue.invalid(
    "notice_opens_in_past", _("A notice opens now or later, never in the past ({opens_at}).")
)
catalogue.invalid(
    "notice_too_short",
    _(
        "This contest's notices last at least {min_days} {unit}; this one would close at {closes_at}."
    ),
)
catalogue.invalid("notice_min_days_range", _("The minimum notice length is 1 to {max_days} days."))
catalogue.conflict(
    "follow_up_notice_open",
    _("The notice of the changed part runs until {closes_at}; the list is final after it ends."),
)
catalogue.conflict(
    "notice_stale", _("This notice was superseded by a correction of the results: {reason}")
)
catalogue.invalid(
    "consequence_required",
    _("An upheld objection needs its consequence: the award changes, or no change with a reason."),
)
catalogue.invalid(
    "no_change_with_changes", _("Give either the award changes or no change with a reason.")
)
catalogue.conflict(
    "award_quota_exceeded",
    _(
        "The tier {tier} allows {quota} award(s) here and {count} are given; going over needs "
        "an override with a reason."
    ),
)
catalogue.conflict(
    "award_stale",
    _("This award was proposed from results withdrawn by a correction; propose it again."),
)
catalogue.conflict(
    "stale_awards_pending",
    _("{count} award(s) come from corrected results; propose them again from the new results."),
)
catalogue.conflict(
    "serial_prefix_taken", _("The serial prefix {prefix} is already used by another contest.")
)
catalogue.conflict("certificate_not_revoked", _("Only a revoked certificate can be replaced."))
catalogue.conflict(
    "certificate_already_replaced", _("This certificate was already replaced by {serial}.")
)
catalogue.invalid("replacement_field_invalid", _("Only these fields can be corrected: {allowed}."))
catalogue.conflict(
    "replacement_award_not_final", _("The award is not final; a replacement cannot be issued.")
)

# Issue 10: certificates that a PDF reader, a notary and a journalist trust
catalogue.invalid(
    "serial_mistyped",
    _("The serial's check character does not match: it was probably mistyped. Check it again."),
)
catalogue.conflict(
    "certificate_badge_revoked",
    _(
        "This certificate was revoked, so its Open Badge is no longer issued; badges downloaded "
        "earlier show it as revoked in the status list."
    ),
)
catalogue.not_found("status_list_not_found", _("There is no such status list."))
catalogue.invalid(
    "pdf_signature_missing",
    _("The PDF carries no electronic signature of this platform; it is not the file as issued."),
)
catalogue.invalid(
    "pdf_signature_broken",
    _("The PDF's electronic signature is broken: the file was changed after it was issued."),
)
catalogue.invalid(
    "pdf_modified_after_signing",
    _("Something was added to the PDF after it was signed; it is not the file as issued."),
)
catalogue.invalid(
    "pdf_signer_unknown",
    _("The PDF was signed with a certificate that is not this platform's."),
)
catalogue.invalid(
    "pdf_content_mismatch",
    _("The data embedded in the PDF does not match the certificate on record."),
)
catalogue.invalid(
    "issuer_download_invalid", _("The certificate downloads as download=pem or download=der.")
)

# 揭榜挂帅 after the win: per-challenge results, agreements, milestones, payments, 验收
catalogue.invalid("challenge_not_published", _("Only a published challenge has a result."))
catalogue.invalid(
    "challenge_outcome_invalid", _("The outcome is winners or unfilled (no entry met the targets).")
)
catalogue.conflict("challenge_result_in_notice", _("This challenge's result is already on notice."))
catalogue.invalid(
    "challenge_winners_required",
    _("Name at least one winner, or record the challenge as unfilled."),
)
catalogue.invalid(
    "challenge_unfilled_reasons_required", _("An unfilled challenge needs the panel's reasons.")
)
catalogue.invalid("challenge_unfilled_has_winners", _("An unfilled challenge has no winners."))
catalogue.invalid(
    "winner_not_on_challenge", _("Team {team} did not take this challenge; it cannot win it.")
)
catalogue.invalid("winner_duplicate", _("A team is named twice among the winners."))
catalogue.invalid("prize_amount_invalid", _("The prize amount must be zero or more."))
catalogue.invalid("tier_not_for_challenge", _("Choose a tier of this challenge."))
catalogue.conflict(
    "challenge_result_not_final",
    _("The challenge's result is not final yet: an agreement follows its public notice."),
)
catalogue.conflict("agreement_exists", _("This winner already has an agreement."))
catalogue.invalid("milestones_required", _("An agreement needs at least one milestone."))
catalogue.invalid(
    "milestone_shares_not_100",
    _("The milestones' payment shares add up to {total} %; they must add up to 100 %."),
)
catalogue.invalid("milestone_share_range", _("A payment share is above 0 and at most 100 %."))
catalogue.invalid(
    "milestone_due_outside_agreement",
    _("Milestone {order} is due outside the agreement's term."),
)
catalogue.invalid("agreement_dates_order", _("The agreement cannot end before it starts."))
catalogue.invalid("agreement_amount_invalid", _("The amount must be zero or more."))
catalogue.conflict("agreement_not_draft", _("The agreement is {status}; only a draft is signed."))
catalogue.conflict(
    "agreement_not_active",
    _("The agreement is {status}; milestones are delivered only while it runs."),
)
catalogue.conflict(
    "milestone_not_open",
    _("The milestone is {status}; deliverables are added only while it is pending or returned."),
)
catalogue.invalid("milestone_no_deliverables", _("Upload at least one deliverable first."))
catalogue.conflict(
    "milestone_not_submitted",
    _("The milestone is {status}; only a submitted milestone is accepted or returned."),
)
catalogue.conflict(
    "payment_milestone_not_accepted",
    _("A payment is recorded only for an accepted milestone; this one is {status}."),
)
catalogue.conflict(
    "payment_exceeds_tranche",
    _("The payment exceeds the tranche: {remaining} CNY remain to be paid for this milestone."),
)
catalogue.invalid("payment_amount_invalid", _("The amount paid must be above zero."))
catalogue.conflict(
    "acceptance_milestones_open",
    _(
        "{count} milestone(s) are not accepted yet; the acceptance review follows the last accepted milestone."
    ),
)
catalogue.invalid(
    "acceptance_stage_invalid", _("Choose an acceptance-review stage of the agreement's contest.")
)
catalogue.conflict(
    "acceptance_pending",
    _("An acceptance review of this agreement is already scheduled and not decided."),
)
catalogue.conflict("acceptance_decided", _("This acceptance review has already been decided."))
catalogue.invalid("acceptance_outcome_invalid", _("The outcome is passed, failed or rectify."))
catalogue.conflict(
    "acceptance_results_missing",
    _("The acceptance stage has no published result for this agreement yet."),
)
catalogue.invalid(
    "rectify_deadline_required",
    _("Rectification needs a deadline after the acceptance review's date."),
)
