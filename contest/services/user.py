"""Accounts: signing up with a real name and an email or a mobile number."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from contest.errors import error


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
