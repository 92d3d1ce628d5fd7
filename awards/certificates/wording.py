"""The wording of a certificate laid out as text (no Platypus): placeholders filled, and a CJK
paragraph broken between any two characters, except that Latin words stay whole and closing
punctuation may hang past the right margin (避头尾)."""

from __future__ import annotations

import datetime as dt
import string

from awards.certificates.fonts import missing_glyphs, text_width
from awards.certificates.layout import (
    ROLE_ADVISOR,
    ROLE_MEMBER,
    ROLE_TEAM,
    CertificateData,
    CertificateLayout,
)

# Characters that must not start a line (they hang into the right margin instead).
_NO_LINE_START = set("，。、；：？！）》」』】〕”’…—·%,.;:?!)]}")
# Characters that must not end a line.
_NO_LINE_END = set("（《「『【〔“‘([{")


def _track_phrase(track: str) -> str:
    track = track.strip()
    if not track:
        return ""
    return track if track.endswith("赛道") else f"{track}赛道"


def _team_phrase(team: str) -> str:
    team = team.strip()
    if not team:
        return ""
    return f"“{team}”" if team.endswith("队") else f"“{team}”团队"


def _format_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def placeholder_values(data: CertificateData) -> dict[str, str]:
    return {
        "name": data.recipient_name,
        "team": data.team_name,
        "team_phrase": _team_phrase(data.team_name),
        "award": data.award_name,
        "contest": data.contest_name,
        "track": data.track_name,
        "track_phrase": _track_phrase(data.track_name),
        "date": _format_date(data.issue_date),
        "serial": data.serial,
    }


def wording_template(layout: CertificateLayout, data: CertificateData) -> str:
    if data.recipient_role == ROLE_ADVISOR:
        return layout.wording_advisor
    if data.recipient_role == ROLE_MEMBER:
        return layout.wording_member
    if data.recipient_role == ROLE_TEAM:
        return layout.wording_team
    raise ValueError(f"Unknown recipient role {data.recipient_role!r}")


_formatter = string.Formatter()


def paragraph_runs(template: str, values: dict[str, str]) -> list[tuple[str, bool]]:
    """Split one paragraph template into (text, is_value) runs; values are highlighted."""
    runs: list[tuple[str, bool]] = []
    for literal, field_name, _spec, _conv in _formatter.parse(template):
        if literal:
            runs.append((literal, False))
        if field_name is not None:
            if field_name not in values:
                raise ValueError(f"Unknown placeholder {{{field_name}}} in certificate wording")
            if values[field_name]:
                runs.append((values[field_name], True))
    return runs


def _tokens(runs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Breakable units: one CJK character, or a whole run of Latin letters/digits."""
    tokens: list[tuple[str, bool]] = []
    for text, hl in runs:
        word = ""
        for ch in text:
            if ch.isascii() and ch.isalnum():
                word += ch
                continue
            if word:
                tokens.append((word, hl))
                word = ""
            tokens.append((ch, hl))
        if word:
            tokens.append((word, hl))
    return tokens


def runs_wrap(
    runs: list[tuple[str, bool]], size: float, first_width: float, width: float
) -> list[list[tuple[str, bool]]]:
    """Greedy line breaking for CJK text. Returns lines of (text, is_value) tokens."""
    lines: list[list[tuple[str, bool]]] = []
    line: list[tuple[str, bool]] = []
    used = 0.0
    limit = first_width
    for tok in _tokens(runs):
        w = text_width(tok[0], size)
        if line and used + w > limit and tok[0] not in _NO_LINE_START:
            carry: list[tuple[str, bool]] = []
            while line and line[-1][0] in _NO_LINE_END:  # keep an opening bracket with its text
                carry.insert(0, line.pop())
            lines.append(line)
            line, used, limit = carry, sum(text_width(t, size) for t, _ in carry), width
        line.append(tok)
        used += w
    if line:
        lines.append(line)
    return lines


def runs_merge(tokens: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    merged: list[tuple[str, bool]] = []
    for text, hl in tokens:
        if merged and merged[-1][1] == hl:
            merged[-1] = (merged[-1][0] + text, hl)
        else:
            merged.append((text, hl))
    return merged


def certificate_missing_glyphs(layout: CertificateLayout, data: CertificateData) -> list[str]:
    """`missing_glyphs` over every text printed on this certificate."""
    bodies = data.issuing_bodies or layout.issuing_bodies
    texts = [
        layout.title,
        layout.subtitle,
        wording_template(layout, data),
        *placeholder_values(data).values(),
        *bodies,
    ]
    return missing_glyphs("".join(texts))
