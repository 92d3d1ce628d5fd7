"""A ZIP of certificate PDFs plus `manifest.csv`, streamed as it is built."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator

from django.db.models import QuerySet

from awards.models import Certificate
from contest.exports import cells_neutralise


class _Chunks(io.RawIOBase):
    """A write-only, unseekable sink: zipfile writes into it, the response reads what piled up."""

    def __init__(self):
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _zip_name(certificate: Certificate) -> str:
    name = _UNSAFE.sub("_", certificate.recipient_name)[:60]
    return f"{certificate.serial}_{certificate.recipient_role}_{name}.pdf"


def certificates_zip_stream(*, certificates: QuerySet[Certificate]) -> Iterator[bytes]:
    """A ZIP of the certificates' PDFs plus `manifest.csv`, yielded as it is built (PDFs are
    already compressed, so they are stored; memory stays at about one PDF)."""
    sink = _Chunks()
    manifest = io.StringIO()
    writer = csv.writer(manifest)
    writer.writerow(["serial", "role", "name", "team", "award", "status", "sha256", "file"])
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates.order_by("seq").iterator(chunk_size=200):
            if not certificate.pdf:
                continue
            name = _zip_name(certificate)
            with certificate.pdf.open("rb") as fh:
                archive.writestr(name, fh.read())
            writer.writerow(
                cells_neutralise(
                    [
                        certificate.serial,
                        certificate.recipient_role,
                        certificate.recipient_name,
                        certificate.team_name,
                        certificate.award_name,
                        certificate.status,
                        certificate.sha256,
                        name,
                    ]
                )
            )
            yield sink.take()
        archive.writestr(
            "manifest.csv", ("\ufeff" + manifest.getvalue()).encode("utf-8"), zipfile.ZIP_DEFLATED
        )
    yield sink.take()
