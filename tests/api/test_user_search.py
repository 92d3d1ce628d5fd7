"""GET /api/users/search/?q=: organisers (and platform admins) find people by name, contacts masked."""

import pytest

from api.views.user import mask_email, mask_mobile
from tests.factories.contest import OrganisationFactory, UserFactory


def test_mask_contacts():
    assert mask_email("zhangwei@example.com") == "zh***@example.com"
    assert mask_email("") == ""
    assert mask_mobile("13800001234") == "138****1234"
    assert mask_mobile(None) == ""


def test_organiser_finds_judge_by_name_masked(client_for, organiser):
    org = OrganisationFactory(name="东南大学")
    judge = UserFactory(
        real_name="张评审", email="zhangps@example.com", mobile="13800001234", organisation=org
    )
    UserFactory(real_name="李无关")
    response = client_for(organiser).get("/api/users/search/", {"q": "评审"})
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": judge.pk,
            "real_name": "张评审",
            "email": "zh***@example.com",
            "mobile": "138****1234",
            "organisation_name": "东南大学",
            "province": "",
            "title": "",
            "on_team_in_contest": None,
        }
    ]
    # A whole email finds the person too; a fragment of one does not.
    assert [
        u["id"]
        for u in client_for(organiser)
        .get("/api/users/search/", {"q": "zhangps@example.com"})
        .json()
    ] == [judge.pk]
    assert client_for(organiser).get("/api/users/search/", {"q": "zhangps"}).json() == []
    assert client_for(organiser).get("/api/users/search/", {"q": " "}).json() == []


def test_at_most_twenty(client_for, organiser):
    for _ in range(25):
        UserFactory(real_name="王同名")
    rows = client_for(organiser).get("/api/users/search/", {"q": "王同名"}).json()
    assert len(rows) == 20


def test_platform_admin_may_search(client_for, db):
    admin = UserFactory(real_name="平台管理员", is_superuser=True)
    UserFactory(real_name="赵某")
    response = client_for(admin).get("/api/users/search/", {"q": "赵"})
    assert response.status_code == 200
    assert len(response.json()) == 1


@pytest.mark.parametrize("who", ["captain", "publisher"])
def test_others_get_403_in_both_languages(client_for, request, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    response = client.get("/api/users/search/", {"q": "张"})
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "not_permitted"
    assert "无权查找用户" in body["message_zh"]
    assert body["message_en"] == "You may not search users."


def test_anonymous_refused(api_client, db):
    assert api_client.get("/api/users/search/", {"q": "张"}).status_code in (401, 403)


@pytest.mark.parametrize("count", [1, 5])
def test_query_count_constant(client_for, organiser, count, django_assert_num_queries):
    for i in range(count):
        UserFactory(real_name=f"孙评委{i}", organisation=OrganisationFactory())
    client = client_for(organiser)
    with django_assert_num_queries(2):  # permission check + users with their organisations
        response = client.get("/api/users/search/", {"q": "孙评委"})
    assert len(response.json()) == count


def test_two_namesakes_told_apart_and_the_contestant_flagged(
    client_for, organiser, contest, team, other_contest
):
    """Two 朱峰: the judge shows the organisation, region and title of the judge profile; the one
    on a team of this contest is flagged (and not for another contest's search)."""
    from contest.enums import MemberRole
    from contest.models import TeamMember
    from tests.factories.judging import JudgeProfileFactory

    expert = UserFactory(real_name="朱峰", province="上海")
    JudgeProfileFactory(
        user=expert,
        organisation=OrganisationFactory(name="南京大学"),
        province="江苏",
        title="教授",
    )
    contestant = UserFactory(
        real_name="朱峰", province="浙江", organisation=OrganisationFactory(name="杭州某科技")
    )
    TeamMember.objects.create(team=team, contest=contest, user=contestant, role=MemberRole.MEMBER)
    client = client_for(organiser)

    rows = client.get("/api/users/search/", {"q": "朱峰", "contest": contest.pk}).json()

    by_id = {row["id"]: row for row in rows}
    assert {k: by_id[expert.pk][k] for k in ("organisation_name", "province", "title")} == {
        "organisation_name": "南京大学",
        "province": "江苏",
        "title": "教授",
    }
    assert (by_id[expert.pk]["on_team_in_contest"], by_id[contestant.pk]["on_team_in_contest"]) == (
        False,
        True,
    )
    assert by_id[contestant.pk]["province"] == "浙江"


def test_contest_flag_only_for_a_contest_one_organises(client_for, organiser, other_contest):
    response = client_for(organiser).get(
        "/api/users/search/", {"q": "朱峰", "contest": other_contest.pk}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    bad = client_for(organiser).get("/api/users/search/", {"q": "朱峰", "contest": "x"})
    assert (bad.status_code, bad.json()["code"]) == (400, "query_param_invalid")
