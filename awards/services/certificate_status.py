"""Revocation status of certificates' Open Badges (W3C Bitstring Status List v1.0): each
certificate's random position in a status list, and the signed status list credential that anyone
fetches to learn whether a badge was revoked (`awards.certificates.status_list`).

Revoking a certificate sets its bit: the list is built from the certificates' status when it is
served, so there is no second copy of the status to keep in step."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db.models import Count, Max, Min

from awards.certificates.status_list import STATUS_LIST_SIZE, status_list_entry
from awards.enums import CertificateStatus
from awards.models import Certificate

# Positions are a PositiveIntegerField (< 2**31): at most this many lists.
STATUS_LISTS_MAX = 2**31 // STATUS_LIST_SIZE


def issuer_url() -> str:
    return f"{settings.SITE_URL}/api/certificates/issuer/"


def status_list_url(number: int) -> str:
    return f"{settings.SITE_URL}/api/certificates/status/{number}/"


class StatusPositions:
    """Draws unused status-list positions at random for new certificates. Lists are kept at most
    half full (a new list opens when they are), so a draw rarely meets a taken position; the
    count of taken positions is read once, since a batch draws thousands."""

    def __init__(self):
        self.taken = Certificate.objects.filter(status_list_index__isnull=False).count()

    def draw(self) -> int:
        lists = min(self.taken // (STATUS_LIST_SIZE // 2) + 1, STATUS_LISTS_MAX)
        for _ in range(64):
            position = secrets.randbelow(lists * STATUS_LIST_SIZE)
            if not Certificate.objects.filter(status_list_index=position).exists():
                self.taken += 1
                return position
        raise RuntimeError("No free status list position found in 64 draws")


def certificate_status_entry(certificate: Certificate) -> dict:
    """The badge's `credentialStatus`. A certificate issued before status lists that the migration
    did not reach (none should be left) gets its position now."""
    if certificate.status_list_index is None:
        position = StatusPositions().draw()
        Certificate.objects.filter(pk=certificate.pk, status_list_index__isnull=True).update(
            status_list_index=position
        )
        certificate.refresh_from_db(fields=["status_list_index"])
    index = certificate.status_list_index
    return status_list_entry(
        list_url=status_list_url(index // STATUS_LIST_SIZE), position=index % STATUS_LIST_SIZE
    )


def status_list_issuer() -> dict:
    """The issuer of status lists: the same profile id as every badge's issuer."""
    return {"id": issuer_url(), "type": ["Profile"], "name": "赛务 Saiwu"}


def status_list_public(*, number: int) -> dict | None:
    """The signed BitstringStatusListCredential of list `number`, or None when no certificate
    holds a position in it. `validFrom` is the latest revocation in the list (or, with none, the
    first certificate's issue), so the credential changes only when a bit does."""
    from awards.certificates.status_list import status_list_credential

    if not 0 <= number < STATUS_LISTS_MAX:
        return None
    low = number * STATUS_LIST_SIZE
    in_list = Certificate.objects.filter(
        status_list_index__gte=low, status_list_index__lt=low + STATUS_LIST_SIZE
    )
    summary = in_list.aggregate(
        count=Count("pk"),
        first=Min("created_at"),
        latest_revoked=Max("revoked_at"),
    )
    if not summary["count"]:
        return None
    revoked = in_list.filter(status=CertificateStatus.REVOKED).values_list(
        "status_list_index", flat=True
    )
    return status_list_credential(
        list_url=status_list_url(number),
        issuer=status_list_issuer(),
        valid_from=summary["latest_revoked"] or summary["first"],
        revoked=[index - low for index in revoked],
    )
