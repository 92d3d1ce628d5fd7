from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import authentication


class SessionAuthentication(authentication.SessionAuthentication):
    """Session auth (CSRF-checked) that still answers 401, not 403, to anonymous requests."""

    def authenticate_header(self, request):
        return "Session"


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <token>`: a knox token, one per login, stored only as a digest,
    refused (401) once expired or revoked at logout."""


def csrf_enforce(request) -> None:
    """The CSRF check DRF runs for session-authenticated writes, for the views that start a
    session (login, sign-up) and so have no authentication class to run it: a page on another
    site cannot log the browser in to an account of its choosing."""
    SessionAuthentication().enforce_csrf(request)
