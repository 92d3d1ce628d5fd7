"""A whole 数据要素× sub-contest driven through the API only (issue 9, "Must show", first bullet).

Only the people are built with factories; everything else (organisations, contests, tracks,
stages, challenges, teams, entries and their PDF plans, panels, rubric, assignment, reviews,
results, promotion, recommendation, awards, 公示, objections, certificates) goes through the API,
each person with their own client. The contest's days pass on the clock of `lifecycle.Clock`.

At each phase the test tries what the phase must refuse (issue 9, "Found" and "What"): each
refusal has its stable code, an English and a Chinese message, and leaves every row of the three
domain apps (audit log included) as it was; where an object could change in place, its fields are
compared too. The phases run in order in one test: each one needs what the one before made."""

from __future__ import annotations

from decimal import Decimal

import pytest

from awards.certificates.signing import generate_signing_key_b64
from tests.api.lifecycle import (
    REVIEW_CLOSES,
    REVIEW_OPENS,
    SUBMISSION_CLOSES,
    Clock,
    World,
    all_rows,
    client,
    ok,
    people_build,
    phase_challenges_and_teams,
    phase_contests,
    phase_entries_and_panel,
    phase_promotion,
    refused,
    rows,
    scores_of,
    team_of_entry,
)
from tests.api.lifecycle import world_counts as counts

pytestmark = pytest.mark.django_db

# --------------------------------------------------------------------------------------------
# Phase 4: submission closed, the assignment run, scoring, results computed and published


def phase_judging(w: World) -> None:
    cid, prelim = w.ids["contest"], w.ids["stage_prelim"]
    organiser = w.api("organiser")
    w.clock.travel_to(SUBMISSION_CLOSES + 0.5)
    # refused: the late team submits after the deadline
    before = counts()
    refused(
        w.api("captainC").post(f"/api/entries/{w.ids['entry_C']}/submit/"),
        409,
        "submission_closed",
        before,
    )
    assert ok(w.api("captainC").get(f"/api/entries/{w.ids['entry_C']}/"))["status"] == "draft"
    # step: registration closes, judging starts
    for status in ("registration_closed", "judging"):
        assert (
            ok(organiser.post(f"/api/contests/{cid}/transition/", {"status": status}))["status"]
            == status
        )
    # step: the automatic assignment, three judges per entry (k=3), balanced
    with w.on_commit(execute=True):  # the run is a task enqueued when the request commits
        run = ok(organiser.post(f"/api/stages/{prelim}/assignment/runs/", {"k": 3}), 202)
    run = ok(organiser.get(f"/api/assignment-runs/{run['id']}/"))
    assert run["status"] == "done", run
    assert sorted(run["report"]["loads"].values()) == [3, 3, 3]

    # step: review opens; each judge sees the blind worklist, saves a draft and submits
    w.clock.travel_to(REVIEW_OPENS + 1)
    entry_of = {
        a["id"]: a["entry"] for a in all_rows(organiser, f"/api/stages/{prelim}/assignments/")
    }
    assert len(entry_of) == 9
    for judge in ("judge1", "judge2", "judge3"):
        api = w.api(judge)
        worklist = rows(api.get(f"/api/judge/assignments/?stage={prelim}"))
        assert len(worklist) == 3 and all(a["team_name"] is None for a in worklist)
        for a in worklist:
            team = team_of_entry(w, entry_of[a["id"]])
            draft = ok(
                api.put(
                    f"/api/judge/assignments/{a['id']}/review/",
                    {"scores": {"impact": "5"}},
                )
            )
            assert draft["status"] == "draft"
            done = ok(
                api.post(
                    f"/api/judge/assignments/{a['id']}/submit/",
                    {"scores": scores_of(judge, team), "comment": "数据融合场景清晰"},
                )
            )
            assert done["status"] == "submitted"
            w.ids[f"assignment_{judge}_{team}"] = a["id"]
            w.ids[f"review_{judge}_{team}"] = done["id"]


# --------------------------------------------------------------------------------------------
# Phase 5: results computed and published; the published stage is frozen; the correction (更正)


def _frozen(w: World, code: str = "stage_results_published") -> None:
    """Every write on the stage's results is refused while they are published (or corrected)."""
    prelim, organiser = w.ids["stage_prelim"], w.api("organiser")
    judge = w.api("judge1")
    a = w.ids["assignment_judge1_A"]
    before, settings = counts(), ok(organiser.get(f"/api/stages/{prelim}/result-settings/"))
    attempts = [
        lambda: judge.put(f"/api/judge/assignments/{a}/review/", {"scores": {"impact": "1"}}),
        lambda: judge.post(
            f"/api/judge/assignments/{a}/submit/", {"scores": scores_of("judge1", "D")}
        ),
        lambda: organiser.put(f"/api/stages/{prelim}/result-settings/", {"method": "median"}),
        lambda: organiser.post(f"/api/stages/{prelim}/results/compute/"),
        lambda: organiser.post(f"/api/stages/{prelim}/results/publish/"),
        lambda: organiser.post(
            f"/api/stages/{prelim}/overrides/",
            {"entry": w.ids["entry_D"], "score": "99", "reason": "合议"},
        ),
        lambda: organiser.post(
            f"/api/reviews/{w.ids['review_judge1_A']}/reopen/", {"reason": "复核"}
        ),
    ]
    for attempt in attempts:
        refused(attempt(), 409, code, before)
    assert ok(organiser.get(f"/api/stages/{prelim}/result-settings/")) == settings
    review = rows(
        organiser.get(
            f"/api/reviews/?stage={prelim}&judge={w.people['judge1'].pk}&entry={w.ids['entry_A']}"
        )
    )[0]
    assert review["status"] == "submitted" and {
        k: Decimal(v) for k, v in review["scores"].items()
    } == {k: Decimal(v) for k, v in scores_of("judge1", "A").items()}


def phase_results(w: World) -> None:
    prelim, organiser, anonymous = w.ids["stage_prelim"], w.api("organiser"), client()
    w.clock.travel_to(REVIEW_CLOSES + 1)
    # refused: scoring after the review window closed
    before = counts()
    a = w.ids["assignment_judge2_B"]
    refused(
        w.api("judge2").put(f"/api/judge/assignments/{a}/review/", {"scores": {"impact": "10"}}),
        409,
        "review_closed",
        before,
    )
    # refused: a tie-break on a criterion the rubric does not have; the settings stay
    settings = ok(organiser.get(f"/api/stages/{prelim}/result-settings/"))
    refused(
        organiser.put(
            f"/api/stages/{prelim}/result-settings/",
            {"tie_break": [{"rule": "criterion", "key": "beauty"}]},
        ),
        400,
        "tie_break_criterion_unknown",
        before,
        en="beauty",
    )
    assert ok(organiser.get(f"/api/stages/{prelim}/result-settings/")) == settings
    # step: the settings, the computation, the ranking, the publication (v1)
    ok(
        organiser.put(
            f"/api/stages/{prelim}/result-settings/",
            {
                "method": "mean",
                "normalise": False,
                "scope": "stage",
                "tie_break": [{"rule": "criterion", "key": "impact"}],
            },
        )
    )
    summary = ok(organiser.post(f"/api/stages/{prelim}/results/compute/"))
    assert summary["ranked"] == 3 and summary["reviews"] == 9
    ranking = rows(organiser.get(f"/api/stages/{prelim}/results/"))
    assert [r["team"]["id"] for r in ranking if r["rank"]] == [w.ids[f"team_{k}"] for k in "ABD"]
    v1 = ok(organiser.post(f"/api/stages/{prelim}/results/publish/"), 201)
    assert v1["version"] == 1 and v1["status"] == "published" and len(v1["chain_head"]) == 64
    w.ids["snapshot_v1"] = v1["id"]
    ok(organiser.post(f"/api/contests/{w.ids['contest']}/transition/", {"status": "results"}))

    # refused: after publication, no judge drafts or submits, no settings change, no recompute,
    # no republication, no override, no reopened review
    _frozen(w)

    # step: the correction — refused without a reason, or naming a review that is not the stage's
    before = counts()
    url = f"/api/stages/{prelim}/results/correction/"
    refused(organiser.post(url, {"reason": "  "}), 400, "reason_required", before)
    refused(
        organiser.post(url, {"reason": "计分错误", "review_ids": [999999]}),
        400,
        "correction_reviews_invalid",
        before,
    )
    reason = "评委吴教授对青禾农业队的评分录入错误（7 应为 8），依规更正"
    named = w.ids["review_judge1_D"]
    withdrawn = ok(organiser.post(url, {"reason": reason, "review_ids": [named]}), 201)
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawal_reason"] == reason
    # under the correction only the named review may be scored again
    before = counts()
    refused(
        w.api("judge2").post(
            f"/api/judge/assignments/{w.ids['assignment_judge2_D']}/submit/",
            {"scores": scores_of("judge2", "D")},
        ),
        409,
        "review_not_in_correction",
        before,
    )
    refused(
        organiser.post(
            f"/api/stages/{prelim}/promotions/",
            {"to_stage": w.ids["stage_final"], "rule": "top_n", "n": 2},
        ),
        409,
        "stage_under_correction",
        before,
    )
    # the public sees v1 as 已更正 with the reason while the correction is open
    public = ok(anonymous.get(f"/api/stages/{prelim}/snapshots/"))
    assert [(s["version"], s["status"], s["withdrawal_reason"]) for s in public] == [
        (1, "withdrawn", reason)
    ]
    # step: the named review re-scored, the results recomputed and published again (v2)
    fixed = ok(
        w.api("judge1").post(
            f"/api/judge/assignments/{w.ids['assignment_judge1_D']}/submit/",
            {"scores": {"impact": "8", "novelty": "8", "data_value": "8"}},
        )
    )
    assert fixed["status"] == "submitted" and fixed["total"] == "80.0000"
    ok(organiser.post(f"/api/stages/{prelim}/results/compute/"))
    v2 = ok(organiser.post(f"/api/stages/{prelim}/results/publish/"), 201)
    assert v2["version"] == 2 and v2["replaces"] == {"id": v1["id"], "version": 1}
    w.data["v2"] = v2
    public = ok(anonymous.get(f"/api/stages/{prelim}/snapshots/"))
    assert [(s["version"], s["status"]) for s in public] == [(2, "published"), (1, "withdrawn")]
    assert public[1]["withdrawal_reason"] == reason
    assert public[1]["replaced_by"] == {"id": v2["id"], "version": 2}
    assert public[1]["status_label"] != public[0]["status_label"]
    _frozen(w)


# --------------------------------------------------------------------------------------------
# Phase 7: awards (tiers, propose), the quota, 公示, objections, the final list


def phase_awards(w: World) -> None:
    cid, prelim, organiser = w.ids["contest"], w.ids["stage_prelim"], w.api("organiser")
    # step: tiers with quotas, and a special award
    for order, name in enumerate(("一等奖", "二等奖", "三等奖"), start=1):
        tier = ok(
            organiser.post(
                "/api/award-tiers/",
                {"contest": cid, "name": name, "kind": "ranked", "quota_count": 1, "order": order},
            ),
            201,
        )
        w.ids[f"tier{order}"] = tier["id"]
    special = ok(
        organiser.post(
            "/api/award-tiers/",
            {
                "contest": cid,
                "name": "最佳数据应用奖",
                "kind": "special",
                "quota_count": 1,
                "order": 9,
            },
        ),
        201,
    )
    # step: proposed from the published v2
    proposed = ok(organiser.post("/api/awards/propose/", {"stage": prelim}), 201)
    by_team = {a["team"]: a for a in proposed}
    assert {by_team[w.ids[f"team_{k}"]]["tier_name"] for k in "ABD"} == {
        "一等奖",
        "二等奖",
        "三等奖",
    }
    first = by_team[w.ids["team_A"]]
    assert first["tier_name"] == "一等奖"
    # refused: a hand-added award over its tier's quota without an override
    before = counts()
    add = {"contest": cid, "tier": w.ids["tier1"], "team": w.ids["team_B"], "reason": "评委会建议"}
    refused(
        organiser.post("/api/awards/", add),
        409,
        "award_quota_exceeded",
        before,
        en="override",
    )
    # within quota, then over it with an explicit override and its reason (shown on the list)
    ok(
        organiser.post(
            "/api/awards/",
            {
                "contest": cid,
                "tier": special["id"],
                "team": w.ids["team_D"],
                "reason": "数据应用突出",
            },
        ),
        201,
    )
    over = ok(
        organiser.post(
            "/api/awards/",
            {
                "contest": cid,
                "tier": special["id"],
                "team": w.ids["team_B"],
                "reason": "数据应用突出",
                "quota_override_reason": "评审委员会决议增设一名",
            },
        ),
        201,
    )
    assert (
        over["quota_override"] is True and over["quota_override_reason"] == "评审委员会决议增设一名"
    )

    # step: 公示 — refused opening in the past, or shorter than the minimum (5 working days)
    before = counts()
    refused(
        organiser.post(
            "/api/notices/",
            {
                "contest": cid,
                "days": 5,
                "working_days": True,
                "opens_at": w.clock.iso(REVIEW_CLOSES - 9),
            },
        ),
        400,
        "notice_opens_in_past",
        before,
    )
    refused(
        organiser.post("/api/notices/", {"contest": cid, "days": 2, "working_days": True}),
        400,
        "notice_too_short",
        before,
    )
    notice = ok(
        organiser.post("/api/notices/", {"contest": cid, "days": 5, "working_days": True}),
        201,
    )
    nid = w.ids["notice"] = notice["id"]
    assert notice["phase"] == "open" and len(notice["awards"]) == 5
    # refused: finalising while the window runs
    before = counts()
    refused(organiser.post(f"/api/notices/{nid}/finalise/"), 409, "notice_window_open", before)
    # step: an objection, under a real name, on the 一等奖
    objector = w.api("objector")
    objection = ok(
        objector.post(
            "/api/objections/",
            {
                "notice": nid,
                "award": first["id"],
                "reason": "该队方案与他人成果雷同，请取消其一等奖",
                "contact": "13800000000",
            },
            format="multipart",
        ),
        201,
    )
    oid = objection["id"]
    # step: the window closes; refused: finalising with the objection open
    w.clock.travel_to(REVIEW_CLOSES + 20)
    before = counts()
    refused(organiser.post(f"/api/notices/{nid}/finalise/"), 409, "objections_open", before)
    refused(
        objector.post(
            "/api/objections/",
            {"notice": nid, "reason": "迟到的异议", "contact": "13800000000"},
            format="multipart",
        ),
        409,
        "notice_closed",
        before,
    )
    # refused: upheld without its consequence
    resolve = f"/api/objections/{oid}/resolve/"
    refused(
        organiser.post(resolve, {"decision": "upheld", "resolution": "经核查异议属实"}),
        400,
        "consequence_required",
        before,
    )
    assert ok(organiser.get(f"/api/objections/{oid}/"))["status"] == "open"
    assert ok(organiser.get(f"/api/awards/{first['id']}/"))["status"] == "in_notice"
    # step: upheld with its consequence: the 一等奖 is removed; the change goes to a new 公示
    resolved = ok(
        organiser.post(
            resolve,
            {
                "decision": "upheld",
                "resolution": "经核查异议属实，取消其一等奖",
                "changes": [{"action": "remove", "award": first["id"]}],
            },
        )
    )
    assert resolved["status"] == "upheld"
    assert ok(organiser.get(f"/api/awards/{first['id']}/"))["status"] == "removed"
    notices = rows(client().get(f"/api/notices/?contest={cid}"))
    follow_up = next(n for n in notices if n["follows"] == nid)
    assert follow_up["phase"] == "open" and follow_up["changes"][0]["action"] == "remove"
    before = counts()
    refused(organiser.post(f"/api/notices/{nid}/finalise/"), 409, "follow_up_notice_open", before)
    # step: the follow-up closes; the list is final
    w.clock.travel_to(REVIEW_CLOSES + 40)
    final = ok(organiser.post(f"/api/notices/{nid}/finalise/"))
    assert final["status"] == "final" and final["phase"] == "final"
    w.data["final_notice"] = final
    statuses = {a["id"]: a["status"] for a in all_rows(organiser, f"/api/awards/?contest={cid}")}
    assert statuses.pop(first["id"]) == "removed" and set(statuses.values()) == {"final"}
    # after the final list: no settings change, recompute or republication; no judge scores
    _frozen(w)


# --------------------------------------------------------------------------------------------
# Phase 8: certificates: template, issue, public verification, revocation and replacement


def phase_certificates(w: World) -> None:
    cid, organiser, anonymous = w.ids["contest"], w.api("organiser"), client()
    template = {"issuing_bodies": ["江苏省数据局"], "serial_prefix": "DEJS"}
    ok(
        organiser.patch(
            f"/api/contests/{w.ids['national']}/certificate-template/",
            {**template, "serial_prefix": "DENAT"},
        )
    )
    # refused: a serial prefix another contest uses
    before = counts()
    refused(
        organiser.patch(
            f"/api/contests/{cid}/certificate-template/",
            {**template, "serial_prefix": "DENAT"},
        ),
        409,
        "serial_prefix_taken",
        before,
        en="DENAT",
    )
    assert (
        ok(organiser.patch(f"/api/contests/{cid}/certificate-template/", template))["serial_prefix"]
        == "DEJS"
    )
    # step: the issue batch
    with w.on_commit(execute=True):
        batch = ok(organiser.post(f"/api/contests/{cid}/certificates/issue/"), 202)
    batch = ok(organiser.get(f"/api/certificate-batches/{batch['id']}/"))
    assert (
        batch["status"] == "done" and batch["issued"] == batch["total"] > 0 and batch["failed"] == 0
    ), batch
    certificates = all_rows(organiser, f"/api/certificates/?contest={cid}")
    assert len(certificates) == batch["issued"] and all(
        c["serial"].startswith("DEJS") for c in certificates
    )
    # step: the public verifies one
    cert = next(c for c in certificates if c["recipient_role"] == "member")
    facts = ok(anonymous.get(f"/api/certificates/verify/{cert['serial']}/"))
    assert (
        facts["valid"] is True
        and facts["status"] == "issued"
        and facts["name"] == cert["recipient_name"]
    )
    # refused: replacing a certificate that is not revoked
    before = counts()
    replace = f"/api/certificates/{cert['id']}/replace/"
    refused(
        organiser.post(replace, {"reason": "姓名有误", "recipient_name": "李思"}),
        409,
        "certificate_not_revoked",
        before,
    )
    # step: revoked (a misspelt name) and replaced: a new serial linked both ways
    revoked = ok(organiser.post(f"/api/certificates/{cert['id']}/revoke/", {"reason": "姓名有误"}))
    assert revoked["status"] == "revoked" and revoked["revoke_reason"] == "姓名有误"
    new = ok(
        organiser.post(replace, {"reason": "更正姓名", "recipient_name": "李思"}),
        201,
    )
    assert new["serial"] != cert["serial"] and new["replaces"] == cert["serial"]
    assert new["recipient_name"] == "李思" and new["status"] == "issued"
    old_facts = ok(anonymous.get(f"/api/certificates/verify/{cert['serial']}/"))
    assert old_facts["valid"] is False and old_facts["status"] == "revoked"
    assert old_facts["replaced_by"] == new["serial"] and old_facts["revoke_reason"] == "姓名有误"
    new_facts = ok(anonymous.get(f"/api/certificates/verify/{new['serial']}/"))
    assert new_facts["valid"] is True and new_facts["replaces"] == cert["serial"]
    before = counts()
    refused(
        organiser.post(replace, {"reason": "再次更正", "recipient_name": "李思"}),
        409,
        "certificate_already_replaced",
        before,
        en=new["serial"],
    )
    # a judge still cannot score after the certificates are out
    _frozen(w)


# --------------------------------------------------------------------------------------------
# Phase 9: the contest finishes; the audit chain verifies and the published heads are its heads


def phase_audit(w: World) -> None:
    cid, organiser = w.ids["contest"], w.api("organiser")
    assert (
        ok(organiser.post(f"/api/contests/{cid}/transition/", {"status": "finished"}))["status"]
        == "finished"
    )
    check = ok(organiser.get(f"/api/contests/{cid}/audit-verify/"))
    assert check["ok"] is True and check["first_bad_seq"] is None
    chain = {
        row["seq"]: row["hash"] for row in all_rows(organiser, f"/api/audit-log/?contest={cid}")
    }
    assert len(chain) == check["rows"]
    v2 = next(
        s
        for s in ok(client().get(f"/api/stages/{w.ids['stage_prelim']}/snapshots/"))
        if s["version"] == 2
    )
    assert chain[max(chain) - check["rows"] + v2["chain_rows"]] == v2["chain_head"]
    final = ok(client().get(f"/api/notices/{w.ids['notice']}/"))
    assert final["status"] == "final"
    assert chain[max(chain) - check["rows"] + final["chain_rows"]] == final["chain_head"]
    actions = {row["action"] for row in all_rows(organiser, f"/api/audit-log/?contest={cid}")}
    assert {"contest.create", "results.publish", "notice.open", "notice.finalise"} <= actions, (
        actions
    )


# --------------------------------------------------------------------------------------------


def test_contest_lifecycle_whole_subcontest_through_the_api(
    monkeypatch, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    settings.SITE_URL = "https://saiwu.example.cn"
    w = World(clock=Clock(monkeypatch), on_commit=django_capture_on_commit_callbacks)
    people_build(w)
    phase_contests(w)
    phase_challenges_and_teams(w)
    phase_entries_and_panel(w)
    phase_judging(w)
    phase_results(w)
    phase_promotion(w)
    phase_awards(w)
    phase_certificates(w)
    phase_audit(w)
