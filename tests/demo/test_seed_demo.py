"""`manage.py seed_demo --small` builds the demo once, with valid data and working logins."""

import base64
import io

import pytest
from django.core.management import call_command

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
from demo.logins import (
    ADMIN_EMAIL,
    CAPTAIN_EMAIL,
    CHALLENGE_CODE,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    JUDGE_EMAIL,
    ORGANISER_EMAIL,
    PUBLISHER_EMAIL,
    SUBCONTEST_CODE,
    WINNER_EMAIL,
)

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--small", stdout=out)
    return out.getvalue()


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


def test_seed_demo_small(api_client, settings):
    """One seeding (it is the slow part), then every check on what it built."""
    settings.CERTIFICATE_SIGNING_KEY = base64.b64encode(bytes(range(32))).decode()
    first = _seed()
    assert "Demo built" in first and "organiser@demo.saiwu.cn" in first
    _check_contests()
    _check_journeys()
    _check_judging()
    _check_logins(api_client)

    before = _counts()
    second = _seed()
    assert "已存在" in second and "exists already" in second
    assert _counts() == before

    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8000" in text and DEMO_PASSWORD in text
    assert all(login.email in text for login in DEMO_LOGINS)
    assert "seed_demo" not in text  # no "run seed_demo first" warning once it exists


def test_demo_logins_before_seeding_says_what_to_run():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "seed_demo" in out.getvalue()
    assert not User.objects.exists()


def _check_contests():
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
    assert Entry.objects.filter(team__contest=sub, stage__order=2).exclude(tags=[]).count() >= 39

    challenges = Challenge.objects.filter(contest__code=CHALLENGE_CODE)
    assert challenges.count() >= 20
    assert challenges.values("publisher").distinct().count() >= 5
    assert challenges.filter(status=ChallengeStatus.PUBLISHED).count() >= 15
    assert challenges.filter(status=ChallengeStatus.SUBMITTED).exists()
    assert challenges.filter(prize_negotiable=True, prize_amount__isnull=True).exists()
    prizes = [c.prize_amount for c in challenges if c.prize_amount is not None]
    assert min(prizes) >= 200_000 and max(prizes) <= 4_500_000
    assert Team.objects.filter(contest__code=CHALLENGE_CODE, challenge__isnull=False).exists()


def _check_journeys():
    from judging.enums import PanelStatus
    from judging.models import Assignment, PanelMembership

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

    assert User.objects.get(email=ADMIN_EMAIL).is_superuser
    assert User.objects.get(email=ORGANISER_EMAIL).is_staff
    assert TeamMember.objects.filter(user__email=WINNER_EMAIL).exists()


def _check_judging():
    from judging.models import Assignment, Review
    from judging.services.audit import audit_verify

    sub = Contest.objects.get(code=SUBCONTEST_CODE)
    stage = sub.stages.get(order=2)
    submitted = Entry.objects.filter(stage=stage, status=EntryStatus.SUBMITTED)
    for entry in submitted:
        assert Assignment.objects.filter(entry=entry).count() >= 3
    assert Review.objects.filter(stage=stage, status="submitted").count() > 50
    assert Review.objects.filter(stage=stage, status="draft").exists()
    assert audit_verify(contest=sub).ok

    from awards.models import Award, Certificate

    winner = User.objects.get(email=WINNER_EMAIL)
    assert Award.objects.filter(contest=sub, team__members__user=winner).exists()
    assert Certificate.objects.filter(user=winner).exists()


def _check_logins(api_client):
    from django.contrib.auth.password_validation import validate_password

    for login in DEMO_LOGINS:
        # The printed password is one the sign-up form would accept for this very user.
        validate_password(DEMO_PASSWORD, User.objects.get(email=login.email))
        response = api_client.post(
            "/api/auth/login/", {"login": login.email, "password": DEMO_PASSWORD}, format="json"
        )
        assert response.status_code == 200, (login.email, response.content)
        assert response.json()["token"]
