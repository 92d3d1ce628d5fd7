"""The expert pool (专家库) of a contest: adding and changing experts, their availability.

Experts need no account: a confirmed expert gets one (or is linked to theirs) when they join the
panel (`judging.services.expert_draw`). Fields are free tags, compared as written (stripped);
unavailable dates are ISO dates (YYYY-MM-DD) the expert cannot attend."""

from __future__ import annotations

import datetime

from django.db import transaction

from contest.identity import id_number_is_valid, id_number_normalise
from contest.models import Contest
from contest.permissions import permission_require
from contest.services.common import full_clean_or_raise
from judging.enums import RelationKind
from judging.errors import error
from judging.models import Expert

EDITABLE = (
    "name",
    "organisation_name",
    "organisation_uscc",
    "province",
    "fields",
    "title",
    "mobile",
    "email",
    "active",
    "unavailable_dates",
    "declared_relations",
    "note",
)


def tags_clean(values) -> list[str]:
    """Tags stripped, empty ones dropped, each once, in the order given."""
    seen: list[str] = []
    for value in values or []:
        tag = str(value).strip()
        if tag and tag not in seen:
            seen.append(tag)
    return seen


def dates_clean(values) -> list[str]:
    days = set()
    for value in values or []:
        text = str(value).strip()[:10]
        try:
            days.add(datetime.date.fromisoformat(text).isoformat())
        except ValueError as exc:
            raise error(
                "expert_date_invalid",
                value=str(value),
                fields={"unavailable_dates": ["expert_date_invalid"]},
            ) from exc
    return sorted(days)


def relations_clean(values) -> list[dict]:
    rows = []
    for item in values or []:
        name = str(item.get("name") or "").strip()
        if not name:
            continue
        relation = item.get("relation") or RelationKind.RELATIVE
        if relation not in RelationKind.values:
            relation = RelationKind.RELATIVE
        id_number = id_number_normalise(str(item.get("id_number") or ""))
        if id_number and not id_number_is_valid(id_number):
            raise error(
                "expert_relation_id_invalid",
                name=name,
                fields={"declared_relations": ["expert_relation_id_invalid"]},
            )
        rows.append(
            {
                "name": name,
                "id_number": id_number,
                "relation": relation,
            }
        )
    return rows


def _expert_clean(expert: Expert) -> None:
    expert.name = expert.name.strip()
    expert.organisation_uscc = (expert.organisation_uscc or "").strip().upper()
    expert.email = (expert.email or "").strip().lower()
    expert.mobile = (expert.mobile or "").strip()
    expert.fields = tags_clean(expert.fields)
    expert.unavailable_dates = dates_clean(expert.unavailable_dates)
    expert.declared_relations = relations_clean(expert.declared_relations)
    if not expert.mobile and not expert.email:
        raise error("expert_contact_required", fields={"mobile": ["expert_contact_required"]})
    full_clean_or_raise(expert, exclude=["user"])


@transaction.atomic
def expert_create(*, actor, contest: Contest, **values) -> Expert:
    permission_require(actor, "judging.manage_experts", contest)
    expert = Expert(contest=contest, **{k: v for k, v in values.items() if k in EDITABLE})
    _expert_clean(expert)
    expert.save()
    return expert


@transaction.atomic
def expert_update(*, actor, expert: Expert, **values) -> Expert:
    expert = Expert.objects.select_for_update().select_related("contest").get(pk=expert.pk)
    permission_require(actor, "judging.manage_experts", expert.contest)
    for name, value in values.items():
        if name in EDITABLE:
            setattr(expert, name, value)
    _expert_clean(expert)
    expert.save()
    return expert


def expert_availability_set(
    *, actor, expert: Expert, active: bool | None = None, unavailable_dates=None
) -> Expert:
    """Take an expert out of (or back into) the draw, or set the dates they cannot attend."""
    values: dict = {}
    if active is not None:
        values["active"] = active
    if unavailable_dates is not None:
        values["unavailable_dates"] = unavailable_dates
    return expert_update(actor=actor, expert=expert, **values)


def expert_is_available(expert: Expert, day: datetime.date | None) -> bool:
    if not expert.active:
        return False
    return day is None or day.isoformat() not in set(expert.unavailable_dates or [])
