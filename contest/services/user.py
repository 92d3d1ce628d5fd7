"""Accounts: signing up with a real name and an email or a mobile number; the person's own
organisation and citizen ID number, which the conflict-of-interest rules compare."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from contest.errors import error
from contest.identity import id_number_normalise
from contest.models import Organisation
from contest.services.common import full_clean_or_raise
from contest.services.organisation import organisation_create


@transaction.atomic
def user_register(
    *,
    real_name: str,
    password: str,
    email: str | None = None,
    mobile: str | None = None,
    province: str = "",
):
    """Create an account. An email or a mobile number is required, and neither may belong to
    another account (emails compared without case)."""
    User = get_user_model()
    email = (email or "").strip().lower() or None
    mobile = (mobile or "").strip() or None
    if not email and not mobile:
        raise error("email_or_mobile_required", fields={"email": ["email_or_mobile_required"]})
    if (email and User.objects.filter(email__iexact=email).exists()) or (
        mobile and User.objects.filter(mobile=mobile).exists()
    ):
        raise error("account_exists")
    return User.objects.create_user(
        email=email, password=password, mobile=mobile, real_name=real_name, province=province
    )


@transaction.atomic
def user_organisation_set(
    *,
    user,
    organisation: Organisation | None = None,
    new_organisation: dict | None = None,
    none: bool = False,
):
    """The person states their organisation (所在单位): an existing one, a new one registered
    here with the same USCC check as `organisation_create`, or explicitly none. Exactly one of the
    three. Judges must have stated it before they sign a panel declaration; the conflict rules
    compare it (by USCC) with every team's organisations and its members' and advisors' own."""
    given = sum([organisation is not None, new_organisation is not None, bool(none)])
    if given != 1:
        raise error("organisation_choice_invalid", fields={"organisation": ["required"]})
    if new_organisation is not None:
        organisation = organisation_create(**new_organisation)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    user.organisation = None if none else organisation
    user.organisation_stated_at = timezone.now()
    full_clean_or_raise(user, exclude=["password"])
    user.save(update_fields=["organisation", "organisation_stated_at"])
    return user


@transaction.atomic
def user_id_number_set(*, user, id_number: str):
    """The person records their 居民身份证号码 (checked per GB 11643-1999; empty clears it). The
    conflict rules match it against the ID numbers judges declare for relatives and students."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    user.id_number = id_number_normalise(id_number)
    full_clean_or_raise(user, exclude=["password"])
    user.save(update_fields=["id_number"])
    return user
