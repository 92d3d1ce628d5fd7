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
