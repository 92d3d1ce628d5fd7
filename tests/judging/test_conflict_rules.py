"""The conflict rules of issue 9 at the service level: the bulk recusal check of the results
agrees with `conflict_exists` for the new rules (contestants, members' own organisations, the
judge's stated organisation, declared relatives and students), and detection records each new
conflict on the audit chain."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contest.enums import MemberRole
from contest.identity import id_number_check_character, id_number_is_valid
from contest.models import Entry
from judging.enums import ConflictSource, RankingScope, RelationKind
from judging.models import AuditLog, Conflict, DeclaredRelation, PanelMembership
from judging.selectors import conflict_exists, conflict_reasons
from judging.selectors.result import stage_scoring_data
from judging.services.audit import audit_verify
from judging.services.conflict import conflicts_detect
from tests.factories.contest import (
    ContestFactory,
    OrganisationFactory,
    StageFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.factories.judging import JudgeProfileFactory, ReviewFactory, RubricFactory

pytestmark = pytest.mark.django_db


def _id(seq: int) -> str:
    first17 = f"11010519900307{seq:03d}"
    return first17 + id_number_check_character(first17)


def _declare(stage, judge, name: str, id_number: str, relation: str) -> None:
    """The judge, on the stage's panel, declares a relative or student (ID number may be "")."""
    membership = PanelMembership.objects.create(stage=stage, judge=judge)
    DeclaredRelation.objects.create(
        membership=membership,
        contest=stage.contest,
        judge=judge,
        name=name,
        id_number=id_number,
        relation=relation,
    )


def test_id_number_check_character_follows_gb_11643():
    # The standard's worked example: 11010519491231002X.
    assert id_number_check_character("11010519491231002") == "X"
    assert id_number_is_valid("11010519491231002X")
    assert not id_number_is_valid("110105194912310021")
    assert not id_number_is_valid("11010519491331002X")  # month 13


def test_bulk_recusal_agrees_with_conflict_exists_for_the_new_rules():
    contest = ContestFactory()
    stage = StageFactory(contest=contest, order=1)
    rubric = RubricFactory(stage=stage)
    org = OrganisationFactory()
    other = OrganisationFactory()
    judges = {
        "colleague_of_member": JudgeProfileFactory(organisation=org).user,
        "stated_org": UserFactory(organisation=OrganisationFactory()),
        "contestant": JudgeProfileFactory(organisation=other).user,
        "relative_by_id": JudgeProfileFactory(organisation=other).user,
        "student_by_name": JudgeProfileFactory(organisation=other).user,
        "clear": JudgeProfileFactory(organisation=other).user,
    }
    entries = []
    for name in ("甲队", "乙队", "丙队"):
        team = TeamFactory(contest=contest, name=name)
        entries.append(Entry.objects.create(team=team, stage=stage, title=name, status="submitted"))
    first, second, third = (e.team for e in entries)
    TeamMemberFactory(team=first, user=UserFactory(organisation=org), role=MemberRole.MEMBER)
    TeamMemberFactory(
        team=second,
        user=UserFactory(organisation=judges["stated_org"].organisation),
        role=MemberRole.ADVISOR,
    )
    TeamMemberFactory(team=third, user=judges["contestant"], role=MemberRole.MEMBER)
    TeamMemberFactory(team=second, user=UserFactory(real_name="林亲属", id_number=_id(1)))
    TeamMemberFactory(team=first, user=UserFactory(real_name="黄学生", id_number=""))
    _declare(stage, judges["relative_by_id"], "林某", _id(1), RelationKind.RELATIVE)
    _declare(stage, judges["student_by_name"], "黄学生", _id(2), RelationKind.STUDENT)
    reviews = {}
    for judge in judges.values():
        for entry in entries:
            review = ReviewFactory(
                assignment__entry=entry, assignment__judge=judge, rubric=rubric, total=Decimal(70)
            )
            reviews[review.pk] = (judge, entry.team)

    data = stage_scoring_data(stage=stage, scope=RankingScope.STAGE)

    expected = {pk for pk, (j, t) in reviews.items() if conflict_exists(judge=j, team=t)}
    assert data.excluded_review_ids == expected
    by_pair = {(j.pk, t.pk) for j, t in reviews.values() if conflict_exists(judge=j, team=t)}
    assert by_pair == {
        (judges["colleague_of_member"].pk, first.pk),
        (judges["stated_org"].pk, second.pk),
        *((judges["contestant"].pk, t.pk) for t in (first, second, third)),
        (judges["relative_by_id"].pk, second.pk),
        (judges["student_by_name"].pk, first.pk),
    }
    assert conflict_reasons(judge=judges["contestant"], team=first) == [ConflictSource.CONTESTANT]
    assert conflict_reasons(judge=judges["contestant"], team=third) == [ConflictSource.TEAM_MEMBER]
    assert conflict_reasons(judge=judges["relative_by_id"], team=second) == [
        ConflictSource.DECLARED_RELATION
    ]
    assert conflict_reasons(judge=judges["colleague_of_member"], team=first) == [
        ConflictSource.SAME_ORGANISATION
    ]


def test_conflicts_detect_records_each_new_conflict_on_the_chain():
    contest = ContestFactory()
    stage = StageFactory(contest=contest, order=1)
    org = OrganisationFactory()
    judge = JudgeProfileFactory(organisation=org).user
    PanelMembership.objects.create(stage=stage, judge=judge)
    team = TeamFactory(contest=contest)
    TeamMemberFactory(team=team, user=UserFactory(organisation=org))

    assert conflicts_detect(contest=contest) == 1
    assert conflicts_detect(contest=contest) == 0  # nothing new: no second row
    conflict = Conflict.objects.get(judge=judge, team=team)
    assert conflict.source == ConflictSource.SAME_ORGANISATION
    rows = AuditLog.objects.filter(contest=contest, action="conflict.detect")
    assert [(r.object_id, r.data["source"]) for r in rows] == [
        (str(conflict.pk), ConflictSource.SAME_ORGANISATION)
    ]
    assert audit_verify(contest=contest).ok


def test_every_rule_reads_the_same_in_the_query_the_reasons_and_the_bulk_check():
    """`conflict_filter` reads the judge's organisations, declarations and province inside its one
    statement. Each rule has a judge–team pair it alone makes a conflict, beside a team it must
    not touch; the query (`conflict_exists`, `conflicted_teams`), the reasons read one by one
    (`conflict_reasons`) and the results' bulk check (`conflicted_review_ids`) name exactly
    these pairs."""
    from contest.enums import ContestRoleKind
    from contest.models import ContestRole
    from judging.selectors import conflicted_teams

    contest = ContestFactory(conflict_same_province=True)
    stage = StageFactory(contest=contest, order=1)
    rubric = RubricFactory(stage=stage)
    provinces = iter(f"省{n}" for n in range(100))

    def org():
        return OrganisationFactory(province=next(provinces))

    def team(lead=True):
        made = TeamFactory(contest=contest, lead_organisation=org() if lead else None)
        made.captain.province = next(provinces)
        made.captain.save(update_fields=["province"])
        return made

    def judge(organisation=None, province=None):
        return JudgeProfileFactory(
            organisation=organisation, province=province or next(provinces)
        ).user

    teams = {name: team() for name in ("甲", "乙", "丙", "丁", "戊", "己", "庚")}
    teams["无牵头单位"] = team(lead=False)
    judges = {}
    expected = set()
    # the judge profile's organisation leads the team
    judges["profile_org"] = judge(organisation=teams["甲"].lead_organisation)
    expected.add(("profile_org", "甲"))
    # the person's own organisation co-applies for the team
    judges["own_org_co_applies"] = judge()
    judges["own_org_co_applies"].organisation = org()
    judges["own_org_co_applies"].save(update_fields=["organisation"])
    teams["乙"].co_applicants.add(judges["own_org_co_applies"].organisation)
    expected.add(("own_org_co_applies", "乙"))
    # the judge publishes challenges (in another contest) for the team's lead organisation
    judges["publisher"] = judge()
    ContestRole.objects.create(
        contest=ContestFactory(),
        user=judges["publisher"],
        role=ContestRoleKind.PUBLISHER,
        organisation=teams["丙"].lead_organisation,
    )
    expected.add(("publisher", "丙"))
    # same province (the contest sets the rule): the lead organisation's, or the captain's
    # where the team has no lead organisation
    judges["province_of_lead"] = judge(province=teams["丁"].lead_organisation.province)
    expected.add(("province_of_lead", "丁"))
    judges["province_of_captain"] = judge(province=teams["无牵头单位"].captain.province)
    expected.add(("province_of_captain", "无牵头单位"))
    # a declared student by name alone matches a member of that name, whatever their ID number
    judges["student_by_name"] = judge()
    TeamMemberFactory(team=teams["戊"], user=UserFactory(real_name="周学生", id_number=_id(3)))
    # declared with an ID number: a member of the same name and another ID number is not them
    judges["relative_by_id"] = judge()
    TeamMemberFactory(team=teams["己"], user=UserFactory(real_name="吴亲属", id_number=_id(4)))
    _declare(stage, judges["student_by_name"], "周学生", "", RelationKind.STUDENT)
    _declare(stage, judges["relative_by_id"], "吴亲属", _id(5), RelationKind.STUDENT)
    expected.add(("student_by_name", "戊"))
    # a conflict recorded by hand
    judges["stored"] = judge()
    Conflict.objects.create(
        contest=contest,
        judge=judges["stored"],
        team=teams["庚"],
        source=ConflictSource.DECLARED_BY_ORGANISER,
    )
    expected.add(("stored", "庚"))
    # no organisation at all, and a province no team has
    judges["clear"] = judge()

    entries = {}
    for name, made in teams.items():
        entries[name] = Entry.objects.create(team=made, stage=stage, title=name, status="submitted")
    reviews = {}
    for j, person in judges.items():
        for t, entry in entries.items():
            review = ReviewFactory(
                assignment__entry=entry, assignment__judge=person, rubric=rubric, total=70
            )
            reviews[review.pk] = (j, t)

    def pairs(conflicts) -> set[tuple[str, str]]:
        return {
            (j, t)
            for j, person in judges.items()
            for t, made in teams.items()
            if conflicts(person, made)
        }

    assert pairs(lambda person, made: conflict_exists(judge=person, team=made)) == expected
    assert pairs(lambda person, made: bool(conflict_reasons(judge=person, team=made))) == expected
    listed = {
        person.pk: set(conflicted_teams(judge=person, contest=contest))
        for person in judges.values()
    }
    assert pairs(lambda person, made: made in listed[person.pk]) == expected
    excluded = stage_scoring_data(stage=stage, scope=RankingScope.STAGE).excluded_review_ids
    assert {reviews[pk] for pk in excluded} == expected
