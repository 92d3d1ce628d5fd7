"""factory_boy factories for the judging app. No surprises: each builds exactly what it names."""

import factory
from django.utils import timezone

from judging.enums import PanelStatus
from judging.models import JudgeProfile, PanelMembership
from tests.factories.contest import StageFactory, UserFactory


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
