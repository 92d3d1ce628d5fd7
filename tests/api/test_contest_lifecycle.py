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

import pytest

from tests.api.helpers import PDF_BYTES, upload
from tests.api.lifecycle import World, all_rows, client, new_organisation, ok, refused, rows
from tests.api.lifecycle import world_counts as counts
from tests.factories.contest import UserFactory
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


def test_contest_lifecycle_whole_subcontest_through_the_api(monkeypatch):
    from tests.api.lifecycle import Clock

    w = World(clock=Clock(monkeypatch))
    _people(w)
    phase_contests(w)
