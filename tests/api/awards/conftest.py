"""Fixtures of the awards API tests: tiers, an open notice, a final award, issued certificates."""

import io

import pytest
from PIL import Image

from awards.certificates.signing import generate_signing_key_b64
from awards.enums import AwardStatus
from awards.models import Certificate
from tests.factories.awards import (
    AwardFactory,
    AwardTierFactory,
    NoticeFactory,
)

SIGNING_KEY = generate_signing_key_b64()


@pytest.fixture(autouse=True)
def _signing(settings):
    settings.CERTIFICATE_SIGNING_KEY = SIGNING_KEY
    settings.SITE_URL = "https://saiwu.example.cn"


@pytest.fixture
def tiers(contest):
    return [
        AwardTierFactory(contest=contest, name="一等奖", order=0, quota_count=1),
        AwardTierFactory(contest=contest, name="二等奖", order=1, quota_count=2),
    ]


@pytest.fixture
def notice(contest, organiser, team, tiers):
    """An open notice listing the team's 一等奖."""
    notice = NoticeFactory(contest=contest, created_by=organiser)
    AwardFactory(
        contest=contest, tier=tiers[0], team=team, status=AwardStatus.IN_NOTICE, notice=notice
    )
    return notice


@pytest.fixture
def final_award(contest, team, member, advisor, tiers):
    return AwardFactory(contest=contest, tier=tiers[0], team=team, status=AwardStatus.FINAL, rank=1)


@pytest.fixture
def issued(client_for, organiser, contest, final_award, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/")
    assert response.status_code == 202, response.content
    return {c.recipient_role + ":" + c.recipient_name: c for c in Certificate.objects.all()}


def png_bytes(size, mode="RGB", colour=(250, 245, 230)) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, "PNG")
    return buffer.getvalue()
