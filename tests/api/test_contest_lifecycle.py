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
from tests.api.helpers import upload
from tests.api.lifecycle import Clock, World, all_rows, client, new_organisation, ok, refused, rows
from tests.api.lifecycle import world_counts as counts
from tests.factories.contest import UserFactory, make_uscc
from tests.factories.judging import pdf_with_author

pytestmark = pytest.mark.django_db

ENTRANT_KINDS = ["enterprise", "public_institution", "research_institute", "university"]
# The timeline, in days after the test began
REGISTRATION_CLOSES = 9
SUBMISSION_OPENS, SUBMISSION_CLOSES = 1, 10
REVIEW_OPENS, REVIEW_CLOSES = 11, 20
FINAL_REVIEW_OPENS, FINAL_REVIEW_CLOSES = 40, 41

CRITERIA = [
    {"key": "impact", "name": "应用成效", "weight": "40", "max_score": "10", "step": "0.5"},
    {"key": "novelty", "name": "创新性", "weight": "35", "max_score": "10", "step": "0.5"},
    {"key": "data_value", "name": "数据要素价值", "weight": "25", "max_score": "10", "step": "0.5"},
]
# judge -> team -> scores (the ranking: 星火 first, 数衡 second, 青禾 third)
SCORES = {
    "judge1": {"A": ("9", "9", "9"), "B": ("8", "8", "8"), "D": ("7", "7", "7")},
    "judge2": {"A": ("9.5", "9", "8.5"), "B": ("8", "7.5", "8"), "D": ("7", "6.5", "7")},
    "judge3": {"A": ("8.5", "9", "9"), "B": ("7.5", "8", "8"), "D": ("6.5", "7", "7.5")},
}


def _people(w: World) -> None:
    """The people, and only the people, come from factories."""
    w.people["admin"] = UserFactory(real_name="平台管理员", is_staff=True, is_superuser=True)
    w.people["organiser"] = UserFactory(real_name="江苏分赛组委会秘书")
    w.people["publisher"] = UserFactory(real_name="发榜方联系人")
    for key, name in {
        "captainA": "队长张三",
        "memberA": "队员李四",
        "advisorA": "指导老师王五",
        "captainB": "队长赵六",
        "captainC": "队长孙七",
        "captainD": "队长周八",
        "judge1": "评委吴教授",
        "judge2": "评委郑研究员",
        "judge3": "评委冯高工",
        "objector": "异议人陈九",
    }.items():
        w.people[key] = UserFactory(real_name=name)


# --------------------------------------------------------------------------------------------
# Phase 1: the national contest, the sub-contest, tracks and stages


def phase_contests(w: World) -> None:
    admin, organiser = w.api("admin"), w.api("organiser")
    # step: the platform admin creates the national final
    national = ok(
        admin.post(
            "/api/contests/",
            {
                "code": "DE2026-NAT",
                "name": "2026年“数据要素×”大赛全国总决赛",
                "kind": "data_elements",
                "edition": "2026",
                "year": 2026,
                "region": "全国",
                "promotion_quota": 2,
                "requires_track": True,
                "entrant_kinds": ENTRANT_KINDS,
            },
            format="json",
        ),
        201,
    )
    w.ids["national"] = national["id"]
    # step: and the Jiangsu sub-contest under it
    contest = ok(
        admin.post(
            "/api/contests/",
            {
                "code": "DE2026-JS",
                "name": "2026年“数据要素×”大赛江苏分赛",
                "kind": "data_elements",
                "edition": "2026",
                "year": 2026,
                "parent": national["id"],
                "region": "江苏",
                "registration_opens_at": w.clock.iso(-1),
                "registration_closes_at": w.clock.iso(REGISTRATION_CLOSES),
                "team_size_min": 1,
                "team_size_max": 15,
                "advisors_max": 3,
                "joint_entries_allowed": True,
                "co_applicants_max": 4,
                "requires_track": True,
                "entrant_kinds": ENTRANT_KINDS,
            },
            format="json",
        ),
        201,
    )
    # step: the organiser is made organiser of both
    for key in ("national", "contest"):
        pk = national["id"] if key == "national" else contest["id"]
        ok(
            admin.post(
                f"/api/contests/{pk}/roles/",
                {"user": w.people["organiser"].pk, "role": "organiser"},
                format="json",
            ),
            201,
        )
    cid = w.ids["contest"] = contest["id"]
    assert contest["parent"] == national["id"]

    # refused: a contest as its own parent, or as the parent of its own parent
    before = counts()
    refused(
        organiser.patch(f"/api/contests/{cid}/", {"parent": cid}, format="json"),
        400,
        "contest_parent_cycle",
        before,
        en="own parent",
    )
    refused(
        organiser.patch(f"/api/contests/{national['id']}/", {"parent": cid}, format="json"),
        400,
        "contest_parent_cycle",
        before,
    )
    assert ok(organiser.get(f"/api/contests/{cid}/"))["parent"] == national["id"]
    assert ok(organiser.get(f"/api/contests/{national['id']}/"))["parent"] is None

    # step: tracks, the national final's stage, and the sub-contest's three stages
    for order, (code, name) in enumerate((("T01", "工业制造"), ("T02", "现代农业")), start=1):
        track = ok(
            organiser.post(
                "/api/tracks/",
                {"contest": cid, "code": code, "name": name, "order": order},
                format="json",
            ),
            201,
        )
        w.ids[f"track_{code}"] = track["id"]
    ok(
        organiser.post(
            "/api/stages/",
            {
                "contest": national["id"],
                "name": "全国总决赛",
                "kind": "roadshow",
                "order": 1,
                "review_opens_at": w.clock.iso(60),
                "review_closes_at": w.clock.iso(62),
            },
            format="json",
        ),
        201,
    )
    stages = {
        "formal": {
            "name": "形式审查",
            "kind": "formal_check",
            "order": 1,
            "review_opens_at": w.clock.iso(SUBMISSION_OPENS),
            "review_closes_at": w.clock.iso(SUBMISSION_CLOSES + 0.5),
        },
        "prelim": {
            "name": "初赛",
            "kind": "online_review",
            "order": 2,
            "submission_opens_at": w.clock.iso(SUBMISSION_OPENS),
            "submission_closes_at": w.clock.iso(SUBMISSION_CLOSES),
            "review_opens_at": w.clock.iso(REVIEW_OPENS),
            "review_closes_at": w.clock.iso(REVIEW_CLOSES),
            "blind": True,
        },
        "final": {
            "name": "决赛",
            "kind": "roadshow",
            "order": 3,
            "review_opens_at": w.clock.iso(FINAL_REVIEW_OPENS),
            "review_closes_at": w.clock.iso(FINAL_REVIEW_CLOSES),
        },
    }
    for key, spec in stages.items():
        stage = ok(organiser.post("/api/stages/", {"contest": cid, **spec}, format="json"), 201)
        w.ids[f"stage_{key}"] = stage["id"]

    # step: publish both contests and open the sub-contest's registration
    for status in ("published",):
        ok(admin.post(f"/api/contests/{national['id']}/transition/", {"status": status}))
    for status in ("published", "registration_open"):
        body = ok(organiser.post(f"/api/contests/{cid}/transition/", {"status": status}))
        assert body["status"] == status


# --------------------------------------------------------------------------------------------
# Phase 2: the challenge list (揭榜挂帅), organisations, teams with members, advisor, lead organisation


def phase_challenges_and_teams(w: World) -> None:
    cid = w.ids["contest"]
    organiser, publisher, anonymous = w.api("organiser"), w.api("publisher"), client()
    # step: the publisher's organisation and role
    publisher_org = new_organisation(publisher, "江苏交通控股数据有限公司")
    ok(
        organiser.post(
            f"/api/contests/{cid}/roles/",
            {
                "user": w.people["publisher"].pk,
                "role": "publisher",
                "organisation": publisher_org["id"],
            },
            format="json",
        ),
        201,
    )
    # step: a challenge drafted, submitted, returned with an internal note, resubmitted, approved
    challenge = ok(
        publisher.post(
            "/api/challenges/",
            {
                "contest": cid,
                "publisher": publisher_org["id"],
                "code": "JB-2026-001",
                "title": "高速公路货车通行数据融合应用",
                "track": w.ids["track_T01"],
                "background": "货车通行数据分散在多个系统",
                "targets": "融合三类数据，识别异常通行准确率≥90%",
                "prize_amount": "500000.00",
                "prize_payer": "publisher",
            },
            format="json",
        ),
        201,
    )
    chid = w.ids["challenge"] = challenge["id"]
    ok(publisher.post(f"/api/challenges/{chid}/submit/"))
    note = "发榜方报价偏高，内部掌握"
    returned = ok(
        organiser.post(f"/api/challenges/{chid}/return/", {"reason": note}, format="json")
    )
    assert returned["review_note"] == note
    ok(publisher.post(f"/api/challenges/{chid}/submit/"))
    ok(organiser.post(f"/api/challenges/{chid}/approve/"))
    assert ok(organiser.post(f"/api/contests/{cid}/publish-challenges/")) == {"published": 1}
    # the internal note: the organiser and the publisher see it, the public does not
    assert ok(organiser.get(f"/api/challenges/{chid}/"))["review_note"] == note
    assert ok(publisher.get(f"/api/challenges/{chid}/"))["review_note"] == note
    public = ok(anonymous.get(f"/api/challenges/{chid}/"))
    assert public["status"] == "published" and public["review_note"] is None
    assert all(
        "review_note" not in row for row in rows(anonymous.get(f"/api/challenges/?contest={cid}"))
    )
    assert all(
        row.get("review_note") is None
        for row in rows(w.api("captainA").get(f"/api/challenges/?contest={cid}"))
    )

    # step: four teams register, each with its lead organisation; 星火 also a co-applicant,
    # a member and an advisor joining by invitation
    teams = {
        "A": ("captainA", "星火数据队", "江苏星火数据科技有限公司", "T01"),
        "B": ("captainB", "数衡智算队", "江苏数衡数据科技有限公司", "T01"),
        "C": ("captainC", "晚到的队", "南京迟到信息技术有限公司", "T01"),
        "D": ("captainD", "青禾农业队", "江苏青禾农业科技有限公司", "T01"),
    }
    co_applicant = new_organisation(w.api("captainA"), "南京数据大学", kind="university")
    for key, (captain, name, org_name, track) in teams.items():
        api = w.api(captain)
        org = new_organisation(api, org_name)
        w.ids[f"org_{key}"] = org["id"]
        payload = {
            "contest": cid,
            "name": name,
            "lead_organisation": org["id"],
            "track": w.ids[f"track_{track}"],
        }
        if key == "A":
            payload.update(co_applicants=[co_applicant["id"]], challenge=chid)
        team = ok(api.post("/api/teams/", payload, format="json"), 201)
        w.ids[f"team_{key}"] = team["id"]
    captain_a = w.api("captainA")
    for role, person in (("member", "memberA"), ("advisor", "advisorA")):
        invitation = ok(
            captain_a.post(
                f"/api/teams/{w.ids['team_A']}/invitations/", {"role": role}, format="json"
            ),
            201,
        )
        ok(w.api(person).post("/api/invitations/accept/", {"code": invitation["code"]}), 201)
    team_a = ok(captain_a.get(f"/api/teams/{w.ids['team_A']}/"))
    assert sorted(m["role"] for m in team_a["members"]) == ["advisor", "captain", "member"]
    assert team_a["co_applicants"] == [co_applicant["id"]]
    assert team_a["lead_organisation"] == w.ids["org_A"]


# --------------------------------------------------------------------------------------------
# Phase 3: entries with a PDF plan; the panel, its declarations, the rubric


def phase_entries_and_panel(w: World) -> None:
    prelim = w.ids["stage_prelim"]
    organiser = w.api("organiser")
    w.clock.travel_to(SUBMISSION_OPENS + 1)
    # step: each team creates its entry and uploads its plan; C never submits its draft
    for key in "ABCD":
        api = w.api(f"captain{key}")
        entry = ok(
            api.post(
                "/api/entries/",
                {
                    "team": w.ids[f"team_{key}"],
                    "stage": prelim,
                    "title": f"数据要素应用方案{key}",
                    "summary": "面向行业的数据融合应用",
                },
                format="json",
            ),
            201,
        )
        w.ids[f"entry_{key}"] = entry["id"]
        plan = ok(
            api.post(
                f"/api/entries/{entry['id']}/files/",
                {"kind": "plan", "file": upload(f"plan-{key}.pdf", pdf_with_author("申报团队"))},
                format="multipart",
            ),
            201,
        )
        assert plan["kind"] == "plan" and plan["version"] == 1 and plan["file_type"] == "pdf"
        if key != "C":
            assert ok(api.post(f"/api/entries/{entry['id']}/submit/"))["status"] == "submitted"

    # refused: moving a window that has passed (the submission opening) or a deadline before now
    before = counts()
    stage_before = ok(organiser.get(f"/api/stages/{prelim}/"))
    refused(
        organiser.patch(
            f"/api/stages/{prelim}/", {"submission_opens_at": w.clock.iso(3)}, format="json"
        ),
        409,
        "window_passed",
        before,
    )
    refused(
        organiser.patch(
            f"/api/stages/{prelim}/",
            {"submission_closes_at": w.clock.iso(SUBMISSION_OPENS + 0.5)},
            format="json",
        ),
        400,
        "deadline_before_now",
        before,
    )
    assert ok(organiser.get(f"/api/stages/{prelim}/")) == stage_before

    # step: three judges invited to the 初赛 panel
    for n in (1, 2, 3):
        membership = ok(
            organiser.post(
                "/api/panel-memberships/",
                {"stage": prelim, "judge": w.people[f"judge{n}"].pk, "is_chair": n == 1},
                format="json",
            ),
            201,
        )
        w.ids[f"membership{n}"] = membership["id"]
    # refused: a contestant (another team's captain, and a member) invited as judge
    before = counts()
    for person in ("captainB", "memberA"):
        refused(
            organiser.post(
                "/api/panel-memberships/",
                {"stage": prelim, "judge": w.people[person].pk},
                format="json",
            ),
            409,
            "judge_is_contestant",
            before,
            en="cannot be one of its judges",
        )
    # refused: signing the declaration before stating one's organisation
    judge1 = w.api("judge1")
    refused(
        judge1.post(
            f"/api/judge/panels/{w.ids['membership1']}/accept/",
            {"declaration_accepted": True},
            format="json",
        ),
        409,
        "organisation_not_stated",
        before,
    )
    # step: each judge states their organisation (through the API, with its USCC) and signs
    for n, name in ((1, "东南数据研究院"), (2, "江苏省信息中心"), (3, "苏州工业数据实验室")):
        api = w.api(f"judge{n}")
        me = ok(
            api.patch(
                "/api/auth/me/",
                {
                    "new_organisation": {
                        "name": name,
                        "kind": "research_institute",
                        "uscc": make_uscc(),
                        "province": "江苏",
                    }
                },
                format="json",
            )
        )
        assert me["organisation_name"] == name and me["organisation_stated"] is True
        signed = ok(
            api.post(
                f"/api/judge/panels/{w.ids[f'membership{n}']}/accept/",
                {"declaration_accepted": True},
                format="json",
            )
        )
        assert signed["status"] == "accepted" and signed["declaration_accepted_at"]

    # step: the rubric
    rubric = ok(
        organiser.post(
            "/api/rubrics/",
            {"stage": prelim, "name": "初赛评分细则（2026）", "criteria": CRITERIA},
            format="json",
        ),
        201,
    )
    w.ids["rubric"] = rubric["id"]


# --------------------------------------------------------------------------------------------
# Phase 4: submission closed, the assignment run, scoring, results computed and published


def _scores(judge: str, team: str) -> dict[str, str]:
    return dict(zip((c["key"] for c in CRITERIA), SCORES[judge][team], strict=True))


def _team_of_entry(w: World, entry_id: int) -> str:
    return next(k for k in "ABCD" if w.ids[f"entry_{k}"] == entry_id)


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
        run = ok(
            organiser.post(f"/api/stages/{prelim}/assignment/runs/", {"k": 3}, format="json"), 202
        )
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
            team = _team_of_entry(w, entry_of[a["id"]])
            draft = ok(
                api.put(
                    f"/api/judge/assignments/{a['id']}/review/",
                    {"scores": {"impact": "5"}},
                    format="json",
                )
            )
            assert draft["status"] == "draft"
            done = ok(
                api.post(
                    f"/api/judge/assignments/{a['id']}/submit/",
                    {"scores": _scores(judge, team), "comment": "数据融合场景清晰"},
                    format="json",
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
        lambda: judge.put(
            f"/api/judge/assignments/{a}/review/", {"scores": {"impact": "1"}}, format="json"
        ),
        lambda: judge.post(
            f"/api/judge/assignments/{a}/submit/", {"scores": _scores("judge1", "D")}, format="json"
        ),
        lambda: organiser.put(
            f"/api/stages/{prelim}/result-settings/", {"method": "median"}, format="json"
        ),
        lambda: organiser.post(f"/api/stages/{prelim}/results/compute/"),
        lambda: organiser.post(f"/api/stages/{prelim}/results/publish/"),
        lambda: organiser.post(
            f"/api/stages/{prelim}/overrides/",
            {"entry": w.ids["entry_D"], "score": "99", "reason": "合议"},
            format="json",
        ),
        lambda: organiser.post(
            f"/api/reviews/{w.ids['review_judge1_A']}/reopen/", {"reason": "复核"}, format="json"
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
    } == {k: Decimal(v) for k, v in _scores("judge1", "A").items()}


def phase_results(w: World) -> None:
    prelim, organiser, anonymous = w.ids["stage_prelim"], w.api("organiser"), client()
    w.clock.travel_to(REVIEW_CLOSES + 1)
    # refused: scoring after the review window closed
    before = counts()
    a = w.ids["assignment_judge2_B"]
    refused(
        w.api("judge2").put(
            f"/api/judge/assignments/{a}/review/", {"scores": {"impact": "10"}}, format="json"
        ),
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
            format="json",
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
            format="json",
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
    refused(organiser.post(url, {"reason": "  "}, format="json"), 400, "reason_required", before)
    refused(
        organiser.post(url, {"reason": "计分错误", "review_ids": [999999]}, format="json"),
        400,
        "correction_reviews_invalid",
        before,
    )
    reason = "评委吴教授对青禾农业队的评分录入错误（7 应为 8），依规更正"
    named = w.ids["review_judge1_D"]
    withdrawn = ok(
        organiser.post(url, {"reason": reason, "review_ids": [named]}, format="json"), 201
    )
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawal_reason"] == reason
    # under the correction only the named review may be scored again
    before = counts()
    refused(
        w.api("judge2").post(
            f"/api/judge/assignments/{w.ids['assignment_judge2_D']}/submit/",
            {"scores": _scores("judge2", "D")},
            format="json",
        ),
        409,
        "review_not_in_correction",
        before,
    )
    refused(
        organiser.post(
            f"/api/stages/{prelim}/promotions/",
            {"to_stage": w.ids["stage_final"], "rule": "top_n", "n": 2},
            format="json",
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
            format="json",
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
# Phase 6: promotion to the final and recommendation to the national contest


def phase_promotion(w: World) -> None:
    prelim, final, organiser = w.ids["stage_prelim"], w.ids["stage_final"], w.api("organiser")
    url = f"/api/stages/{prelim}/promotions/"
    # refused: a hand-picked promotion of the draft that was never submitted
    before = counts()
    body = refused(
        organiser.post(
            url,
            {
                "to_stage": final,
                "rule": "hand_picked",
                "entry_ids": [w.ids["entry_C"], w.ids["entry_A"]],
            },
            format="json",
        ),
        409,
        "entries_not_eligible",
        before,
    )
    assert body["message_en"].startswith("Only entries that were submitted")
    # step: the top two go to the final, starting with their 初赛 plan as version 1
    outcome = ok(organiser.post(url, {"to_stage": final, "rule": "top_n", "n": 2}, format="json"))
    assert sorted(outcome["promoted"]) == sorted([w.ids["entry_A"], w.ids["entry_B"]])
    assert outcome["entries_created"] == 2 and outcome["snapshot_version"] == 2
    finalist = rows(w.api("captainA").get(f"/api/entries/?stage={final}"))
    assert len(finalist) == 1 and [f["kind"] for f in finalist[0]["files"]] == ["plan"]
    assert finalist[0]["files"][0]["version"] == 1
    # step: recommendation to the parent; the never-submitted draft is refused
    rec_url = f"/api/contests/{w.ids['contest']}/recommendations/"
    before = counts()
    refused(
        organiser.post(rec_url, {"entry_ids": [w.ids["entry_C"]]}, format="json"),
        409,
        "entries_not_eligible",
        before,
    )
    recommended = ok(
        organiser.post(
            rec_url, {"entry_ids": [w.ids["entry_A"]], "reason": "初赛第一名"}, format="json"
        ),
        201,
    )
    assert (
        recommended[0]["to_contest"] == w.ids["national"]
        and recommended[0]["entry"] == w.ids["entry_A"]
    )


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
                format="json",
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
            format="json",
        ),
        201,
    )
    # step: proposed from the published v2
    proposed = ok(organiser.post("/api/awards/propose/", {"stage": prelim}, format="json"), 201)
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
    body = refused(
        organiser.post("/api/awards/", add, format="json"),
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
            format="json",
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
            format="json",
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
            format="json",
        ),
        400,
        "notice_opens_in_past",
        before,
    )
    refused(
        organiser.post(
            "/api/notices/", {"contest": cid, "days": 2, "working_days": True}, format="json"
        ),
        400,
        "notice_too_short",
        before,
    )
    notice = ok(
        organiser.post(
            "/api/notices/", {"contest": cid, "days": 5, "working_days": True}, format="json"
        ),
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
        organiser.post(
            resolve, {"decision": "upheld", "resolution": "经核查异议属实"}, format="json"
        ),
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
            format="json",
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
            format="json",
        )
    )
    # refused: a serial prefix another contest uses
    before = counts()
    refused(
        organiser.patch(
            f"/api/contests/{cid}/certificate-template/",
            {**template, "serial_prefix": "DENAT"},
            format="json",
        ),
        409,
        "serial_prefix_taken",
        before,
        en="DENAT",
    )
    assert (
        ok(organiser.patch(f"/api/contests/{cid}/certificate-template/", template, format="json"))[
            "serial_prefix"
        ]
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
        organiser.post(replace, {"reason": "姓名有误", "recipient_name": "李思"}, format="json"),
        409,
        "certificate_not_revoked",
        before,
    )
    # step: revoked (a misspelt name) and replaced: a new serial linked both ways
    revoked = ok(
        organiser.post(
            f"/api/certificates/{cert['id']}/revoke/", {"reason": "姓名有误"}, format="json"
        )
    )
    assert revoked["status"] == "revoked" and revoked["revoke_reason"] == "姓名有误"
    new = ok(
        organiser.post(replace, {"reason": "更正姓名", "recipient_name": "李思"}, format="json"),
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
        organiser.post(replace, {"reason": "再次更正", "recipient_name": "李思"}, format="json"),
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
    _people(w)
    phase_contests(w)
    phase_challenges_and_teams(w)
    phase_entries_and_panel(w)
    phase_judging(w)
    phase_results(w)
    phase_promotion(w)
    phase_awards(w)
    phase_certificates(w)
    phase_audit(w)
