"""factory_boy factories for the judging app. No surprises: each builds exactly what it names.
`build_world` builds a small scored stage for the scoring tests."""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contest.enums import ContestRoleKind
from contest.models import Contest, Entry, EntryFile, Stage, Team
from contest.services.user import user_organisation_set
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
from judging.services.panel import judge_invite, judge_profile_upsert, panel_accept
from judging.services.rubric import rubric_create
from tests.factories.contest import (
    ContestFactory,
    ContestRoleFactory,
    EntryFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    UserFactory,
)


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


# A small scored-stage world for scoring tests: a contest, a stage, a rubric, a judge on the panel with the declaration signed, a team with an entry and a PDF plan, and the assignment.


CRITERIA = [
    {"key": "impact", "name": "应用成效", "weight": "40", "max_score": "10", "step": "0.5"},
    {"key": "novelty", "name": "创新性", "weight": "35", "max_score": "10", "step": "0.5"},
    {"key": "data_value", "name": "数据要素价值", "weight": "25", "max_score": "20", "step": "1"},
]


def pdf_with_author(author: str) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": author, "/Title": f"{author}的方案"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@dataclass
class World:
    contest: Contest
    stage: Stage
    organiser: object
    judge: object
    team: Team
    entry: Entry
    assignment: Assignment
    membership: PanelMembership
    entry_file: EntryFile


def build_world(*, blind: bool = False, sign: bool = True, judge_org=None) -> World:
    now = timezone.now()
    contest = ContestFactory()
    organiser = UserFactory(real_name="组委会秘书")
    ContestRoleFactory(contest=contest, user=organiser, role=ContestRoleKind.ORGANISER)
    stage = StageFactory(
        contest=contest,
        blind=blind,
        submission_opens_at=now - datetime.timedelta(days=20),
        submission_closes_at=now - datetime.timedelta(days=10),
        review_opens_at=now - datetime.timedelta(days=1),
        review_closes_at=now + datetime.timedelta(days=5),
    )
    rubric_create(actor=organiser, stage=stage, name="初赛评分细则", criteria=CRITERIA)
    lead = OrganisationFactory(name="江苏星河数据科技有限公司")
    team = TeamFactory(contest=contest, name="星河数据队", lead_organisation=lead)
    entry = Entry.objects.create(
        team=team, stage=stage, title="工业设备预测性维护数据平台", status="submitted"
    )
    pdf = pdf_with_author("星河数据队 张三")
    entry_file = EntryFile(
        entry=entry,
        kind="plan",
        version=1,
        is_current=True,
        original_name="星河数据队-方案.pdf",
        file_type="pdf",
        content_type="application/pdf",
        size=len(pdf),
        sha256="0" * 64,
        uploaded_by=team.captain,
    )
    entry_file.file.save("plan.pdf", SimpleUploadedFile("plan.pdf", pdf), save=False)
    entry_file.save()
    judge = UserFactory(real_name="李评委")
    judge_profile_upsert(user=judge, organisation=judge_org, province="浙江", expertise=["工业"])
    user_organisation_set(user=judge, organisation=judge_org, none=judge_org is None)
    membership = judge_invite(actor=organiser, stage=stage, judge=judge)
    if sign:
        membership = panel_accept(actor=judge, membership=membership, declaration_accepted=True)
    assignment = Assignment.objects.create(
        stage=stage,
        entry=entry,
        judge=judge,
        source=AssignmentSource.MANUAL,
        anonymous_code="A-7K3Q",
    )
    return World(contest, stage, organiser, judge, team, entry, assignment, membership, entry_file)


FULL_SCORES = {"impact": "8.5", "novelty": "7", "data_value": "15"}
# 8.5/10×40 + 7/10×35 + 15/20×25 = 34 + 24.5 + 18.75 = 77.25
FULL_TOTAL = "77.2500"  # exact decimal string, at least 4 places (API)
