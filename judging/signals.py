"""Signals the judging app sends to the apps above it (awards receives them in
`awards/receivers.py`, connected in `AwardsConfig.ready`); judging never imports them.

Both are sent inside the transaction of the change, so a receiver's writes commit or roll back
with it.
"""

from django.dispatch import Signal

# sender=ResultSnapshot, snapshot=<the withdrawn ResultSnapshot>, reason=<str>, actor=<User>
# Sent by `results_correction_open`: what was derived from the snapshot (awards, notices,
# certificates) is stale from now on.
snapshot_withdrawn = Signal()

# sender=ResultSnapshot, snapshot=<the new ResultSnapshot>, replaces=<withdrawn snapshot or None>,
# actor=<User>. Sent by every `results_publish`.
snapshot_published = Signal()


# --- Events the notifications app tells people about (issue 11) -------------------------------
# Sent inside the service's transaction; the receivers (notifications.receivers) act on commit.

# sender=PanelMembership, membership=<PanelMembership>. Sent by `judge_invite`.
panel_invited = Signal()

# sender=Stage, stage=<Stage>, judge_ids=<list of user ids with new assignments>,
# occurrence=<str: what makes this round of assignments distinct, e.g. "run:12">.
# Sent by `assignment_run_execute` (a feasible run), `assignment_add` and `assignment_swap`.
assignments_ready = Signal()

# sender=Review, review=<Review>, reason=<str>. Sent by `review_reopen`.
review_reopened = Signal()

# sender=Stage, from_stage=<Stage>, to_stage=<Stage>, entry_ids=<list of the newly promoted
# entries of from_stage>. Sent by `promotion_apply` when it promoted anything.
entries_promoted = Signal()

# sender=Recommendation, recommendation=<Recommendation>. Sent by `recommendation_create`.
entry_recommended = Signal()

# sender=FormalCheckDecision, decision=<FormalCheckDecision>. Sent by every formal-check decision
# (`formal_check_pass`, `formal_check_return`, `formal_check_reject`, `formal_check_pass_bulk`).
formal_check_decided = Signal()

# sender=ExpertDrawPick, pick=<ExpertDrawPick>. Sent when a drawn expert is invited: at the draw,
# and when a decline or a lapse calls the next reserve.
expert_invited = Signal()
# sender=Recommendation, recommendation=<Recommendation>. Sent by `recommendation_accept` and
# `recommendation_return` (the national organiser's decision; its status says which).
recommendation_decided = Signal()
