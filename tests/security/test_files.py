"""Hostile files and exports (issue 10, part 3 and the spreadsheet part of 8): archives and PDFs
that inflate, PDFs that do not parse, images with too many pixels, size limits per kind of file,
and spreadsheet / CSV cells that a spreadsheet would run as formulas."""

import csv
import io
import os
import time
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image

from awards.certificates.signing import generate_signing_key_b64
from awards.enums import AwardStatus
from awards.models import Certificate, CertificateTemplate
from contest.exports import cell_neutralise
from contest.files import pdf_inflated_size
from contest.models import EntryFile
from judging.anonymise import ooxml_strip_stream
from tests.api.helpers import PDF_BYTES, assert_error, docx_bytes, row_counts, upload
from tests.api.test_results_api import judges, scored, track, url  # noqa: F401 (fixtures)
from tests.factories.awards import AwardFactory, AwardTierFactory
from tests.factories.contest import EntryFactory
from tests.factories.judging import build_world

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024
HOSTILE_NAME = '=HYPERLINK("http://x")'
MP4_BYTES = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200


def _zeros_deflated(size: int) -> bytes:
    """`size` zero bytes deflated (raw zlib stream), built in 1 MiB steps."""
    packer = zlib.compressobj(9)
    block = bytes(MiB)
    parts = [packer.compress(block) for _ in range(size // MiB)]
    parts.append(packer.flush())
    return b"".join(parts)


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    """A .docx of about 1 MB whose document.xml inflates to 1 GiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            block = bytes(MiB)
            for _ in range(1024):
                member.write(block)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def pdf_bomb() -> bytes:
    """A PDF of about 1 MB with a Flate content stream that inflates to 1 GiB."""
    body = _zeros_deflated(1024 * MiB)
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
        + f"4 0 obj << /Length {len(body)} /Filter /FlateDecode >>\nstream\n".encode()
        + body
        + b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def _stored_files(settings) -> list[str]:
    found = []
    for root, _, names in os.walk(settings.MEDIA_ROOT):
        found.extend(os.path.join(root, n) for n in names)
    return found


@pytest.fixture
def entry(team, stage):
    return EntryFactory(team=team, stage=stage, title="城市数据融合平台")


def _upload(client, entry, name, content, kind="plan"):
    return client.post(
        f"/api/entries/{entry.pk}/files/",
        {"kind": kind, "file": upload(name, content)},
        format="multipart",
    )


# --------------------------------------------------------------------------------------------
# Archives: total uncompressed size and ratio, from the central directory, at upload


def test_docx_bomb_refused_and_nothing_stored(client_for, captain, entry, settings, docx_bomb):
    assert len(docx_bomb) < 2 * MiB
    before = row_counts()
    started = time.process_time()
    body = assert_error(
        _upload(client_for(captain), entry, "plan.docx", docx_bomb), 400, "archive_too_large"
    )
    assert time.process_time() - started < 1  # CPU time: the shared CI machine is loaded
    assert body["message_en"] == "The archive inflates to 1024 MB; the limit is 512 MB."
    assert body["fields"] == {"file": ["archive_too_large"]}
    assert row_counts() == before
    assert EntryFile.objects.count() == 0
    assert _stored_files(settings) == []


def test_archive_ratio_refused(client_for, captain, entry, settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", bytes(40 * MiB))
    before = row_counts()
    body = assert_error(
        _upload(client_for(captain), entry, "plan.docx", buffer.getvalue()), 400, "archive_ratio"
    )
    assert body["message_en"].endswith("; at most 100:1 is accepted.")
    assert row_counts() == before
    assert _stored_files(settings) == []


def test_archive_member_count_refused(client_for, captain, entry, settings):
    settings.ARCHIVE_MAX_MEMBERS = 3
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for i in range(4):
            archive.writestr(f"word/part{i}.xml", "<w/>")
    before = row_counts()
    body = assert_error(
        _upload(client_for(captain), entry, "plan.docx", buffer.getvalue()),
        400,
        "archive_too_many_members",
    )
    assert body["message_en"] == "The archive holds 5 files; the limit is 3."
    assert row_counts() == before


def test_ordinary_docx_still_accepted(client_for, captain, entry):
    response = _upload(client_for(captain), entry, "plan.docx", docx_bytes())
    assert response.status_code == 201, response.content
    assert EntryFile.objects.get().file_type == "docx"


# --------------------------------------------------------------------------------------------
# Size limits per kind of file


def test_size_limits_per_kind(client_for, captain, entry, settings):
    settings.ENTRY_FILE_MAX_BYTES = len(PDF_BYTES) - 1
    settings.ENTRY_FILE_MAX_BYTES_BY_KIND = {"video": len(MP4_BYTES)}
    client = client_for(captain)
    before = row_counts()
    body = assert_error(_upload(client, entry, "plan.pdf", PDF_BYTES), 400, "file_too_large")
    assert body["fields"] == {"file": ["file_too_large"]}
    assert row_counts() == before
    video = _upload(client, entry, "roadshow.mp4", MP4_BYTES, kind="video")
    assert video.status_code == 201, video.content
    settings.ENTRY_FILE_MAX_BYTES_BY_KIND = {"video": len(MP4_BYTES) - 1}
    before = row_counts()
    assert_error(
        _upload(client, entry, "roadshow.mp4", MP4_BYTES, kind="video"), 400, "file_too_large"
    )
    assert row_counts() == before
    assert EntryFile.objects.filter(kind="video").count() == 1


# --------------------------------------------------------------------------------------------
# PDFs: inflation bounded before any parser runs; unparseable ones never a 500


def test_pdf_bomb_upload_refused(client_for, captain, entry, settings, pdf_bomb):
    before = row_counts()
    body = assert_error(
        _upload(client_for(captain), entry, "plan.pdf", pdf_bomb), 400, "pdf_too_complex"
    )
    assert body["message_en"] == "The PDF's content inflates beyond 256 MB; it cannot be accepted."
    assert row_counts() == before
    assert _stored_files(settings) == []


def test_verify_pdf_refuses_pdf_bomb_within_a_second(api_client, pdf_bomb):
    before = row_counts()
    started = time.process_time()
    response = api_client.post(
        "/api/certificates/verify-pdf/",
        {"file": SimpleUploadedFile("c.pdf", pdf_bomb)},
        format="multipart",
    )
    elapsed = time.process_time() - started  # CPU time of this process (the view runs here)
    body = assert_error(response, 400, "pdf_too_complex")
    assert elapsed < 1, elapsed
    assert body["message_en"] == "The PDF's content inflates beyond 32 MB; it cannot be accepted."
    assert row_counts() == before


def test_pdf_inflation_measure_stops_at_budget(pdf_bomb):
    assert pdf_inflated_size(PDF_BYTES, budget=MiB) == 0
    assert pdf_inflated_size(pdf_bomb, budget=8 * MiB) is None
    small = zlib.compress(b"q 1 0 0 1 0 0 cm Q\n" * 100)
    pdf = b"%PDF-1.4\nstream\n" + small + b"\nendstream\n%%EOF\n"
    assert pdf_inflated_size(pdf, budget=MiB) == len(b"q 1 0 0 1 0 0 cm Q\n") * 100


def _blind_world_with(content: bytes, name="plan.pdf", file_type="pdf"):
    w = build_world(blind=True)
    w.entry_file.file.save(name, ContentFile(content), save=False)
    w.entry_file.file_type = file_type
    w.entry_file.save()
    return w


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.7\n" + bytes(range(256)) * 8,  # no trailer, no xref: pypdf cannot parse it
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 7 0 R",
    ],
    ids=["garbage", "truncated"],
)
def test_blind_judge_unparseable_pdf_is_a_clear_409(client_for, content):
    w = _blind_world_with(content)
    before = row_counts()
    response = client_for(w.judge).get(
        f"/api/judge/assignments/{w.assignment.pk}/files/{w.entry_file.pk}/"
    )
    body = assert_error(response, 409, "file_not_anonymisable")
    assert body["message_en"].startswith("This file cannot be opened to remove its author details")
    assert row_counts() == before


def test_blind_judge_pdf_bomb_is_a_clear_409(client_for, pdf_bomb):
    w = _blind_world_with(pdf_bomb)
    started = time.process_time()
    response = client_for(w.judge).get(
        f"/api/judge/assignments/{w.assignment.pk}/files/{w.entry_file.pk}/"
    )
    assert_error(response, 409, "file_not_anonymisable")
    assert time.process_time() - started < 2


def test_open_stage_judge_gets_the_original_unparseable_pdf(client_for):
    w = build_world(blind=False)
    content = b"%PDF-1.7\n" + bytes(range(256)) * 8
    w.entry_file.file.save("plan.pdf", ContentFile(content), save=False)
    w.entry_file.save()
    response = client_for(w.judge).get(
        f"/api/judge/assignments/{w.assignment.pk}/files/{w.entry_file.pk}/"
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content


def _docx_with_author(author: str, extra: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>" + extra)
        archive.writestr(
            "docProps/core.xml", f"<cp:coreProperties><dc:creator>{author}</dc:creator>"
        )
    return buffer.getvalue()


def test_blind_judge_docx_streamed_without_author(client_for):
    w = _blind_world_with(_docx_with_author("星河数据队 张三"), "plan.docx", "docx")
    response = client_for(w.judge).get(
        f"/api/judge/assignments/{w.assignment.pk}/files/{w.entry_file.pk}/"
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.read("word/document.xml") == b"<w:document/>"
    assert "星河".encode() not in archive.read("docProps/core.xml")


def test_blind_judge_damaged_docx_is_a_clear_409(client_for):
    damaged = _docx_with_author("星河")[:-30]  # the central directory is cut off
    w = _blind_world_with(damaged, "plan.docx", "docx")
    response = client_for(w.judge).get(
        f"/api/judge/assignments/{w.assignment.pk}/files/{w.entry_file.pk}/"
    )
    assert_error(response, 409, "file_not_anonymisable")


def test_ooxml_strip_streams_within_a_memory_bound(tmp_path):
    """A 48 MiB member goes through a 64 KiB buffer: the peak stays far below the member."""
    source_path = tmp_path / "big.docx"
    with zipfile.ZipFile(source_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("docProps/core.xml", "<cp:coreProperties>星河</cp:coreProperties>")
        with archive.open("word/media/video.bin", "w", force_zip64=True) as member:
            for _ in range(48):
                member.write(os.urandom(MiB))
    target_path = tmp_path / "out.docx"
    with open(source_path, "rb") as source, open(target_path, "wb") as target:
        tracemalloc.start()
        try:
            ooxml_strip_stream(source, target)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < 4 * MiB, peak
    with zipfile.ZipFile(target_path) as out:
        assert out.getinfo("word/media/video.bin").file_size == 48 * MiB
        assert "星河".encode() not in out.read("docProps/core.xml")


# --------------------------------------------------------------------------------------------
# Images: Pillow's decompression-bomb guard set to our 40-megapixel limit


def _png(size, mode="1") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "size",
    [(9000, 9000), (7700, 5444)],  # 81 MP: Pillow's bomb error; 41.9 MP: over our limit
    ids=["bomb", "over-limit"],
)
def test_oversized_background_refused(client_for, organiser, contest, size):
    before = row_counts()
    templates = CertificateTemplate.objects.count()
    response = client_for(organiser).patch(
        f"/api/contests/{contest.pk}/certificate-template/",
        {"background": SimpleUploadedFile("bg.png", _png(size))},
        format="multipart",
    )
    body = assert_error(response, 400, "image_too_many_pixels")
    assert body["fields"] == {"background": ["image_too_many_pixels"]}
    assert body["message_en"].startswith("The image is too large")
    assert row_counts() == before
    assert CertificateTemplate.objects.count() == templates
    assert not CertificateTemplate.objects.filter(contest=contest).exclude(background="").exists()
    assert Image.MAX_IMAGE_PIXELS == 40_000_000


def test_oversized_seal_refused(client_for, organiser, contest):
    response = client_for(organiser).patch(
        f"/api/contests/{contest.pk}/certificate-template/",
        {"seal": SimpleUploadedFile("seal.png", _png((9000, 9000)))},
        format="multipart",
    )
    body = assert_error(response, 400, "image_too_many_pixels")
    assert body["fields"] == {"seal": ["image_too_many_pixels"]}


# --------------------------------------------------------------------------------------------
# Exports: no cell a spreadsheet would run


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (HOSTILE_NAME, "'" + HOSTILE_NAME),
        ("+86 139", "'+86 139"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("星火团队", "星火团队"),
        ("a=b", "a=b"),
        ("", ""),
        (-3.5, -3.5),
        (None, None),
    ],
)
def test_cell_neutralise(value, shown):
    assert cell_neutralise(value) == shown


def test_cell_neutralise_drops_xml_illegal_characters_in_xlsx():
    assert cell_neutralise("队\x00名\x07", xlsx=True) == "队名"
    assert cell_neutralise("\x01=1", xlsx=True) == "'=1"


def test_registrations_export_neutralises_formulas(client_for, organiser, contest, team):
    team.name = HOSTILE_NAME
    team.save()
    response = client_for(organiser).get(f"/api/contests/{contest.pk}/registrations-export/")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == team.code)
    assert row[1].value == "'" + HOSTILE_NAME
    assert row[1].data_type == "s"
    assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)


def test_scores_export_neutralises_formulas(client_for, organiser, stage, scored, team):  # noqa: F811
    from judging.services.result import ranking_compute

    team.name = "@cmd|' /C calc'!A0"
    team.save()
    ranking_compute(stage=stage)
    response = client_for(organiser).get(url(stage, "scores-export/"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    for sheet in book.worksheets:
        names = [r[2 if sheet.title.startswith("评分") else 4].value for r in sheet.iter_rows()]
        assert "'@cmd|' /C calc'!A0" in names, sheet.title
        assert all(cell.data_type != "f" for r in sheet.iter_rows() for cell in r)


@pytest.fixture
def _signing(settings):
    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    settings.SITE_URL = "https://saiwu.example.cn"


def test_certificate_manifest_neutralises_formulas(
    client_for, organiser, contest, team, member, _signing, django_capture_on_commit_callbacks
):
    team.name = HOSTILE_NAME
    team.save()
    tier = AwardTierFactory(contest=contest, name="一等奖", order=0, quota_count=1)
    AwardFactory(contest=contest, tier=tier, team=team, status=AwardStatus.FINAL, rank=1)
    with django_capture_on_commit_callbacks(execute=True):
        issued = client_for(organiser).post(f"/api/contests/{contest.pk}/certificates/issue/")
    assert issued.status_code == 202, issued.content
    assert Certificate.objects.filter(team_name=HOSTILE_NAME).exists()
    response = client_for(organiser).get(f"/api/contests/{contest.pk}/certificates.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(csv.reader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert rows[0][3] == "team"
    teams = {row[3] for row in rows[1:]}
    assert teams == {"'" + HOSTILE_NAME}
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_verify_pdf_parser_limit_is_not_a_500(api_client, monkeypatch):
    """What gets past the pre-scan (a stream encoded twice) meets pypdf's own inflation limit,
    LimitReachedError: the verifier reads it as "no certificate", never a 500."""
    import pypdf
    from pypdf.errors import LimitReachedError

    def refuse(*args, **kwargs):
        raise LimitReachedError("limit reached")

    monkeypatch.setattr(pypdf, "PdfReader", refuse)
    response = api_client.post(
        "/api/certificates/verify-pdf/",
        {"file": SimpleUploadedFile("c.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert_error(response, 404, "certificate_not_found")
