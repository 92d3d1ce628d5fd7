"""A certificate's recipient is told when it is issued, revoked and replaced, and nobody else is."""

from awards.models import Certificate
from notifications.models import Message


def _reached(event: str) -> set[tuple[int, str]]:
    return set(Message.objects.filter(event=event).values_list("recipient_id", "channel"))


def test_certificate_issued_tells_each_recipient_once(issued, organiser):
    holders = {c.user_id for c in issued.values() if c.user_id}
    assert len(holders) == 3  # captain, member, advisor; the team's own certificate has no user
    assert _reached("certificate_issued") == {
        (user, channel) for user in holders for channel in ("inbox", "email")
    }
    assert organiser.pk not in {user for user, _ in _reached("certificate_issued")}


def test_certificate_revoked_and_replaced_tell_its_holder_only(
    client_for, organiser, issued, member, django_capture_on_commit_callbacks
):
    old = issued[f"member:{member.real_name}"]
    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        revoked = client.post(f"/api/certificates/{old.pk}/revoke/", {"reason": "姓名有误"})
    assert revoked.status_code == 200, revoked.content
    assert _reached("certificate_revoked") == {(member.pk, "inbox"), (member.pk, "email")}
    body = Message.objects.get(event="certificate_revoked", channel="inbox").body
    assert old.serial in body and "姓名有误" in body

    with django_capture_on_commit_callbacks(execute=True):
        replaced = client.post(f"/api/certificates/{old.pk}/replace/", {"reason": "更正姓名"})
    assert replaced.status_code in (200, 201), replaced.content
    new = Certificate.objects.get(replaces=old)
    assert _reached("certificate_replaced") == {(member.pk, "inbox"), (member.pk, "email")}
    assert new.serial in Message.objects.get(event="certificate_replaced", channel="inbox").body
