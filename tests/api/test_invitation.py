"""Invitations to a team: create, accept, decline, expiry, roster limits, locks, one team each."""

import datetime

import pytest
from django.utils import timezone

from contest.enums import InvitationStatus, MemberRole
from contest.models import Invitation, TeamMember
from tests.api.helpers import assert_error, ids, row_counts
from tests.factories.contest import ContestFactory, TeamFactory, TeamMemberFactory, UserFactory

URL = "/api/invitations/"


def _invitation(team, role=MemberRole.MEMBER, **extra):
    values = {
        "expires_at": timezone.now() + datetime.timedelta(days=3),
        "invited_by": team.captain,
        **extra,
    }
    return Invitation.objects.create(team=team, role=role, **values)


def _accept(client, invitation):
    return client.post(f"{URL}accept/", {"code": invitation.code})


# Creating -----------------------------------------------------------------------------------


def test_invitation_create_captain(client_for, captain, contest, team):
    contest.registration_closes_at = timezone.now() + datetime.timedelta(days=2)
    contest.save()
    response = client_for(captain).post(
        f"/api/teams/{team.pk}/invitations/",
        {"role": "advisor", "invitee_name": "赵老师", "invitee_contact": "zhao@example.edu.cn"},
    )
    assert response.status_code == 201
    body = response.json()
    invitation = Invitation.objects.get(pk=body["id"])
    assert (body["role"], body["status"], body["link"]) == (
        "advisor",
        "sent",
        f"/join/{invitation.code}",
    )
    # Capped at the registration deadline, which is closer than the 7-day lifetime.
    assert invitation.expires_at == contest.registration_closes_at


def test_invitation_create_lifetime_seven_days(client_for, captain, contest, team):
    contest.registration_closes_at = timezone.now() + datetime.timedelta(days=30)
    contest.save()
    before = timezone.now()
    response = client_for(captain).post(f"/api/teams/{team.pk}/invitations/", {})
    invitation = Invitation.objects.get(pk=response.json()["id"])
    lifetime = invitation.expires_at - before
    assert datetime.timedelta(days=7) <= lifetime < datetime.timedelta(days=7, seconds=5)


@pytest.mark.parametrize("role", ["member", "advisor", "organiser"])
def test_invitation_create_not_captain_refused(client_for, request, team, role):
    user = request.getfixturevalue(role)
    before = row_counts()
    response = client_for(user).post(f"/api/teams/{team.pk}/invitations/", {"role": "member"})
    assert_error(response, 403, "not_permitted")
    assert row_counts() == before


def test_invitation_create_stranger_404(client_for, stranger, team):
    before = row_counts()
    response = client_for(stranger).post(f"/api/teams/{team.pk}/invitations/", {"role": "member"})
    assert_error(response, 404, "not_found")
    assert row_counts() == before


def test_invitation_create_captain_role_refused(client_for, captain, team):
    before = row_counts()
    response = client_for(captain).post(f"/api/teams/{team.pk}/invitations/", {"role": "captain"})
    body = assert_error(response, 400, "invalid")
    assert list(body["fields"]) == ["role"]
    assert row_counts() == before


def test_invitation_create_roster_locked(client_for, captain, team):
    team.roster_locked = True
    team.save()
    before = row_counts()
    response = client_for(captain).post(f"/api/teams/{team.pk}/invitations/", {"role": "member"})
    assert_error(response, 409, "roster_locked")
    assert row_counts() == before


# Accepting and declining --------------------------------------------------------------------


def test_invitation_accept_member(client_for, stranger, team):
    invitation = _invitation(team)
    response = _accept(client_for(stranger), invitation)
    assert response.status_code == 201
    assert (response.json()["user"], response.json()["role"]) == (stranger.pk, "member")
    invitation.refresh_from_db()
    assert (invitation.status, invitation.responded_by) == (InvitationStatus.ACCEPTED, stranger)
    assert TeamMember.objects.get(team=team, user=stranger).contest_id == team.contest_id


def test_invitation_accept_advisor(client_for, stranger, team):
    response = _accept(client_for(stranger), _invitation(team, role=MemberRole.ADVISOR))
    assert response.status_code == 201
    assert TeamMember.objects.get(team=team, user=stranger).role == "advisor"


def test_invitation_accept_anonymous_refused(api_client, team):
    invitation = _invitation(team)
    before = row_counts()
    assert_error(_accept(api_client, invitation), 401, "not_authenticated")
    assert row_counts() == before


def test_invitation_accept_unknown_code(client_for, stranger, team):
    body = assert_error(
        client_for(stranger).post(f"{URL}accept/", {"code": "no-such-code"}),
        400,
        "invitation_not_found",
    )
    assert body["fields"] == {"code": ["invitation_not_found"]}


def test_invitation_accept_twice_refused(client_for, stranger, team):
    invitation = _invitation(team)
    assert _accept(client_for(stranger), invitation).status_code == 201
    before = row_counts()
    assert_error(_accept(client_for(UserFactory()), invitation), 409, "invitation_accepted")
    assert row_counts() == {**before, "User": before["User"] + 1}


def test_invitation_accept_already_member(client_for, member, team):
    invitation = _invitation(team)
    before = row_counts()
    assert_error(_accept(client_for(member), invitation), 409, "already_member")
    assert row_counts() == before
    assert Invitation.objects.get(pk=invitation.pk).status == "sent"


def test_invitation_decline(client_for, stranger, team):
    invitation = _invitation(team)
    response = client_for(stranger).post(f"{URL}decline/", {"code": invitation.code})
    assert response.status_code == 200
    assert response.json()["status"] == "declined"
    invitation.refresh_from_db()
    assert (invitation.status, invitation.responded_by) == ("declined", stranger)
    assert TeamMember.objects.filter(user=stranger).exists() is False


def test_invitation_accept_after_decline_refused(client_for, stranger, team):
    invitation = _invitation(team, status=InvitationStatus.DECLINED)
    before = row_counts()
    body = assert_error(_accept(client_for(stranger), invitation), 409, "invitation_declined")
    assert body["message_en"] == "This invitation is declined and can no longer be used."
    assert row_counts() == before


def test_invitation_accept_expired(client_for, stranger, team):
    invitation = _invitation(team, expires_at=timezone.now() - datetime.timedelta(seconds=1))
    before = row_counts()
    assert_error(_accept(client_for(stranger), invitation), 409, "invitation_expired")
    assert row_counts() == before
    assert TeamMember.objects.filter(user=stranger).exists() is False


def test_invitation_decline_expired(client_for, stranger, team):
    invitation = _invitation(team, expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client_for(stranger).post(f"{URL}decline/", {"code": invitation.code})
    assert_error(response, 409, "invitation_expired")


def test_invitation_accept_team_full(client_for, stranger, contest, team):
    contest.team_size_max = 2
    contest.save()
    TeamMemberFactory(team=team, role=MemberRole.MEMBER)
    TeamMemberFactory(team=team, role=MemberRole.ADVISOR)  # advisors do not count
    invitation = _invitation(team)
    before = row_counts()
    body = assert_error(_accept(client_for(stranger), invitation), 409, "team_full")
    assert body["message_en"] == "The team already has the maximum of 2 members."
    assert row_counts() == before
    assert Invitation.objects.get(pk=invitation.pk).status == "sent"


def test_invitation_accept_last_place(client_for, stranger, contest, team):
    contest.team_size_max = 2
    contest.save()
    assert _accept(client_for(stranger), _invitation(team)).status_code == 201


def test_invitation_accept_advisors_full(client_for, stranger, contest, team):
    contest.advisors_max = 1
    contest.save()
    TeamMemberFactory(team=team, role=MemberRole.ADVISOR)
    invitation = _invitation(team, role=MemberRole.ADVISOR)
    before = row_counts()
    body = assert_error(_accept(client_for(stranger), invitation), 409, "advisors_full")
    assert body["message_en"] == "The team already has the maximum of 1 advisors."
    assert row_counts() == before


def test_invitation_accept_advisor_when_members_full(client_for, stranger, contest, team):
    contest.team_size_max = 1
    contest.save()
    response = _accept(client_for(stranger), _invitation(team, role=MemberRole.ADVISOR))
    assert response.status_code == 201


def test_invitation_accept_roster_locked_flag(client_for, stranger, team):
    team.roster_locked = True
    team.save()
    invitation = _invitation(team)
    before = row_counts()
    assert_error(_accept(client_for(stranger), invitation), 409, "roster_locked")
    assert row_counts() == before


def test_invitation_accept_after_registration_deadline(client_for, stranger, contest, team):
    # Sent with three days to run; the organiser then brought the deadline forward.
    invitation = _invitation(team)
    contest.registration_closes_at = timezone.now() - datetime.timedelta(minutes=1)
    contest.save()
    before = row_counts()
    body = assert_error(_accept(client_for(stranger), invitation), 409, "roster_locked")
    assert body["message_en"] == (
        "The roster is locked after the registration deadline; members cannot change."
    )
    assert row_counts() == before


def test_invitation_accept_second_team_refused(client_for, contest, team):
    other_captain = TeamFactory(contest=contest).captain
    invitation = _invitation(team)
    before = row_counts()
    assert_error(_accept(client_for(other_captain), invitation), 409, "already_in_team")
    assert row_counts() == before
    assert Invitation.objects.get(pk=invitation.pk).status == "sent"


def test_invitation_accept_member_of_other_team_refused(client_for, contest, team):
    elsewhere = TeamMemberFactory(team=TeamFactory(contest=contest), role=MemberRole.MEMBER).user
    invitation = _invitation(team)
    before = row_counts()
    assert_error(_accept(client_for(elsewhere), invitation), 409, "already_in_team")
    assert row_counts() == before


def test_invitation_accept_second_team_allowed_when_rule_off(client_for, contest, team):
    contest.one_team_per_person = False
    contest.save()
    other_captain = TeamFactory(contest=contest).captain
    assert _accept(client_for(other_captain), _invitation(team)).status_code == 201
    assert TeamMember.objects.filter(contest=contest, user=other_captain).count() == 2


def test_invitation_accept_advisor_of_two_teams(client_for, contest, team):
    advisor_elsewhere = TeamMemberFactory(
        team=TeamFactory(contest=contest), role=MemberRole.ADVISOR
    ).user
    response = _accept(client_for(advisor_elsewhere), _invitation(team, role=MemberRole.ADVISOR))
    assert response.status_code == 201


def test_invitation_accept_team_in_other_contest_allowed(client_for, team):
    busy = TeamFactory(contest=ContestFactory()).captain
    assert _accept(client_for(busy), _invitation(team)).status_code == 201


# Preview and list ---------------------------------------------------------------------------


def test_invitation_preview_by_code(client_for, stranger, contest, team):
    invitation = _invitation(team, role=MemberRole.ADVISOR)
    response = client_for(stranger).get(f"{URL}{invitation.code}/")
    assert response.status_code == 200
    assert response.json() == {
        "team": team.pk,
        "team_name": "星火团队",
        "contest_name": contest.name,
        "role": "advisor",
        "status": "sent",
        "expires_at": response.json()["expires_at"],
    }


def test_invitation_preview_unknown_code_404(client_for, stranger, db):
    assert_error(client_for(stranger).get(f"{URL}nothing-here/"), 404, "not_found")


def test_invitation_list_captain_sees_own_team(client_for, captain, contest, team):
    mine = _invitation(team)
    _invitation(TeamFactory(contest=contest))
    assert ids(client_for(captain).get(URL)) == [mine.pk]


def test_invitation_list_member_sees_none(client_for, member, team):
    _invitation(team)
    assert ids(client_for(member).get(URL)) == []


def test_invitation_list_organiser_sees_contest(
    client_for, organiser, contest, team, other_contest
):
    ours = [_invitation(team), _invitation(TeamFactory(contest=contest))]
    _invitation(TeamFactory(contest=other_contest))
    assert sorted(ids(client_for(organiser).get(URL))) == sorted(i.pk for i in ours)


def test_invitation_list_other_organiser_sees_none(client_for, other_organiser, team):
    _invitation(team)
    assert ids(client_for(other_organiser).get(URL)) == []


@pytest.mark.parametrize("count", [1, 3])
def test_invitation_list_query_count_constant(
    client_for, organiser, contest, count, django_assert_num_queries
):
    for _ in range(count):
        _invitation(TeamFactory(contest=contest))
    client = client_for(organiser)
    with django_assert_num_queries(2):  # count + page
        response = client.get(URL)
    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [1, 3])
def test_invitation_list_captain_query_count_constant(
    client_for, captain, team, count, django_assert_num_queries
):
    for _ in range(count):
        _invitation(team)
    client = client_for(captain)
    with django_assert_num_queries(2):
        response = client.get(URL)
    assert len(response.json()["results"]) == count
