from notifications.models.announcement import Announcement
from notifications.models.message import Message
from notifications.models.preference import NotificationProfile, Preference
from notifications.models.template import TemplateOverride

__all__ = ["Announcement", "Message", "NotificationProfile", "Preference", "TemplateOverride"]
