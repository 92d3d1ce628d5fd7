"""评榜 by publishers over HTTP: the weight (set before scoring, fixed after), the publisher as a
reviewer class of the panel under the judges' conflict rules, and the weighted result.

The worked example (weight 30 %, the stage's method: mean):
- entry A (team 星河, lead organisation unrelated to the publisher): experts 80 and 70 (mean 75),
  the publisher's review through the judges' route scores FULL_SCORES = 77.25:
  0.3 × 77.25 + 0.7 × 75 = 23.175 + 52.5 = 75.675 → 75.6750;
- entry B (team of the publisher's own organisation): experts 60 and 90 (mean 75); the
  publisher is never assigned (回避), so 75.0000 — the experts alone;
- entry C (a member the publisher declared as a relative): experts 50 and 70 → 60.0000.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from contest.enums import ContestKind, ContestRoleKind
from contest.models import Entry
from contest.services.user import user_organisation_set
from judging.aggregation import results_compute, update_supported
from judging.enums import ReviewerClass
from judging.models import Assignment, AuditLog, EntryResult, PanelMembership, ResultSettings
from judging.services.panel import judge_invite, panel_accept
from judging.services.result import ranking_compute, results_publish
from judging.services.rubric import rubric_create
from judging.snapshot import snapshot_rows_from_inputs
from tests.api.helpers import assert_error
from tests.factories.contest import (
    ChallengeFactory,
    ContestFactory,
    ContestRoleFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.factories.judging import CRITERIA, FULL_SCORES, AssignmentFactory, ReviewFactory

RELATIVE_ID = "11010519491231002X"


@pytest.fixture
def world(db):
    now = timezone.now()
    contest = ContestFactory(kind=ContestKind.CHALLENGE_LIST)
    organiser = UserFactory(real_name="组委会秘书")
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRoleKind.ORGANISER)
    publisher_org = OrganisationFactory(name="智造装备集团有限公司")
    publisher = UserFactory(real_name="发榜方王工", organisation=publisher_org)
    ContestRoleFactory(
        contest=contest, user=publisher, role=ContestRoleKind.PUBLISHER, organisation=publisher_org
    )
    stage = StageFactory(
        contest=contest,
        submission_opens_at=now - dt.timedelta(days=20),
        submission_closes_at=now - dt.timedelta(days=10),
        review_opens_at=now + dt.timedelta(days=1),
        review_closes_at=now + dt.timedelta(days=9),
    )
    rubric_create(actor=organiser, stage=stage, name="揭榜评审细则", criteria=CRITERIA)
    challenge = ChallengeFactory(contest=contest, publisher=publisher_org, title="焊缝缺陷检测")
    teams = {
        "A": TeamFactory(contest=contest, name="星河团队", challenge=challenge),
        "B": TeamFactory(
            contest=contest, name="集团自研队", challenge=challenge, lead_organisation=publisher_org
        ),
        "C": TeamFactory(contest=contest, name="亲属所在队", challenge=challenge),
    }
    TeamMemberFactory(team=teams["C"], user=UserFactory(real_name="王小明", id_number=RELATIVE_ID))
    entries = {
        key: Entry.objects.create(team=team, stage=stage, title=f"方案{key}", status="submitted")
        for key, team in teams.items()
    }
    experts = [UserFactory(real_name=f"专家{i}") for i in (1, 2)]
    for expert in experts:
        user_organisation_set(user=expert, organisation=None, none=True)
        membership = judge_invite(actor=organiser, stage=stage, judge=expert)
        panel_accept(actor=expert, membership=membership, declaration_accepted=True)
    return {
        "contest": contest,
        "stage": stage,
        "organiser": organiser,
        "publisher": publisher,
        "entries": entries,
        "experts": experts,
    }


def _open_review(stage):
    stage.review_opens_at = timezone.now() - dt.timedelta(hours=1)
    stage.save(update_fields=["review_opens_at"])


def _expert_reviews(world, totals):
    for key, (first, second) in totals.items():
        for expert, total in zip(world["experts"], (first, second), strict=True):
            ReviewFactory(
                assignment=AssignmentFactory(entry=world["entries"][key], judge=expert),
                total=Decimal(total),
            )


def _publisher_joins(client_for, world):
    """Organiser: weight 30 %, invite; publisher: signs, naming a relative; organiser: assigns."""
    stage, organiser, publisher = world["stage"], world["organiser"], world["publisher"]
    base = f"/api/stages/{stage.pk}"
    response = client_for(organiser).put(
        f"{base}/publisher-weight/", {"weight": "30"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"weight": "30.00", "locked": False}
    response = client_for(organiser).post(
        f"{base}/publisher-reviewers/", {"user": publisher.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    membership_id = response.json()["id"]
    assert response.json()["reviewer_class"] == "publisher"
    response = client_for(publisher).post(
        f"/api/judge/panels/{membership_id}/accept/",
        {
            "declaration_accepted": True,
            "relations": [{"name": "王小明", "id_number": RELATIVE_ID, "relation": "relative"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    response = client_for(organiser).post(f"{base}/publisher-assignments/")
    assert response.status_code == 201, response.content
    return response.json()


def test_publisher_weighted_result_equals_the_hand_computation(client_for, world):
    summary = _publisher_joins(client_for, world)
    # A only: B is the publisher's own organisation, C has its declared relative
    assert summary == {"reviewers": 1, "created": 1, "conflicts": 2}
    publisher, entries = world["publisher"], world["entries"]
    assert list(Assignment.objects.filter(judge=publisher).values_list("entry_id", flat=True)) == [
        entries["A"].pk
    ]
    _expert_reviews(world, {"A": ("80", "70"), "B": ("60", "90"), "C": ("50", "70")})
    _open_review(world["stage"])
    assignment = Assignment.objects.get(judge=publisher)
    response = client_for(publisher).post(
        f"/api/judge/assignments/{assignment.pk}/submit/", {"scores": FULL_SCORES}, format="json"
    )
    assert response.status_code == 200, response.content

    ranking_compute(stage=world["stage"])
    finals = dict(
        EntryResult.objects.filter(stage=world["stage"]).values_list("entry_id", "final_score")
    )
    assert finals == {
        entries["A"].pk: Decimal("75.6750"),
        entries["B"].pk: Decimal("75.0000"),
        entries["C"].pk: Decimal("60.0000"),
    }
    ranks = dict(EntryResult.objects.filter(stage=world["stage"]).values_list("entry_id", "rank"))
    assert ranks == {entries["A"].pk: 1, entries["B"].pk: 2, entries["C"].pk: 3}

    # the published snapshot recomputes the same weighted rows from its frozen inputs
    snapshot = results_publish(actor=world["organiser"], stage=world["stage"])
    assert snapshot.inputs["settings"]["publisher_weight"] == "30.00"
    assert snapshot.inputs["publisher_judges"] == [publisher.pk]
    rebuilt = {row["entry"]: row["final"] for row in snapshot_rows_from_inputs(snapshot.inputs)}
    assert rebuilt == {
        entries["A"].pk: "75.6750",
        entries["B"].pk: "75.0000",
        entries["C"].pk: "60.0000",
    }


def test_weight_is_fixed_once_scoring_started(client_for, world):
    _publisher_joins(client_for, world)
    _expert_reviews(world, {"A": ("80", "70")})
    stage = world["stage"]
    audit_rows = AuditLog.objects.count()
    response = client_for(world["organiser"]).put(
        f"/api/stages/{stage.pk}/publisher-weight/", {"weight": "50"}, format="json"
    )
    body = assert_error(response, 409, "publisher_weight_locked")
    assert body["message_en"] == (
        "Scoring of this stage has started: the publisher's weight is fixed."
    )
    assert body["message_zh"] == "本阶段评分已开始，发榜方评分权重不可再改。"
    assert ResultSettings.objects.get(stage=stage).publisher_weight == Decimal("30.00")
    assert AuditLog.objects.count() == audit_rows
    got = client_for(world["organiser"]).get(f"/api/stages/{stage.pk}/publisher-weight/")
    assert got.json() == {"weight": "30.00", "locked": True}


def test_weight_is_fixed_once_the_review_window_opens(client_for, world):
    stage = world["stage"]
    _open_review(stage)
    response = client_for(world["organiser"]).put(
        f"/api/stages/{stage.pk}/publisher-weight/", {"weight": "30"}, format="json"
    )
    body = assert_error(response, 409, "publisher_weight_locked")
    assert body["details"] == {"phase": "review_open"}
    assert ResultSettings.objects.filter(stage=stage, publisher_weight__gt=0).count() == 0


def test_weight_out_of_range_is_a_field_error(client_for, world):
    stage = world["stage"]
    response = client_for(world["organiser"]).put(
        f"/api/stages/{stage.pk}/publisher-weight/", {"weight": "100"}, format="json"
    )
    body = assert_error(response, 400, "publisher_weight_invalid")
    assert body["fields"] == {"weight": ["publisher_weight_invalid"]}


def test_the_weight_set_is_audited(client_for, world):
    stage = world["stage"]
    client_for(world["organiser"]).put(
        f"/api/stages/{stage.pk}/publisher-weight/", {"weight": "30"}, format="json"
    )
    row = AuditLog.objects.filter(action="results.publisher_weight").get()
    assert row.data == {"stage": stage.pk, "before": "0.00", "after": "30.00"}


def test_only_a_publisher_of_the_contest_joins_and_only_with_a_weight(client_for, world):
    stage, organiser = world["stage"], world["organiser"]
    url = f"/api/stages/{stage.pk}/publisher-reviewers/"
    assert_error(
        client_for(organiser).post(url, {"user": world["publisher"].pk}, format="json"),
        409,
        "publisher_reviewer_no_weight",
    )
    client_for(organiser).put(
        f"/api/stages/{stage.pk}/publisher-weight/", {"weight": "30"}, format="json"
    )
    outsider = UserFactory(real_name="路人甲")
    body = assert_error(
        client_for(organiser).post(url, {"user": outsider.pk}, format="json"),
        409,
        "publisher_reviewer_not_publisher",
    )
    assert body["message_en"] == "路人甲 is not a publisher of this contest."
    assert PanelMembership.objects.filter(reviewer_class=ReviewerClass.PUBLISHER).count() == 0


@pytest.mark.parametrize("who", ["publisher", "expert", "stranger"])
def test_only_organisers_manage_publisher_review(client_for, world, who):
    user = {
        "publisher": world["publisher"],
        "expert": world["experts"][0],
        "stranger": UserFactory(),
    }[who]
    base = f"/api/stages/{world['stage'].pk}"
    assert_error(
        client_for(user).put(f"{base}/publisher-weight/", {"weight": "30"}, format="json"),
        404,
        "not_found",
    )
    assert_error(client_for(user).post(f"{base}/publisher-assignments/"), 404, "not_found")
    assert ResultSettings.objects.filter(publisher_weight__gt=0).count() == 0


def test_anonymous_gets_401(api_client, world):
    response = api_client.get(f"/api/stages/{world['stage'].pk}/publisher-weight/")
    assert_error(response, 401, "not_authenticated")


def test_a_publisher_cannot_be_assigned_by_hand_to_another_challenge(client_for, world):
    _publisher_joins(client_for, world)
    other = ChallengeFactory(contest=world["contest"], publisher=OrganisationFactory())
    team = TeamFactory(contest=world["contest"], name="别家榜题队", challenge=other)
    entry = Entry.objects.create(
        team=team, stage=world["stage"], title="别家方案", status="submitted"
    )
    before = Assignment.objects.count()
    response = client_for(world["organiser"]).post(
        f"/api/stages/{world['stage'].pk}/assignments/",
        {"entry": entry.pk, "judge": world["publisher"].pk},
        format="json",
    )
    assert_error(response, 409, "publisher_reviewer_other_challenge")
    assert Assignment.objects.count() == before


def test_expert_runs_leave_publishers_out(client_for, world):
    """The automatic run neither assigns a publisher nor counts its assignment in k."""
    from judging.services.assignment_feasibility import _kept_assignments, accepted_panel

    _publisher_joins(client_for, world)
    assert [m.judge_id for m in accepted_panel(world["stage"])] == [e.pk for e in world["experts"]]
    assert _kept_assignments(world["stage"]).count() == 0


def test_aggregation_weights_classes_per_method():
    """Median within each class, then 0.25 × publisher + 0.75 × experts; an entry reviewed by
    one class only gets that class's score."""
    computed = results_compute(
        reviews=[
            ("a", "e1", 60, {}),
            ("a", "e2", 70, {}),
            ("a", "e3", 95, {}),
            ("a", "p", 90, {}),
            ("b", "p", 40, {}),
            ("c", "e1", 81, {}),
        ],
        entry_groups={"a": 1, "b": 1, "c": 1},
        max_total=100,
        method="median",
        reviewer_classes={"p": "publisher"},
        class_weights={"publisher": Decimal("0.25")},
    )
    # a: 0.25 × 90 + 0.75 × 70 = 22.5 + 52.5 = 75
    assert {e: r.final for e, r in computed.entries.items()} == {
        "a": Decimal("75.0000"),
        "b": Decimal("40.0000"),
        "c": Decimal("81.0000"),
    }
    assert computed.entries["a"].review_count == 4


def test_weighted_stages_take_the_full_path():
    assert update_supported(normalise=False, tie_breaks=(), weighted=False) is True
    assert update_supported(normalise=False, tie_breaks=(), weighted=True) is False


def test_reviewers_and_candidates_listed_for_organisers(client_for, world):
    url = f"/api/stages/{world['stage'].pk}/publisher-reviewers/"
    body = client_for(world["organiser"]).get(url).json()
    assert body == {
        "reviewers": [],
        "candidates": [
            {
                "id": world["publisher"].pk,
                "real_name": "发榜方王工",
                "organisation_name": "智造装备集团有限公司",
            }
        ],
    }
    _publisher_joins(client_for, world)
    body = client_for(world["organiser"]).get(url).json()
    assert body["candidates"] == []
    assert [(r["judge_name"], r["status"]) for r in body["reviewers"]] == [
        ("发榜方王工", "accepted")
    ]
