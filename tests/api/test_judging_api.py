"""Scoring through the API as a judge and an organiser: conflicts, blind review, ranges, reopen,
the audit chain."""

import io

import pytest
from django.db import connection
from pypdf import PdfReader

from judging.enums import ReviewStatus
from judging.models import AuditLog, Review, ReviewScore
from judging.services.audit import audit_verify
from judging.services.conflict import conflict_declare
from tests.factories.contest import TeamMemberFactory, UserFactory
from tests.factories.judging import FULL_SCORES, FULL_TOTAL, build_world

pytestmark = pytest.mark.django_db


def test_review_submit_stores_weighted_total_and_locks(client_for):
    w = build_world()
    client = client_for(w.judge)
    response = client.post(
        f"/api/judge/assignments/{w.assignment.pk}/submit/",
        {"scores": FULL_SCORES, "comment": "扎实"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert response.json()["total"] == FULL_TOTAL
    again = client.put(
        f"/api/judge/assignments/{w.assignment.pk}/review/",
        {"scores": {"impact": "9"}},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "review_submitted"
    assert ReviewScore.objects.get(review__entry=w.entry, criterion__key="impact").value == 8.5


def test_review_draft_keeps_partial_scores(client_for):
    w = build_world()
    response = client_for(w.judge).put(
        f"/api/judge/assignments/{w.assignment.pk}/review/",
        {"scores": {"impact": "6.5"}, "comment": "待补充"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["scores"] == {"impact": "6.50"}
    assert response.json()["status"] == "draft"
    incomplete = client_for(w.judge).post(
        f"/api/judge/assignments/{w.assignment.pk}/submit/", {}, format="json"
    )
    assert incomplete.status_code == 400
    assert incomplete.json()["code"] == "scores_incomplete"
    assert Review.objects.get().status == ReviewStatus.DRAFT


@pytest.mark.parametrize(
    ("scores", "code"),
    [
        ({"impact": "10.5"}, "score_out_of_range"),
        ({"impact": "-1"}, "score_out_of_range"),
        ({"impact": "7.3"}, "score_step_invalid"),
        ({"data_value": "15.5"}, "score_step_invalid"),
        ({"impact": "abc"}, "score_not_a_number"),
        ({"unknown": "1"}, "criterion_unknown"),
    ],
)
def test_review_bad_score_refused_and_nothing_saved(client_for, scores, code):
    w = build_world()
    response = client_for(w.judge).put(
        f"/api/judge/assignments/{w.assignment.pk}/review/", {"scores": scores}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message_zh"] and response.json()["message_en"]
    assert ReviewScore.objects.count() == 0


def test_review_after_window_closed_refused(client_for):
    w = build_world()
    from django.utils import timezone

    w.stage.review_closes_at = timezone.now()
    w.stage.save()
    response = client_for(w.judge).post(
        f"/api/judge/assignments/{w.assignment.pk}/submit/", {"scores": FULL_SCORES}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "review_closed"
    assert ReviewScore.objects.count() == 0


def test_judge_without_declaration_sees_no_entry(client_for):
    w = build_world(sign=False)
    client = client_for(w.judge)
    assert client.get("/api/judge/assignments/").json()["count"] == 0
    assert client.get(f"/api/judge/assignments/{w.assignment.pk}/").status_code == 404
    refused = client.post(
        f"/api/judge/panels/{w.membership.pk}/accept/",
        {"declaration_accepted": False},
        format="json",
    )
    assert refused.json()["code"] == "declaration_required"
    accepted = client.post(
        f"/api/judge/panels/{w.membership.pk}/accept/",
        {"declaration_accepted": True},
        format="json",
    )
    assert accepted.status_code == 200
    assert client.get("/api/judge/assignments/").json()["count"] == 1


def _conflict_routes(client, w):
    return {
        "list": client.get("/api/judge/assignments/").json()["count"],
        "detail": client.get(f"/api/judge/assignments/{w.assignment.pk}/").status_code,
        "download": client.get(
            f"/api/judge/assignments/{w.assignment.pk}/files/{w.entry_file.pk}/"
        ).status_code,
        "draft": client.put(
            f"/api/judge/assignments/{w.assignment.pk}/review/",
            {"scores": {"impact": "5"}},
            format="json",
        ).status_code,
        "submit": client.post(
            f"/api/judge/assignments/{w.assignment.pk}/submit/",
            {"scores": FULL_SCORES},
            format="json",
        ).status_code,
        "organiser_file": client.get(f"/api/entry-files/{w.entry_file.pk}/download/").status_code,
    }


BLOCKED = {
    "list": 0,
    "detail": 404,
    "download": 404,
    "draft": 404,
    "submit": 404,
    "organiser_file": 404,
}


def test_conflict_same_organisation_blocks_every_route(client_for):
    from tests.factories.contest import OrganisationFactory

    org = OrganisationFactory()
    w = build_world(judge_org=org)
    w.team.co_applicants.add(org)  # the judge's organisation is a co-applicant
    assert _conflict_routes(client_for(w.judge), w) == BLOCKED
    assert ReviewScore.objects.count() == 0


def test_conflict_member_joining_later_blocks_every_route(client_for):
    w = build_world()
    TeamMemberFactory(team=w.team, user=w.judge, role="advisor")
    routes = _conflict_routes(client_for(w.judge), w)
    # As an advisor the person may open the team's own files, but never as its judge.
    assert routes.pop("organiser_file") == 200
    assert routes == {k: v for k, v in BLOCKED.items() if k != "organiser_file"}


def test_conflict_same_province_when_contest_says_so(client_for):
    w = build_world()
    w.team.lead_organisation.province = "浙江"
    w.team.lead_organisation.save()
    client = client_for(w.judge)
    assert client.get("/api/judge/assignments/").json()["count"] == 1
    w.contest.conflict_same_province = True
    w.contest.save()
    assert _conflict_routes(client, w) == BLOCKED


def test_conflict_declared_recusal_removes_assignment_and_is_recorded(client_for):
    w = build_world()
    client = client_for(w.judge)
    response = client.post(
        f"/api/judge/assignments/{w.assignment.pk}/recuse/",
        {"reason": "申报单位为本人曾任职单位"},
        format="json",
    )
    assert response.status_code == 204
    assert client.get("/api/judge/assignments/").json()["count"] == 0
    row = AuditLog.objects.get(action="conflict.declare")
    assert row.reason == "申报单位为本人曾任职单位"
    assert row.data["source"] == "declared_by_judge"


def test_conflict_organiser_declared_after_submit_keeps_record(client_for):
    w = build_world()
    client_for(w.judge).post(
        f"/api/judge/assignments/{w.assignment.pk}/submit/", {"scores": FULL_SCORES}, format="json"
    )
    conflict_declare(actor=w.organiser, judge=w.judge, team=w.team, reason="举报核实：师生关系")
    assert Review.objects.get().status == ReviewStatus.SUBMITTED
    assert _conflict_routes(client_for(w.judge), w)["detail"] == 404


def test_blind_stage_leaks_no_identity(client_for):
    w = build_world(blind=True)
    client = client_for(w.judge)
    listing = client.get("/api/judge/assignments/").content.decode()
    detail = client.get(f"/api/judge/assignments/{w.assignment.pk}/")
    body = detail.content.decode()
    identities = [
        w.team.name,
        w.team.code,
        w.team.lead_organisation.name,
        w.team.captain.real_name,
        "张三",
        "星河",
    ]
    for text in identities:
        assert text not in listing
        assert text not in body
    assert detail.json()["code"] == "A-7K3Q"
    assert detail.json()["files"][0]["name"] == "A-7K3Q-plan-v1.pdf"
    download = client.get(f"/api/judge/assignments/{w.assignment.pk}/files/{w.entry_file.pk}/")
    assert download.status_code == 200
    assert "A-7K3Q-plan-v1.pdf" in download["Content-Disposition"]
    data = b"".join(download.streaming_content) if download.streaming else download.content
    meta = PdfReader(io.BytesIO(data)).metadata or {}
    assert "星河" not in str(dict(meta))
    assert "星河".encode("utf-16-be") not in data and "星河".encode() not in data


def test_open_stage_shows_team(client_for):
    w = build_world(blind=False)
    detail = client_for(w.judge).get(f"/api/judge/assignments/{w.assignment.pk}/").json()
    assert detail["team_name"] == "星河数据队"
    assert detail["files"][0]["name"] == "星河数据队-方案.pdf"


def test_other_judge_cannot_reach_assignment(client_for):
    w = build_world()
    stranger = UserFactory()
    client = client_for(stranger)
    assert client.get(f"/api/judge/assignments/{w.assignment.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/judge/assignments/{w.assignment.pk}/submit/",
            {"scores": FULL_SCORES},
            format="json",
        ).status_code
        == 404
    )


def test_reopen_needs_reason_and_is_recorded(client_for):
    w = build_world()
    client_for(w.judge).post(
        f"/api/judge/assignments/{w.assignment.pk}/submit/", {"scores": FULL_SCORES}, format="json"
    )
    review = Review.objects.get()
    organiser = client_for(w.organiser)
    no_reason = organiser.post(f"/api/reviews/{review.pk}/reopen/", {"reason": " "}, format="json")
    assert no_reason.status_code == 400
    assert Review.objects.get().status == ReviewStatus.SUBMITTED
    ok = organiser.post(
        f"/api/reviews/{review.pk}/reopen/", {"reason": "评委误填创新性分数"}, format="json"
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "draft"
    assert ok.json()["reopened_count"] == 1
    # The judge changes one score and submits again; both submits and the reopen are in the chain.
    client_for(w.judge).post(
        f"/api/judge/assignments/{w.assignment.pk}/submit/",
        {"scores": {"novelty": "9"}},
        format="json",
    )
    actions = list(AuditLog.objects.filter(contest=w.contest).values_list("action", flat=True))
    assert actions == ["panel.declaration", "review.submit", "review.reopen", "review.submit"]
    last = AuditLog.objects.filter(action="review.submit").order_by("-seq").first()
    # 34 + 9/10×35 + 18.75 = 84.25
    assert last.data["total"] == "84.250"
    assert last.data["previous_total"] == "77.250"
    assert organiser.get(f"/api/contests/{w.contest.pk}/audit-verify/").json() == {
        "ok": True,
        "rows": 4,
        "first_bad_seq": None,
        "problem": "",
    }


def test_reopen_by_non_organiser_refused(client_for):
    w = build_world()
    client_for(w.judge).post(
        f"/api/judge/assignments/{w.assignment.pk}/submit/", {"scores": FULL_SCORES}, format="json"
    )
    review = Review.objects.get()
    assert (
        client_for(w.judge)
        .post(f"/api/reviews/{review.pk}/reopen/", {"reason": "x"}, format="json")
        .status_code
        == 404
    )
    assert Review.objects.get().status == ReviewStatus.SUBMITTED


def test_audit_chain_detects_edited_row(client_for):
    w = build_world()
    client_for(w.judge).post(
        f"/api/judge/assignments/{w.assignment.pk}/submit/", {"scores": FULL_SCORES}, format="json"
    )
    assert audit_verify(contest=w.contest).ok
    row = AuditLog.objects.get(action="review.submit")
    with pytest.raises(RuntimeError):
        row.save()
    # Tamper underneath the model, as someone with database access would.
    table = AuditLog._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET reason = %s WHERE id = %s", ["悄悄改分", row.pk])
    check = audit_verify(contest=w.contest)
    assert (check.ok, check.first_bad_seq, check.problem) == (
        False,
        row.seq,
        "row content does not match its hash",
    )


def test_audit_chain_detects_deleted_row(client_for):
    w = build_world()
    client_for(w.judge).post(
        f"/api/judge/assignments/{w.assignment.pk}/submit/", {"scores": FULL_SCORES}, format="json"
    )
    first = AuditLog.objects.get(seq=1, contest=w.contest)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditLog._meta.db_table} WHERE id = %s", [first.pk])
    check = audit_verify(contest=w.contest)
    assert (check.ok, check.first_bad_seq) == (False, 2)


def test_rubric_weights_must_total_100(client_for):
    w = build_world()
    response = client_for(w.organiser).post(
        "/api/rubrics/",
        {
            "stage": w.stage.pk,
            "track": None,
            "group": None,
            "name": "错",
            "criteria": [
                {"key": "a", "name": "A", "weight": "60", "max_score": "10", "step": "1"},
                {"key": "b", "name": "B", "weight": "30", "max_score": "10", "step": "1"},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "rubric_weights_invalid"


def test_rubric_with_scores_cannot_change_silently(client_for):
    w = build_world()
    client_for(w.judge).post(
        f"/api/judge/assignments/{w.assignment.pk}/submit/", {"scores": FULL_SCORES}, format="json"
    )
    rubric = Review.objects.get().rubric
    changed = [
        dict(c)
        for c in [
            {"key": "impact", "name": "应用成效", "weight": "50", "max_score": "10", "step": "0.5"},
            {"key": "novelty", "name": "创新性", "weight": "25", "max_score": "10", "step": "0.5"},
            {
                "key": "data_value",
                "name": "数据要素价值",
                "weight": "25",
                "max_score": "20",
                "step": "1",
            },
        ]
    ]
    organiser = client_for(w.organiser)
    silent = organiser.put(
        f"/api/rubrics/{rubric.pk}/", {"name": "新", "criteria": changed}, format="json"
    )
    assert silent.status_code == 409
    assert silent.json()["code"] == "rubric_has_scores"
    with_reason = organiser.put(
        f"/api/rubrics/{rubric.pk}/",
        {"name": "新", "criteria": changed, "reason": "评审组决定提高应用成效权重"},
        format="json",
    )
    assert with_reason.status_code == 200
    # 8.5/10×50 + 7/10×25 + 15/20×25 = 42.5 + 17.5 + 18.75 = 78.75
    assert str(Review.objects.get().total) == "78.750"
    assert AuditLog.objects.filter(action="rubric.change").count() == 1


def test_judge_worklist_query_count_flat(client_for, django_assert_num_queries):
    w = build_world()
    client = client_for(w.judge)
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/judge/assignments/").json()["count"] == 1
    for n in range(2):
        from contest.models import Entry
        from judging.models import Assignment
        from tests.factories.contest import TeamFactory

        team = TeamFactory(contest=w.contest)
        entry = Entry.objects.create(team=team, stage=w.stage, title=f"作品{n}", status="submitted")
        Assignment.objects.create(
            stage=w.stage, entry=entry, judge=w.judge, source="manual", anonymous_code=f"A-{n}"
        )
    with CaptureQueriesContext(connection) as three:
        assert client.get("/api/judge/assignments/").json()["count"] == 3
    assert len(three) == len(one)


def test_review_submit_and_reopen_recompute_stored_results(
    client_for, django_capture_on_commit_callbacks
):
    from judging.models import EntryResult

    w = build_world()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(w.judge).post(
            f"/api/judge/assignments/{w.assignment.pk}/submit/",
            {"scores": FULL_SCORES},
            format="json",
        )
    result = EntryResult.objects.get(stage=w.stage, entry=w.entry)
    assert (str(result.final_score), result.review_count, result.rank) == ("77.2500", 1, 1)
    review = Review.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(w.organiser).post(
            f"/api/reviews/{review.pk}/reopen/", {"reason": "复核"}, format="json"
        )
    result = EntryResult.objects.get(stage=w.stage, entry=w.entry)
    assert (result.final_score, result.review_count) == (None, 0)
