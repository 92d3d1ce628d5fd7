import base64
import copy
import datetime as dt

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from awards.certificates.badges import (
    base58btc_decode,
    base58btc_encode,
    did_key,
    eddsa_jcs_2022_proof,
    eddsa_jcs_2022_verify,
    open_badge_credential,
    open_badge_verify,
)
from awards.certificates.signing import (
    canonical_json,
    certificate_content,
    certificate_sign,
    certificate_verify,
    public_key_b64,
    signing_key,
)

KEY_A = base64.b64encode(bytes(range(32))).decode()
KEY_B = base64.b64encode(bytes(range(100, 132))).decode()


@pytest.fixture
def key_a(settings):
    settings.CERTIFICATE_SIGNING_KEY = KEY_A
    return settings


@pytest.fixture
def content():
    return certificate_content(
        serial="SW-2025-GY-000123",
        recipient_name="欧阳喆堃",
        recipient_role="member",
        team_name="玥光智造队",
        award_name="一等奖",
        contest_name="第三届“赛务杯”创新创业大赛",
        track_name="工业制造",
        issue_date=dt.date(2025, 11, 21),
        issuing_bodies=["省人社厅", "省人才办"],
    )


def _badge(**overrides):
    fields = dict(
        credential_id="https://saiwu.example.cn/verify/SW-2025-GY-000123",
        issuer_id="https://saiwu.example.cn/issuers/1",
        issuer_name="第三届“赛务杯”创新创业大赛组委会",
        recipient_name="欧阳喆堃",
        achievement_id="https://saiwu.example.cn/contests/3/awards/first",
        achievement_name="一等奖",
        achievement_description="第三届“赛务杯”创新创业大赛工业制造赛道一等奖",
        criteria_narrative="经专家评审，综合成绩位列本赛道前 5%。",
        valid_from=dt.datetime(2025, 11, 21, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    )
    fields.update(overrides)
    return open_badge_credential(**fields)


# Canonical JSON


def test_canonical_json_sorted_compact_utf8():
    value = {"b": [1, True, None], "a": '喆 "x"\n', "A": {"z": 1, "y": 2}}

    assert (
        canonical_json(value)
        == '{"A":{"y":2,"z":1},"a":"喆 \\"x\\"\\n","b":[1,true,null]}'.encode()
    )


def test_canonical_json_keys_ordered_by_utf16_code_units():
    # U+FF21 sorts after U+1F600 by code point but before it by UTF-16 code unit (0xD83D).
    assert canonical_json({"\U0001f600": 1, "\uff21": 2}) == '{"\U0001f600":1,"\uff21":2}'.encode()


def test_canonical_json_float_rejected():
    with pytest.raises(TypeError):
        canonical_json({"score": 9.5})


def test_certificate_content_fields_are_status_independent(content):
    assert content == {
        "v": 1,
        "serial": "SW-2025-GY-000123",
        "recipient_name": "欧阳喆堃",
        "recipient_role": "member",
        "team_name": "玥光智造队",
        "award_name": "一等奖",
        "contest_name": "第三届“赛务杯”创新创业大赛",
        "track_name": "工业制造",
        "issue_date": "2025-11-21",
        "issuing_bodies": ["省人社厅", "省人才办"],
    }


# Keys


def test_signing_key_configured_setting_used(key_a):
    expected = Ed25519PrivateKey.from_private_bytes(bytes(range(32))).public_key()
    raw = expected.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    assert public_key_b64() == base64.b64encode(raw).decode()


def test_signing_key_debug_without_setting_derived_from_secret_key(settings):
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.DEBUG = True
    settings.SECRET_KEY = "secret-one"
    first = public_key_b64()
    again = public_key_b64()
    settings.SECRET_KEY = "secret-two"
    other = public_key_b64()

    assert first == again
    assert first != other


def test_signing_key_production_without_setting_raises(settings):
    settings.CERTIFICATE_SIGNING_KEY = ""
    settings.DEBUG = False

    with pytest.raises(ImproperlyConfigured):
        signing_key()


def test_signing_key_wrong_length_raises(settings):
    settings.CERTIFICATE_SIGNING_KEY = base64.b64encode(b"short").decode()

    with pytest.raises(ImproperlyConfigured):
        signing_key()


# Certificate signatures


def test_certificate_sign_round_trip_verifies(key_a, content):
    signature = certificate_sign(content)

    assert len(base64.urlsafe_b64decode(signature + "==")) == 64
    assert "=" not in signature
    assert certificate_verify(content, signature) is True


def test_certificate_sign_same_content_same_signature(key_a, content):
    reordered = dict(reversed(list(content.items())))

    assert certificate_sign(reordered) == certificate_sign(content)


def test_certificate_verify_tampered_award_fails(key_a, content):
    signature = certificate_sign(content)
    tampered = {**content, "award_name": "特等奖"}

    assert certificate_verify(tampered, signature) is False


def test_certificate_verify_tampered_serial_fails(key_a, content):
    signature = certificate_sign(content)
    tampered = {**content, "serial": "SW-2025-GY-000124"}

    assert certificate_verify(tampered, signature) is False


def test_certificate_verify_other_key_signature_fails(settings, content):
    settings.CERTIFICATE_SIGNING_KEY = KEY_B
    foreign = certificate_sign(content)
    settings.CERTIFICATE_SIGNING_KEY = KEY_A

    assert certificate_verify(content, foreign) is False
    assert certificate_verify(content, certificate_sign(content)) is True


def test_certificate_verify_malformed_signature_fails(key_a, content):
    assert certificate_verify(content, "not a signature!") is False
    assert certificate_verify(content, "") is False


# Base58 and did:key


def test_base58btc_known_vectors():
    assert base58btc_encode(b"hello world") == "StV1DL6CwTryKyV"
    assert base58btc_encode(b"\0\0\x01") == "112"
    assert base58btc_decode("112") == b"\0\0\x01"
    assert base58btc_decode("StV1DL6CwTryKyV") == b"hello world"


# W3C VC Data Integrity EdDSA test vector (w3c/vc-di-eddsa, TestVectors/keyPair.json and
# TestVectors/eddsa-jcs-2022/).
W3C_PRIVATE_KEY_MULTIBASE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_DOCUMENT = {
    "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://www.w3.org/ns/credentials/examples/v2",
    ],
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
W3C_PROOF_OPTIONS = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-jcs-2022",
    "created": "2023-02-24T23:36:38Z",
    "verificationMethod": (
        "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    ),
    "proofPurpose": "assertionMethod",
}
W3C_PROOF_VALUE = (
    "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4"
)


def _w3c_key():
    multicodec = base58btc_decode(W3C_PRIVATE_KEY_MULTIBASE[1:])
    assert multicodec[:2] == b"\x80\x26"  # ed25519-priv
    return Ed25519PrivateKey.from_private_bytes(multicodec[2:])


def test_did_key_w3c_vector_public_key():
    assert did_key(_w3c_key().public_key()) == (
        "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    )


def test_eddsa_jcs_2022_proof_matches_w3c_vector():
    proof = eddsa_jcs_2022_proof(W3C_DOCUMENT, W3C_PROOF_OPTIONS, _w3c_key())

    assert proof == {
        **W3C_PROOF_OPTIONS,
        "@context": W3C_DOCUMENT["@context"],
        "proofValue": W3C_PROOF_VALUE,
    }


def test_eddsa_jcs_2022_verify_w3c_signed_document():
    signed = {
        **W3C_DOCUMENT,
        "proof": {
            **W3C_PROOF_OPTIONS,
            "@context": W3C_DOCUMENT["@context"],
            "proofValue": W3C_PROOF_VALUE,
        },
    }
    tampered = {**signed, "validFrom": "2024-01-01T00:00:00Z"}

    assert eddsa_jcs_2022_verify(signed, _w3c_key().public_key()) is True
    assert eddsa_jcs_2022_verify(tampered, _w3c_key().public_key()) is False


# Open Badges 3.0


def test_open_badge_credential_required_fields(key_a):
    badge = _badge()

    assert badge["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert badge["id"] == "https://saiwu.example.cn/verify/SW-2025-GY-000123"
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["name"] == "一等奖"
    assert badge["issuer"] == {
        "id": "https://saiwu.example.cn/issuers/1",
        "type": ["Profile"],
        "name": "第三届“赛务杯”创新创业大赛组委会",
    }
    assert badge["validFrom"] == "2025-11-21T02:00:00Z"
    assert badge["credentialSubject"] == {
        "type": ["AchievementSubject"],
        "identifier": [
            {
                "type": "IdentityObject",
                "identityHash": "欧阳喆堃",
                "identityType": "name",
                "hashed": False,
            }
        ],
        "achievement": {
            "id": "https://saiwu.example.cn/contests/3/awards/first",
            "type": ["Achievement"],
            "name": "一等奖",
            "description": "第三届“赛务杯”创新创业大赛工业制造赛道一等奖",
            "criteria": {"narrative": "经专家评审，综合成绩位列本赛道前 5%。"},
        },
    }
    proof = badge["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["created"] == "2025-11-21T02:00:00Z"
    assert proof["verificationMethod"].startswith("did:key:z6Mk")
    assert proof["proofValue"].startswith("z")
    assert len(base58btc_decode(proof["proofValue"][1:])) == 64


def test_open_badge_verify_proof_valid(key_a):
    assert open_badge_verify(_badge()) is True


def test_open_badge_verify_tampered_achievement_fails(key_a):
    badge = _badge()
    tampered = copy.deepcopy(badge)
    tampered["credentialSubject"]["achievement"]["name"] = "特等奖"

    assert open_badge_verify(tampered) is False


def test_open_badge_verify_tampered_recipient_fails(key_a):
    tampered = copy.deepcopy(_badge())
    tampered["credentialSubject"]["identifier"][0]["identityHash"] = "张三"

    assert open_badge_verify(tampered) is False


def test_open_badge_verify_tampered_proof_created_fails(key_a):
    tampered = copy.deepcopy(_badge())
    tampered["proof"]["created"] = "2026-01-01T00:00:00Z"

    assert open_badge_verify(tampered) is False


def test_open_badge_verify_other_key_fails(settings):
    settings.CERTIFICATE_SIGNING_KEY = KEY_B
    foreign = _badge()
    settings.CERTIFICATE_SIGNING_KEY = KEY_A

    assert open_badge_verify(foreign) is False


def test_open_badge_credential_naive_datetime_rejected(key_a):
    with pytest.raises(ValueError):
        _badge(valid_from=dt.datetime(2025, 11, 21, 10, 0))
