"""Team registration (报名) and the contest's rules, roster changes, and who sees which team."""

import datetime

import pytest
from django.utils import timezone

from contest.enums import ChallengeStatus, ContestStatus, MemberRole, OrganisationKind
from contest.models import Team, TeamMember
from tests.api.helpers import assert_error, ids, row_counts
from tests.factories.contest import (
    ChallengeFactory,
    ContestFactory,
    GroupFactory,
    OrganisationFactory,
    TeamFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
)

URL = "/api/teams/"


def _register(client, contest, **extra):
    return client.post(URL, {"contest": contest.pk, "name": "新锐团队", **extra})


# Registering --------------------------------------------------------------------------------


def test_team_create_person_becomes_captain(client_for, stranger, contest):
    response = _register(client_for(stranger), contest)
    assert response.status_code == 201
    body = response.json()
    assert (body["code"], body["name"], body["captain"], body["is_roster_locked"]) == (
        "T00001",
        "新锐团队",
        stranger.pk,
        False,
    )
    assert [(m["user"], m["role"]) for m in body["members"]] == [(stranger.pk, "captain")]


def test_team_create_anonymous_refused(api_client, contest):
    before = row_counts()
    assert_error(_register(api_client, contest), 401, "not_authenticated")
    assert row_counts() == before


def test_team_create_name_taken(client_for, stranger, contest, team):
    before = row_counts()
    response = _register(client_for(stranger), contest, name=team.name)
    body = assert_error(response, 409, "team_name_taken")
    assert body["fields"] == {"name": ["team_name_taken"]}
    assert row_counts() == before


def test_team_create_registration_closed(client_for, stranger, contest):
    contest.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    contest.save()
    before = row_counts()
    assert_error(_register(client_for(stranger), contest), 409, "registration_closed")
    assert row_counts() == before


@pytest.mark.parametrize("status", ["published", "registration_closed", "judging"])
def test_team_create_registration_not_open(client_for, stranger, contest, status):
    contest.status = status
    contest.save()
    before = row_counts()
    assert_error(_register(client_for(stranger), contest), 409, "registration_not_open")
    assert row_counts() == before


def test_team_create_registration_not_yet_open(client_for, stranger, contest):
    contest.registration_opens_at = timezone.now() + datetime.timedelta(days=1)
    contest.save()
    assert_error(_register(client_for(stranger), contest), 409, "registration_not_open")


def test_team_create_in_hidden_draft_contest_404(client_for, stranger):
    draft = ContestFactory(status=ContestStatus.DRAFT)
    before = row_counts()
    assert_error(_register(client_for(stranger), draft), 404, "not_found")
    assert row_counts() == before


# One team per person ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["captain", "member"])
def test_team_create_second_team_refused(client_for, request, contest, team, role):
    user = request.getfixturevalue(role)
    before = row_counts()
    body = assert_error(_register(client_for(user), contest), 409, "already_in_team")
    assert body["message_en"] == (
        "In this contest a person may be on one team only, and you already are."
    )
    assert row_counts() == before


def test_team_create_advisor_may_lead_own_team(client_for, advisor, contest):
    assert _register(client_for(advisor), contest).status_code == 201


def test_team_create_second_team_allowed_when_rule_off(client_for, captain, contest, team):
    contest.one_team_per_person = False
    contest.save()
    response = _register(client_for(captain), contest)
    assert response.status_code == 201
    assert TeamMember.objects.filter(contest=contest, user=captain).count() == 2


def test_team_create_team_in_another_contest_allowed(client_for, captain, team, other_contest):
    assert _register(client_for(captain), other_contest).status_code == 201


# Entrant kinds, joint entries, groups, tracks, challenges ----------------------------------


@pytest.fixture
def org_contest(contest):
    contest.entrant_kinds = ["enterprise", "university"]
    contest.save()
    return contest


def test_team_create_lead_organisation_required(client_for, stranger, org_contest):
    before = row_counts()
    body = assert_error(
        _register(client_for(stranger), org_contest), 400, "lead_organisation_required"
    )
    assert body["fields"] == {"lead_organisation": ["lead_organisation_required"]}
    assert row_counts() == before


def test_team_create_organisation_kind_not_eligible(client_for, stranger, org_contest):
    bureau = OrganisationFactory(kind=OrganisationKind.GOVERNMENT)
    before = row_counts()
    response = _register(client_for(stranger), org_contest, lead_organisation=bureau.pk)
    assert_error(response, 400, "organisation_kind_not_eligible")
    assert row_counts() == before


@pytest.mark.parametrize("kind", ["enterprise", "university"])
def test_team_create_organisation_kind_eligible(client_for, stranger, org_contest, kind):
    lead = OrganisationFactory(kind=kind)
    response = _register(client_for(stranger), org_contest, lead_organisation=lead.pk)
    assert response.status_code == 201
    assert response.json()["lead_organisation_name"] == lead.name


def test_team_create_person_contest_refuses_enterprise(client_for, stranger, contest):
    contest.entrant_kinds = ["person"]
    contest.save()
    response = _register(client_for(stranger), contest, lead_organisation=OrganisationFactory().pk)
    assert_error(response, 400, "organisation_kind_not_eligible")


def test_team_create_joint_entry_refused_when_not_allowed(client_for, stranger, org_contest):
    lead, partner = OrganisationFactory(), OrganisationFactory()
    before = row_counts()
    response = _register(
        client_for(stranger), org_contest, lead_organisation=lead.pk, co_applicants=[partner.pk]
    )
    body = assert_error(response, 400, "joint_entries_not_allowed")
    assert body["fields"] == {"co_applicants": ["joint_entries_not_allowed"]}
    assert row_counts() == before


def test_team_create_joint_entry_allowed(client_for, stranger, org_contest):
    org_contest.joint_entries_allowed = True
    org_contest.save()
    lead = OrganisationFactory()
    partners = [OrganisationFactory(kind="university"), OrganisationFactory()]
    response = _register(
        client_for(stranger),
        org_contest,
        lead_organisation=lead.pk,
        co_applicants=[p.pk for p in partners],
    )
    assert response.status_code == 201
    assert sorted(response.json()["co_applicants"]) == sorted(p.pk for p in partners)


def test_team_create_too_many_co_applicants(client_for, stranger, org_contest):
    org_contest.joint_entries_allowed = True
    org_contest.co_applicants_max = 1
    org_contest.save()
    lead, first, second = OrganisationFactory.create_batch(3)
    before = row_counts()
    response = _register(
        client_for(stranger),
        org_contest,
        lead_organisation=lead.pk,
        co_applicants=[first.pk, second.pk],
    )
    assert_error(response, 400, "too_many_co_applicants")
    assert row_counts() == before


def test_team_create_co_applicant_is_lead(client_for, stranger, org_contest):
    org_contest.joint_entries_allowed = True
    org_contest.save()
    lead = OrganisationFactory()
    response = _register(
        client_for(stranger), org_contest, lead_organisation=lead.pk, co_applicants=[lead.pk]
    )
    assert_error(response, 400, "co_applicants_duplicate")


@pytest.fixture
def startup_group(org_contest):
    """初创组: registered on or after 1 January of the previous year."""
    return GroupFactory(
        contest=org_contest, name="初创组", registered_on_or_after=datetime.date(2025, 1, 1)
    )


@pytest.fixture
def growth_group(org_contest):
    """成长组: registered before that date."""
    return GroupFactory(
        contest=org_contest, name="成长组", registered_before=datetime.date(2025, 1, 1)
    )


@pytest.mark.parametrize(
    ("founded", "group", "expected"),
    [
        (datetime.date(2025, 1, 1), "startup_group", 201),
        (datetime.date(2025, 9, 30), "startup_group", 201),
        (datetime.date(2024, 12, 31), "startup_group", 400),
        (datetime.date(2024, 12, 31), "growth_group", 201),
        (datetime.date(2025, 1, 1), "growth_group", 400),
        (None, "startup_group", 400),
    ],
)
def test_team_create_group_eligibility_by_founding_date(
    client_for, request, stranger, org_contest, founded, group, expected
):
    group = request.getfixturevalue(group)
    lead = OrganisationFactory(registered_on=founded)
    before = row_counts()
    response = _register(
        client_for(stranger), org_contest, lead_organisation=lead.pk, group=group.pk
    )
    if expected == 201:
        assert response.status_code == 201
        assert response.json()["group_name"] == group.name
    else:
        body = assert_error(response, 400, "group_not_eligible")
        assert body["fields"] == {"group": ["group_not_eligible"]}
        assert row_counts() == before


def test_team_create_group_of_other_contest(client_for, stranger, contest):
    foreign = GroupFactory(contest=ContestFactory())
    assert_error(
        _register(client_for(stranger), contest, group=foreign.pk), 400, "group_not_in_contest"
    )


def test_team_create_track_required(client_for, stranger, contest):
    contest.requires_track = True
    contest.save()
    assert_error(_register(client_for(stranger), contest), 400, "track_required")
    track = TrackFactory(contest=contest)
    assert _register(client_for(stranger), contest, track=track.pk).status_code == 201


def test_team_create_track_of_other_contest(client_for, stranger, contest):
    foreign = TrackFactory(contest=ContestFactory())
    assert_error(
        _register(client_for(stranger), contest, track=foreign.pk), 400, "track_not_in_contest"
    )


def test_team_create_challenge_required(client_for, stranger, contest):
    contest.requires_challenge = True
    contest.save()
    assert_error(_register(client_for(stranger), contest), 400, "challenge_required")


def test_team_create_takes_published_challenge(client_for, stranger, contest):
    challenge = ChallengeFactory(contest=contest)
    response = _register(client_for(stranger), contest, challenge=challenge.pk)
    assert response.status_code == 201
    assert response.json()["challenge_code"] == challenge.code


@pytest.mark.parametrize("status", ["draft", "approved", "closed"])
def test_team_create_challenge_not_published(client_for, stranger, contest, status):
    challenge = ChallengeFactory(contest=contest, status=status)
    before = row_counts()
    assert_error(
        _register(client_for(stranger), contest, challenge=challenge.pk), 400, "challenge_not_open"
    )
    assert row_counts() == before


def test_team_create_challenge_deadline_passed(client_for, stranger, contest):
    challenge = ChallengeFactory(
        contest=contest,
        status=ChallengeStatus.PUBLISHED,
        deadline=timezone.now() - datetime.timedelta(hours=1),
    )
    before = row_counts()
    assert_error(
        _register(client_for(stranger), contest, challenge=challenge.pk),
        409,
        "challenge_deadline_passed",
    )
    assert row_counts() == before


# Editing the team and its roster ------------------------------------------------------------


def test_team_update_captain(client_for, captain, team):
    response = client_for(captain).patch(f"{URL}{team.pk}/", {"name": "更名团队"})
    assert response.status_code == 200
    assert Team.objects.get(pk=team.pk).name == "更名团队"


@pytest.mark.parametrize("role", ["member", "advisor", "organiser"])
def test_team_update_not_captain_refused(client_for, request, team, role):
    user = request.getfixturevalue(role)
    response = client_for(user).patch(f"{URL}{team.pk}/", {"name": "x"})
    assert_error(response, 403, "not_permitted")
    assert Team.objects.get(pk=team.pk).name == "星火团队"


def test_team_update_roster_locked(client_for, captain, team):
    team.roster_locked = True
    team.save()
    assert_error(client_for(captain).patch(f"{URL}{team.pk}/", {"name": "x"}), 409, "roster_locked")
    assert Team.objects.get(pk=team.pk).name == "星火团队"


def test_team_member_remove_by_captain(client_for, captain, team, member):
    membership = TeamMember.objects.get(team=team, user=member)
    response = client_for(captain).delete(f"{URL}{team.pk}/members/{membership.pk}/")
    assert response.status_code == 204
    assert TeamMember.objects.filter(team=team, user=member).exists() is False


def test_team_member_leaves(client_for, team, member):
    membership = TeamMember.objects.get(team=team, user=member)
    assert client_for(member).delete(f"{URL}{team.pk}/members/{membership.pk}/").status_code == 204


def test_team_member_remove_other_member_refused(client_for, team, member, advisor):
    membership = TeamMember.objects.get(team=team, user=advisor)
    response = client_for(member).delete(f"{URL}{team.pk}/members/{membership.pk}/")
    assert_error(response, 403, "not_permitted")
    assert TeamMember.objects.filter(pk=membership.pk).exists() is True


def test_team_member_captain_cannot_leave(client_for, captain, team):
    membership = TeamMember.objects.get(team=team, user=captain)
    response = client_for(captain).delete(f"{URL}{team.pk}/members/{membership.pk}/")
    assert_error(response, 409, "captain_cannot_leave")
    assert TeamMember.objects.filter(pk=membership.pk).exists() is True


def test_team_member_remove_after_deadline_locked(client_for, captain, contest, team, member):
    contest.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    contest.save()
    membership = TeamMember.objects.get(team=team, user=member)
    response = client_for(captain).delete(f"{URL}{team.pk}/members/{membership.pk}/")
    assert_error(response, 409, "roster_locked")
    assert TeamMember.objects.filter(pk=membership.pk).exists() is True


# Visibility ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["captain", "member", "advisor", "organiser", "admin"])
def test_team_detail_visible(client_for, request, team, role):
    user = request.getfixturevalue(role)
    response = client_for(user).get(f"{URL}{team.pk}/")
    assert response.status_code == 200
    assert response.json()["name"] == "星火团队"


@pytest.mark.parametrize("role", ["stranger", "publisher", "other_organiser"])
def test_team_detail_hidden_404(client_for, request, team, role):
    user = request.getfixturevalue(role)
    assert_error(client_for(user).get(f"{URL}{team.pk}/"), 404, "not_found")


def test_team_detail_other_teams_captain_404(client_for, contest, team):
    rival = TeamFactory(contest=contest)
    assert_error(client_for(rival.captain).get(f"{URL}{team.pk}/"), 404, "not_found")
    assert_error(
        client_for(rival.captain).patch(f"{URL}{team.pk}/", {"name": "x"}), 404, "not_found"
    )


def test_team_detail_anonymous_401(api_client, team):
    assert_error(api_client.get(f"{URL}{team.pk}/"), 401, "not_authenticated")


def test_team_list_member_sees_own_team_only(client_for, contest, team, member):
    TeamFactory(contest=contest)
    assert ids(client_for(member).get(URL)) == [team.pk]


def test_team_list_organiser_sees_own_contest_only(
    client_for, organiser, contest, team, other_contest
):
    second = TeamFactory(contest=contest)
    TeamFactory(contest=other_contest)
    assert sorted(ids(client_for(organiser).get(URL))) == sorted([team.pk, second.pk])


def test_team_list_other_organiser_sees_none_of_ours(
    client_for, other_organiser, team, other_contest
):
    theirs = TeamFactory(contest=other_contest)
    assert ids(client_for(other_organiser).get(URL)) == [theirs.pk]


def test_team_list_stranger_empty(client_for, stranger, team):
    assert ids(client_for(stranger).get(URL)) == []


# N+1 guard ----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 3])
def test_team_list_query_count_constant(
    client_for, organiser, contest, count, django_assert_num_queries
):
    contest.joint_entries_allowed = True
    contest.save()
    track, group = TrackFactory(contest=contest), GroupFactory(contest=contest)
    challenge = ChallengeFactory(contest=contest)
    for _ in range(count):
        team = TeamFactory(
            contest=contest,
            lead_organisation=OrganisationFactory(),
            track=track,
            group=group,
            challenge=challenge,
        )
        team.co_applicants.set([OrganisationFactory(), OrganisationFactory()])
        TeamMemberFactory(team=team, role=MemberRole.MEMBER)
        TeamMemberFactory(team=team, role=MemberRole.ADVISOR)
    client = client_for(organiser)
    with django_assert_num_queries(4):  # count, page ids, page rows, members with users
        response = client.get(URL)
    rows = response.json()["results"]
    assert [len(r["members"]) for r in rows] == [3] * count


@pytest.mark.parametrize("count", [1, 3])
def test_team_list_member_query_count_constant(
    client_for, contest, count, django_assert_num_queries
):
    user = UserFactory()
    contest.one_team_per_person = False
    contest.save()
    for _ in range(count):
        TeamMemberFactory(team=TeamFactory(contest=contest), user=user)
    client = client_for(user)
    with django_assert_num_queries(4):
        response = client.get(URL)
    assert len(response.json()["results"]) == count
