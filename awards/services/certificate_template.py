"""The contest's certificate template: issuing bodies, wording, field positions, and the background
and seal images, each checked with Pillow before it is kept (a real image, at most 40 megapixels,
a background in A4 proportions landscape or portrait ±10%, a seal with real transparency)."""

from __future__ import annotations

import re
import string
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from awards.errors import error
from awards.models import CertificateTemplate
from awards.services.award import names_missing_glyphs
from contest.errors import ValidationFailed
from contest.files import upload_check
from contest.models import Contest
from contest.permissions import permission_require
from judging.services.audit import audit_record

MAX_IMAGE_PIXELS = 40_000_000
A4_RATIO = 297 / 210
ASPECT_TOLERANCE = 0.10
PLACEHOLDERS = {"name", "team", "award", "contest", "track", "track_phrase", "date", "serial"}
POSITION_SCALARS = (
    "title_y",
    "subtitle_y",
    "text_left",
    "text_right",
    "text_top",
    "seal_size",
    "qr_size",
    "serial_width",
)
POSITION_PAIRS = ("bodies_center", "qr_center", "serial_pos")


def pillow_guard() -> None:
    """Set Pillow's decompression-bomb guard explicitly to our limit: an image over
    MAX_IMAGE_PIXELS warns and one over twice that raises DecompressionBombError as soon as its
    header is read, before any pixel is decoded (Pillow's own default is 89 megapixels)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def image_max_bytes() -> int:
    return getattr(settings, "CERTIFICATE_IMAGE_MAX_BYTES", 20 * 1024 * 1024)


def _image_error(code: str, field: str, **params):
    return error(code, fields={field: [code]}, **params)


def image_check(uploaded, *, purpose: str):
    """Check a background or seal image: PNG/JPEG by content, a real image (Pillow `verify`),
    at most 40 megapixels, a background within ±10% of A4's aspect (landscape or portrait), a seal
    with an alpha channel that is actually transparent somewhere. Returns (CheckedUpload,
    (width, height))."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    pillow_guard()
    checked = upload_check(uploaded, allowed=("png", "jpeg"), max_bytes=image_max_bytes())
    try:
        uploaded.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(uploaded)
        with img:
            width, height = img.size
            mode, info = img.mode, dict(img.info)
            if width * height > MAX_IMAGE_PIXELS:
                raise _image_error("image_too_many_pixels", purpose, width=width, height=height)
            img.verify()
        if purpose == "seal":
            uploaded.seek(0)
            with Image.open(uploaded) as img:
                has_alpha = mode in ("RGBA", "LA", "PA") or "transparency" in info
                transparent = False
                if has_alpha:
                    alpha = img.convert("RGBA").getchannel("A")
                    transparent = alpha.getextrema()[0] < 255
    except ValidationFailed:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationFailed.prerendered(  # the size is unknown: a shorter text, the same code
            "image_too_many_pixels",
            zh="图片像素过多，上限 4000 万像素。",
            en="The image is too large; the limit is 40 megapixels.",
            fields={purpose: ["image_too_many_pixels"]},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _image_error("image_invalid", purpose) from None
    finally:
        uploaded.seek(0)
    if purpose == "background":
        ratio = max(width, height) / min(width, height)
        if abs(ratio / A4_RATIO - 1) > ASPECT_TOLERANCE:
            raise _image_error("image_aspect", purpose, width=width, height=height)
    if purpose == "seal" and not (has_alpha and transparent):
        raise _image_error("seal_needs_alpha", purpose)
    return checked, (width, height)


def _positions_check(positions: dict) -> dict:
    if not isinstance(positions, dict):
        raise error("positions_invalid")
    clean = {}
    for key, value in positions.items():
        if key in POSITION_SCALARS:
            values = [value]
        elif key in POSITION_PAIRS:
            values = list(value) if isinstance(value, list | tuple) and len(value) == 2 else [None]
        else:
            raise ValidationFailed.prerendered(  # one code, three texts (see the catalogue's)
                "positions_invalid",
                zh=f"未知的版式位置：{key}。",
                en=f"Unknown position: {key}.",
                fields={"positions": [key]},
            )
        if not all(isinstance(v, int | float) and 0 <= v <= 1 for v in values):
            raise ValidationFailed.prerendered(
                "positions_invalid",
                zh=f"版式位置 {key} 须为 0 到 1 之间的页面比例。",
                en=f"Position {key} must be a fraction of the page between 0 and 1.",
                fields={"positions": [key]},
            )
        clean[key] = float(value) if key in POSITION_SCALARS else [float(v) for v in values]
    return clean


def _wording_check(field: str, text: str) -> str:
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError:
        names = {"?"}
    unknown = names - PLACEHOLDERS
    if unknown:
        raise error(
            "wording_placeholder",
            unknown=", ".join(sorted(unknown)),
            available="{name} {team} {award}",
            fields={field: ["wording_placeholder"]},
        )
    return text


_TEMPLATE_TEXT_FIELDS = ("title", "subtitle", "serial_prefix", "issue_date")


@transaction.atomic
def certificate_template_update(
    *,
    actor,
    contest: Contest,
    background=None,
    seal=None,
    remove_background: bool = False,
    remove_seal: bool = False,
    seal_right_confirmed: bool | None = None,
    **fields,
) -> CertificateTemplate:
    """Set the contest's certificate template; uploaded images are checked by `image_check`.

    A seal is the organiser's: uploading one needs ``seal_right_confirmed=True`` (refused with
    ``seal_right_unconfirmed`` otherwise); ``True`` on a kept seal confirms it, ``False``
    withdraws the confirmation (the seal is then not printed). Who confirmed and when are stored
    and recorded on the audit chain (``certificate_template.seal_confirm`` / ``seal_withdraw``)."""
    permission_require(actor, "awards.edit_certificate_template", contest)
    template, _ = CertificateTemplate.objects.get_or_create(contest=contest)
    for key in _TEMPLATE_TEXT_FIELDS:
        if key in fields:
            setattr(template, key, fields[key] if fields[key] is not None else "")
    if template.issue_date == "":
        template.issue_date = None
    if "serial_prefix" in fields and not re.fullmatch(r"[A-Za-z0-9]{0,16}", template.serial_prefix):
        raise error("serial_prefix_invalid", fields={"serial_prefix": ["serial_prefix_invalid"]})
    template.serial_prefix = template.serial_prefix.upper()
    if "serial_prefix" in fields and template.serial_prefix:
        serial_prefix_check(contest=contest, prefix=template.serial_prefix)
    if "issuing_bodies" in fields:
        bodies = [str(b).strip() for b in fields["issuing_bodies"] or [] if str(b).strip()]
        if len(bodies) > 4:
            raise error("too_many_bodies")
        template.issuing_bodies = bodies
    for key in ("wording_team", "wording_member", "wording_advisor"):
        if key in fields:
            setattr(template, key, _wording_check(key, fields[key] or ""))
    if "positions" in fields:
        template.positions = _positions_check(fields["positions"] or {})
    uploads = {"background": background, "seal": seal}
    checked = {
        name: image_check(f, purpose=name)[0] for name, f in uploads.items() if f is not None
    }
    if seal is not None and seal_right_confirmed is not True:  # before any file is stored
        raise error(
            "seal_right_unconfirmed", fields={"seal_right_confirmed": ["seal_right_unconfirmed"]}
        )
    for name, remove in (("background", remove_background), ("seal", remove_seal)):
        if name in checked:
            image = checked[name]
            ext = "png" if image.file_type == "png" else "jpg"
            getattr(template, name).save(f"{name}-{image.sha256}.{ext}", uploads[name], save=False)
            setattr(template, f"{name}_sha256", image.sha256)
        elif remove:
            setattr(template, name, "")
            setattr(template, f"{name}_sha256", "")
    seal_event = _seal_confirmation(
        template, actor=actor, uploaded=seal is not None, confirmed=seal_right_confirmed
    )
    missing = names_missing_glyphs(
        [("title", template.title), ("subtitle", template.subtitle)]
        + [("issuing_body", b) for b in template.issuing_bodies]
    )
    if missing:
        raise ValidationFailed.prerendered(  # the template's text, not names: its own wording
            "names_missing_glyphs",
            zh="证书字体缺少以下文字：" + "、".join("".join(m["missing"]) for m in missing),
            en="The certificate font lacks some characters of this text.",
            details={"glyph_issues": missing},
        )
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:  # another contest took the prefix meanwhile (the unique constraint)
        raise error(
            "serial_prefix_taken",
            prefix=template.serial_prefix,
            fields={"serial_prefix": ["serial_prefix_taken"]},
        ) from None
    audit_record(
        contest=contest,
        actor=actor,
        action="certificate_template.update",
        obj=template,
        data={
            "title": template.title,
            "issuing_bodies": template.issuing_bodies,
            "background_sha256": template.background_sha256,
            "seal_sha256": template.seal_sha256,
            "seal_usable": template.seal_usable,
            "serial_prefix": template.serial_prefix,
        },
    )
    if seal_event:
        audit_record(
            contest=contest,
            actor=actor,
            action=f"certificate_template.{seal_event}",
            obj=template,
            data={
                "seal_sha256": template.seal_sha256,
                "confirmed_by": template.seal_confirmed_by_id,
                "confirmed_at": template.seal_confirmed_at.isoformat()
                if template.seal_confirmed_at
                else None,
            },
        )
    return template


def _seal_confirmation(
    template: CertificateTemplate, *, actor, uploaded: bool, confirmed: bool | None
) -> str | None:
    """Apply the organiser's confirmation of the right to use the seal; the audit action, if any."""
    if not template.seal:
        had = template.seal_confirmed_at is not None
        template.seal_confirmed_by, template.seal_confirmed_at = None, None
        return "seal_withdraw" if had else None
    if confirmed is True and (uploaded or template.seal_confirmed_at is None):
        template.seal_confirmed_by, template.seal_confirmed_at = actor, timezone.now()
        return "seal_confirm"
    if confirmed is False and template.seal_confirmed_at is not None:
        template.seal_confirmed_by, template.seal_confirmed_at = None, None
        return "seal_withdraw"
    return None


def serial_prefix_check(*, contest: Contest, prefix: str) -> None:
    """Serials are unique across the platform: a prefix another contest's template names, or
    that another contest's certificates already carry, is refused (serial_prefix_taken)."""
    from awards.models import Certificate

    taken = (
        CertificateTemplate.objects.filter(serial_prefix=prefix).exclude(contest=contest).exists()
        or Certificate.objects.filter(serial__startswith=f"{prefix}{contest.year}-")
        .exclude(contest=contest)
        .exists()
    )
    if taken:
        raise error(
            "serial_prefix_taken", prefix=prefix, fields={"serial_prefix": ["serial_prefix_taken"]}
        )


def _local_asset(field_file, sha256: str) -> str | None:
    """A local path for a stored template image (the renderer reads files by name)."""
    if not field_file:
        return None
    try:
        return field_file.path
    except NotImplementedError:  # remote storage: cache a copy by content hash
        ext = field_file.name.rsplit(".", 1)[-1]
        path = Path(tempfile.gettempdir()) / "saiwu-certificate-assets" / f"{sha256}.{ext}"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with field_file.open("rb") as src:
                data = src.read()
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        return str(path)


def certificate_layout(template: CertificateTemplate | None):
    from awards.certificates.layout import A4_LANDSCAPE, CertificateLayout

    if template is None:
        return CertificateLayout()
    values = {"title": template.title or "荣誉证书", "subtitle": template.subtitle}
    values["issuing_bodies"] = tuple(template.issuing_bodies)
    for key in ("wording_team", "wording_member", "wording_advisor"):
        if getattr(template, key):
            values[key] = getattr(template, key)
    for key, value in (template.positions or {}).items():
        values[key] = tuple(value) if isinstance(value, list) else value
    background = _local_asset(template.background, template.background_sha256)
    values["background_path"] = background
    # Only a seal the organiser uploaded and confirmed the right to use; otherwise none at all.
    values["seal_path"] = (
        _local_asset(template.seal, template.seal_sha256) if template.seal_usable else None
    )
    if background:
        from PIL import Image

        pillow_guard()
        with Image.open(background) as img:
            if img.height > img.width:
                values["page_size"] = (A4_LANDSCAPE[1], A4_LANDSCAPE[0])
    return CertificateLayout(**values)
