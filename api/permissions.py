"""The one DRF permission class: it maps a view's actions to the permission names that the apps
declare in `<app>/permissions.py` (see `contest.permissions`).

A view lists them in `rules`, keyed by viewset action (`create`, `update`, a custom `@action`) or,
on a plain APIView, by lower-case HTTP method::

    class ContestViewSet(...):
        permission_classes = [RulePermission]
        rules = {"create": "contest.create_contest", "update": "contest.manage_contest"}

- An action with no rule: reads are open when the view's `public_read` is true (the default;
  querysets are filtered by role, so what a user may not see is a 404), anything else needs a
  logged-in user.
- An action with a rule needs a logged-in user (else 401). A rule about the user alone (`on_object=False`, such
  as `contest.create_contest`) is checked at once; an object rule is checked on the object the view
  loads through `get_object()` / `check_object_permissions`, mapped by `view.rule_object(obj)`
  (default: the object's contest, or the object itself). A refusal is the permission's own
  `not_permitted` error (403), the same one the service would raise.

Services check the same names again (`permission_require`): the API rule refuses early with the
right message, the service is what no route can get round.
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from contest.permissions import permission_check, permission_error, permission_on_object


def _authenticated(request) -> bool:
    return bool(request.user and request.user.is_authenticated)


def _rule_key(request, view) -> str:
    return getattr(view, "action", None) or request.method.lower()


def rule_of(request, view) -> str | None:
    return (getattr(view, "rules", None) or {}).get(_rule_key(request, view))


def default_rule_object(obj):
    contest = getattr(obj, "contest", None)
    return contest if contest is not None else obj


class RulePermission(BasePermission):
    def has_permission(self, request, view):
        name = rule_of(request, view)
        if name is None:
            if request.method in SAFE_METHODS and getattr(view, "public_read", True):
                return True
            return _authenticated(request)
        if not _authenticated(request):
            return False
        if not permission_on_object(name) and not permission_check(request.user, name):
            raise permission_error(name)
        return True

    def has_object_permission(self, request, view, obj):
        name = rule_of(request, view)
        if name is None or not permission_on_object(name):
            return True
        mapper = getattr(view, "rule_object", None) or default_rule_object
        if not permission_check(request.user, name, mapper(obj)):
            raise permission_error(name)
        return True


# The two classes the views used before RulePermission; each is RulePermission with no rules.
ReadOpenWriteAuthenticated = RulePermission


class Authenticated(RulePermission):
    def has_permission(self, request, view):
        return _authenticated(request) and super().has_permission(request, view)
