"""The badges' revocation status list through the API: anyone fetches the signed Bitstring Status
List credential named by a badge's credentialStatus and reads its bit; revoking sets it.

The view is tested through its class (APIRequestFactory) and through its route
`/api/certificates/status/<int:number>/` (name `certificate-status-list`, added in api/urls.py)."""

import pytest
from rest_framework.test import APIRequestFactory

from api.views.certificate import CertificateStatusListView
from awards.certificates.badges import eddsa_jcs_2022_verify
from awards.certificates.signing import generate_signing_key_b64, signing_key
from awards.certificates.status_list import STATUS_LIST_SIZE, bit_at, bitstring_decode
from awards.enums import AwardStatus
from awards.models import Certificate
from awards.services.certificate_batch import certificates_issue
from tests.api.helpers import assert_error
from tests.factories.awards import AwardFactory, AwardTierFactory


@pytest.fixture(autouse=True)
def _signing(settings):
    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    settings.SITE_URL = "https://saiwu.example.cn"


@pytest.fixture
def own(organiser, contest, team, member, django_capture_on_commit_callbacks):
    tier = AwardTierFactory(contest=contest, name="一等奖", order=0)
    AwardFactory(contest=contest, tier=tier, team=team, status=AwardStatus.FINAL, rank=1)
    with django_capture_on_commit_callbacks(execute=True):
        certificates_issue(actor=organiser, contest=contest)
    return Certificate.objects.get(user=member)


def _view(number: int):
    request = APIRequestFactory().get(f"/api/certificates/status/{number}/")
    response = CertificateStatusListView.as_view()(request, number=number)
    response.render()
    return response


def _revoked(credential, position: int) -> bool:
    return bit_at(bitstring_decode(credential["credentialSubject"]["encodedList"]), position)


def test_status_list_view_serves_the_signed_list(own):
    response = _view(0)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=300"
    credential = response.data
    assert credential["id"] == "https://saiwu.example.cn/api/certificates/status/0/"
    assert eddsa_jcs_2022_verify(credential, signing_key().public_key()) is True
    assert _revoked(credential, own.status_list_index % STATUS_LIST_SIZE) is False


def test_status_list_view_unknown_list_is_404(own):
    response = _view(7)
    assert response.status_code == 404
    assert response.data["code"] == "status_list_not_found"


def test_badge_status_through_the_routes(api_client, client_for, organiser, member, own):
    """From the badge to its bit, as a verifier would, before and after revoking."""
    badge = client_for(member).get(f"/api/certificates/{own.pk}/badge/").json()
    status = badge["credentialStatus"]
    path = status["statusListCredential"].removeprefix("https://saiwu.example.cn")
    position = int(status["statusListIndex"])
    response = api_client.get(path)
    assert response.status_code == 200, response.content
    assert _revoked(response.json(), position) is False
    revoked = client_for(organiser).post(
        f"/api/certificates/{own.pk}/revoke/", {"reason": "获奖资格被取消"}
    )
    assert revoked.status_code == 200, revoked.content
    assert _revoked(api_client.get(path).json(), position) is True


def test_unknown_status_list_route_is_404(api_client, db):
    assert_error(api_client.get("/api/certificates/status/3/"), 404, "status_list_not_found")
