"""Helpers and first phases of the whole-contest test (tests/api/test_contest_lifecycle.py): a
clock that moves the contest through its windows, the people's API clients, refusal checks that
prove nothing changed, reads that follow pagination; then the timeline, the people, and phases 1-3
(contests, challenges and teams, entries and the panel) and 6 (promotion, recommendation).

The clock replaces `django.utils.timezone.now` (Django's clock, not our code): every service and
model reads the time through it, so moving it forward is the contest's days passing; nothing in
the database is edited behind the API's back."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.utils import timezone
from rest_framework.test import APIClient

from tests.api.helpers import upload
from tests.factories.contest import UserFactory, make_uscc
from tests.factories.judging import pdf_with_author

REAL_NOW = timezone.now


class Clock:
    """`timezone.now()` = the real time + an offset that only grows."""

    def __init__(self, monkeypatch):
        self.offset = dt.timedelta(0)
        self.start = REAL_NOW()
        monkeypatch.setattr(timezone, "now", self.now)

    def now(self) -> dt.datetime:
        return REAL_NOW() + self.offset

    def at(self, days: float) -> dt.datetime:
        """The moment `days` after the test began (on the contest's timeline)."""
        return self.start + dt.timedelta(days=days)

    def iso(self, days: float) -> str:
        return self.at(days).isoformat()

    def travel_to(self, days: float) -> None:
        """Move to `days` after the test began; time never goes back."""
        target = self.start + dt.timedelta(days=days) - REAL_NOW()
        assert target >= self.offset, "the clock only moves forward"
        self.offset = target


def client(user=None) -> APIClient:
    """An API client logged in as `user` (force-authenticated), or anonymous."""
    api = APIClient()
    api.default_format = "json"  # request bodies as JSON unless a step uploads files
    if user is not None:
        api.force_authenticate(user=user)
    return api


def ok(response, status: int = 200):
    """The JSON body of a response with the expected status."""
    assert response.status_code == status, (response.status_code, response.content[:2000])
    return response.json() if response.content else None


def rows(response) -> list[dict]:
    body = ok(response)
    return body["results"] if isinstance(body, dict) and "results" in body else body


def all_rows(api: APIClient, url: str) -> list[dict]:
    """Every row of a paginated list, following `next`."""
    found, page = [], 1
    separator = "&" if "?" in url else "?"
    while True:
        body = ok(api.get(f"{url}{separator}page_size=100&page={page}"))
        if not isinstance(body, dict):
            return body
        found.extend(body["results"])
        if not body.get("next"):
            return found
        page += 1


APPS = ("contest", "judging", "awards")


def world_counts() -> dict[str, int]:
    """Rows of every model of the three domain apps (the audit log included): a refusal changes
    none of them."""
    return {
        f"{model._meta.app_label}.{model.__name__}": model._default_manager.count()
        for label in APPS
        for model in apps.get_app_config(label).get_models()
    }


counts = world_counts


def refused(response, status: int, code: str, before: dict[str, int], *, en: str = "") -> dict:
    """A refusal: its status, stable code, an English message (containing `en`), a non-empty
    Chinese one, and not one row added or removed anywhere."""
    assert response.status_code == status, (response.status_code, response.content[:2000])
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message_en"], str) and body["message_en"] != "", body
    assert en in body["message_en"], body
    assert isinstance(body["message_zh"], str) and body["message_zh"] != "", body
    after = world_counts()
    assert after == before, {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    return body


def new_organisation(api: APIClient, name: str, kind: str = "enterprise") -> dict:
    """An organisation registered through the API with a valid USCC."""
    return ok(
        api.post(
            "/api/organisations/",
            {"name": name, "kind": kind, "uscc": make_uscc(), "province": "江苏", "city": "南京"},
        ),
        201,
    )


@dataclass
class World:
    """What the steps share: the clock, ids of what the API created, the people's clients."""

    clock: Clock
    on_commit: object  # pytest-django's django_capture_on_commit_callbacks (tasks run on commit)
    people: dict = field(default_factory=dict)  # role -> user
    ids: dict = field(default_factory=dict)  # name -> id
    data: dict = field(default_factory=dict)  # name -> response bodies worth keeping

    def api(self, role: str | None) -> APIClient:
        return client(self.people[role] if role else None)


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


def people_build(w: World) -> None:
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
            ),
            201,
        )
    cid = w.ids["contest"] = contest["id"]
    assert contest["parent"] == national["id"]

    # refused: a contest as its own parent, or as the parent of its own parent
    before = counts()
    refused(
        organiser.patch(f"/api/contests/{cid}/", {"parent": cid}),
        400,
        "contest_parent_cycle",
        before,
        en="own parent",
    )
    refused(
        organiser.patch(f"/api/contests/{national['id']}/", {"parent": cid}),
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
        stage = ok(organiser.post("/api/stages/", {"contest": cid, **spec}), 201)
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
        ),
        201,
    )
    chid = w.ids["challenge"] = challenge["id"]
    ok(publisher.post(f"/api/challenges/{chid}/submit/"))
    note = "发榜方报价偏高，内部掌握"
    returned = ok(organiser.post(f"/api/challenges/{chid}/return/", {"reason": note}))
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
        team = ok(api.post("/api/teams/", payload), 201)
        w.ids[f"team_{key}"] = team["id"]
    captain_a = w.api("captainA")
    for role, person in (("member", "memberA"), ("advisor", "advisorA")):
        invitation = ok(
            captain_a.post(f"/api/teams/{w.ids['team_A']}/invitations/", {"role": role}),
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
        organiser.patch(f"/api/stages/{prelim}/", {"submission_opens_at": w.clock.iso(3)}),
        409,
        "window_passed",
        before,
    )
    refused(
        organiser.patch(
            f"/api/stages/{prelim}/",
            {"submission_closes_at": w.clock.iso(SUBMISSION_OPENS + 0.5)},
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
            )
        )
        assert me["organisation_name"] == name and me["organisation_stated"] is True
        signed = ok(
            api.post(
                f"/api/judge/panels/{w.ids[f'membership{n}']}/accept/",
                {"declaration_accepted": True},
            )
        )
        assert signed["status"] == "accepted" and signed["declaration_accepted_at"]

    # step: the rubric
    rubric = ok(
        organiser.post(
            "/api/rubrics/",
            {"stage": prelim, "name": "初赛评分细则（2026）", "criteria": CRITERIA},
        ),
        201,
    )
    w.ids["rubric"] = rubric["id"]


def scores_of(judge: str, team: str) -> dict[str, str]:
    return dict(zip((c["key"] for c in CRITERIA), SCORES[judge][team], strict=True))


def team_of_entry(w: World, entry_id: int) -> str:
    return next(k for k in "ABCD" if w.ids[f"entry_{k}"] == entry_id)


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
        ),
        409,
        "entries_not_eligible",
        before,
    )
    assert body["message_en"].startswith("Only entries that were submitted")
    # step: the top two go to the final, starting with their 初赛 plan as version 1
    outcome = ok(organiser.post(url, {"to_stage": final, "rule": "top_n", "n": 2}))
    assert sorted(outcome["promoted"]) == sorted([w.ids["entry_A"], w.ids["entry_B"]])
    assert outcome["entries_created"] == 2 and outcome["snapshot_version"] == 2
    finalist = rows(w.api("captainA").get(f"/api/entries/?stage={final}"))
    assert len(finalist) == 1 and [f["kind"] for f in finalist[0]["files"]] == ["plan"]
    assert finalist[0]["files"][0]["version"] == 1
    # step: recommendation to the parent; the never-submitted draft is refused
    rec_url = f"/api/contests/{w.ids['contest']}/recommendations/"
    before = counts()
    refused(
        organiser.post(rec_url, {"entry_ids": [w.ids["entry_C"]]}),
        409,
        "entries_not_eligible",
        before,
    )
    recommended = ok(
        organiser.post(rec_url, {"entry_ids": [w.ids["entry_A"]], "reason": "初赛第一名"}),
        201,
    )
    assert (
        recommended[0]["to_contest"] == w.ids["national"]
        and recommended[0]["entry"] == w.ids["entry_A"]
    )
