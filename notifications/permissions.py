"""Who may do what with notifications (see `contest.permissions`). A person's own inbox and
preferences need no rule: the selectors return only their own rows (another's is a 404). What
reaches many people, or shows who was reached, is the contest's organisers' (`obj`: the contest).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from contest.permissions import is_organiser, permission_define, permission_require

__all__ = ["permission_require"]

permission_define("notifications.send_announcement", is_organiser, _("send announcements"))
permission_define("notifications.view_delivery", is_organiser, _("view delivery statistics"))
permission_define("notifications.resend_messages", is_organiser, _("resend failed messages"))
permission_define("notifications.manage_templates", is_organiser, _("edit notification templates"))
