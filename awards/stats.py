"""Figures of 揭榜挂帅 after the win, per publisher of a contest: challenges published, taken,
won and 流榜; agreements signed; milestones on time and late; 验收 passed; prize money committed
and paid.

One aggregate query per figure (`values("publisher").annotate(...)`), plus one for the
publishers' names: ten queries however many challenges, agreements or milestones.

Definitions: a challenge is *published* once on the list (published or closed); *taken* when at
least one team took it; *won* / *流榜* when its result is final (its notice closed and made
final). An agreement is *signed* once it is past the draft. A milestone is *on time* when it
was submitted (and is now submitted or accepted) no later than its due date, in the
installation's time zone; *late* when it was submitted after it, or is still open past it.
*Committed* is the prize money of the final winners; *paid* the payments recorded.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from awards.enums import (
    AcceptanceOutcome,
    AgreementStatus,
    ChallengeOutcome,
    MilestoneStatus,
    NoticeStatus,
)
from awards.models import (
    AcceptanceReview,
    Agreement,
    ChallengeResult,
    ChallengeWinner,
    Milestone,
    Payment,
)
from contest.enums import ChallengeStatus
from contest.models import Challenge, Contest, Organisation

COUNTS = (
    "challenges_published",
    "challenges_taken",
    "challenges_won",
    "challenges_unfilled",
    "agreements_signed",
    "milestones_on_time",
    "milestones_late",
    "acceptance_passed",
)
MONEY = ("prize_committed", "prize_paid")


def agreement_statistics(*, contest: Contest, publisher_ids: set[int] | None = None) -> dict:
    """The figures per publisher of `contest` (only `publisher_ids` when given) and their totals."""
    today = timezone.localdate()
    rows: dict[int, dict] = defaultdict(
        lambda: {**dict.fromkeys(COUNTS, 0), **dict.fromkeys(MONEY, Decimal("0.00"))}
    )

    def scoped(qs, field):
        qs = qs.order_by()
        return qs.filter(**{f"{field}__in": publisher_ids}) if publisher_ids is not None else qs

    def count(qs, field, key, **annotate):
        for r in scoped(qs, field).values(field).annotate(n=Count("pk", distinct=True)):
            rows[r[field]][key] = r["n"]

    published = Challenge.objects.filter(
        contest=contest, status__in=[ChallengeStatus.PUBLISHED, ChallengeStatus.CLOSED]
    )
    count(published, "publisher_id", "challenges_published")
    count(published.filter(teams__isnull=False), "publisher_id", "challenges_taken")
    final = ChallengeResult.objects.filter(contest=contest, notice__status=NoticeStatus.FINAL)
    count(
        final.filter(outcome=ChallengeOutcome.WINNERS), "challenge__publisher_id", "challenges_won"
    )
    count(
        final.filter(outcome=ChallengeOutcome.UNFILLED),
        "challenge__publisher_id",
        "challenges_unfilled",
    )
    agreements = Agreement.objects.filter(contest=contest)
    count(agreements.exclude(status=AgreementStatus.DRAFT), "publisher_id", "agreements_signed")
    milestones = scoped(
        Milestone.objects.filter(agreement__contest=contest), "agreement__publisher_id"
    )
    delivered = Q(status__in=[MilestoneStatus.SUBMITTED, MilestoneStatus.ACCEPTED])
    open_ = Q(status__in=[MilestoneStatus.PENDING, MilestoneStatus.RETURNED])
    for r in milestones.values("agreement__publisher_id").annotate(
        on_time=Count("pk", filter=delivered & Q(submitted_at__date__lte=F("due_on"))),
        late=Count(
            "pk",
            filter=(delivered & Q(submitted_at__date__gt=F("due_on")))
            | (open_ & Q(due_on__lt=today)),
        ),
    ):
        rows[r["agreement__publisher_id"]]["milestones_on_time"] = r["on_time"]
        rows[r["agreement__publisher_id"]]["milestones_late"] = r["late"]
    count(
        AcceptanceReview.objects.filter(
            agreement__contest=contest, outcome=AcceptanceOutcome.PASSED
        ),
        "agreement__publisher_id",
        "acceptance_passed",
    )
    committed = scoped(
        ChallengeWinner.objects.filter(
            result__contest=contest, result__notice__status=NoticeStatus.FINAL
        ),
        "result__challenge__publisher_id",
    )
    for r in committed.values("result__challenge__publisher_id").annotate(s=Sum("prize_amount")):
        rows[r["result__challenge__publisher_id"]]["prize_committed"] = r["s"]
    paid = scoped(
        Payment.objects.filter(milestone__agreement__contest=contest),
        "milestone__agreement__publisher_id",
    )
    for r in paid.values("milestone__agreement__publisher_id").annotate(s=Sum("amount")):
        rows[r["milestone__agreement__publisher_id"]]["prize_paid"] = r["s"]

    names = dict(Organisation.objects.filter(pk__in=list(rows)).values_list("pk", "name"))
    publishers = [
        {"publisher": pk, "publisher_name": names.get(pk, ""), **rows[pk]}
        for pk in sorted(rows, key=lambda pk: names.get(pk, ""))
    ]
    totals = {key: sum((p[key] for p in publishers), 0) for key in COUNTS}
    totals.update({key: sum((p[key] for p in publishers), Decimal("0.00")) for key in MONEY})
    return {"totals": totals, "publishers": publishers}
