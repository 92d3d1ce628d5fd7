"""factory_boy factories for the judging app. No surprises: each builds exactly what it names."""

from decimal import Decimal

import factory
from django.utils import timezone

from judging.enums import AssignmentSource, PanelStatus, ReviewStatus
from judging.models import (
    Assignment,
    Criterion,
    JudgeProfile,
    PanelMembership,
    Review,
    ReviewScore,
    Rubric,
)
from tests.factories.contest import EntryFactory, StageFactory, UserFactory


class JudgeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JudgeProfile

    user = factory.SubFactory(UserFactory)
    province = ""
    title = "教授"
    expertise = factory.LazyFunction(list)


class PanelMembershipFactory(factory.django.DjangoModelFactory):
    """An invited panel member; `accepted=True` for one who accepted with the declaration."""

    class Meta:
        model = PanelMembership

    stage = factory.SubFactory(StageFactory)
    judge = factory.SubFactory(UserFactory)
    track = None
    status = PanelStatus.INVITED
    min_load = 0
    max_load = 60

    class Params:
        accepted = factory.Trait(
            status=PanelStatus.ACCEPTED,
            declaration_accepted_at=factory.LazyFunction(timezone.now),
            declaration_text="本人承诺 / I declare",
        )


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    stage = factory.SubFactory(StageFactory)
    name = "评分细则"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    rubric = factory.SubFactory(RubricFactory)
    key = factory.Sequence(lambda n: f"criterion-{n}")
    name = factory.Sequence(lambda n: f"评分项{n}")
    weight = Decimal("50")
    max_score = Decimal("100")
    order = factory.Sequence(lambda n: n)


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    entry = factory.SubFactory(EntryFactory)
    stage = factory.SelfAttribute("entry.stage")
    judge = factory.SubFactory(UserFactory)
    source = AssignmentSource.MANUAL
    anonymous_code = factory.Sequence(lambda n: f"A{n:05d}")


class ReviewFactory(factory.django.DjangoModelFactory):
    """A submitted review with the given `total`, written straight to the table (no scoring
    rules run), on the stage-wide rubric; its per-criterion scores are ReviewScoreFactory rows."""

    class Meta:
        model = Review

    assignment = factory.SubFactory(AssignmentFactory)
    stage = factory.SelfAttribute("assignment.stage")
    entry = factory.SelfAttribute("assignment.entry")
    judge = factory.SelfAttribute("assignment.judge")
    # the stage's one stage-wide rubric (unique per stage), made on first use
    rubric = factory.LazyAttribute(
        lambda o: Rubric.objects.get_or_create(
            stage=o.stage, track=None, group=None, defaults={"name": "评分细则"}
        )[0]
    )
    status = ReviewStatus.SUBMITTED
    total = Decimal("80")
    submitted_at = factory.LazyFunction(timezone.now)


class ReviewScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewScore

    review = factory.SubFactory(ReviewFactory)
    criterion = factory.SubFactory(
        CriterionFactory, rubric=factory.SelfAttribute("..review.rubric")
    )
    value = Decimal("8")
