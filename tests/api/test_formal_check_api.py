"""The formal check from outside: per role, the error codes in both languages, nothing changed
after a refusal, the team's view of its outcome, and the queue's constant query count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from contest.enums import EntryStatus, StageKind
from contest.models import Entry
from judging.models import FormalCheckDecision, MaterialChecklist, Promotion
from tests.api.helpers import assert_error, ids, results
from tests.factories.contest import (
    EntryFactory,
    StageFactory,
    TeamFactory,
    UserFactory,
    entry_plan_attach,
)
from tests.factories.judging import PanelMembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def formal(contest):
    now = timezone.now()
    return StageFactory(
        contest=contest,
        name="形式审查",
        kind=StageKind.FORMAL_CHECK,
        order=1,
        submission_opens_at=now - datetime.timedelta(days=10),
        submission_closes_at=now - datetime.timedelta(days=1),
    )


def _submitted(stage, team, **kw):
    entry = EntryFactory(
        team=team, stage=stage, status=EntryStatus.SUBMITTED, submitted_at=timezone.now(), **kw
    )
    entry_plan_attach(entry)
    return entry


@pytest.fixture
def entry(formal, team):
    return _submitted(formal, team, title="智慧水务", summary="")


def _later(days=3):
    return (timezone.now() + datetime.timedelta(days=days)).isoformat()


def _counts():
    return (FormalCheckDecision.objects.count(), MaterialChecklist.objects.count())


def test_checklist_get_and_put_by_organiser(client_for, organiser, formal):
    client = client_for(organiser)
    url = f"/api/stages/{formal.pk}/formal-check/checklist/"
    body = client.get(url).json()
    assert (body["required_file_kinds"], body["required_fields"], body["is_default"]) == (
        ["plan"],
        ["title"],
        True,
    )
    assert body["size_limits"]["plan"] > 0
    response = client.put(
        url,
        {"required_file_kinds": ["plan", "slides"], "required_fields": ["title", "summary"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["required_file_kinds"], response.json()["is_default"]) == (
        ["plan", "slides"],
        False,
    )


def test_checklist_put_unknown_kind_refused_both_languages(client_for, organiser, formal):
    response = client_for(organiser).put(
        f"/api/stages/{formal.pk}/formal-check/checklist/",
        {"required_file_kinds": ["poster"], "required_fields": []},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = assert_error(response, 400, "checklist_file_kind_invalid")
    assert body["message_zh"] == "未知的文件类型：poster。"
    assert body["message_en"] == "Unknown file kinds: poster."
    assert _counts() == (0, 0)


def test_checklist_of_online_stage_refused(client_for, organiser, stage):
    response = client_for(organiser).get(f"/api/stages/{stage.pk}/formal-check/checklist/")
    assert_error(response, 409, "stage_not_formal_check")


def test_queue_shows_state_and_missing(client_for, organiser, formal, entry, contest):
    client = client_for(organiser)
    client.put(
        f"/api/stages/{formal.pk}/formal-check/checklist/",
        {"required_file_kinds": ["plan", "slides"], "required_fields": ["summary"]},
        format="json",
    )
    other = _submitted(formal, TeamFactory(contest=contest), summary="有简介")
    rows = results(client.get(f"/api/stages/{formal.pk}/formal-check/queue/"))
    assert [(r["id"], r["state"], r["missing"]) for r in rows] == [
        (entry.pk, "pending", {"files": ["slides"], "fields": ["summary"]}),
        (other.pk, "pending", {"files": ["slides"], "fields": []}),
    ]
    client.post(f"/api/entries/{other.pk}/formal-check/", {"verdict": "pass"}, format="json")
    assert ids(client.get(f"/api/stages/{formal.pk}/formal-check/queue/?state=passed")) == [
        other.pk
    ]
    assert ids(client.get(f"/api/stages/{formal.pk}/formal-check/queue/?state=pending")) == [
        entry.pk
    ]
    response = client.get(f"/api/stages/{formal.pk}/formal-check/queue/?state=odd")
    assert response.status_code == 400


def test_queue_query_count_constant(client_for, organiser, formal, contest):
    client = client_for(organiser)
    url = f"/api/stages/{formal.pk}/formal-check/queue/"
    _submitted(formal, TeamFactory(contest=contest))
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as q:
            response = client.get(url)
        assert response.status_code == 200
        counts.append((len(response.json()["results"]), len(q)))
        _submitted(formal, TeamFactory(contest=contest))
        _submitted(formal, TeamFactory(contest=contest))
    # the stage, the checklist, the count, the page (with its latest decision), the files
    assert counts == [(1, 5), (3, 5)]


def test_return_then_team_sees_fixes_and_resubmits(client_for, organiser, formal, entry, captain):
    organiser_client = client_for(organiser)
    deadline = _later()
    response = organiser_client.post(
        f"/api/entries/{entry.pk}/formal-check/",
        {"verdict": "return", "reason": "缺少盖章页", "deadline": deadline},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert (response.json()["verdict"], response.json()["reason"]) == ("return", "缺少盖章页")

    team_client = client_for(captain)
    seen = team_client.get(f"/api/entries/{entry.pk}/").json()
    assert seen["status"] == "draft"
    assert {k: seen["formal_check"][k] for k in ("state", "verdict", "reason")} == {
        "state": "returned",
        "verdict": "return",
        "reason": "缺少盖章页",
    }
    assert seen["formal_check"]["deadline"] is not None
    response = team_client.patch(
        f"/api/entries/{entry.pk}/", {"summary": "补充了盖章页"}, format="json"
    )
    assert response.status_code == 200, response.content
    response = team_client.post(f"/api/entries/{entry.pk}/submit/")
    assert response.status_code == 200, response.content
    seen = team_client.get(f"/api/entries/{entry.pk}/").json()
    assert (seen["status"], seen["formal_check"]["state"]) == ("submitted", "pending")
    listed = results(team_client.get("/api/entries/"))
    assert [(r["id"], r["formal_check"]["state"]) for r in listed] == [(entry.pk, "pending")]


def test_return_without_deadline_refused_both_languages(client_for, organiser, entry):
    before = _counts()
    response = client_for(organiser).post(
        f"/api/entries/{entry.pk}/formal-check/",
        {"verdict": "return", "reason": "缺少盖章页"},
        format="json",
    )
    body = assert_error(response, 400, "formal_deadline_required")
    assert body["message_zh"] == "请填写团队补正后重新提交的截止时间。"
    assert body["message_en"] == "Give the deadline by which the team must resubmit."
    assert body["fields"] == {"deadline": ["formal_deadline_required"]}
    assert _counts() == before
    entry.refresh_from_db()
    assert entry.status == EntryStatus.SUBMITTED


def test_reject_without_reason_refused(client_for, organiser, entry):
    response = client_for(organiser).post(
        f"/api/entries/{entry.pk}/formal-check/", {"verdict": "reject"}, format="json"
    )
    assert_error(response, 400, "reason_required")
    assert _counts() == (0, 0)


@pytest.mark.parametrize("who", ["other_organiser", "judge", "captain", "stranger"])
def test_decide_refused_to_others(client_for, request, who, entry, formal):
    if who == "judge":
        user = UserFactory()
        PanelMembershipFactory(stage=formal, judge=user)
    else:
        user = request.getfixturevalue(who)
    client = client_for(user)
    response = client.post(
        f"/api/entries/{entry.pk}/formal-check/", {"verdict": "pass"}, format="json"
    )
    assert_error(response, 404, "not_found")
    for url in (
        f"/api/stages/{formal.pk}/formal-check/queue/",
        f"/api/stages/{formal.pk}/formal-check/checklist/",
    ):
        assert_error(client.get(url), 404, "not_found")
    response = client.post(f"/api/stages/{formal.pk}/formal-check/pass-bulk/", {}, format="json")
    assert_error(response, 404, "not_found")
    assert _counts() == (0, 0)


def test_team_sees_only_its_own_outcome(client_for, organiser, formal, entry, contest, captain):
    other = _submitted(formal, TeamFactory(contest=contest))
    client_for(organiser).post(
        f"/api/entries/{other.pk}/formal-check/",
        {"verdict": "reject", "reason": "资格不符"},
        format="json",
    )
    team_client = client_for(captain)
    assert team_client.get(f"/api/entries/{other.pk}/").status_code == 404
    assert team_client.get(f"/api/entries/{other.pk}/formal-check/").status_code == 404
    assert [r["id"] for r in results(team_client.get("/api/entries/"))] == [entry.pk]


def test_bulk_pass_and_promotion_of_passed_only(client_for, organiser, formal, entry, contest):
    nxt = StageFactory(contest=contest, order=2)
    client = client_for(organiser)
    rejected = _submitted(formal, TeamFactory(contest=contest))
    client.post(
        f"/api/entries/{rejected.pk}/formal-check/",
        {"verdict": "reject", "reason": "资格不符"},
        format="json",
    )
    response = client.post(f"/api/stages/{formal.pk}/formal-check/pass-bulk/", {}, format="json")
    assert response.json() == {"passed": [entry.pk], "skipped": []}
    response = client.post(
        f"/api/stages/{formal.pk}/promotions/",
        {"to_stage": nxt.pk, "rule": "top_n", "n": 5},
        format="json",
    )
    body = assert_error(response, 400, "promotion_rule_formal_only")
    assert body["message_en"] == (
        "From a formal-check stage only the entries that passed go on: use the rule formal_passed."
    )
    assert Promotion.objects.count() == 0
    response = client.post(
        f"/api/stages/{formal.pk}/promotions/",
        {"to_stage": nxt.pk, "rule": "formal_passed"},
        format="json",
    )
    assert response.status_code in (200, 201), response.content
    assert list(Promotion.objects.values_list("entry_id", flat=True)) == [entry.pk]
    assert list(Entry.objects.filter(stage=nxt).values_list("team_id", flat=True)) == [
        entry.team_id
    ]


def test_decision_history_for_organiser(client_for, organiser, entry):
    client = client_for(organiser)
    client.post(
        f"/api/entries/{entry.pk}/formal-check/",
        {"verdict": "return", "reason": "缺少盖章页", "deadline": _later()},
        format="json",
    )
    rows = client.get(f"/api/entries/{entry.pk}/formal-check/").json()
    assert [(r["verdict"], r["reason"]) for r in rows] == [("return", "缺少盖章页")]


def test_entry_list_with_decisions_query_count_constant(client_for, organiser, formal, contest):
    """The entries list (organiser) with formal-check decisions: one more query per page, not
    per entry."""
    client = client_for(organiser)
    first = _submitted(formal, TeamFactory(contest=contest))
    client.post(f"/api/entries/{first.pk}/formal-check/", {"verdict": "pass"}, format="json")
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as q:
            response = client.get(f"/api/entries/?stage={formal.pk}")
        assert response.status_code == 200
        rows = results(response)
        counts.append((len(rows), len(q)))
        for _ in range(2):
            e = _submitted(formal, TeamFactory(contest=contest))
            client.post(
                f"/api/entries/{e.pk}/formal-check/",
                {"verdict": "reject", "reason": "资格不符"},
                format="json",
            )
    assert [c[0] for c in counts] == [1, 3]
    assert counts[0][1] == counts[1][1]
    assert {r["formal_check"]["state"] for r in rows} == {"passed", "rejected"}
