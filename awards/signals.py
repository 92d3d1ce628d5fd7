"""Signals the awards app sends to the apps above it (notifications receives them in
`notifications/receivers.py`, connected in `NotificationsConfig.ready`); awards never imports
them. Each is sent inside the transaction of the change; the receivers act on commit, so a
rolled-back change notifies nobody.
"""

from django.dispatch import Signal

# sender=Notice, notice=<Notice>. Sent by `notice_open` (and a follow-up notice's opening).
notice_opened = Signal()

# sender=Objection, objection=<Objection>. Sent by `objection_submit`.
objection_submitted = Signal()

# sender=Objection, objection=<Objection> (resolved, with its resolution). Sent by
# `objection_resolve`.
objection_resolved = Signal()

# sender=Notice, notice=<Notice>, notice_ids=<the notices of its chain made final>. Sent by
# `notice_finalise`: the award list is final.
awards_finalised = Signal()

# sender=Certificate, certificate=<Certificate>. Sent when a certificate is issued (by the batch
# or one by one).
certificate_issued = Signal()

# sender=Certificate, certificate=<Certificate>, reason=<str>. Sent when it is revoked.
certificate_revoked = Signal()

# sender=Certificate, certificate=<the new Certificate>, replaces=<the old one>. Sent when a
# certificate is replaced.
certificate_replaced = Signal()

# sender=Milestone, milestone=<Milestone>. Sent by `milestones_overdue_flag` once per milestone
# past its due date and not delivered: the contest's organisers are told.
milestone_overdue = Signal()
