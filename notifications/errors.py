"""The notifications app's error codes (see `contest.errors`). Codes of the lower apps
(`not_permitted`, `track_not_in_contest` …) are raised from here too and not defined again."""

from django.utils.translation import gettext_lazy as _

import awards.errors  # noqa: F401  (the lower apps' catalogues: codes notifications raises too)
from contest.errors import Catalogue, error

__all__ = ["catalogue", "error"]

catalogue = Catalogue("notifications")

catalogue.invalid("event_unknown", _("There is no such kind of notification."))
catalogue.invalid("channel_unknown", _("There is no such channel."))
catalogue.invalid("language_unknown", _("Choose Chinese (zh-hans) or English (en)."))
catalogue.invalid("template_invalid", _("The template cannot be read: {problem}"))
catalogue.invalid("template_empty", _("Give the template's subject and body."))
catalogue.conflict(
    "preference_essential",
    _("This notification is essential: its inbox copy cannot be switched off."),
)
catalogue.invalid("unsubscribe_token_invalid", _("This unsubscribe link is invalid or expired."))
catalogue.not_found("notification_not_found", _("No such notification."))
catalogue.invalid("announcement_empty", _("Give the announcement's subject and text."))
catalogue.invalid(
    "sms_report_invalid",
    _("The delivery report is not a list of reports with biz_id, out_id and success."),
)
catalogue.not_found("sms_report_address_unknown", _("No such report address."))
