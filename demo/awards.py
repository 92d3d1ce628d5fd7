"""After the reviews: results, promotion to the final and recommendation to the national contest,
awards, the public notice, and the certificates."""

from __future__ import annotations

import io

from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards.certificates.signing import signing_key
from awards.enums import AwardTierKind, BatchStatus
from awards.models import Award, Certificate
from awards.services.award import award_add, award_tier_create, awards_propose
from awards.services.certificate_batch import certificate_batch_run, certificates_issue
from awards.services.certificate_template import certificate_template_update
from awards.services.notice import notice_finalise, notice_open
from contest.enums import MemberRole
from contest.models import Entry, Team, TeamMember
from demo.state import DemoState
from judging.enums import PromotionRule
from judging.models import EntryResult
from judging.services.promotion import promotion_apply, recommendation_create
from judging.services.result import ranking_compute, results_publish


def results_and_awards(seed: DemoState) -> None:
    seed.step("成绩计算与发布 results computed and published")
    results(seed)
    seed.step("晋级决赛与推荐全国 promotion and recommendation")
    promotion(seed)
    seed.step("拟奖 awards proposed")
    award_list(seed)
    seed.step("公示与确定 notice opened and finalised")
    notice(seed)
    seed.step("证书 certificates issued")
    certificates(seed)


def winner_join(seed: DemoState, team: Team) -> None:
    """The winner login joins an awarded team (a roster row: no invitation round-trip in a demo)."""
    TeamMember.objects.create(
        team=team,
        contest=seed.contest,
        user=seed.winner,
        role=MemberRole.MEMBER,
        order=20,
        title="数据工程师",
    )


def results(seed: DemoState) -> None:
    summary = ranking_compute(stage=seed.stage_prelim, actor=seed.organiser)
    seed.snapshot = results_publish(actor=seed.organiser, stage=seed.stage_prelim)
    seed.built.counts["results_ranked"] = summary.ranked


def promotion(seed: DemoState) -> None:
    promotion_apply(
        actor=seed.organiser,
        from_stage=seed.stage_prelim,
        to_stage=seed.stage_final,
        rule=PromotionRule.TOP_N,
        n=2,
    )
    seed.built.counts["finalists"] = Entry.objects.filter(stage=seed.stage_final).count()
    top = list(
        EntryResult.objects.filter(stage=seed.stage_prelim, rank=1)
        .order_by("group_key")
        .values_list("entry_id", flat=True)[: seed.national.promotion_quota or 10]
    )
    recommendation_create(
        actor=seed.organiser,
        contest=seed.contest,
        entry_ids=top[:8],
        reason="初赛各赛道第一名，择优推荐参加全国总决赛。",
    )
    seed.built.counts["recommended"] = len(top[:8])


def award_list(seed: DemoState) -> None:
    """Three ranked tiers proposed from the published results, and one special award by hand."""
    actor = seed.organiser
    for order, (name, quota) in enumerate((("一等奖", 1), ("二等奖", 1), ("三等奖", 2)), 1):
        award_tier_create(
            actor=actor,
            contest=seed.contest,
            name=name,
            kind=AwardTierKind.RANKED,
            quota_count=quota,
            order=order,
        )
    special = award_tier_create(
        actor=actor,
        contest=seed.contest,
        name="技术创新奖",
        kind=AwardTierKind.SPECIAL,
        order=10,
    )
    proposed = awards_propose(actor=actor, stage=seed.stage_prelim)
    industry = seed.tracks["工业制造"].pk
    mine = sorted(
        (a for a in proposed if a.team.track_id == industry),
        key=lambda a: (a.tier.order, a.rank or 99),
    )
    seed.winner_team = mine[0].team if mine else proposed[0].team
    winner_join(seed, seed.winner_team)
    unawarded = (
        Team.objects.filter(contest=seed.contest, entries__stage=seed.stage_prelim)
        .exclude(pk__in=[a.team_id for a in proposed])
        .exclude(pk=seed.showcase.pk)
        .order_by("code")
        .first()
    )
    if unawarded is not None:
        award_add(
            actor=actor,
            reason="评审委员会推荐：数据融合技术路线具有突出创新性。",
            contest=seed.contest,
            tier=special,
            team=unawarded,
        )
    seed.built.counts["awards"] = Award.objects.filter(contest=seed.contest).count()


def notice(seed: DemoState) -> None:
    opened = notice_open(
        actor=seed.organiser,
        contest=seed.contest,
        days=5,
        working_days=True,
        opens_at=seed.days(-12),
        now=seed.days(-12),  # the seed's timeline: the notice was opened 12 days ago
        title="2026年“数据要素×”大赛江苏分赛初赛拟获奖名单公示",
    )
    notice_finalise(actor=seed.organiser, notice=opened)


def certificates(seed: DemoState) -> None:
    """Issue the certificates. `certificates_issue` hands the batch to a task after the commit;
    the demo runs the batch in-process, inside its transaction (the task then finds it done)."""
    try:
        signing_key()
    except ImproperlyConfigured as exc:  # DEBUG off and CERTIFICATE_SIGNING_KEY empty
        seed.skip(f"证书 certificates: {exc}")
        return
    certificate_template_update(
        actor=seed.organiser,
        contest=seed.contest,
        issuing_bodies=["江苏省数据局", "江苏省工业和信息化厅"],
        serial_prefix="SJYSJS",
        issue_date=timezone.localdate(),
        # The demo "organiser" uploads a sample seal, marked as one, and confirms the right to use
        # it like a real organiser would; the software itself never draws a seal.
        seal=sample_seal_png(),
        seal_right_confirmed=True,
    )
    batch = certificates_issue(actor=seed.organiser, contest=seed.contest)
    certificate_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    if batch.status != BatchStatus.DONE:
        raise RuntimeError(f"certificate batch {batch.status}: {batch.error}")
    seed.built.counts["certificates"] = Certificate.objects.filter(contest=seed.contest).count()


SAMPLE_MARK = "样例 SAMPLE"


def sample_seal_png(size: int = 480) -> SimpleUploadedFile:
    """The demo organiser's seal image: a plain ring with "样例 SAMPLE" drawn across it in black,
    so no one can take a demo certificate for an issued one. Demo data, not a certificate feature."""
    from PIL import Image, ImageDraw, ImageFont

    from awards.certificates.fonts import FONT_PATH

    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 22, 29, 230)
    draw.ellipse([8, 8, size - 8, size - 8], outline=red, width=size // 24)
    draw.text(
        (size / 2, size * 0.3),
        "演示用印",
        fill=red,
        anchor="mm",
        font=ImageFont.truetype(str(FONT_PATH), size // 9, index=0),
    )
    band = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    band_draw = ImageDraw.Draw(band)
    band_draw.rectangle([0, size * 0.42, size, size * 0.62], fill=(255, 255, 255, 235))
    band_draw.text(
        (size / 2, size * 0.52),
        SAMPLE_MARK,
        fill=(0, 0, 0, 255),
        anchor="mm",
        font=ImageFont.truetype(str(FONT_PATH), size // 8, index=0),
    )
    image = Image.alpha_composite(image, band.rotate(20, resample=Image.BICUBIC))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("sample-seal.png", buffer.getvalue(), content_type="image/png")
