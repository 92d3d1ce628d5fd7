"""A contest's readiness: its phases in order, the current one, what each has done and what blocks
the next step, and the one next action. The SPA's workspace reads this (GET
/api/contests/{id}/readiness/); the rules are the services' own, read from where they live:

- the contest's status and its one allowed next status: `contest.enums.CONTEST_STATUS_FLOW`, with
  `contest_publish`'s own condition (a stage exists);
- a stage's phase: `judging.phases.stage_phase`, and what it allows: `judging.phases.phase_allows`
  (``results.publish``, ``promotion.apply``);
- the formal check's queue and its states: `judging.selectors.formal_check.formal_queue`;
- which entries promotion may take: `judging.services.promotion.ELIGIBLE_STATUSES`;
- active awards: `awards.enums.ACTIVE_AWARD_STATUSES`.

Keys, numbers and links (SPA routes) only; the SPA holds the words (i18n/*/workspace.ts). The
number of queries does not grow with teams, entries, reviews or awards: every count is an SQL
aggregate (docs/developer/workspace.md).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from awards.enums import ACTIVE_AWARD_STATUSES, AwardStatus, NoticeStatus, ObjectionStatus
from awards.models import Award, Certificate, Notice, Objection
from contest.enums import (
    CONTEST_STATUS_FLOW,
    ChallengeStatus,
    ContestKind,
    ContestStatus,
    EntryStatus,
    StageKind,
)
from contest.models import Challenge, Contest, Entry, Stage, Team
from judging.enums import FormalCheckState, PanelStatus, ReviewStatus, StagePhase
from judging.models import (
    Assignment,
    AssignmentRun,
    EntryResult,
    PanelMembership,
    Promotion,
    Rubric,
)
from judging.phases import phase_allows, stage_phase
from judging.selectors.formal_check import formal_queue
from judging.services.promotion import ELIGIBLE_STATUSES

# The workspace's pages (the SPA's `?tab=` of /organiser/contests/<id>).
PAGES = ("overview", "structure", "challenges", "registrations", "judging", "awards", "statistics")


def _status_at_least(contest: Contest, status: str) -> bool:
    return CONTEST_STATUS_FLOW.index(contest.status) >= CONTEST_STATUS_FLOW.index(status)


def _next_status(contest: Contest) -> str | None:
    index = CONTEST_STATUS_FLOW.index(contest.status)
    return CONTEST_STATUS_FLOW[index + 1] if index + 1 < len(CONTEST_STATUS_FLOW) else None


class _Links:
    def __init__(self, contest: Contest):
        self.base = f"/organiser/contests/{contest.pk}"

    def page(self, page: str, stage: Stage | None = None) -> str:
        assert page in PAGES
        query = f"?tab={page}" if page != "overview" else ""
        if stage is not None:
            query += ("&" if query else "?") + f"stage={stage.pk}"
        return self.base + query

    def formal_check(self, stage: Stage) -> str:
        return f"{self.base}/formal-check?stage={stage.pk}"


def _item(key, *, done, count=None, total=None, required=False, link=None) -> dict:
    """One checklist line. `required`: the phase is done only once it is; `blocking`: required
    and not done, so the next step cannot be taken until it is fixed (`link`)."""
    return {
        "key": key,
        "done": bool(done),
        "count": count,
        "total": total,
        "required": bool(required),
        "blocking": bool(required) and not done,
        "link": link,
        "status": None,
        "endpoint": None,
        "to_stage": None,
    }


def _status_item(contest: Contest, status: str, link: str) -> dict:
    """The contest has reached `status` (the transition into it is the phase's next action)."""
    item = _item(
        f"status_{status}", done=_status_at_least(contest, status), required=True, link=link
    )
    item["status"] = status
    return item


class _Counts:
    """Every number the checklist needs, read once per contest (a few queries per stage)."""

    def __init__(self, contest: Contest, stages: list[Stage]):
        self.challenges = dict(
            Challenge.objects.filter(contest=contest)
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        teams = Team.objects.filter(contest=contest).aggregate(
            total=Count("pk"), with_challenge=Count("pk", filter=Q(challenge__isnull=False))
        )
        self.teams, self.teams_with_challenge = teams["total"], teams["with_challenge"]
        self.tracks = contest.tracks.count()

        ids = [s.pk for s in stages]
        self.entries: dict[int, dict[str, int]] = defaultdict(dict)
        for stage_id, status, n in (
            Entry.objects.filter(stage_id__in=ids)
            .values_list("stage_id", "status")
            .annotate(n=Count("pk"))
            .values_list("stage_id", "status", "n")
        ):
            self.entries[stage_id][status] = n
        self.rubrics = self._per_stage(Rubric.objects.filter(stage_id__in=ids))
        self.judges = self._per_stage(
            PanelMembership.objects.filter(stage_id__in=ids, status=PanelStatus.ACCEPTED)
        )
        self.assignments = self._per_stage(Assignment.objects.filter(stage_id__in=ids))
        self.reviews_outstanding = self._per_stage(
            Assignment.objects.filter(stage_id__in=ids).exclude(
                review__status=ReviewStatus.SUBMITTED
            )
        )
        self.results = self._per_stage(EntryResult.objects.filter(stage_id__in=ids))
        self.promoted = self._per_stage(
            Promotion.objects.filter(from_stage_id__in=ids), field="from_stage_id"
        )
        # k of each stage: the judges per entry its latest assignment run asked for
        self.k: dict[int, int] = {}
        for stage_id, k in (
            AssignmentRun.objects.filter(stage_id__in=ids)
            .order_by("stage_id", "-created_at", "-pk")
            .values_list("stage_id", "k")
        ):
            self.k.setdefault(stage_id, k)
        self.formal: dict[int, dict[str, int]] = {}
        self.short: dict[int, int] = {}
        for stage in stages:
            if stage.kind == StageKind.FORMAL_CHECK:
                self.formal[stage.pk] = dict(
                    formal_queue(stage)
                    .order_by()
                    .values_list("formal_state")
                    .annotate(n=Count("pk", distinct=True))
                    .values_list("formal_state", "n")
                )
            elif stage.pk in self.k:
                self.short[stage.pk] = (
                    Entry.objects.filter(stage_id=stage.pk, status__in=ELIGIBLE_STATUSES)
                    .annotate(judges=Count("assignments"))
                    .filter(judges__lt=self.k[stage.pk])
                    .count()
                )

        awards = Award.objects.filter(contest=contest).aggregate(
            active=Count("pk", filter=Q(status__in=ACTIVE_AWARD_STATUSES)),
            proposed=Count("pk", filter=Q(status=AwardStatus.PROPOSED)),
            final=Count("pk", filter=Q(status=AwardStatus.FINAL)),
            stale=Count("pk", filter=Q(status=AwardStatus.STALE)),
            certified=Count(
                "pk",
                filter=Q(status=AwardStatus.FINAL)
                & Q(Exists(Certificate.objects.filter(award=OuterRef("pk"), status="issued"))),
            ),
        )
        self.awards = awards
        self.notices = Notice.objects.filter(contest=contest).aggregate(
            opened=Count("pk", filter=Q(status__in=[NoticeStatus.OPEN, NoticeStatus.FINAL])),
            open=Count("pk", filter=Q(status=NoticeStatus.OPEN)),
            final=Count("pk", filter=Q(status=NoticeStatus.FINAL)),
        )
        self.objections_open = Objection.objects.filter(
            notice__contest=contest, status=ObjectionStatus.OPEN
        ).count()

    @staticmethod
    def _per_stage(qs, field: str = "stage_id") -> dict[int, int]:
        return dict(
            qs.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n")
        )


def _challenge_phases(contest: Contest, counts: _Counts, links: _Links) -> list[dict]:
    """揭榜挂帅: 征榜 (collect), 审榜 (vet), 发榜 (publish), 揭榜 (take)."""
    c = counts.challenges
    drafted = c.get(ChallengeStatus.DRAFT, 0)
    submitted = c.get(ChallengeStatus.SUBMITTED, 0)
    approved = c.get(ChallengeStatus.APPROVED, 0)
    published = c.get(ChallengeStatus.PUBLISHED, 0) + c.get(ChallengeStatus.CLOSED, 0)
    page = links.page("challenges")
    beyond_draft = submitted + approved + published
    return [
        {
            "key": "collect",
            "items": [
                _item(
                    "tracks_defined",
                    done=counts.tracks,
                    count=counts.tracks,
                    link=links.page("structure"),
                ),
                _status_item(contest, ContestStatus.PUBLISHED, links.page("overview")),
                _item("challenges_drafted", done=True, count=drafted, link=page),
                _item(
                    "challenges_submitted",
                    done=beyond_draft,
                    count=beyond_draft,
                    required=True,
                    link=page,
                ),
            ],
        },
        {
            "key": "vet",
            "items": [
                _item(
                    "challenges_awaiting_review",
                    done=not submitted,
                    count=submitted,
                    required=True,
                    link=page,
                ),
                _item(
                    "challenges_approved",
                    done=approved + published,
                    count=approved + published,
                    required=True,
                    link=page,
                ),
            ],
        },
        {
            "key": "publish",
            "items": [
                _item(
                    "challenges_approved_unpublished", done=not approved, count=approved, link=page
                ),
                _item(
                    "challenges_published",
                    done=published,
                    count=published,
                    required=True,
                    link=page,
                ),
            ],
        },
        {
            "key": "take",
            "items": _registration_items(contest, counts, links, challenges=True),
        },
    ]


def _registration_items(contest, counts: _Counts, links: _Links, *, challenges: bool) -> list:
    overview = links.page("overview")
    items = []
    if not challenges:
        items.append(
            _item(
                "tracks_defined",
                done=counts.tracks,
                count=counts.tracks,
                link=links.page("structure"),
            )
        )
        items.append(_status_item(contest, ContestStatus.PUBLISHED, overview))
    window = contest.registration_opens_at and contest.registration_closes_at
    items += [
        _item("registration_window_set", done=window, link=overview),
        _status_item(contest, ContestStatus.REGISTRATION_OPEN, overview),
        _item(
            "teams_registered",
            done=counts.teams,
            count=counts.teams,
            required=True,
            link=links.page("registrations"),
        ),
    ]
    if challenges:
        items.append(
            _item(
                "teams_with_challenge",
                done=counts.teams_with_challenge,
                count=counts.teams_with_challenge,
                total=counts.teams,
                link=links.page("registrations"),
            )
        )
    items.append(_status_item(contest, ContestStatus.REGISTRATION_CLOSED, overview))
    return items


def _formal_items(stage: Stage, later: Stage | None, counts: _Counts, links: _Links, phase):
    entries = counts.entries.get(stage.pk, {})
    queue = counts.formal.get(stage.pk, {})
    pending = queue.get(FormalCheckState.PENDING, 0)
    returned = queue.get(FormalCheckState.RETURNED, 0)
    passed = queue.get(FormalCheckState.PASSED, 0)
    decided = passed + queue.get(FormalCheckState.REJECTED, 0)
    link = links.formal_check(stage)
    items = [
        _item(
            "submission_window_set",
            done=stage.submission_opens_at and stage.submission_closes_at,
            link=links.page("structure"),
        ),
        _item(
            "entries_submitted",
            done=entries.get(EntryStatus.SUBMITTED, 0) + decided,
            count=entries.get(EntryStatus.SUBMITTED, 0),
            required=True,
            link=links.page("registrations"),
        ),
        _item("formal_pending", done=not pending, count=pending, required=True, link=link),
        _item("formal_returned", done=not returned, count=returned, link=link),
        _item(
            "formal_passed",
            done=passed,
            count=passed,
            total=passed + pending + returned + queue.get(FormalCheckState.REJECTED, 0),
            link=link,
        ),
    ]
    if later is not None:
        promoted = counts.promoted.get(stage.pk, 0)
        items.append(
            _item(
                "entries_promoted",
                done=promoted and not pending,
                count=promoted,
                total=passed,
                required=True,
                link=link,
            )
        )
        # the formal check's one promotion rule: the passed entries (promotion_apply)
        if passed > promoted and not pending:
            items[-1]["endpoint"] = f"/api/stages/{stage.pk}/promotions/"
            items[-1]["to_stage"] = later.pk
    return items


def _review_items(stage, later, counts: _Counts, links: _Links, phase, contest) -> list[dict]:
    judging = links.page("judging", stage)
    eligible = sum(n for s, n in counts.entries.get(stage.pk, {}).items() if s in ELIGIBLE_STATUSES)
    assigned = counts.assignments.get(stage.pk, 0)
    outstanding = counts.reviews_outstanding.get(stage.pk, 0)
    published = phase == StagePhase.RESULTS_PUBLISHED
    items = [
        _item(
            "rubric_defined",
            done=counts.rubrics.get(stage.pk, 0),
            count=counts.rubrics.get(stage.pk, 0),
            required=True,
            link=judging,
        ),
        _item(
            "judges_accepted",
            done=counts.judges.get(stage.pk, 0),
            count=counts.judges.get(stage.pk, 0),
            required=True,
            link=judging,
        ),
        _item("entries_submitted", done=eligible, count=eligible, required=True, link=judging),
        _status_item(contest, ContestStatus.JUDGING, links.page("overview")),
        _item("entries_assigned", done=assigned, count=assigned, required=True, link=judging),
    ]
    if stage.pk in counts.k:
        short = counts.short.get(stage.pk, 0)
        items.append(
            _item(
                "entries_short_of_judges",
                done=not short,
                count=short,
                total=counts.k[stage.pk],
                required=True,
                link=judging,
            )
        )
    computed = counts.results.get(stage.pk, 0)
    compute = _item("results_computed", done=computed, count=computed, required=True, link=judging)
    publish = _item("results_published", done=published, required=True, link=judging)
    # The button calls the service only where the phase rules let it (judging.phases.ACTIONS).
    if assigned and not outstanding and phase_allows(stage, "results.compute", phase=phase):
        compute["endpoint"] = f"/api/stages/{stage.pk}/results/compute/"
    if computed and phase_allows(stage, "results.publish", phase=phase):
        publish["endpoint"] = f"/api/stages/{stage.pk}/results/publish/"
    items += [
        _item(
            "reviews_outstanding",
            done=assigned and not outstanding,
            count=outstanding,
            total=assigned,
            required=True,
            link=judging,
        ),
        compute,
        publish,
    ]
    if later is not None:
        promoted = counts.promoted.get(stage.pk, 0)
        items.append(
            _item("entries_promoted", done=promoted, count=promoted, required=True, link=judging)
        )
    return items


def _stage_phase_dict(stage, later, counts, links, contest, *, now) -> dict:
    phase = stage_phase(stage, now=now)
    if stage.kind == StageKind.FORMAL_CHECK:
        items = _formal_items(stage, later, counts, links, phase)
    else:
        items = _review_items(stage, later, counts, links, phase, contest)
    return {
        "key": f"stage-{stage.pk}",
        "stage": stage.pk,
        "stage_name": stage.name,
        "stage_kind": stage.kind,
        "stage_phase": phase.value,
        "items": items,
    }


def _closing_phases(contest: Contest, counts: _Counts, links: _Links) -> list[dict]:
    awards, notices = counts.awards, counts.notices
    page = links.page("awards")
    return [
        {
            "key": "notice",
            "items": [
                _status_item(contest, ContestStatus.RESULTS, links.page("overview")),
                _item(
                    "awards_proposed",
                    done=awards["active"],
                    count=awards["active"],
                    required=True,
                    link=page,
                ),
                _item(
                    "awards_stale",
                    done=not awards["stale"],
                    count=awards["stale"],
                    required=True,
                    link=page,
                ),
                _item(
                    "notice_published",
                    done=notices["opened"],
                    count=notices["opened"],
                    required=True,
                    link=page,
                ),
                _item(
                    "objections_open",
                    done=not counts.objections_open,
                    count=counts.objections_open,
                    required=True,
                    link=page,
                ),
                _item(
                    "notice_closed",
                    done=notices["final"] and not notices["open"],
                    count=notices["open"],
                    required=True,
                    link=page,
                ),
            ],
        },
        {
            "key": "certificates",
            "items": [
                _item(
                    "awards_final",
                    done=awards["final"] and awards["final"] == awards["active"],
                    count=awards["final"],
                    total=awards["active"],
                    required=True,
                    link=page,
                ),
                _item(
                    "certificates_issued",
                    done=awards["final"] and awards["certified"] == awards["final"],
                    count=awards["certified"],
                    total=awards["final"],
                    required=True,
                    link=page,
                ),
                _status_item(contest, ContestStatus.FINISHED, links.page("overview")),
            ],
        },
    ]


def _next_action(contest: Contest, phase: dict, has_stages: bool, links: _Links) -> dict | None:
    """The one button: the first blocking item's fix; else, when the phase's next step is the
    contest's next status and `contest_transition_for` would take it, that transition; else the
    first item not done."""
    items = phase["items"]
    following = _next_status(contest)
    for item in items:
        if item.get("status") and not item["done"] and item["status"] == following:
            # the status transition comes before anything the status itself opens
            if following == ContestStatus.PUBLISHED and not has_stages:
                return {"key": "stage_add", "kind": "link", "link": links.page("structure")}
            return {
                "key": "transition",
                "kind": "transition",
                "status": following,
                "method": "POST",
                "endpoint": f"/api/contests/{contest.pk}/transition/",
            }
        if item["blocking"]:
            if item["endpoint"]:
                return {
                    "key": item["key"],
                    "kind": "call",
                    "stage": phase["stage"],
                    "to_stage": item["to_stage"],
                    "method": "POST",
                    "endpoint": item["endpoint"],
                    "link": item["link"],
                }
            return {"key": item["key"], "kind": "link", "link": item["link"]}
    return None


def contest_readiness(contest: Contest, *, now=None) -> dict:
    """The phases of `contest` in order, each with its checklist and state (done / current /
    upcoming); `current` is the first phase not done; `next_action` is the current phase's."""
    now = now or timezone.now()
    links = _Links(contest)
    stages = list(Stage.objects.filter(contest=contest).order_by("order"))
    counts = _Counts(contest, stages)
    if contest.kind == ContestKind.CHALLENGE_LIST:
        phases = _challenge_phases(contest, counts, links)
    else:
        phases = [
            {
                "key": "registration",
                "items": _registration_items(contest, counts, links, challenges=False),
            }
        ]
    for index, stage in enumerate(stages):
        later = stages[index + 1] if index + 1 < len(stages) else None
        phases.append(_stage_phase_dict(stage, later, counts, links, contest, now=now))
    phases += _closing_phases(contest, counts, links)

    current = None
    for phase in phases:
        phase.setdefault("stage", None)
        phase.setdefault("stage_name", "")
        phase.setdefault("stage_kind", "")
        phase.setdefault("stage_phase", "")
        done = all(item["done"] for item in phase["items"] if item["required"])
        if current is None and not done:
            current = phase
            phase["state"] = "current"
        else:
            phase["state"] = "done" if current is None else "upcoming"
        phase["blocking"] = sum(1 for item in phase["items"] if item["blocking"])
    if current is None:  # everything done: the last phase stays highlighted
        current = phases[-1]
    current_stage = current["stage"] or _latest_stage_started(phases)
    return {
        "contest": contest.pk,
        "kind": contest.kind,
        "status": contest.status,
        "next_status": _next_status(contest),
        "current": current["key"],
        "current_stage": current_stage,
        "phases": phases,
        "next_action": _next_action(contest, current, bool(stages), links),
    }


def _latest_stage_started(phases: list[dict]) -> int | None:
    """Outside the stages' phases, the stage pickers default to the last stage that has left
    preparation (after the stages, the one whose results the awards come from), else the first."""
    stages = [p for p in phases if p["stage"]]
    started = [p for p in stages if p["stage_phase"] != StagePhase.PREPARING]
    chosen = (started or stages or [None])[-1 if started else 0]
    return chosen["stage"] if chosen else None
