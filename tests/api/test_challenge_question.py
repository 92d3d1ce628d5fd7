"""答疑 over HTTP, per role: who asks, who answers, who sees which question, who moderates."""

import pytest

from contest.enums import ContestKind, ContestRoleKind
from contest.models import ChallengeQuestion
from tests.api.helpers import assert_error, ids, results
from tests.factories.contest import (
    ChallengeFactory,
    ChallengeQuestionFactory,
    ContestFactory,
    ContestRoleFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    UserFactory,
)
from tests.factories.judging import PanelMembershipFactory

URL = "/api/challenge-questions/"


@pytest.fixture
def contest(db):
    return ContestFactory(kind=ContestKind.CHALLENGE_LIST)


@pytest.fixture
def challenge(contest, publisher_org):
    return ChallengeFactory(contest=contest, publisher=publisher_org)


@pytest.fixture
def rival(contest):
    user = UserFactory()
    ContestRoleFactory(
        contest=contest,
        user=user,
        role=ContestRoleKind.PUBLISHER,
        organisation=OrganisationFactory(),
    )
    return user


@pytest.fixture
def expert(contest):
    return PanelMembershipFactory(stage=StageFactory(contest=contest), accepted=True).judge


@pytest.fixture
def other_team(contest):
    return TeamFactory(contest=contest, name="另一团队")


def test_a_team_member_asks(client_for, challenge, team, member):
    payload = {"challenge": challenge.pk, "team": team.pk, "text": "验收在哪里进行？"}
    response = client_for(member).post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["mine"], body["answer"], body["asker_team_name"]) == (True, "", None)


def test_asking_for_a_team_not_ones_own_is_a_404_and_anonymous_a_401(
    client_for, api_client, challenge, team, other_team
):
    payload = {"challenge": challenge.pk, "team": team.pk, "text": "?"}
    assert_error(client_for(other_team.captain).post(URL, payload, format="json"), 404, "not_found")
    assert_error(api_client.post(URL, payload, format="json"), 401, "not_authenticated")
    assert ChallengeQuestion.objects.count() == 0


def test_visibility_per_role(
    client_for, api_client, challenge, team, other_team, publisher, organiser, expert, rival
):
    public = ChallengeQuestionFactory(
        challenge=challenge, asker_team=team, answer="公开答复", visibility="public"
    )
    public.answered_at = public.created_at
    public.save()
    private = ChallengeQuestionFactory(
        challenge=challenge, asker_team=team, answer="私下答复", visibility="private"
    )
    private.answered_at = private.created_at
    private.save()
    pending = ChallengeQuestionFactory(challenge=challenge, asker_team=other_team)
    query = {"challenge": challenge.pk}
    everyone = {public.pk}
    assert set(ids(api_client.get(URL, query))) == everyone
    assert set(ids(client_for(expert).get(URL, query))) == everyone
    assert set(ids(client_for(rival).get(URL, query))) == everyone
    assert set(ids(client_for(team.captain).get(URL, query))) == {public.pk, private.pk}
    # The other team sees the public answer but not the private one, nor who asked.
    rows = results(client_for(other_team.captain).get(URL, query))
    assert {r["id"] for r in rows} == {public.pk, pending.pk}
    assert {r["id"]: r["mine"] for r in rows} == {public.pk: False, pending.pk: True}
    assert all(r["asker_team_name"] is None for r in rows)
    assert set(ids(client_for(publisher).get(URL, query))) == {public.pk, private.pk, pending.pk}
    organiser_rows = results(client_for(organiser).get(URL, query))
    assert {r["asker_team_name"] for r in organiser_rows} == {team.name, other_team.name}


def test_a_team_cannot_see_another_teams_private_question(client_for, challenge, team, other_team):
    private = ChallengeQuestionFactory(
        challenge=challenge, asker_team=team, answer="私下答复", visibility="private"
    )
    private.answered_at = private.created_at
    private.save()
    assert private.pk not in ids(client_for(other_team.captain).get(URL))
    assert_error(
        client_for(other_team.captain).post(
            f"{URL}{private.pk}/answer/", {"answer": "x", "visibility": "public"}, format="json"
        ),
        404,
        "not_found",
    )


def test_the_publisher_answers_publicly(client_for, challenge, publisher, team):
    question = ChallengeQuestionFactory(challenge=challenge, asker_team=team)
    response = client_for(publisher).post(
        f"{URL}{question.pk}/answer/",
        {"answer": "数据由我方提供", "visibility": "public"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["answer"], body["visibility"]) == ("数据由我方提供", "public")
    assert body["answered_at"] is not None
    assert body["asker_team_name"] is None  # the publisher does not learn who asked


def test_answering_for_a_challenge_not_theirs_is_refused(client_for, challenge, rival, team):
    question = ChallengeQuestionFactory(challenge=challenge, asker_team=team)
    body = assert_error(
        client_for(rival).post(
            f"{URL}{question.pk}/answer/", {"answer": "冒答", "visibility": "public"}, format="json"
        ),
        404,
        "not_found",
    )
    assert body["message_zh"]
    question.refresh_from_db()
    assert (question.answer, question.answered_at) == ("", None)


def test_the_asking_team_and_the_organiser_may_not_answer(client_for, challenge, organiser, team):
    question = ChallengeQuestionFactory(challenge=challenge, asker_team=team)
    for user in (team.captain, organiser):
        assert_error(
            client_for(user).post(
                f"{URL}{question.pk}/answer/",
                {"answer": "自答", "visibility": "public"},
                format="json",
            ),
            403,
            "not_permitted",
        )
    assert ChallengeQuestion.objects.get(pk=question.pk).answered_at is None


def test_empty_answer_and_bad_visibility_are_400(client_for, challenge, publisher):
    question = ChallengeQuestionFactory(challenge=challenge)
    url = f"{URL}{question.pk}/answer/"
    assert_error(
        client_for(publisher).post(url, {"answer": " ", "visibility": "public"}, format="json"),
        400,
        "answer_required",
    )
    response = client_for(publisher).post(url, {"answer": "a", "visibility": "all"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["visibility"]


def test_the_organiser_hides_and_the_publisher_cannot(client_for, challenge, organiser, publisher):
    question = ChallengeQuestionFactory(challenge=challenge)
    url = f"{URL}{question.pk}/hide/"
    assert_error(
        client_for(publisher).post(url, {"reason": "x"}, format="json"), 403, "not_permitted"
    )
    response = client_for(organiser).post(url, {"reason": "含联系方式广告"}, format="json")
    assert response.json()["hidden_by_moderator"] is True
    assert response.json()["hidden_reason"] == "含联系方式广告"
    assert question.pk not in ids(client_for(question.asker).get(URL))


def test_the_organiser_unhides_with_a_reason_audited(client_for, challenge, organiser, publisher):
    from judging.models import AuditLog

    question = ChallengeQuestionFactory(challenge=challenge)
    client_for(organiser).post(
        f"{URL}{question.pk}/hide/", {"reason": "含联系方式广告"}, format="json"
    )
    url = f"{URL}{question.pk}/unhide/"
    assert_error(
        client_for(publisher).post(url, {"reason": "x"}, format="json"), 403, "not_permitted"
    )
    body = assert_error(
        client_for(organiser).post(url, {"reason": " "}, format="json"), 400, "reason_required"
    )
    assert body["fields"] == {"reason": ["reason_required"]}
    question.refresh_from_db()
    assert question.hidden_by_moderator is True
    response = client_for(organiser).post(url, {"reason": "误判，已核实"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["hidden_by_moderator"] is False
    assert response.json()["hidden_reason"] == ""
    assert question.pk in ids(client_for(question.asker).get(URL))
    row = AuditLog.objects.filter(action="challenge_question.unhide").get()
    assert row.reason == "误判，已核实"
    assert row.data["hidden_reason"] == "含联系方式广告"
    body = assert_error(
        client_for(organiser).post(url, {"reason": "再来一次"}, format="json"),
        409,
        "question_not_hidden",
    )
    assert body["message_en"] == "This question is not hidden."
    assert body["message_zh"] == "该问题未被屏蔽。"
