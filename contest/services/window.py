"""Windows do not move backwards: the rules for changing a stage's or a contest's time windows.

A boundary already passed (a window opened or closed) cannot be moved: moving it would reopen or
un-open a phase that teams, judges and the public have already seen. A deadline still ahead may be
moved, but not to before now (that would close a phase retroactively), and extending a deadline
teams work to (submission, registration) needs a reason, which goes on the audit chain.
The rules hold once a contest is published; a draft is still being prepared and nobody relies on it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise

from contest.errors import error, text_by_language


@dataclass(frozen=True)
class Boundary:
    field: str
    name: Promise  # how messages name it, in either language
    is_deadline: bool = False  # a close that may not move before now
    extension_needs_reason: bool = False


def _name(zh: str, en: str) -> Promise:
    return text_by_language(zh=zh, en=en)


STAGE_BOUNDARIES = (
    Boundary("submission_opens_at", _name("提交开始时间", "submission opening")),
    Boundary(
        "submission_closes_at",
        _name("提交截止时间", "submission deadline"),
        is_deadline=True,
        extension_needs_reason=True,
    ),
    Boundary("review_opens_at", _name("评审开始时间", "review opening")),
    Boundary("review_closes_at", _name("评审截止时间", "review deadline"), is_deadline=True),
)
REGISTRATION_BOUNDARIES = (
    Boundary("registration_opens_at", _name("报名开始时间", "registration opening")),
    Boundary(
        "registration_closes_at",
        _name("报名截止时间", "registration deadline"),
        is_deadline=True,
        extension_needs_reason=True,
    ),
)


def _beijing(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def window_changes_check(
    *, instance, fields: dict, boundaries: tuple[Boundary, ...], reason: str
) -> dict[str, list]:
    """Refuse a move of a passed boundary, a deadline moved before now, an unexplained extension.

    Returns the boundaries that change, as {field: [old, new]}, for the audit row."""
    now = timezone.now()
    changes: dict[str, list] = {}
    for boundary in boundaries:
        if boundary.field not in fields:
            continue
        old, new = getattr(instance, boundary.field), fields[boundary.field]
        if old == new:
            continue
        changes[boundary.field] = [old, new]
        if old is not None and old <= now:
            raise error(
                "window_passed",
                window=boundary.name,
                at=_beijing(old),
                fields={boundary.field: ["window_passed"]},
            )
        if boundary.is_deadline and new is not None and new <= now:
            raise error(
                "deadline_before_now",
                window=boundary.name,
                fields={boundary.field: ["deadline_before_now"]},
            )
        extended = old is not None and (new is None or new > old)
        if boundary.extension_needs_reason and extended and not reason.strip():
            raise error("reason_required", fields={"reason": ["reason_required"]})
    return changes
