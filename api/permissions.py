"""The one DRF permission class: reads are open (querysets already filter by role), writes need a
logged-in user; who may do what to which object is decided by `contest.permissions` in services."""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class ReadOpenWriteAuthenticated(BasePermission):
    def has_permission(self, request, view):
        if request.method in SAFE_METHODS and getattr(view, "public_read", True):
            return True
        return bool(request.user and request.user.is_authenticated)


class Authenticated(BasePermission):
    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)
