"""Blind means blind (issue 9): the organiser's anonymity check of a blind stage finds the
team's own organisations and members in the summary and in a PDF's text, with where; a redaction
shows in the judge's view; everyone else is refused and nothing changes."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from contest.enums import MemberRole
from contest.models import EntryFile
from judging.models import AuditLog
from judging.models.assignment import EntryRedaction
from tests.factories.contest import OrganisationFactory, TeamMemberFactory, UserFactory
from tests.factories.judging import build_world

UNIVERSITY = "南京航空航天大学"
MEMBER = "王晓明"


def pdf_with_text(lines: list[str]) -> bytes:
    """A real PDF whose text layer holds ``lines`` (CJK font embedded, so pypdf reads it back)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = Path(settings.BASE_DIR) / "awards" / "fonts" / "wqy-microhei.ttc"
    if not font.exists():
        pytest.skip("CJK font missing")
    if "AnonTestWQY" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("AnonTestWQY", str(font), subfontIndex=0))
    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.showPage()  # page 1: a cover without text
    c.setFont("AnonTestWQY", 12)
    for i, line in enumerate(lines):
        c.drawString(72, 760 - 20 * i, line)
    c.showPage()
    c.save()
    return out.getvalue()


@pytest.fixture
def world(db):
    w = build_world(blind=True)
    uni = OrganisationFactory(name=UNIVERSITY)
    TeamMemberFactory(
        team=w.team,
        role=MemberRole.ADVISOR,
        user=UserFactory(real_name=MEMBER, organisation=uni),
    )
    w.entry.summary = f"本项目由{UNIVERSITY}智能交通实验室研发，面向港口调度。"
    w.entry.save()
    pdf = pdf_with_text(["方案书", "申报单位：江苏星河数据科技有限公司", "负责人：某某"])
    EntryFile.objects.filter(pk=w.entry_file.pk).update(size=len(pdf))
    w.entry_file.file.save("plan-text.pdf", SimpleUploadedFile("plan.pdf", pdf), save=True)
    return w


def check(client, stage):
    return client.get(f"/api/stages/{stage.pk}/anonymity-check/")


def test_check_finds_the_university_in_the_summary_and_the_lead_in_the_pdf(client_for, world):
    response = check(client_for(world.organiser), world.stage)

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["entries_checked"], body["entries_flagged"]) == (1, 1)
    (entry,) = body["entries"]
    assert entry["entry"] == world.entry.pk
    found = {(f["where"], f["term"], f["kind"]) for f in entry["findings"]}
    assert ("summary", UNIVERSITY, "organisation") in found
    in_pdf = [f for f in entry["findings"] if f["where"] == "file"]
    assert {f["term"] for f in in_pdf} >= {"江苏星河数据科技有限公司"}
    assert all((f["file"], f["page"]) == (world.entry_file.pk, 2) for f in in_pdf)
    summary_hit = next(f for f in entry["findings"] if f["term"] == UNIVERSITY)
    assert UNIVERSITY in summary_hit["excerpt"]
    assert ("title", MEMBER, "member") not in found  # the title names nobody


def test_check_finds_a_member_real_name_and_a_docx_text(client_for, world):
    import zipfile

    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr(
            "word/document.xml",
            '<w:document xmlns:w="x"><w:body><w:p><w:r><w:t>项目负责人：王</w:t></w:r>'
            '<w:r><w:t xml:space="preserve">晓明</w:t></w:r></w:p></w:body></w:document>',
        )
    data = docx.getvalue()
    f = EntryFile(
        entry=world.entry,
        kind="other",
        version=1,
        is_current=True,
        original_name="附件.docx",
        file_type="docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=len(data),
        sha256="1" * 64,
        uploaded_by=world.team.captain,
    )
    f.file.save("a.docx", SimpleUploadedFile("a.docx", data), save=True)

    body = check(client_for(world.organiser), world.stage).json()

    (entry,) = body["entries"]
    hits = [x for x in entry["findings"] if x.get("file") == f.pk]
    assert [(x["term"], x["kind"], x["page"]) for x in hits] == [(MEMBER, "member", None)]


def test_check_refused_on_an_open_stage(client_for, world):
    world.stage.blind = False
    world.stage.save()

    response = check(client_for(world.organiser), world.stage)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "stage_not_blind"
    assert body["message_en"] == "The stage is not blind: there is nothing to anonymise."


def test_check_is_404_for_the_judge_and_the_team(client_for, world):
    for user in (world.judge, world.team.captain):
        assert check(client_for(user), world.stage).status_code == 404


def redact(client, world, terms, **extra):
    return client.post(
        f"/api/stages/{world.stage.pk}/redactions/",
        {"entry": world.entry.pk, "terms": terms, **extra},
        format="json",
    )


def test_redaction_shows_in_the_judges_view_and_is_on_the_chain(client_for, world):
    judge = client_for(world.judge)
    before = judge.get(f"/api/judge/assignments/{world.assignment.pk}/").json()
    assert UNIVERSITY in before["summary"]
    audit_before = AuditLog.objects.filter(action="entry.redact").count()

    response = redact(client_for(world.organiser), world, [UNIVERSITY], reason="摘要含校名")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["terms"] == [UNIVERSITY]
    assert body["summary"] == "本项目由■■智能交通实验室研发，面向港口调度。"
    after = judge.get(f"/api/judge/assignments/{world.assignment.pk}/").json()
    assert after["summary"] == "本项目由■■智能交通实验室研发，面向港口调度。"
    assert UNIVERSITY not in after["summary"]
    listed = judge.get("/api/judge/assignments/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["title"] for r in rows] == [world.entry.title]
    world.entry.refresh_from_db()
    assert UNIVERSITY in world.entry.summary  # the team's own text is kept
    log = AuditLog.objects.filter(action="entry.redact").latest("seq")
    assert AuditLog.objects.filter(action="entry.redact").count() == audit_before + 1
    assert (log.actor_id, log.reason, log.data["added"]) == (
        world.organiser.pk,
        "摘要含校名",
        [UNIVERSITY],
    )
    # The check no longer reports the redacted summary.
    findings = check(client_for(world.organiser), world.stage).json()["entries"][0]["findings"]
    assert not [f for f in findings if f["where"] == "summary"]


def test_redaction_of_a_term_not_in_the_text_is_refused_and_changes_nothing(client_for, world):
    response = redact(client_for(world.organiser), world, ["清华大学"])

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "redaction_term_absent"
    assert body["message_en"] == "“清华大学” does not occur in the entry's title or summary."
    assert EntryRedaction.objects.count() == 0


def test_redaction_needs_terms(client_for, world):
    response = redact(client_for(world.organiser), world, ["  "])

    assert response.status_code == 400
    assert response.json()["code"] == "redaction_terms_required"
    assert response.json()["message_en"] == "Give the terms to redact."
    assert EntryRedaction.objects.count() == 0


def test_redaction_by_the_judge_is_404_and_changes_nothing(client_for, world):
    response = redact(client_for(world.judge), world, [UNIVERSITY])

    assert response.status_code == 404
    assert EntryRedaction.objects.count() == 0
