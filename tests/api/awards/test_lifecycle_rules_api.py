"""Issue 9 through the API: notices that open now and last the contest's minimum, finalising
only after every notice of the list closes with no objection open, upheld objections with their
consequence, quotas with an explicit override, unique serial prefixes, batches that fail loudly,
replacement certificates, and the correction's consequences (snapshot_withdrawn)."""

import datetime as dt

import pytest
from django.utils import timezone

from awards.enums import AwardStatus, BatchStatus, CertificateStatus, NoticeStatus
from awards.models import Award, AwardSettings, Certificate, CertificateTemplate, Notice
from judging.enums import SnapshotStatus
from judging.models import AuditLog
from judging.services.audit import audit_verify
from judging.signals import snapshot_withdrawn
from tests.api.helpers import assert_error
from tests.factories.awards import (
    AwardFactory,
    ObjectionFactory,
    published_ranking,
)
from tests.factories.contest import ContestFactory, StageFactory, TeamFactory


def _close(notice):
    Notice.objects.filter(pk=notice.pk).update(
        opens_at=timezone.now() - dt.timedelta(days=10),
        closes_at=timezone.now() - dt.timedelta(seconds=1),
    )


# --------------------------------------------------------------------------------------------
# Notices


def test_notice_opens_at_in_past_refused(client_for, organiser, contest, team, tiers):
    AwardFactory(contest=contest, tier=tiers[0], team=team)
    past = (timezone.now() - dt.timedelta(days=30)).isoformat()
    response = client_for(organiser).post(
        "/api/notices/",
        {"contest": contest.pk, "days": 5, "working_days": True, "opens_at": past},
        format="json",
    )
    body = assert_error(response, 400, "notice_opens_in_past")
    assert body["message_en"].startswith("A notice opens now or later, never in the past")
    assert Notice.objects.count() == 0
    assert Award.objects.get().status == AwardStatus.PROPOSED


def test_notice_shorter_than_contest_minimum_refused(client_for, organiser, contest, team, tiers):
    AwardFactory(contest=contest, tier=tiers[0], team=team)
    client = client_for(organiser)
    response = client.post(
        "/api/notices/", {"contest": contest.pk, "days": 3, "working_days": True}
    )
    body = assert_error(response, 400, "notice_too_short")
    assert body["details"]["min_days"] == 5
    assert "at least 5" in body["message_en"]
    assert Notice.objects.count() == 0
    # calendar days never reach 5 working days in fewer than 5 days
    response = client.post(
        "/api/notices/", {"contest": contest.pk, "days": 4, "working_days": False}
    )
    assert_error(response, 400, "notice_too_short")
    assert Notice.objects.count() == 0


def test_award_settings_raise_the_minimum(client_for, organiser, stranger, contest, team, tiers):
    AwardFactory(contest=contest, tier=tiers[0], team=team)
    client = client_for(organiser)
    assert client.get(f"/api/contests/{contest.pk}/award-settings/").json()["notice_min_days"] == 5
    denied = client_for(stranger).patch(
        f"/api/contests/{contest.pk}/award-settings/", {"notice_min_days": 1}, format="json"
    )
    assert denied.status_code in (403, 404)
    assert AwardSettings.objects.count() == 0
    response = client.patch(
        f"/api/contests/{contest.pk}/award-settings/",
        {"notice_min_days": 7, "notice_min_working_days": True},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert AuditLog.objects.filter(action="award_settings.update").count() == 1
    response = client.post(
        "/api/notices/", {"contest": contest.pk, "days": 5, "working_days": True}
    )
    assert assert_error(response, 400, "notice_too_short")["details"]["min_days"] == 7
    response = client.post(
        "/api/notices/", {"contest": contest.pk, "days": 7, "working_days": True}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert timezone.datetime.fromisoformat(body["opens_at"]) >= Notice.objects.get().created_at


def test_finalise_before_close_and_with_open_objection_refused(client_for, organiser, notice):
    client = client_for(organiser)
    body = assert_error(
        client.post(f"/api/notices/{notice.pk}/finalise/"), 409, "notice_window_open"
    )
    assert body["message_en"].startswith("The notice period runs until")
    ObjectionFactory(notice=notice)
    _close(notice)
    assert_error(client.post(f"/api/notices/{notice.pk}/finalise/"), 409, "objections_open")
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.OPEN
    assert notice.awards.get().status == AwardStatus.IN_NOTICE


def test_final_list_shows_the_chain_head(client_for, api_client, organiser, notice, contest):
    _close(notice)
    response = client_for(organiser).post(f"/api/notices/{notice.pk}/finalise/")
    assert response.status_code == 200, response.content
    head = AuditLog.objects.filter(contest=contest).order_by("-seq").first()
    public = api_client.get(f"/api/notices/{notice.pk}/").json()
    assert (public["chain_head"], public["chain_rows"]) == (head.hash, head.seq)
    assert head.action == "notice.finalise"
    check = audit_verify(contest=contest)
    assert check.ok and check.rows == public["chain_rows"]


# --------------------------------------------------------------------------------------------
# Objections


def test_upheld_without_consequence_refused(client_for, organiser, notice):
    objection = ObjectionFactory(notice=notice, award=notice.awards.get())
    response = client_for(organiser).post(
        f"/api/objections/{objection.pk}/resolve/",
        {"decision": "upheld", "resolution": "异议属实"},
        format="json",
    )
    body = assert_error(response, 400, "consequence_required")
    assert body["message_en"].startswith("An upheld objection needs its consequence")
    objection.refresh_from_db()
    assert objection.status == "open"
    assert Notice.objects.count() == 1


def test_upheld_with_no_change_and_reason(client_for, organiser, notice):
    objection = ObjectionFactory(notice=notice, award=notice.awards.get())
    response = client_for(organiser).post(
        f"/api/objections/{objection.pk}/resolve/",
        {"decision": "upheld", "resolution": "异议部分属实，但不影响获奖等级。", "no_change": True},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert Notice.objects.count() == 1  # nothing changed: no notice of a changed part
    assert AuditLog.objects.get(action="objection.upheld").data["no_change"] is True


def test_upheld_removal_revokes_certificates_and_opens_follow_up(
    client_for, api_client, organiser, notice, contest
):
    award = notice.awards.get()
    certificate = Certificate.objects.create(
        contest=contest,
        award=award,
        seq=1,
        serial="TEST2026-000001",
        recipient_role="team",
        team=award.team,
        recipient_name=award.team.name,
        award_name=award.tier.name,
        contest_name=contest.name,
        issue_date=dt.date(2026, 5, 1),
        signature="x",
    )
    objection = ObjectionFactory(notice=notice, award=award)
    response = client_for(organiser).post(
        f"/api/objections/{objection.pk}/resolve/",
        {
            "decision": "upheld",
            "resolution": "作品抄袭，取消其一等奖。",
            "changes": [{"action": "remove", "award": award.pk}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    award.refresh_from_db()
    certificate.refresh_from_db()
    assert award.status == AwardStatus.REMOVED
    assert certificate.status == CertificateStatus.REVOKED
    assert "作品抄袭" in certificate.revoke_reason
    follow_up = Notice.objects.get(follows=notice)
    public = api_client.get(f"/api/notices/{follow_up.pk}/").json()
    assert public["follows"] == notice.pk
    assert [(c["action"], c["award"]) for c in public["changes"]] == [("remove", award.pk)]
    assert follow_up.closes_at >= follow_up.opens_at + dt.timedelta(days=5)
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"award.remove", "certificate.revoke", "notice.open", "objection.upheld"} <= actions


# --------------------------------------------------------------------------------------------
# Quotas


def test_over_quota_hand_add_refused_then_override_accepted(
    client_for, organiser, contest, team, tiers
):
    AwardFactory(contest=contest, tier=tiers[0], team=team)  # 一等奖 quota 1: full
    other = TeamFactory(contest=contest)
    client = client_for(organiser)
    payload = {"contest": contest.pk, "tier": tiers[0].pk, "team": other.pk, "reason": "补评"}
    body = assert_error(
        client.post("/api/awards/", payload, format="json"), 409, "award_quota_exceeded"
    )
    assert body["details"] == {"tier": tiers[0].pk, "quota": 1, "count": 1}
    assert body["message_en"].startswith("The tier 一等奖 allows 1 award(s) here and 1 are given")
    assert Award.objects.count() == 1
    payload["quota_override_reason"] = "并列第一，经评审委员会决议增设一名。"
    response = client.post("/api/awards/", payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["quota_override"], body["quota_override_reason"]) == (
        True,
        "并列第一，经评审委员会决议增设一名。",
    )
    listed = client.get(f"/api/awards/?contest={contest.pk}").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["quota_override"] for r in rows if r["team"] == other.pk] == [True]
    log = AuditLog.objects.get(action="award.add")
    assert log.data["after"]["quota_override_reason"] == payload["quota_override_reason"]


def test_over_quota_tier_change_refused(client_for, organiser, contest, team, tiers):
    AwardFactory(contest=contest, tier=tiers[0], team=team)
    moved = AwardFactory(contest=contest, tier=tiers[1])
    response = client_for(organiser).post(
        f"/api/awards/{moved.pk}/change-tier/", {"tier": tiers[0].pk, "reason": "x"}, format="json"
    )
    assert_error(response, 409, "award_quota_exceeded")
    moved.refresh_from_db()
    assert moved.tier == tiers[1]


# --------------------------------------------------------------------------------------------
# Certificates


def test_duplicate_serial_prefix_across_contests_refused(client_for, organiser, contest):
    other = ContestFactory()
    CertificateTemplate.objects.create(contest=other, serial_prefix="SJYS")
    response = client_for(organiser).patch(
        f"/api/contests/{contest.pk}/certificate-template/",
        {"serial_prefix": "sjys"},
        format="json",
    )
    body = assert_error(response, 409, "serial_prefix_taken")
    assert body["message_en"] == "The serial prefix SJYS is already used by another contest."
    assert (
        not CertificateTemplate.objects.filter(contest=contest).exclude(serial_prefix="").exists()
    )


def test_batch_that_cannot_render_ends_failed_with_the_reason(
    client_for, organiser, contest, final_award, member, advisor, django_capture_on_commit_callbacks
):
    # The template's background image has gone from storage (a restore that missed the media
    # volume, say): no row can be rendered. Serials are random now, so a clash with another
    # contest's serials, which this test used before, cannot be arranged.
    CertificateTemplate.objects.create(
        contest=contest, background="certificates/templates/gone.png", background_sha256="0" * 64
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/")
    assert response.status_code == 202, response.content
    batch = client_for(organiser).get(f"/api/certificate-batches/{response.json()['id']}/").json()
    assert (batch["status"], batch["done"], batch["issued"]) == (BatchStatus.FAILED, 0, 0)
    assert batch["total"] == 4 and "gone.png" in batch["error"]
    assert Certificate.objects.filter(contest=contest).count() == 0
    # Fixed (the background removed), the next run issues every certificate.
    CertificateTemplate.objects.filter(contest=contest).update(background="", background_sha256="")
    with django_capture_on_commit_callbacks(execute=True):
        again = client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/")
    rerun = client_for(organiser).get(f"/api/certificate-batches/{again.json()['id']}/").json()
    assert (rerun["status"], rerun["issued"], rerun["failed"]) == (BatchStatus.DONE, 4, 0)


def test_replacement_certificate_linked_both_ways(
    client_for, api_client, organiser, issued, member
):
    old = issued[f"member:{member.real_name}"]
    client = client_for(organiser)
    not_revoked = client.post(f"/api/certificates/{old.pk}/replace/", {"reason": "姓名有误"})
    assert_error(not_revoked, 409, "certificate_not_revoked")
    assert Certificate.objects.count() == len(issued)
    client.post(f"/api/certificates/{old.pk}/revoke/", {"reason": "姓名录入错误"})
    response = client.post(
        f"/api/certificates/{old.pk}/replace/",
        {"reason": "更正姓名", "recipient_name": "张三丰"},
        format="json",
    )
    assert response.status_code == 201, response.content
    new = response.json()
    assert (new["replaces"], new["recipient_name"], new["status"]) == (
        old.serial,
        "张三丰",
        "issued",
    )
    assert new["serial"] != old.serial
    listed = client.get(f"/api/certificates/?contest={old.contest_id}").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["replaced_by"] for r in rows if r["serial"] == old.serial] == [new["serial"]]
    verify = api_client.get(f"/api/certificates/verify/{old.serial}/").json()
    assert (verify["status"], verify["valid"], verify["revoke_reason"], verify["replaced_by"]) == (
        "revoked",
        False,
        "姓名录入错误",
        new["serial"],
    )
    assert api_client.get(f"/api/certificates/verify/{new['serial']}/").json()["valid"] is True
    again = client.post(f"/api/certificates/{old.pk}/replace/", {"reason": "再补"})
    assert_error(again, 409, "certificate_already_replaced")
    assert AuditLog.objects.filter(action="certificate.replace").count() == 1


def test_replace_by_stranger_is_not_found(client_for, stranger, issued, member):
    old = issued[f"member:{member.real_name}"]
    response = client_for(stranger).post(f"/api/certificates/{old.pk}/replace/", {"reason": "x"})
    assert response.status_code == 404
    assert Certificate.objects.count() == len(issued)


# --------------------------------------------------------------------------------------------
# The correction's consequences


@pytest.fixture
def corrected(contest, organiser, tiers):
    """Four ranked teams in a stage's published snapshot v1."""
    stage = StageFactory(contest=contest, order=1)
    snapshot, teams = published_ranking(stage=stage, ranks=[1, 2, 3, 4])
    return stage, snapshot, teams


def test_stale_awards_after_snapshot_withdrawn_and_reproposal(
    client_for, api_client, organiser, contest, tiers, corrected
):
    stage, v1, teams = corrected
    client = client_for(organiser)
    assert client.post("/api/awards/propose/", {"stage": stage.pk}).status_code == 201
    # 一等奖 quota 1: teams[0]; 二等奖 quota 2: teams[1], teams[2]
    notice = client.post("/api/notices/", {"stage": stage.pk, "days": 5, "working_days": True})
    assert notice.status_code == 201, notice.content
    notice_id = notice.json()["id"]
    _close(Notice.objects.get(pk=notice_id))
    assert client.post(f"/api/notices/{notice_id}/finalise/").status_code == 200
    first = Award.objects.get(team=teams[0])
    team_cert = Certificate.objects.create(
        contest=contest,
        award=Award.objects.get(team=teams[2]),
        seq=1,
        serial="STALE2026-000001",
        recipient_role="team",
        team=teams[2],
        recipient_name=teams[2].name,
        award_name="二等奖",
        contest_name=contest.name,
        issue_date=dt.date(2026, 5, 1),
        signature="x",
    )
    kept_cert = Certificate.objects.create(
        contest=contest,
        award=first,
        seq=2,
        serial="STALE2026-000002",
        recipient_role="team",
        team=teams[0],
        recipient_name=teams[0].name,
        award_name="一等奖",
        contest_name=contest.name,
        issue_date=dt.date(2026, 5, 1),
        signature="x",
    )

    v1.status = SnapshotStatus.WITHDRAWN
    v1.save(update_fields=["status"])
    snapshot_withdrawn.send(
        sender=type(v1), snapshot=v1, reason="第3名评分录入错误", actor=organiser
    )

    statuses = set(Award.objects.filter(snapshot=v1).values_list("status", flat=True))
    assert statuses == {AwardStatus.STALE}
    listed = client.get(f"/api/awards/?stage={stage.pk}").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert {r["stale_reason"] for r in rows} == {"第3名评分录入错误"}
    assert AuditLog.objects.filter(action="awards.stale").count() == 1
    # stale awards cannot be noticed or get certificates
    refused = client.post("/api/notices/", {"stage": stage.pk, "days": 5, "working_days": True})
    assert assert_error(refused, 409, "stale_awards_pending")["details"] == {"stale_awards": 3}
    assert_error(
        client.post(f"/api/contests/{contest.pk}/certificates/issue/"), 409, "no_final_awards"
    )

    # v2: teams[3] moves up to 2nd; teams[2] falls out of the awards
    rows_v2 = [dict(r) for r in v1.data["rows"]]
    new_rank = {teams[0].pk: 1, teams[1].pk: 3, teams[2].pk: 4, teams[3].pk: 2}
    for row in rows_v2:
        row["rank"] = new_rank[row["team"]]
    from tests.factories.awards import snapshot_publish

    snapshot_publish(stage=stage, rows=rows_v2)
    response = client.post("/api/awards/propose/", {"stage": stage.pk})
    assert response.status_code == 201, response.content

    first.refresh_from_db()
    kept_cert.refresh_from_db()
    team_cert.refresh_from_db()
    assert (first.status, kept_cert.status) == (AwardStatus.FINAL, CertificateStatus.ISSUED)
    assert team_cert.status == CertificateStatus.REVOKED
    assert "第3名评分录入错误" in team_cert.revoke_reason
    removed = Award.objects.get(team=teams[2], tier=tiers[1])
    assert removed.status == AwardStatus.REMOVED
    assert Award.objects.get(team=teams[3]).status == AwardStatus.IN_NOTICE
    follow_up = Notice.objects.get(follows_id=notice_id)
    public = api_client.get(f"/api/notices/{follow_up.pk}/").json()
    assert {a["team_name"] for a in public["awards"]} == {teams[3].name}
    assert ("remove", removed.pk) in {(c["action"], c["award"]) for c in public["changes"]}
    assert audit_verify(contest=contest).ok


def test_stale_notice_refuses_objections(
    client_for, organiser, stranger, contest, tiers, corrected
):
    stage, v1, teams = corrected
    client = client_for(organiser)
    client.post("/api/awards/propose/", {"stage": stage.pk})
    notice = client.post("/api/notices/", {"stage": stage.pk, "days": 5, "working_days": True})
    notice_id = notice.json()["id"]
    snapshot_withdrawn.send(sender=type(v1), snapshot=v1, reason="更正", actor=organiser)
    assert Notice.objects.get(pk=notice_id).status == NoticeStatus.STALE
    stranger.real_name = "异议人"
    stranger.save()
    response = client_for(stranger).post(
        "/api/objections/",
        {"notice": notice_id, "reason": "r", "contact": "c"},
        format="multipart",
    )
    assert_error(response, 409, "notice_stale")
    assert_error(client.post(f"/api/notices/{notice_id}/finalise/"), 409, "notice_stale")
