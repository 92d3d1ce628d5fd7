"""`manage.py seed_demo --small` builds the demo once, with valid data and working logins."""

import io

import pytest
from django.core.management import call_command

from contest.demo import (
    ADMIN_EMAIL,
    CAPTAIN_EMAIL,
    CHALLENGE_CODE,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    JUDGE_EMAIL,
    ORGANISER_EMAIL,
    PUBLISHER_EMAIL,
    SUBCONTEST_CODE,
)
from contest.enums import ChallengeStatus, ContestStatus, EntryStatus, StageKind
from contest.models import (
    Challenge,
    Contest,
    Entry,
    EntryFile,
    Organisation,
    Stage,
    Team,
    TeamMember,
    Track,
    User,
)
from contest.validators import uscc_is_valid

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--small", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded():
    return _seed()


def _counts() -> dict[str, int]:
    from judging.models import Assignment, AuditLog, PanelMembership, Review

    return {
        "users": User.objects.count(),
        "orgs": Organisation.objects.count(),
        "contests": Contest.objects.count(),
        "tracks": Track.objects.count(),
        "stages": Stage.objects.count(),
        "teams": Team.objects.count(),
        "members": TeamMember.objects.count(),
        "entries": Entry.objects.count(),
        "files": EntryFile.objects.count(),
        "challenges": Challenge.objects.count(),
        "panel": PanelMembership.objects.count(),
        "assignments": Assignment.objects.count(),
        "reviews": Review.objects.count(),
        "audit": AuditLog.objects.count(),
    }


def test_builds_the_two_contests(seeded):
    sub = Contest.objects.get(code=SUBCONTEST_CODE)
    assert sub.parent is not None and sub.parent.promotion_quota
    assert sub.status == ContestStatus.REGISTRATION_OPEN
    assert sub.tracks.count() == 14
    assert {t.name for t in sub.tracks.all()} >= {"工业制造", "医疗保障", "开放性创新"}
    assert all(t.guide_text for t in sub.tracks.all())
    assert list(sub.stages.values_list("kind", flat=True)) == [
        StageKind.FORMAL_CHECK,
        StageKind.ONLINE_REVIEW,
        StageKind.ROADSHOW,
    ]
    assert sub.teams.count() == 40
    assert all(uscc_is_valid(o.uscc) for o in Organisation.objects.all())
    assert Team.objects.filter(contest=sub, co_applicants__isnull=False).exists()

    challenges = Challenge.objects.filter(contest__code=CHALLENGE_CODE)
    assert challenges.count() >= 20
    assert challenges.values("publisher").distinct().count() >= 5
    assert challenges.filter(status=ChallengeStatus.PUBLISHED).count() >= 15
    assert challenges.filter(status=ChallengeStatus.SUBMITTED).exists()
    assert challenges.filter(prize_negotiable=True).exists()
    assert Team.objects.filter(contest__code=CHALLENGE_CODE, challenge__isnull=False).exists()


def test_showcase_journeys(seeded):
    from judging.enums import PanelStatus
    from judging.models import Assignment, PanelMembership
    from judging.services.audit import audit_verify

    sub = Contest.objects.get(code=SUBCONTEST_CODE)
    captain = User.objects.get(email=CAPTAIN_EMAIL)
    entry = Entry.objects.get(team__captain=captain, stage__kind=StageKind.ONLINE_REVIEW)
    assert entry.status == EntryStatus.DRAFT
    plan = entry.files.get(is_current=True)
    assert plan.file_type == "pdf" and plan.size > 1000 and len(plan.sha256) == 64
    with plan.file.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"

    publisher = User.objects.get(email=PUBLISHER_EMAIL)
    assert Challenge.objects.filter(created_by=publisher, status=ChallengeStatus.DRAFT).exists()

    judge = User.objects.get(email=JUDGE_EMAIL)
    membership = PanelMembership.objects.get(judge=judge)
    assert membership.status == PanelStatus.INVITED and not membership.can_review
    assert Assignment.objects.filter(judge=judge).count() >= 1

    assert Assignment.objects.filter(stage__contest=sub).exists()
    assert audit_verify(contest=sub).ok
    assert User.objects.get(email=ADMIN_EMAIL).is_superuser
    assert User.objects.get(email=ORGANISER_EMAIL).is_staff


def test_demo_users_log_in(seeded, api_client):
    for login in DEMO_LOGINS:
        response = api_client.post(
            "/api/auth/login/", {"login": login.email, "password": DEMO_PASSWORD}, format="json"
        )
        assert response.status_code == 200, (login.email, response.content)
        assert response.json()["token"]


def test_running_twice_creates_nothing(seeded):
    before = _counts()
    second = _seed()
    assert "已存在" in second and "exists already" in second
    assert _counts() == before


def test_demo_logins_prints_the_table(seeded):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000" in text and DEMO_PASSWORD in text
    for login in DEMO_LOGINS:
        assert login.email in text
