from __future__ import annotations

import datetime

from django.db import transaction

from contest.errors import error
from contest.models import Organisation
from contest.services.common import full_clean_or_raise


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    uscc: str,
    province: str,
    city: str = "",
    registered_on: datetime.date | None = None,
) -> Organisation:
    """Register an organisation; its USCC must carry a valid GB 32100-2015 check character."""
    uscc = uscc.strip().upper()
    if Organisation.objects.filter(uscc=uscc).exists():
        raise error("organisation_exists", fields={"uscc": ["organisation_exists"]})
    organisation = Organisation(
        name=name.strip(),
        kind=kind,
        uscc=uscc,
        province=province,
        city=city,
        registered_on=registered_on,
    )
    full_clean_or_raise(organisation)
    organisation.save()
    return organisation
