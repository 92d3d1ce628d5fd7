"""Conflicts fail closed, by every route (issue 9, item 3), through the API: contestants, the
judge's and members' organisations, declared relatives and students, the organisation stated
before the declaration."""

import pytest

from judging.models import AuditLog, ReviewScore
from judging.services.audit import audit_verify
from tests.api.test_judging_api import BLOCKED, _conflict_routes
from tests.factories.contest import TeamMemberFactory, UserFactory
from tests.factories.judging import build_world

pytestmark = pytest.mark.django_db


# Conflicts fail closed (issue 9, item 3): contestants, the judge's and members' organisations,
# declared relatives and students, the organisation stated before the declaration.


def _id_number(seq: int) -> str:
    from contest.identity import id_number_check_character

    first17 = f"33010619800101{seq:03d}"
    return first17 + id_number_check_character(first17)


def _counts():
    from judging.models import Assignment, DeclaredRelation, PanelMembership

    return (
        PanelMembership.objects.count(),
        Assignment.objects.count(),
        DeclaredRelation.objects.count(),
        ReviewScore.objects.count(),
    )


@pytest.mark.parametrize("role", ["captain", "member", "advisor"])
def test_contestant_invited_to_panel_refused(client_for, role):
    from judging.models import PanelMembership

    w = build_world()
    person = w.team.captain if role == "captain" else UserFactory(real_name="王参赛")
    if role != "captain":
        TeamMemberFactory(team=w.team, user=person, role=role)
    before = _counts()
    response = client_for(w.organiser).post(
        "/api/panel-memberships/", {"stage": w.stage.pk, "judge": person.pk}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "judge_is_contestant"
    assert body["message_en"] == (
        f"{person.real_name} is on a team of this contest and cannot be one of its judges."
    )
    assert _counts() == before
    assert not PanelMembership.objects.filter(judge=person).exists()


def test_judge_who_joined_a_team_before_accepting_is_refused_at_acceptance(client_for):
    w = build_world(sign=False)
    TeamMemberFactory(team=w.team, user=w.judge, role="member")
    before = _counts()
    response = client_for(w.judge).post(
        f"/api/judge/panels/{w.membership.pk}/accept/",
        {"declaration_accepted": True},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "judge_is_contestant"
    w.membership.refresh_from_db()
    assert (w.membership.status, w.membership.declaration_accepted_at) == ("invited", None)
    assert _counts() == before
    assert not AuditLog.objects.filter(action="panel.declaration").exists()


def test_judge_joining_another_team_later_loses_every_entry_of_the_contest(client_for):
    from tests.factories.contest import TeamFactory

    w = build_world()
    client = client_for(w.judge)
    assert client.get("/api/judge/assignments/").json()["count"] == 1
    other = TeamFactory(contest=w.contest, name="另一队")
    TeamMemberFactory(team=other, user=w.judge, role="member")  # joins after accepting
    assert _conflict_routes(client, w) == BLOCKED
    assert ReviewScore.objects.count() == 0
    # Manual assignment refuses the pair too, naming the rule.
    w.assignment.delete()
    before = _counts()
    response = client_for(w.organiser).post(
        f"/api/stages/{w.stage.pk}/assignments/",
        {"entry": w.entry.pk, "judge": w.judge.pk},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "judge_conflict"
    assert "contestant" in response.json()["message_en"]
    assert _counts() == before


def test_member_of_the_judges_organisation_joining_later_blocks_every_route(client_for):
    from tests.factories.contest import OrganisationFactory

    org = OrganisationFactory(name="华东数据研究院")
    w = build_world(judge_org=org)
    client = client_for(w.judge)
    assert client.get("/api/judge/assignments/").json()["count"] == 1
    colleague = UserFactory(real_name="赵同事", organisation=org)
    TeamMemberFactory(team=w.team, user=colleague, role="advisor")  # after the acceptance
    assert _conflict_routes(client, w) == BLOCKED
    assert ReviewScore.objects.count() == 0


def test_judges_own_stated_organisation_compared_with_members_organisations(client_for):
    """The judge signed up alone (no judge profile organisation) and states one through the
    API; a member of the team works there: conflict."""
    from tests.factories.contest import OrganisationFactory

    org = OrganisationFactory(name="西湖大学")
    w = build_world()
    client = client_for(w.judge)
    assert client.patch("/api/auth/me/", {"organisation": org.pk}, format="json").status_code == 200
    assert client.get("/api/judge/assignments/").json()["count"] == 1
    TeamMemberFactory(team=w.team, user=UserFactory(organisation=org), role="member")
    assert _conflict_routes(client, w) == BLOCKED


def test_member_joining_later_is_left_out_of_auto_assignment(
    client_for, django_capture_on_commit_callbacks
):
    from judging.models import Assignment
    from tests.factories.contest import OrganisationFactory, TeamFactory

    org = OrganisationFactory()
    w = build_world(judge_org=org)
    w.assignment.delete()
    other = TeamFactory(contest=w.contest, name="第二队")
    from contest.models import Entry

    second = Entry.objects.create(team=other, stage=w.stage, title="第二作品", status="submitted")
    TeamMemberFactory(team=other, user=UserFactory(organisation=org), role="member")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(w.organiser).post(
            f"/api/stages/{w.stage.pk}/assignment/runs/", {"k": 1}, format="json"
        )
    assert response.status_code == 202, response.json()
    made = set(Assignment.objects.filter(stage=w.stage).values_list("judge_id", "entry_id"))
    assert (w.judge.pk, second.pk) not in made


@pytest.mark.parametrize("by", ["id_number", "name"])
def test_declared_student_conflicts(client_for, by):
    w = build_world(sign=False)
    student_id = _id_number(7)
    student = UserFactory(real_name="钱学生", id_number=student_id if by == "id_number" else "")
    # Declared by ID number: the name on record may differ (a nickname) and still match.
    declared_name = "钱同学" if by == "id_number" else "钱学生"
    client = client_for(w.judge)
    response = client.post(
        f"/api/judge/panels/{w.membership.pk}/accept/",
        {
            "declaration_accepted": True,
            "relations": [
                {"name": declared_name, "id_number": student_id, "relation": "student"},
                {"name": "孙亲属", "id_number": _id_number(8), "relation": "relative"},
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert client.get("/api/judge/assignments/").json()["count"] == 1
    TeamMemberFactory(team=w.team, user=student, role="member")  # joins after the declaration
    assert _conflict_routes(client, w) == BLOCKED
    row = AuditLog.objects.get(action="panel.declaration")
    assert [r["relation"] for r in row.data["relations"]] == ["student", "relative"]
    assert student_id not in str(row.data)  # ID numbers only as hashes on the chain
    assert audit_verify(contest=w.contest).ok


def test_declaration_with_a_bad_id_number_refused_and_nothing_stored(client_for):
    w = build_world(sign=False)
    before = _counts()
    bad = _id_number(9)[:-1] + ("0" if _id_number(9)[-1] != "0" else "1")
    response = client_for(w.judge).post(
        f"/api/judge/panels/{w.membership.pk}/accept/",
        {
            "declaration_accepted": True,
            "relations": [{"name": "周亲属", "id_number": bad, "relation": "relative"}],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_id_number"
    w.membership.refresh_from_db()
    assert w.membership.declaration_accepted_at is None
    assert _counts() == before


def test_declaration_refused_until_the_judge_states_an_organisation(client_for):
    w = build_world(sign=False)
    judge = UserFactory(real_name="吴新评委")
    org_client = client_for(w.organiser)
    invited = org_client.post(
        "/api/panel-memberships/", {"stage": w.stage.pk, "judge": judge.pk}, format="json"
    )
    assert invited.status_code == 201, invited.json()
    client = client_for(judge)
    before = _counts()
    url = f"/api/judge/panels/{invited.json()['id']}/accept/"
    refused = client.post(url, {"declaration_accepted": True}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "organisation_not_stated"
    assert refused.json()["message_en"] == (
        "State your organisation, or that you have none, before signing the declaration."
    )
    assert _counts() == before
    assert client.get("/api/auth/me/").json()["organisation_stated"] is False
    stated = client.patch("/api/auth/me/", {"organisation_none": True}, format="json")
    assert stated.status_code == 200
    assert (stated.json()["organisation"], stated.json()["organisation_stated"]) == (None, True)
    accepted = client.post(url, {"declaration_accepted": True}, format="json")
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "accepted"
