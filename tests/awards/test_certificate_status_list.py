"""Revocation status of Open Badges (W3C Bitstring Status List v1.0): the bitstring's encoding,
random positions given at issue (and by the migration to older certificates), the badge's
credentialStatus, the signed status list whose bit is set by revoking, and a revoked badge that
is no longer handed out."""

import importlib

import pytest
from django.apps import apps

from awards.certificates.badges import eddsa_jcs_2022_verify, open_badge_verify
from awards.certificates.signing import generate_signing_key_b64, signing_key
from awards.certificates.status_list import (
    STATUS_LIST_SIZE,
    bit_at,
    bitstring_decode,
    bitstring_encode,
)
from awards.enums import AwardStatus
from awards.models import Certificate
from awards.services.certificate import certificate_badge, certificate_revoke
from awards.services.certificate_batch import certificates_issue
from awards.services.certificate_status import status_list_public
from contest.errors import StateConflict
from tests.factories.awards import AwardFactory, AwardTierFactory

URL = "https://saiwu.example.cn/api/certificates/status/0/"


@pytest.fixture(autouse=True)
def _signing(settings):
    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    settings.SITE_URL = "https://saiwu.example.cn"


@pytest.fixture
def issued(organiser, contest, team, member, advisor, django_capture_on_commit_callbacks):
    tier = AwardTierFactory(contest=contest, name="一等奖", order=0)
    AwardFactory(contest=contest, tier=tier, team=team, status=AwardStatus.FINAL, rank=1)
    with django_capture_on_commit_callbacks(execute=True):
        certificates_issue(actor=organiser, contest=contest)
    return list(Certificate.objects.order_by("seq"))


def _bits(credential) -> bytes:
    return bitstring_decode(credential["credentialSubject"]["encodedList"])


# --------------------------------------------------------------------------------------------
# The bitstring


def test_bitstring_encoding_follows_the_specification():
    encoded = bitstring_encode([0, 9, STATUS_LIST_SIZE - 1])
    assert encoded.startswith("u") and "=" not in encoded
    bits = bitstring_decode(encoded)
    assert len(bits) * 8 == 131_072  # the minimum length, for herd privacy
    assert bits[0] == 0b1000_0000  # position 0 is the left-most bit
    assert bits[1] == 0b0100_0000
    assert bits[-1] == 0b0000_0001
    assert [p for p in range(STATUS_LIST_SIZE) if bit_at(bits, p)] == [0, 9, STATUS_LIST_SIZE - 1]


def test_bitstring_refuses_a_position_outside_the_list():
    with pytest.raises(ValueError):
        bitstring_encode([STATUS_LIST_SIZE])


def test_empty_list_compresses_to_a_short_value():
    assert len(bitstring_encode([])) < 100


# --------------------------------------------------------------------------------------------
# Positions and the badge


def test_every_certificate_gets_its_own_random_position(issued):
    positions = [c.status_list_index for c in issued]
    assert len(positions) == 4  # team, captain, member, advisor
    assert None not in positions and len(set(positions)) == 4
    assert all(0 <= p < STATUS_LIST_SIZE for p in positions)
    assert positions != list(range(positions[0], positions[0] + 4))  # not handed out in order


def test_badge_carries_its_status_entry(issued):
    certificate = issued[1]
    credential = certificate_badge(certificate=certificate)
    assert open_badge_verify(credential) is True
    assert credential["credentialStatus"] == {
        "id": f"{URL}#{certificate.status_list_index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(certificate.status_list_index),
        "statusListCredential": URL,
    }


def test_revoked_badge_is_refused(organiser, issued):
    certificate = certificate_revoke(actor=organiser, certificate=issued[1], reason="资格被取消")
    with pytest.raises(StateConflict) as exc:
        certificate_badge(certificate=certificate)
    assert exc.value.code == "certificate_badge_revoked"


# --------------------------------------------------------------------------------------------
# The status list


def test_status_list_is_signed_and_clear_before_any_revocation(issued):
    credential = status_list_public(number=0)
    assert credential["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert credential["id"] == URL
    assert credential["issuer"]["id"] == "https://saiwu.example.cn/api/certificates/issuer/"
    subject = credential["credentialSubject"]
    assert (subject["type"], subject["statusPurpose"], subject["id"]) == (
        "BitstringStatusList",
        "revocation",
        f"{URL}#list",
    )
    assert eddsa_jcs_2022_verify(credential, signing_key().public_key()) is True
    assert _bits(credential) == bytes(STATUS_LIST_SIZE // 8)


def test_revoking_sets_the_bit_of_an_earlier_badge(organiser, issued):
    """A badge downloaded before the revocation says revoked, through the status list."""
    badge = certificate_badge(certificate=issued[2])
    certificate_revoke(actor=organiser, certificate=issued[2], reason="资格被取消")
    status = badge["credentialStatus"]
    assert status["statusListCredential"] == URL
    bits = _bits(status_list_public(number=0))
    set_bits = [p for p in range(STATUS_LIST_SIZE) if bit_at(bits, p)]
    assert set_bits == [int(status["statusListIndex"])]


def test_status_list_is_the_same_until_a_bit_changes(organiser, issued):
    first = status_list_public(number=0)
    assert status_list_public(number=0) == first
    certificate_revoke(actor=organiser, certificate=issued[0], reason="资格被取消")
    changed = status_list_public(number=0)
    assert changed["validFrom"] >= first["validFrom"]
    assert changed["credentialSubject"]["encodedList"] != first["credentialSubject"]["encodedList"]


def test_status_list_without_certificates_is_none(db):
    assert [status_list_public(number=n) for n in (0, 1, -1, 2**31)] == [None] * 4


def test_status_list_query_count_is_constant(issued, django_assert_num_queries):
    with django_assert_num_queries(2):
        status_list_public(number=0)


# --------------------------------------------------------------------------------------------
# The migration that gives older certificates their positions


def test_migration_gives_older_certificates_random_positions(issued):
    Certificate.objects.filter(pk__in=[issued[0].pk, issued[1].pk]).update(status_list_index=None)
    migration = importlib.import_module("awards.migrations.0004_certificate_status_list_index")
    migration.status_indexes_assign(apps, None)
    positions = list(Certificate.objects.values_list("status_list_index", flat=True))
    assert None not in positions and len(set(positions)) == 4
    kept = {issued[2].pk: issued[2].status_list_index, issued[3].pk: issued[3].status_list_index}
    assert (
        dict(Certificate.objects.filter(pk__in=kept).values_list("pk", "status_list_index")) == kept
    )
