"""Who may do what: predicates (django-rules) and the named permissions built from them.

Each app declares its permissions once, in `<app>/permissions.py`, as `permission_define(name,
predicate, action)`: `name` is `<app>.<verb>_<entity>`, `predicate` a `rules` predicate of
`(user, obj)`, `action` the words that finish "You may not …" in the `not_permitted` error.
Services call `permission_require(actor, name, obj)` before they change anything; the API's one
permission class (`api.permissions.RulePermission`) maps view actions to the same names, and
selectors filter querysets by role so that what a user may not see is a 404.
The predicates below take a contest (or a team) as `obj`; a stage's rule is its contest's.
"""

from __future__ import annotations

import rules
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contest.enums import ContestRoleKind, MemberRole
from contest.errors import error

_ACTIONS: dict[str, Promise] = {}
_ON_OBJECT: dict[str, bool] = {}


def permission_define(name: str, predicate, action: Promise, *, on_object: bool = True) -> None:
    """Declare permission `name` as `predicate`; `action` names it in the refusal message.
    `on_object=False` for a rule about the user alone (checked without an object)."""
    if name in _ACTIONS:
        raise ValueError(f"permission {name!r} is defined twice")
    rules.add_perm(name, predicate)
    _ACTIONS[name] = action
    _ON_OBJECT[name] = on_object


def permission_on_object(name: str) -> bool:
    return _ON_OBJECT[name]


def permission_check(user, name: str, obj=None) -> bool:
    return rules.has_perm(name, user, obj)


def permission_require(user, name: str, obj=None) -> None:
    """Raise `not_permitted` (403) unless `user` has permission `name` on `obj`."""
    if not rules.has_perm(name, user, obj):
        raise permission_error(name)


def permission_error(name: str):
    return error("not_permitted", action=_ACTIONS[name])


def permission_names() -> list[str]:
    return sorted(_ACTIONS)


@rules.predicate
def is_platform_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


@rules.predicate
def can_create_contest(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.is_staff))


@rules.predicate
def is_organiser(user, contest) -> bool:
    if not (user and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    return contest.roles.filter(user=user, role=ContestRoleKind.ORGANISER).exists()


def publisher_organisation_ids(user, contest) -> set[int]:
    if not (user and user.is_authenticated):
        return set()
    return set(
        contest.roles.filter(user=user, role=ContestRoleKind.PUBLISHER).values_list(
            "organisation_id", flat=True
        )
    )


def is_publisher_for(user, contest, organisation_id: int) -> bool:
    return organisation_id in publisher_organisation_ids(user, contest)


@rules.predicate
def is_authenticated(user) -> bool:
    return bool(user and user.is_authenticated)


@rules.predicate
def organises_a_contest(user) -> bool:
    """Organisers of at least one contest (and platform admins) may look people up."""
    if not (user and user.is_authenticated):
        return False
    if user.is_superuser:
        return True
    return user.contest_roles.filter(role=ContestRoleKind.ORGANISER).exists()


@rules.predicate
def is_challenge_organiser(user, challenge) -> bool:
    return is_organiser(user, challenge.contest)


@rules.predicate
def is_challenge_publisher(user, challenge) -> bool:
    """A publisher of the contest acting for the challenge's organisation."""
    return is_publisher_for(user, challenge.contest, challenge.publisher_id)


@rules.predicate
def is_team_member(user, team) -> bool:
    if not (user and user.is_authenticated):
        return False
    return team.members.filter(user=user).exists()


@rules.predicate
def is_team_captain(user, team) -> bool:
    return bool(user and user.is_authenticated and team.captain_id == user.id)


@rules.predicate
def can_edit_entry(user, team) -> bool:
    """Captain and members edit entries; advisors only read."""
    if not (user and user.is_authenticated):
        return False
    return team.members.filter(user=user, role__in=[MemberRole.CAPTAIN, MemberRole.MEMBER]).exists()


@rules.predicate
def is_member_themself_or_captain(user, member) -> bool:
    """The captain removes a member; a member may leave."""
    if not (user and user.is_authenticated):
        return False
    return member.user_id == user.id or member.team.captain_id == user.id


# Contests (`obj`: the contest; a track, group or stage is checked on its contest)
permission_define(
    "contest.create_contest", can_create_contest, _("create contests"), on_object=False
)
permission_define("contest.manage_contest", is_organiser, _("manage this contest"))
permission_define(
    "contest.create_subcontest", is_organiser, _("create a sub-contest under that contest")
)
permission_define("contest.search_users", organises_a_contest, _("search users"), on_object=False)

# Challenges (`obj`: the challenge, or for the whole list its contest)
permission_define(
    "contest.draft_challenge",
    is_challenge_organiser | is_challenge_publisher,
    _("draft challenges for this organisation"),
)
permission_define(
    "contest.edit_challenge",
    is_challenge_organiser | is_challenge_publisher,
    _("edit this challenge"),
)
permission_define(
    "contest.submit_challenge",
    is_challenge_publisher | is_challenge_organiser,
    _("submit this challenge"),
)
permission_define("contest.approve_challenge", is_challenge_organiser, _("approve challenges"))
permission_define("contest.return_challenge", is_challenge_organiser, _("return challenges"))
permission_define("contest.publish_challenge", is_challenge_organiser, _("publish challenges"))
permission_define("contest.close_challenge", is_challenge_organiser, _("close challenges"))
permission_define("contest.publish_challenge_list", is_organiser, _("publish the challenge list"))
permission_define("contest.import_challenges", is_organiser, _("import challenge lists"))

# Teams (`obj`: the team; for removing a member, the member)
permission_define("contest.register_team", is_authenticated, _("register"), on_object=False)
permission_define("contest.edit_team", is_team_captain, _("edit this team"))
permission_define("contest.invite_member", is_team_captain, _("invite members"))
permission_define("contest.join_team", is_authenticated, _("join a team"), on_object=False)
permission_define("contest.remove_member", is_member_themself_or_captain, _("remove this member"))

# Entries (`obj`: the team)
permission_define("contest.edit_entry", can_edit_entry, _("edit this team's entry"))
permission_define("contest.withdraw_entry", is_team_captain, _("withdraw the entry"))


# 征榜 applications (`obj`: the application) and challenge questions (`obj`: the question; for
# asking, the asking team)
@rules.predicate
def is_application_organiser(user, application) -> bool:
    return is_organiser(user, application.contest)


@rules.predicate
def is_question_publisher(user, question) -> bool:
    return is_challenge_publisher(user, question.challenge)


@rules.predicate
def is_question_organiser(user, question) -> bool:
    return is_challenge_organiser(user, question.challenge)


permission_define(
    "contest.apply_to_publish", is_authenticated, _("apply to publish"), on_object=False
)
permission_define(
    "contest.decide_publisher_application",
    is_application_organiser,
    _("decide applications to publish"),
)
permission_define("contest.ask_question", is_team_member, _("ask questions for this team"))
permission_define(
    "contest.answer_question", is_question_publisher, _("answer questions on this challenge")
)
permission_define("contest.moderate_question", is_question_organiser, _("moderate questions"))
permission_define(
    "contest.view_challenge_takers",
    is_challenge_organiser | is_challenge_publisher,
    _("see who took this challenge"),
)
