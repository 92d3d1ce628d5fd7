"""What a certificate looks like and what it says: the layout and data the renderer takes, the
recipient roles, and the default wording. Plain dataclasses, no drawing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

A4_LANDSCAPE: tuple[float, float] = (841.8897637795277, 595.2755905511812)

# Recipient roles, as stored by the certificate model (`awards.enums` holds the TextChoices;
# TextChoices members compare equal to these strings).
ROLE_TEAM = "team"
ROLE_MEMBER = "member"
ROLE_ADVISOR = "advisor"
# Statuses for which the page carries a "void" watermark.
VOID_STATUSES = frozenset({"revoked", "void"})

# Default wording, one template per recipient role. Paragraphs are separated by "\n". The first
# paragraph is the salutation (large, flush left); a paragraph that is exactly "{award}" is drawn as
# the large centred award line; every other paragraph is body text indented by two characters.
# Placeholders: {name} {team} {team_phrase} {award} {contest} {track} {track_phrase} {date}
# {serial}.
# {track_phrase} is "<track>赛道" (or "" when the certificate has no track); {team_phrase} is
# "“<team>”团队", or just "“<team>”" when the name already ends in 队 (智造先锋队, 创新团队).
WORDING_TEAM = "{name}：\n在{contest}{track_phrase}中表现优异，荣获\n{award}\n特发此证，以资鼓励。"
WORDING_MEMBER = (
    "{name}：\n作为{team_phrase}成员，在{contest}{track_phrase}中表现优异，荣获\n{award}\n"
    "特发此证，以资鼓励。"
)
WORDING_ADVISOR = (
    "{name} 老师：\n所指导的{team_phrase}在{contest}{track_phrase}中表现优异，荣获\n{award}\n"
    "特发此证，以资表彰。"
)


@dataclass(frozen=True)
class CertificateLayout:
    """How a contest's certificates look. Positions are fractions of the page, origin bottom left.

    `background_path`: JPEG (used as is) or any Pillow-readable image (converted to JPEG once);
    None draws the built-in cream background with a red and gold border.
    `seal_path`: the organiser's uploaded seal, PNG with transparency, drawn once centred over the
    issuing bodies' names; None draws no seal at all (the names stay plain text).
    `issuing_bodies`: used when the certificate data names none.
    """

    page_size: tuple[float, float] = A4_LANDSCAPE
    background_path: str | None = None
    seal_path: str | None = None
    title: str = "荣誉证书"
    subtitle: str = "CERTIFICATE OF HONOR"
    issuing_bodies: tuple[str, ...] = ()
    wording_team: str = WORDING_TEAM
    wording_member: str = WORDING_MEMBER
    wording_advisor: str = WORDING_ADVISOR
    title_y: float = 0.775  # baseline of the title, centred horizontally
    subtitle_y: float = 0.728
    text_left: float = 0.125  # the wording block
    text_right: float = 0.875
    text_top: float = 0.645  # baseline of the salutation
    bodies_center: tuple[float, float] = (0.60, 0.215)  # centre x, baseline y of the body names
    seal_size: float = 0.19  # seal diameter, fraction of page height
    qr_center: tuple[float, float] = (0.838, 0.215)
    qr_size: float = 0.150  # side of the QR code incl. quiet zone, fraction of page height
    serial_pos: tuple[float, float] = (0.125, 0.115)  # left x, baseline y of the serial number
    serial_width: float = 0.34  # the verification address shrinks to fit this width
    title_size: float = 46.0
    salutation_size: float = 21.0
    body_size: float = 17.0
    award_size: float = 34.0
    title_color: str = "#A3161B"
    text_color: str = "#2B2B2B"
    accent_color: str = "#A3161B"
    muted_color: str = "#6B6258"


@dataclass(frozen=True)
class CertificateData:
    """One certificate. `recipient_role` is "team", "member" or "advisor"; for a team certificate
    `recipient_name` is the team's name. `issuing_bodies` overrides the layout's when not empty."""

    serial: str
    recipient_name: str
    recipient_role: str
    team_name: str
    award_name: str
    contest_name: str
    track_name: str
    issue_date: dt.date
    verification_url: str
    issuing_bodies: tuple[str, ...] = ()
    status: str = "issued"
