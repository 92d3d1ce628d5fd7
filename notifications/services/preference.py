"""A person's choices: which kinds of message reach them on which channel, and their language."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation

from notifications.enums import Channel, Language
from notifications.errors import error
from notifications.events import EVENTS
from notifications.models import NotificationProfile, Preference
from notifications.tokens import unsubscribe_token_read


def labels(event) -> dict:
    """The kind's name in both languages (label_zh, label_en)."""
    out = {}
    for key, language in (("label_zh", "zh-hans"), ("label_en", "en")):
        with translation.override(language):
            out[key] = str(event.label)
    return out


def preference_allows(*, essential: bool, channel: str, stored: bool | None) -> bool:
    """Whether a message goes out on `channel`, given the stored choice (None: no row, on).
    An essential kind's inbox copy is always written, whatever is stored."""
    if essential and channel == Channel.INBOX:
        return True
    return True if stored is None else stored


def preferences_of(*, user) -> dict:
    """Every kind of message with its channels and whether each is on, and the language."""
    stored = {
        (p.kind, p.channel): p.enabled
        for p in Preference.objects.filter(user=user).only("kind", "channel", "enabled")
    }
    profile = NotificationProfile.objects.filter(user=user).first()
    kinds = []
    for event in EVENTS.values():
        kinds.append(
            {
                "kind": event.key,
                **labels(event),
                "essential": event.essential,
                "channels": {
                    channel: preference_allows(
                        essential=event.essential,
                        channel=channel,
                        stored=stored.get((event.key, channel)),
                    )
                    for channel in event.channels
                },
            }
        )
    return {"language": profile.language if profile else Language.ZH_HANS, "kinds": kinds}


@transaction.atomic
def preferences_set(*, actor, language: str | None = None, choices: list[dict]) -> dict:
    """Store `choices` ({kind, channel, enabled}) for `actor`, all or none: switching off an
    essential kind's inbox is refused (`preference_essential`) and nothing is stored."""
    if language is not None:
        if language not in Language.values:
            raise error("language_unknown", fields={"language": ["language_unknown"]})
        NotificationProfile.objects.update_or_create(user=actor, defaults={"language": language})
    for choice in choices:
        event = EVENTS.get(choice.get("kind"))
        if event is None:
            raise error("event_unknown", fields={"kind": ["event_unknown"]})
        channel = choice.get("channel")
        if channel not in event.channels:
            raise error("channel_unknown", fields={"channel": ["channel_unknown"]})
        enabled = bool(choice.get("enabled"))
        if event.essential and channel == Channel.INBOX and not enabled:
            raise error("preference_essential", details={"kind": event.key})
        Preference.objects.update_or_create(
            user=actor, kind=event.key, channel=channel, defaults={"enabled": enabled}
        )
    return preferences_of(user=actor)


@transaction.atomic
def unsubscribe(*, token: str) -> dict:
    """Follow an unsubscribe link: that kind of e-mail stops for its person (no login)."""
    read = unsubscribe_token_read(token)
    if read is None or read[1] not in EVENTS:
        raise error("unsubscribe_token_invalid", fields={"token": ["unsubscribe_token_invalid"]})
    user_id, kind = read
    from django.contrib.auth import get_user_model

    if not get_user_model().objects.filter(pk=user_id).exists():
        raise error("unsubscribe_token_invalid", fields={"token": ["unsubscribe_token_invalid"]})
    Preference.objects.update_or_create(
        user_id=user_id, kind=kind, channel=Channel.EMAIL, defaults={"enabled": False}
    )
    return {"kind": kind, **labels(EVENTS[kind]), "channel": str(Channel.EMAIL)}
