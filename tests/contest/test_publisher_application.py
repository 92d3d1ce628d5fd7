"""征榜: applications in the call window, the organiser's decision, the publisher role it grants."""

import datetime as dt

import pytest
from django.utils import timezone

from contest.enums import ContestKind, ContestRoleKind, PublisherApplicationStatus
from contest.errors import DomainError
from contest.models import ContestRole, Organisation, PublisherApplication
from contest.services.challenge import challenge_create
from contest.services.publisher_application import (
    publisher_application_approve,
    publisher_application_decline,
    publisher_application_submit,
)
from judging.models import AuditLog
from judging.services.audit import audit_verify
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    OrganisationFactory,
    PublisherApplicationFactory,
    UserFactory,
    make_uscc,
)


@pytest.fixture
def contest(db):
    now = timezone.now()
    return ContestFactory(
        kind=ContestKind.CHALLENGE_LIST,
        call_opens_at=now - dt.timedelta(days=1),
        call_closes_at=now + dt.timedelta(days=10),
    )


def _form(**extra):
    return {
        "organisation_name": "江苏智造科技有限公司",
        "uscc": make_uscc(),
        "region": "江苏",
        "organisation_kind": "enterprise",
        "contact_name": "王经理",
        "contact_phone": "13800001111",
        "contact_email": "wang@example.com",
        **extra,
    }


def test_submit_in_the_window(contest):
    applicant = UserFactory()
    application = publisher_application_submit(actor=applicant, contest=contest, **_form())
    assert application.status == PublisherApplicationStatus.SUBMITTED
    assert application.applicant == applicant


@pytest.mark.parametrize(
    "opens,closes",
    [(1, 10), (-10, -1), (None, None)],
    ids=["not yet open", "closed", "no window"],
)
def test_submit_outside_the_window_refused(db, opens, closes):
    now = timezone.now()
    contest = ContestFactory(
        call_opens_at=None if opens is None else now + dt.timedelta(days=opens),
        call_closes_at=None if closes is None else now + dt.timedelta(days=closes),
    )
    with pytest.raises(DomainError) as exc:
        publisher_application_submit(actor=UserFactory(), contest=contest, **_form())
    assert exc.value.code == "call_not_open"
    assert PublisherApplication.objects.count() == 0


def test_submit_bad_uscc_refused(contest):
    valid = make_uscc()  # one code: its check character is the only right one for its body
    bad = valid[:17] + ("0" if valid[17] != "0" else "1")
    with pytest.raises(DomainError) as exc:
        publisher_application_submit(actor=UserFactory(), contest=contest, **_form(uscc=bad))
    assert exc.value.code == "invalid_uscc"
    assert "uscc" in exc.value.fields


def test_second_open_application_for_the_organisation_refused(contest):
    uscc = make_uscc()
    publisher_application_submit(actor=UserFactory(), contest=contest, **_form(uscc=uscc))
    with pytest.raises(DomainError) as exc:
        publisher_application_submit(actor=UserFactory(), contest=contest, **_form(uscc=uscc))
    assert exc.value.code == "publisher_application_exists"
    assert PublisherApplication.objects.count() == 1


def test_approve_creates_organisation_grants_role_and_audits(contest, organiser):
    application = PublisherApplicationFactory(contest=contest, uscc=make_uscc())
    publisher_application_approve(actor=organiser, application=application, reason="材料齐全")
    application.refresh_from_db()
    assert (application.status, application.decided_by, application.reason) == (
        "approved",
        organiser,
        "材料齐全",
    )
    organisation = Organisation.objects.get(uscc=application.uscc)
    assert application.organisation == organisation
    role = ContestRole.objects.get(contest=contest, user=application.applicant)
    assert (role.role, role.organisation) == (ContestRoleKind.PUBLISHER, organisation)
    actions = list(AuditLog.objects.filter(contest=contest).values_list("action", flat=True))
    assert "publisher_application.approve" in actions and "contest_role.grant" in actions
    assert audit_verify(contest=contest).ok
    # The new publisher can now draft a challenge for that organisation.
    challenge = challenge_create(
        actor=application.applicant,
        contest=contest,
        publisher=organisation,
        code="JB-01",
        title="工业视觉缺陷检测",
    )
    assert challenge.created_by == application.applicant


def test_approve_matches_an_existing_organisation_by_uscc(contest, organiser):
    existing = OrganisationFactory()
    application = PublisherApplicationFactory(contest=contest, uscc=existing.uscc)
    before = Organisation.objects.count()
    publisher_application_approve(actor=organiser, application=application)
    assert Organisation.objects.count() == before
    assert ContestRole.objects.get(user=application.applicant).organisation == existing


def test_decline_needs_a_reason_and_is_final(contest, organiser):
    application = PublisherApplicationFactory(contest=contest)
    with pytest.raises(DomainError) as exc:
        publisher_application_decline(actor=organiser, application=application, reason=" ")
    assert exc.value.code == "reason_required"
    publisher_application_decline(actor=organiser, application=application, reason="非本地区单位")
    with pytest.raises(DomainError) as exc:
        publisher_application_approve(actor=organiser, application=application)
    assert exc.value.code == "publisher_application_decided"
    assert not ContestRole.objects.filter(user=application.applicant).exists()
    assert AuditLog.objects.filter(action="publisher_application.decline").count() == 1


def test_only_the_contests_organiser_decides(contest, other_organiser, publisher):
    application = PublisherApplicationFactory(contest=contest)
    for actor in (other_organiser, publisher, application.applicant):
        with pytest.raises(DomainError) as exc:
            publisher_application_approve(actor=actor, application=application)
        assert exc.value.code == "not_permitted"
    application.refresh_from_db()
    assert application.status == "submitted"


def test_applicant_publishing_for_another_organisation_refused(contest, organiser):
    applicant = UserFactory()
    ContestRoleFactory(
        contest=contest,
        user=applicant,
        role=ContestRoleKind.PUBLISHER,
        organisation=OrganisationFactory(),
    )
    application = PublisherApplicationFactory(contest=contest, applicant=applicant)
    with pytest.raises(DomainError) as exc:
        publisher_application_approve(actor=organiser, application=application)
    assert exc.value.code == "publisher_role_other_organisation"
    assert PublisherApplication.objects.get(pk=application.pk).status == "submitted"
