"""The judging app's error codes (see `contest.errors`): rubrics, panels, conflicts of interest,
assignment, reviews, results, promotion and recommendation.

`reason_required` and `track_not_in_contest` are the contest catalogue's; codes raised by the pure
modules (`judging.aggregation`) carry the `aggregation.` prefix.
"""

from django.utils.translation import gettext_lazy as _

import contest.errors  # noqa: F401  (the contest catalogue: codes judging raises too)
from contest.errors import Catalogue, error

__all__ = ["catalogue", "error"]

catalogue = Catalogue("judging")

# Rubrics
catalogue.invalid("rubric_empty", _("A rubric needs at least one criterion."))
catalogue.invalid("criterion_key_duplicate", _("Criterion keys repeat."))
catalogue.invalid(
    "rubric_weights_invalid", _("Criterion weights must add up to 100; they add up to {total}.")
)
catalogue.invalid(
    "criterion_step_invalid",
    _("Criterion '{name}': the max score must be a whole number of steps."),
)
catalogue.conflict("rubric_exists", _("This stage (track/group) already has a rubric."))
catalogue.conflict(
    "rubric_has_scores",
    _("This rubric already has scores: give a reason (it is recorded and totals are recomputed)."),
)
catalogue.conflict(
    "rubric_criteria_locked", _("Criteria cannot be added or removed once scores exist.")
)
catalogue.conflict(
    "criterion_scores_above_max", _("Criterion '{name}' has scores above the new maximum.")
)

# Panels
catalogue.invalid("invalid_load", _("The min load exceeds the max load."))
catalogue.conflict("already_on_panel", _("The judge is already on this panel."))
catalogue.invalid(
    "declaration_required", _("Accept the no-conflict and confidentiality declaration first.")
)
catalogue.conflict("already_accepted", _("Accepted already: contact the organisers."))

# Assignment
catalogue.invalid("invalid_k", _("Judges per entry must be between 1 and {k_max}."))
catalogue.conflict("stage_not_roadshow", _("Only a roadshow stage is scored by the whole panel."))
catalogue.invalid("entry_not_in_stage", _("The entry is not in this stage."))
catalogue.conflict("entry_not_submitted", _("The entry has not been submitted."))
catalogue.invalid(
    "judge_not_on_panel", _("The judge is not an accepted member of this stage's panel.")
)
catalogue.conflict(
    "judge_conflict",
    _("Judge {judge_name} has a conflict of interest with this entry's team ({reasons})."),
)
catalogue.invalid("judge_not_on_entry_panel", _("The judge does not sit on this entry's panel."))
catalogue.conflict(
    "judge_max_load", _("Judge {judge_name} has reached the max load of {max_load}.")
)
catalogue.conflict("already_assigned", _("The judge is already assigned to this entry."))

# Reviews
catalogue.conflict(
    "review_submitted", _("The review is submitted and locked; ask the organisers to reopen it.")
)
catalogue.forbidden(
    "judge_recused",
    _("You have a conflict of interest with this entrant and may not see or score it."),
)
catalogue.conflict(
    "declaration_not_signed", _("Accept the panel invitation and sign the declaration first.")
)
catalogue.conflict("review_not_open", _("Reviewing has not opened yet."))
catalogue.conflict("review_closed", _("Reviewing has closed; scores can no longer change."))
catalogue.invalid("criterion_unknown", _("Unknown criteria: {unknown}."))
catalogue.invalid(
    "score_not_a_number", _("'{name}' must be a plain number in digits, such as 7 or 7.5.")
)
catalogue.invalid("score_out_of_range", _("{score} must be between 0 and {max_score}."))
catalogue.invalid("score_step_invalid", _("'{name}' must be a multiple of {step}."))
catalogue.invalid("scores_incomplete", _("Score every criterion before submitting."))
catalogue.conflict("rubric_missing", _("The stage has no rubric yet."))
catalogue.conflict("review_not_submitted", _("The review is not submitted."))

# Results
catalogue.invalid(
    "tie_break_invalid",
    _('The tie-break chain is a list of {"rule": criterion | first_places | panel}.'),
)
catalogue.invalid(
    "trim_min_reviews", _("Trimming the highest and lowest score needs at least 3 reviews.")
)
catalogue.invalid("method_invalid", _("Unknown method."))
catalogue.invalid("scope_invalid", _("Unknown scope."))
catalogue.invalid("override_empty", _("Give the panel's score or its order among tied entries."))
catalogue.conflict(
    "results_not_computed",
    _("Results have not been computed yet; compute them before publishing."),
)

# Promotion and recommendation
catalogue.invalid("number_invalid", _("Give a number."))
catalogue.invalid("threshold_invalid", _("The threshold must lie between 0 and {max_total}."))
catalogue.invalid("n_invalid", _("n must be a positive integer."))
catalogue.invalid("percent_invalid", _("percent must be greater than 0 and at most 100."))
catalogue.invalid(
    "promotion_stage_invalid",
    _("Entries can only be promoted to a later stage of the same contest."),
)
catalogue.invalid("rule_invalid", _("Unknown promotion rule."))
catalogue.invalid("entry_ids_required", _("Pick the entries to {action}."))
catalogue.invalid(
    "entry_not_in_contest", _("Some entries are not in this contest or were withdrawn.")
)
catalogue.conflict(
    "results_not_published",
    _("The stage's results are not published; rank-based promotion needs them."),
)
catalogue.conflict("no_parent_contest", _("This contest has no parent contest to recommend to."))
catalogue.conflict(
    "quota_exceeded",
    _(
        "Over the quota: {parent_name} allows {quota} recommendations per sub-contest; "
        "{active} are used and {new} more were asked for."
    ),
)

# judging.aggregation (inputs the services have already checked; a programming error otherwise)
catalogue.invalid("aggregation.max_total", _("max_total must be positive"))
catalogue.invalid("aggregation.unknown_entry", _("review or override of an unknown entry"))
catalogue.invalid("aggregation.score_out_of_range", _("score outside [0, max_total]"))
catalogue.invalid("aggregation.duplicate_review", _("duplicate review"))
catalogue.invalid("aggregation.tie_break", _("unknown tie-break rule"))
catalogue.invalid("aggregation.trim_min_reviews", _("trim_min_reviews must be >= 3"))
catalogue.invalid("aggregation.override_reason", _("an override needs a reason"))
catalogue.invalid(
    "aggregation.class_weight", _("reviewer class weights must be > 0 and add up to less than 1")
)

# 评榜 by publishers: the publisher as a reviewer class with an organiser-set weight
catalogue.invalid(
    "publisher_weight_invalid",
    _("The publisher's weight is a percentage from 0 to 99.99 (0: publishers do not score)."),
)
catalogue.conflict(
    "publisher_weight_locked",
    _("Scoring of this stage has started: the publisher's weight is fixed."),
)
catalogue.conflict(
    "publisher_reviewer_not_publisher",
    _("{name} is not a publisher of this contest."),
)
catalogue.conflict(
    "publisher_reviewer_no_weight",
    _("Set the publisher's weight for this stage before adding publishers as reviewers."),
)
catalogue.conflict(
    "publisher_reviewer_other_challenge",
    _("A publisher reviews only the entries for its own organisation's challenges."),
)
catalogue.conflict(
    "publisher_reviewers_none",
    _("No publisher of this stage has accepted the panel declaration yet."),
)

# Promotion and recommendation: only entries submitted and not refused
catalogue.conflict(
    "entries_not_eligible",
    _(
        "Only entries that were submitted and not refused can be picked to {action}; "
        "not: {entries}."
    ),
)

# Phases (judging.phases) and the correction (更正)
catalogue.conflict(
    "stage_results_published",
    _("The results of this stage are published; a change needs a correction."),
)
catalogue.conflict(
    "stage_under_correction",
    _("The results of this stage are under correction; publish the corrected results first."),
)
catalogue.conflict("stage_phase_forbids", _("Not possible in the stage's current phase ({phase})."))
catalogue.conflict(
    "review_not_in_correction",
    _("Under the correction only the reviews it names can be scored again."),
)
catalogue.invalid(
    "correction_reviews_invalid",
    _("Not submitted reviews of this stage: {reviews}."),
)
catalogue.invalid(
    "tie_break_criterion_unknown",
    _("Unknown tie-break criterion '{key}'; the stage's criteria are: {known}."),
)
catalogue.conflict(
    "results_outdated",
    _("The stored results are out of date; compute them again before publishing."),
)

# Conflicts of interest at the panel (issue 9)
catalogue.conflict(
    "judge_is_contestant",
    _("{judge_name} is on a team of this contest and cannot be one of its judges."),
)
catalogue.conflict(
    "organisation_not_stated",
    _("State your organisation, or that you have none, before signing the declaration."),
)

# Assignment runs with nothing to do, and the blind-stage check (anonymity)
catalogue.conflict(
    "no_submitted_entries", _("The stage has no submitted entries: there is nothing to assign.")
)
catalogue.conflict(
    "all_entries_assigned",
    _("All {entries} submitted entries already have {k} judges: there is nothing to assign."),
)
catalogue.invalid("assignment_mode_invalid", _("Unknown assignment mode; use one of: {modes}."))
catalogue.conflict("stage_not_blind", _("The stage is not blind: there is nothing to anonymise."))
catalogue.invalid("redaction_terms_required", _("Give the terms to redact."))
catalogue.invalid(
    "redaction_term_absent", _("“{term}” does not occur in the entry's title or summary.")
)

# The notary export
catalogue.conflict("notary_nothing_published", _("The stage has no published results to export."))
catalogue.conflict(
    "file_not_anonymisable",
    _(
        "This file cannot be opened to remove its author details, so it is withheld in a blind stage; ask the organiser for a readable copy."
    ),
)

# The formal check (形式审查)
catalogue.conflict("stage_not_formal_check", _("This stage is not a formal-check stage."))
catalogue.invalid("checklist_file_kind_invalid", _("Unknown file kinds: {kinds}."))
catalogue.invalid("checklist_field_invalid", _("Unknown entry fields: {names}."))
catalogue.invalid(
    "formal_deadline_required", _("Give the deadline by which the team must resubmit.")
)
catalogue.invalid(
    "formal_deadline_past", _("The deadline for the correction must be in the future.")
)
catalogue.conflict(
    "formal_check_entry_promoted",
    _("The entry has gone on to the next stage; its formal-check decision can no longer change."),
)
catalogue.invalid(
    "promotion_rule_formal_only",
    _("From a formal-check stage only the entries that passed go on: use the rule formal_passed."),
)
catalogue.invalid(
    "promotion_rule_needs_formal_stage",
    _("The rule formal_passed applies only to a formal-check stage."),
)

# The expert pool (专家库) and the expert draw
catalogue.invalid("expert_contact_required", _("An expert needs a mobile number or an e-mail."))
catalogue.invalid("expert_date_invalid", _("Dates must be given as YYYY-MM-DD: {value}."))
catalogue.invalid("expert_draw_count_invalid", _("Draw at least one expert, at most {count_max}."))
catalogue.conflict(
    "expert_draw_too_few",
    _("Only {available} experts qualify; {wanted} are wanted (experts and reserves)."),
)
catalogue.invalid(
    "expert_relation_id_invalid", _("Invalid citizen ID number for the declared person {name}.")
)
catalogue.not_found("expert_pick_token_invalid", _("This invitation link is not valid."))
catalogue.conflict("expert_pick_not_open", _("This invitation is no longer open ({status})."))
catalogue.invalid(
    "expert_password_required", _("Choose a password for the account you will log in with.")
)
catalogue.forbidden(
    "expert_letter_not_confirmed", _("An appointment letter exists only for a confirmed expert.")
)
# The national contest's inbox (judging/services/recommendation.py)
catalogue.conflict(
    "track_quota_exceeded",
    _(
        "{contest_name} may recommend {quota} entries in the track {track}: {active} are used "
        "and {new} more were asked for."
    ),
)
catalogue.conflict(
    "recommendation_deadline_passed",
    _("Recommendations to {parent_name} closed at {deadline} (Beijing time)."),
)
catalogue.invalid(
    "recommendation_track_unmatched",
    _("{parent_name} has no track matching the track of: {entries}."),
)
catalogue.conflict(
    "recommendation_not_pending",
    _("This recommendation is {status}: only one awaiting a decision can be accepted or returned."),
)
catalogue.conflict(
    "national_stage_missing", _("{contest_name} has no stage to carry the entry into yet.")
)
catalogue.invalid("quota_invalid", _("A quota is a whole number of at least 0."))
catalogue.invalid("quota_track_invalid", _("The track is not a track of this contest."))
catalogue.invalid("quota_sub_contest_invalid", _("The contest is not a sub-contest of this one."))
# The live final (judging/services/live.py)
catalogue.invalid("live_no_entries", _("The stage has no entries to present."))
catalogue.invalid(
    "live_timer_invalid", _("Pitch and questions must each last between 1 second and 2 hours.")
)
catalogue.conflict(
    "live_started", _("The live session has started: the presentation order can no longer change.")
)
catalogue.conflict("live_not_drawn", _("Draw the presentation order first."))
catalogue.conflict("live_not_running", _("The live session is not running."))
catalogue.conflict("live_no_previous_team", _("This is the first team."))
catalogue.conflict(
    "live_not_on_stage", _("Only the team on stage can be scored; this team is not on stage.")
)
catalogue.forbidden("live_not_on_panel", _("You are not a judge on this final's panel."))
catalogue.forbidden(
    "live_chair_required", _("Only the panel chair or the organisers can reopen a live score.")
)
