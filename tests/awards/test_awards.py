"""Award tiers, proposing from a published snapshot (quotas, ties, percentages, per-track tiers),
adjusting with a reason, and flagging names the certificate font cannot print."""

from decimal import Decimal

import pytest

from awards.enums import AwardStatus, AwardTierKind
from awards.models import Award
from awards.services.award import (
    award_add,
    award_remove,
    award_tier_change,
    award_tier_create,
    awards_glyph_refresh,
    awards_propose,
    quotas_fill,
    tier_quota,
)
from contest.enums import MemberRole
from contest.errors import NotPermitted, StateConflict, ValidationFailed
from judging.models import AuditLog
from judging.services.audit import audit_verify
from tests.factories.awards import (
    AwardFactory,
    AwardTierFactory,
    NoticeFactory,
    ObjectionFactory,
    published_ranking,
    ranking_rows,
    snapshot_publish,
)
from tests.factories.contest import (
    OrganisationFactory,
    TeamFactory,
    TeamMemberFactory,
    TrackFactory,
    UserFactory,
)


def tiers(contest, *quotas, percent=False):
    names = ["一等奖", "二等奖", "三等奖", "优秀奖"]
    return [
        AwardTierFactory(
            contest=contest,
            name=names[i],
            order=i,
            quota_count=None if percent else q,
            quota_percent=Decimal(q) if percent else None,
        )
        for i, q in enumerate(quotas)
    ]


def by_tier(awards) -> dict[str, list[int]]:
    result: dict[str, list[int]] = {}
    for award in sorted(awards, key=lambda a: (a.tier.order, a.rank, a.team.code)):
        result.setdefault(award.tier.name, []).append(award.rank)
    return result


# --------------------------------------------------------------------------------------------
# Pure quota filling


def test_quotas_fill_without_ties():
    assert quotas_fill([1, 2, 3, 4, 5, 6], [1, 2, 3]) == [(0, 1), (1, 3), (3, 6)]


def test_quotas_fill_tie_straddling_boundary_goes_to_higher_tier():
    # ranks 1, 2, 2, 4, 5: quota 2 for the first tier cuts through the tie at rank 2.
    assert quotas_fill([1, 2, 2, 4, 5], [2, 2]) == [(0, 3), (3, 5)]


def test_quotas_fill_tie_inside_quota_changes_nothing():
    assert quotas_fill([1, 1, 3, 4], [2, 1]) == [(0, 2), (2, 3)]


def test_quotas_fill_more_quota_than_entries():
    assert quotas_fill([1, 2], [1, 5, 3]) == [(0, 1), (1, 2), (2, 2)]


def test_quotas_fill_zero_quota_skips_tier():
    assert quotas_fill([1, 2, 3], [0, 2]) == [(0, 0), (0, 2)]


def test_tier_quota_percent_rounds_up(db):
    tier = AwardTierFactory.build(quota_count=None, quota_percent=Decimal("10"))
    assert tier_quota(tier, 25) == 3
    assert tier_quota(tier, 20) == 2
    assert tier_quota(tier, 0) == 0


# --------------------------------------------------------------------------------------------
# Proposing


def test_awards_propose_fills_tiers_in_order(organiser, contest, stage):
    tiers(contest, 1, 2, 3)
    published_ranking(stage=stage, ranks=[1, 2, 3, 4, 5, 6, 7])
    awards = awards_propose(actor=organiser, stage=stage)
    assert by_tier(awards) == {"一等奖": [1], "二等奖": [2, 3], "三等奖": [4, 5, 6]}
    assert {a.status for a in awards} == {AwardStatus.PROPOSED}


def test_awards_propose_tie_at_boundary_all_get_higher_tier(organiser, contest, stage):
    tiers(contest, 2, 2)
    published_ranking(stage=stage, ranks=[1, 2, 2, 4, 5, 6])
    awards = awards_propose(actor=organiser, stage=stage)
    assert by_tier(awards) == {"一等奖": [1, 2, 2], "二等奖": [4, 5]}
    assert [a.tied for a in sorted(awards, key=lambda a: a.rank)] == [
        False,
        True,
        True,
        False,
        False,
    ]


def test_awards_propose_tie_at_last_boundary_all_awarded(organiser, contest, stage):
    tiers(contest, 1, 1)
    published_ranking(stage=stage, ranks=[1, 2, 2, 2, 5])
    awards = awards_propose(actor=organiser, stage=stage)
    assert by_tier(awards) == {"一等奖": [1], "二等奖": [2, 2, 2]}


def test_awards_propose_percent_quota_rounds_up(organiser, contest, stage):
    tiers(contest, 10, 20, percent=True)
    published_ranking(stage=stage, ranks=list(range(1, 12)))  # 11 entries
    awards = awards_propose(actor=organiser, stage=stage)
    # ceil(1.1) = 2, ceil(2.2) = 3
    assert by_tier(awards) == {"一等奖": [1, 2], "二等奖": [3, 4, 5]}


def test_awards_propose_per_group_with_track_specific_tiers(organiser, contest, stage):
    industry, farming = TrackFactory(contest=contest), TrackFactory(contest=contest)
    tiers(contest, 1, 1)  # contest-wide: used by groups without track-specific tiers
    AwardTierFactory(contest=contest, name="工业一等奖", track=industry, quota_count=2, order=0)
    rows_a, _ = ranking_rows(
        stage=stage, ranks=[1, 2, 3], group_key=f"track:{industry.pk}", track=industry
    )
    rows_b, _ = ranking_rows(
        stage=stage, ranks=[1, 2, 3], group_key=f"track:{farming.pk}", track=farming
    )
    snapshot_publish(stage=stage, rows=rows_a + rows_b)
    awards = awards_propose(actor=organiser, stage=stage)
    industry_awards = [a for a in awards if a.group_key == f"track:{industry.pk}"]
    farming_awards = [a for a in awards if a.group_key == f"track:{farming.pk}"]
    assert by_tier(industry_awards) == {"工业一等奖": [1, 2]}
    assert by_tier(farming_awards) == {"一等奖": [1], "二等奖": [2]}


def test_awards_propose_skips_unranked_entries(organiser, contest, stage):
    tiers(contest, 5)
    published_ranking(stage=stage, ranks=[1, None, 2])
    awards = awards_propose(actor=organiser, stage=stage)
    assert sorted(a.rank for a in awards) == [1, 2]


def test_awards_propose_uses_latest_snapshot_and_replaces_proposal(organiser, contest, stage):
    tiers(contest, 1)
    _, first_teams = published_ranking(stage=stage, ranks=[1, 2])
    first = awards_propose(actor=organiser, stage=stage)
    _, second_teams = published_ranking(stage=stage, ranks=[1, 2])
    second = awards_propose(actor=organiser, stage=stage)
    assert [a.team_id for a in first] == [first_teams[0].pk]
    assert [a.team_id for a in second] == [second_teams[0].pk]
    assert list(Award.objects.values_list("team_id", flat=True)) == [second_teams[0].pk]
    log = AuditLog.objects.filter(action="awards.propose").order_by("seq").last()
    assert log.data["replaced"] == [first[0].pk]
    assert log.data["snapshot_version"] == 2


def test_awards_propose_without_snapshot_refused(organiser, contest, stage):
    tiers(contest, 1)
    with pytest.raises(StateConflict) as exc:
        awards_propose(actor=organiser, stage=stage)
    assert exc.value.code == "no_published_results"


def test_awards_propose_tampered_snapshot_refused(organiser, contest, stage):
    tiers(contest, 1)
    snapshot, _ = published_ranking(stage=stage, ranks=[1, 2])
    snapshot.data["rows"][0]["rank"] = 2
    snapshot.save()
    with pytest.raises(StateConflict) as exc:
        awards_propose(actor=organiser, stage=stage)
    assert exc.value.code == "snapshot_tampered"


def test_awards_propose_after_notice_refused(organiser, contest, stage):
    tiers(contest, 1)
    published_ranking(stage=stage, ranks=[1, 2])
    awards = awards_propose(actor=organiser, stage=stage)
    Award.objects.filter(pk=awards[0].pk).update(status=AwardStatus.IN_NOTICE)
    with pytest.raises(StateConflict) as exc:
        awards_propose(actor=organiser, stage=stage)
    assert exc.value.code == "awards_already_published"


def test_awards_propose_by_non_organiser_refused(contest, stage):
    tiers(contest, 1)
    published_ranking(stage=stage, ranks=[1])
    with pytest.raises(NotPermitted):
        awards_propose(actor=UserFactory(), stage=stage)


def test_awards_propose_flags_names_missing_glyphs(organiser, contest, stage):
    tiers(contest, 2)
    _, teams = published_ranking(stage=stage, ranks=[1, 2])
    TeamMemberFactory(team=teams[0], user=UserFactory(real_name="王𠮷"), role=MemberRole.MEMBER)
    TeamMemberFactory(team=teams[0], user=UserFactory(real_name="李老师"), role=MemberRole.ADVISOR)
    awards = {a.team_id: a for a in awards_propose(actor=organiser, stage=stage)}
    assert awards[teams[0].pk].glyph_issues == [
        {"role": "member", "name": "王𠮷", "missing": ["𠮷"]}
    ]
    assert awards[teams[1].pk].glyph_issues == []


def test_awards_glyph_refresh_after_name_fixed(organiser, contest, stage):
    tiers(contest, 1)
    _, teams = published_ranking(stage=stage, ranks=[1])
    user = UserFactory(real_name="王𠮷")
    TeamMemberFactory(team=teams[0], user=user)
    awards_propose(actor=organiser, stage=stage)
    user.real_name = "王吉"
    user.save()
    assert awards_glyph_refresh(awards=Award.objects.all()) == 0
    assert Award.objects.get().glyph_issues == []


# --------------------------------------------------------------------------------------------
# Tiers


def test_award_tier_create_ranked_needs_one_quota(organiser, contest):
    with pytest.raises(ValidationFailed) as exc:
        award_tier_create(
            actor=organiser, contest=contest, name="一等奖", kind=AwardTierKind.RANKED
        )
    assert exc.value.code == "quota_required"
    with pytest.raises(ValidationFailed) as exc:
        award_tier_create(
            actor=organiser,
            contest=contest,
            name="一等奖",
            quota_count=3,
            quota_percent=Decimal("10"),
        )
    assert exc.value.code == "quota_required"


def test_award_tier_create_special_without_quota(organiser, contest):
    tier = award_tier_create(
        actor=organiser, contest=contest, name="技术创新奖", kind=AwardTierKind.SPECIAL
    )
    assert (tier.kind, tier.quota_count, tier.quota_percent) == ("special", None, None)


def test_award_tier_create_percent_out_of_range(organiser, contest):
    with pytest.raises(ValidationFailed) as exc:
        award_tier_create(
            actor=organiser, contest=contest, name="优秀奖", quota_percent=Decimal("120")
        )
    assert exc.value.code == "quota_percent_range"


def test_award_tier_create_track_of_other_contest_refused(organiser, contest):
    with pytest.raises(ValidationFailed) as exc:
        award_tier_create(
            actor=organiser, contest=contest, name="一等奖", quota_count=1, track=TrackFactory()
        )
    assert exc.value.code == "track_not_in_contest"


# --------------------------------------------------------------------------------------------
# Adjusting


def test_award_tier_change_recorded(organiser, contest):
    first, second = tiers(contest, 1, 1)
    award = AwardFactory(contest=contest, tier=second)
    award = award_tier_change(actor=organiser, award=award, tier=first, reason="复核后调整")
    assert award.tier == first
    log = AuditLog.objects.get(action="award.change_tier")
    assert log.reason == "复核后调整"
    assert log.data["before"]["tier"] == second.pk
    assert log.data["after"]["tier"] == first.pk
    assert audit_verify(contest=contest).ok is True


def test_award_remove_keeps_row(organiser, contest):
    award = AwardFactory(contest=contest)
    award = award_remove(actor=organiser, award=award, reason="资格不符")
    assert award.status == AwardStatus.REMOVED
    assert AuditLog.objects.get(action="award.remove").object_id == str(award.pk)


def test_award_add_special_award(organiser, contest):
    special = AwardTierFactory(
        contest=contest, name="技术创新奖", kind=AwardTierKind.SPECIAL, quota_count=None
    )
    team = TeamFactory(contest=contest)
    award = award_add(
        actor=organiser,
        contest=contest,
        tier=special,
        team=team,
        reason="评审委员会推荐",
    )
    assert (award.tier, award.team, award.status) == (special, team, AwardStatus.PROPOSED)


def test_award_add_organiser_award_to_organisation(organiser, contest):
    tier = AwardTierFactory(
        contest=contest, name="优秀组织奖", kind=AwardTierKind.ORGANISER, quota_count=None
    )
    org = OrganisationFactory(name="某市数据局")
    award = award_add(
        actor=organiser,
        contest=contest,
        tier=tier,
        organisation=org,
        reason="组织得力",
    )
    assert (award.organisation, award.team) == (org, None)


def test_award_add_duplicate_refused(organiser, contest):
    award = AwardFactory(contest=contest)
    with pytest.raises(StateConflict) as exc:
        award_add(
            actor=organiser,
            contest=contest,
            tier=award.tier,
            team=award.team,
            reason="重复",
        )
    assert exc.value.code == "award_exists"


def test_award_remove_without_reason_refused(organiser, contest):
    award = AwardFactory(contest=contest)
    with pytest.raises(ValidationFailed) as exc:
        award_remove(actor=organiser, award=award, reason="  ")
    assert exc.value.code == "reason_required"


def test_award_remove_in_notice_without_objection_refused(organiser, contest):
    award = AwardFactory(contest=contest, status=AwardStatus.IN_NOTICE)
    with pytest.raises(StateConflict) as exc:
        award_remove(actor=organiser, award=award, reason="撤销")
    assert exc.value.code == "award_in_notice"


def test_award_remove_in_notice_with_objection_allowed(organiser, contest):
    notice = NoticeFactory(contest=contest, created_by=organiser)
    award = AwardFactory(contest=contest, status=AwardStatus.IN_NOTICE, notice=notice)
    objection = ObjectionFactory(notice=notice, award=award)
    award = award_remove(actor=organiser, award=award, reason="异议成立", objection=objection)
    assert award.status == AwardStatus.REMOVED
    assert AuditLog.objects.get(action="award.remove").data["objection"] == objection.pk


def test_award_remove_final_refused(organiser, contest):
    award = AwardFactory(contest=contest, status=AwardStatus.FINAL)
    with pytest.raises(StateConflict) as exc:
        award_remove(actor=organiser, award=award, reason="撤销")
    assert exc.value.code == "award_final"


def test_award_remove_by_stranger_refused(contest):
    award = AwardFactory(contest=contest)
    with pytest.raises(NotPermitted):
        award_remove(actor=UserFactory(), award=award, reason="撤销")
