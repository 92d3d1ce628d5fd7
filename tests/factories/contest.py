"""factory_boy factories for the contest app. No surprises: each builds exactly what it names."""

import datetime
import hashlib
import itertools

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from contest.enums import (
    ChallengeStatus,
    ContestKind,
    ContestRoleKind,
    ContestStatus,
    EntryFileKind,
    MemberRole,
    OrganisationKind,
    StageKind,
)
from contest.models import (
    Challenge,
    Contest,
    ContestRole,
    Entry,
    EntryFile,
    Group,
    Organisation,
    Stage,
    Team,
    TeamMember,
    Track,
    User,
)
from contest.validators import uscc_compose

_uscc_counter = itertools.count(1)


def make_uscc(n: int | None = None) -> str:
    """A valid 统一社会信用代码: 91 (enterprise) + region 320100 + 9-character body + check char."""
    return uscc_compose("91320100", next(_uscc_counter) if n is None else n)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    real_name = factory.Sequence(lambda n: f"用户{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-1234")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"示例单位{n}有限公司")
    kind = OrganisationKind.ENTERPRISE
    uscc = factory.LazyFunction(make_uscc)
    province = "江苏"
    city = "南京"
    registered_on = datetime.date(2020, 1, 1)


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest

    code = factory.Sequence(lambda n: f"contest-{n}")
    name = factory.Sequence(lambda n: f"数据要素×大赛 分赛{n}")
    kind = ContestKind.DATA_ELEMENTS
    edition = "2026"
    year = 2026
    status = ContestStatus.REGISTRATION_OPEN
    region = "江苏"
    registration_opens_at = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=10)
    )
    registration_closes_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=10)
    )
    entrant_kinds = factory.LazyFunction(lambda: ["person", "enterprise", "university"])
    team_size_min = 1
    team_size_max = 5
    advisors_max = 2


class ContestRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContestRole

    contest = factory.SubFactory(ContestFactory)
    user = factory.SubFactory(UserFactory)
    role = ContestRoleKind.ORGANISER


class TrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Track

    contest = factory.SubFactory(ContestFactory)
    code = factory.Sequence(lambda n: f"track-{n}")
    name = factory.Sequence(lambda n: f"赛道{n}")
    order = factory.Sequence(lambda n: n)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    contest = factory.SubFactory(ContestFactory)
    code = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"组别{n}")


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    contest = factory.SubFactory(ContestFactory)
    name = "初赛"
    kind = StageKind.ONLINE_REVIEW
    order = factory.Sequence(lambda n: n + 1)
    submission_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=5))
    submission_closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=5))
    review_opens_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=6))
    review_closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))
    blind = False


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    contest = factory.SubFactory(ContestFactory, kind=ContestKind.CHALLENGE_LIST)
    code = factory.Sequence(lambda n: f"JB-{n:03d}")
    title = factory.Sequence(lambda n: f"榜题{n}：高精度视觉检测")
    publisher = factory.SubFactory(OrganisationFactory)
    status = ChallengeStatus.PUBLISHED
    prize_amount = 500000


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    contest = factory.SubFactory(ContestFactory)
    code = factory.Sequence(lambda n: f"T{n:05d}")
    name = factory.Sequence(lambda n: f"团队{n}")
    captain = factory.SubFactory(UserFactory)

    @factory.post_generation
    def captain_member(obj, create, extracted, **kwargs):
        if create:
            TeamMember.objects.create(
                team=obj, contest=obj.contest, user=obj.captain, role=MemberRole.CAPTAIN, order=0
            )


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    contest = factory.SelfAttribute("team.contest")
    user = factory.SubFactory(UserFactory)
    role = MemberRole.MEMBER
    order = factory.Sequence(lambda n: n + 1)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    team = factory.SubFactory(TeamFactory)
    stage = factory.SubFactory(StageFactory, contest=factory.SelfAttribute("..team.contest"))
    title = factory.Sequence(lambda n: f"作品{n}")


def entry_plan_attach(entry) -> EntryFile:
    """A stored plan PDF as the entry's current plan (bytes that name the entry, their SHA-256)."""
    content = f"plan {entry.pk}".encode()
    file = EntryFile(
        entry=entry,
        kind=EntryFileKind.PLAN,
        version=1,
        is_current=True,
        original_name="plan.pdf",
        file_type="pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=entry.team.captain,
    )
    file.file.save("plan.pdf", ContentFile(content), save=False)
    file.save()
    return file


# 征榜 applications and challenge questions --------------------------------------------------
class PublisherApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contest.PublisherApplication"

    contest = factory.SubFactory(ContestFactory, kind=ContestKind.CHALLENGE_LIST)
    organisation_name = factory.Sequence(lambda n: f"申请发榜单位{n}有限公司")
    uscc = factory.LazyFunction(make_uscc)
    region = "江苏"
    organisation_kind = OrganisationKind.ENTERPRISE
    contact_name = "王经理"
    contact_phone = "13800001111"
    contact_email = factory.Sequence(lambda n: f"apply{n}@example.com")
    applicant = factory.SubFactory(UserFactory)


class ChallengeQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contest.ChallengeQuestion"

    challenge = factory.SubFactory(ChallengeFactory)
    asker_team = factory.SubFactory(
        TeamFactory, contest=factory.SelfAttribute("..challenge.contest")
    )
    asker = factory.SelfAttribute("asker_team.captain")
    text = factory.Sequence(lambda n: f"问题{n}：验收数据集由谁提供？")
