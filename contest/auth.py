from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


class EmailOrMobileBackend(ModelBackend):
    """Log in with an email address or an 11-digit mobile number."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = (username or kwargs.get("email") or kwargs.get("mobile") or "").strip()
        if not login or password is None:
            return None
        User = get_user_model()
        user = User.objects.filter(Q(email__iexact=login) | Q(mobile=login)).first()
        if user is None:
            User().set_password(password)  # same timing as a real check
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
