from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.models import AuthToken
from knox.signals import token_expired
from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    """Session auth (CSRF-checked) that still answers 401, not 403, to anonymous requests."""

    def authenticate_header(self, request):
        return "Session"


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`: a knox token, one per login, stored only as a digest,
    refused (401) once expired or revoked at logout.

    One query per request (the token with its user). knox would also read all the user's other
    tokens on every request to delete the expired ones; here that housekeeping runs at login
    (`auth_tokens_expired_delete`) and hourly (contest.tasks), and an expired token is refused
    whether its row is still there or not."""

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


def auth_tokens_expired_delete(*, user=None) -> int:
    """Delete expired tokens (of `user`, or everyone's): the number deleted."""
    expired = AuthToken.objects.filter(expiry__lt=timezone.now())
    if user is not None:
        expired = expired.filter(user=user)
    deleted, _ = expired.delete()
    return deleted


def csrf_enforce(request) -> None:
    """The CSRF check DRF runs for session-authenticated writes, for the views that start a
    session (login, sign-up) and so have no authentication class to run it: a page on another
    site cannot log the browser in to an account of its choosing."""
    SessionAuthentication().enforce_csrf(request)
