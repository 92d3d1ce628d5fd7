"""Domain errors and the error catalogue; `api.exceptions` maps the errors to JSON responses.

Every error code is defined once, in its app's catalogue (`<app>/errors.py`), with its kind and
its message. The message is English source text marked for translation (`gettext_lazy`); its
Chinese comes from the app's `locale/zh_Hans/LC_MESSAGES/django.po`, so adding a language means
adding a catalogue file, not editing code. Placeholders use `str.format` names::

    # awards/errors.py
    catalogue = Catalogue("awards")
    catalogue.conflict("notice_closed", _("The notice period ended at {closes_at}; …"))

    # a service, after `from awards.errors import error`:
    raise error("notice_closed", closes_at="2026-12-01 23:59:59")

A code is looked up in every catalogue loaded so far; an app's `errors` module imports the
catalogues of the apps below it, so a service can raise any code of its own app or a lower one.
Raising an unknown code is a programming error (`UnknownErrorCode`), and `tests/test_errors.py`
checks every code raised in the source against the catalogues. Services never know about HTTP: the
kind tells the API which status fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

LANGUAGES = ("zh-hans", "en")


class UnknownErrorCode(LookupError):
    """A service raised a code that no catalogue defines."""


class DomainError(Exception):
    """Base for every rule violation. Subclasses set `kind`; instances carry code and messages."""

    kind = "invalid"  # invalid | conflict | forbidden | not_found

    def __init__(
        self,
        code: str,
        message: Promise | str,
        *,
        params: dict | None = None,
        fields: dict[str, list[str]] | None = None,
        details: dict | None = None,
        rendered: dict[str, str] | None = None,
    ):
        self.code = code
        self.message = message
        self.params = params or {}
        self.fields = fields or {}
        self.details = details or {}
        self._rendered = rendered or {}
        super().__init__(f"{code}: {self.message_in('en')}")

    def message_in(self, language: str) -> str:
        """The message in `language` (zh-hans or en), placeholders filled."""
        if language in self._rendered:
            return self._rendered[language]
        with translation.override(language):
            text = str(self.message)
            if not self.params:
                return text
            # Lazy params (e.g. a permission's action) render in the same language.
            params = {k: str(v) if isinstance(v, Promise) else v for k, v in self.params.items()}
            return text.format(**params)

    @property
    def message_zh(self) -> str:
        return self.message_in("zh-hans")

    @property
    def message_en(self) -> str:
        return self.message_in("en")

    @classmethod
    def prerendered(
        cls, code: str, *, zh: str, en: str, fields: dict | None = None, details: dict | None = None
    ) -> DomainError:
        """An error whose messages were already rendered in both languages elsewhere, e.g.
        Django's own field validation messages gathered by `full_clean_or_raise`."""
        return cls(code, en, fields=fields, details=details, rendered={"zh-hans": zh, "en": en})


class ValidationFailed(DomainError):
    """The input breaks a rule (bad USCC, file type, score out of range)."""

    kind = "invalid"


class StateConflict(DomainError):
    """The object is in a state that does not allow this (late, locked, already submitted)."""

    kind = "conflict"


class NotPermitted(DomainError):
    """The actor may see the object but may not do this to it."""

    kind = "forbidden"


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does."""

    kind = "not_found"


@dataclass(frozen=True)
class ErrorSpec:
    code: str
    kind: type[DomainError]
    message: Promise
    app: str


_REGISTRY: dict[str, ErrorSpec] = {}


class Catalogue:
    """One app's error codes. Defining a code that another catalogue already has is an error."""

    def __init__(self, app: str):
        self.app = app

    def define(self, kind: type[DomainError], code: str, message: Promise) -> None:
        if code in _REGISTRY and _REGISTRY[code].app != self.app:
            raise ValueError(f"error code {code!r} is already defined by {_REGISTRY[code].app}")
        _REGISTRY[code] = ErrorSpec(code=code, kind=kind, message=message, app=self.app)

    def invalid(self, code: str, message: Promise) -> None:
        self.define(ValidationFailed, code, message)

    def conflict(self, code: str, message: Promise) -> None:
        self.define(StateConflict, code, message)

    def forbidden(self, code: str, message: Promise) -> None:
        self.define(NotPermitted, code, message)

    def not_found(self, code: str, message: Promise) -> None:
        self.define(NotFound, code, message)

    def codes(self) -> list[str]:
        return sorted(code for code, spec in _REGISTRY.items() if spec.app == self.app)


def error(
    code: str,
    /,
    *,
    fields: dict[str, list[str]] | None = None,
    details: dict | None = None,
    **params,
) -> DomainError:
    """The catalogue's error for `code`, its message's placeholders filled from `params`."""
    try:
        spec = _REGISTRY[code]
    except KeyError:
        raise UnknownErrorCode(f"no error catalogue defines {code!r}") from None
    return spec.kind(code, spec.message, params=params, fields=fields, details=details)


def catalogue_all() -> dict[str, ErrorSpec]:
    """Every code defined by the catalogues loaded so far (import the apps' `errors` modules)."""
    return dict(_REGISTRY)


def text_by_language(*, zh: str, en: str) -> Promise:
    """A message param whose text is not a translation but differs by language: a choice shown
    by its label in Chinese and by its value in English, a list joined with 、 or with commas.
    It renders when the message does, in the message's language."""

    def render() -> str:
        return en if (translation.get_language() or "").startswith("en") else zh

    return lazy(render, str)()


# The contest app's own codes: those every app raises come first.
catalogue = Catalogue("contest")
catalogue.forbidden("not_permitted", _("You may not {action}."))
catalogue.invalid("reason_required", _("A reason is required."))
catalogue.conflict("invalid_transition", _("{subject} cannot move from {current} to {target}."))
# The subjects of invalid_transition.
TRANSITION_SUBJECT_CONTEST = pgettext_lazy("invalid_transition", "A contest")
TRANSITION_SUBJECT_CHALLENGE = pgettext_lazy("invalid_transition", "A challenge")
catalogue.invalid("track_not_in_contest", _("The track belongs to another contest."))
catalogue.invalid("file_required", _("Upload a file."))

# Accounts
catalogue.invalid("invalid_credentials", _("Wrong account or password."))
catalogue.invalid("email_or_mobile_required", _("Give an email or a mobile number."))
catalogue.conflict("account_exists", _("An account with this email or mobile exists."))

# Uploads
catalogue.invalid("file_too_large", _("File too large: {size_mb} MB; the limit is {limit_mb} MB."))
catalogue.invalid("file_empty", _("The file is empty."))
catalogue.invalid(
    "file_content_mismatch", _("The file's content ({detected}) does not match its name (.{ext}).")
)
catalogue.invalid("file_type_not_allowed", _("File type not allowed: only {allowed} are accepted."))
catalogue.invalid(
    "archive_too_large", _("The archive inflates to {size_mb} MB; the limit is {limit_mb} MB.")
)
catalogue.invalid(
    "archive_ratio", _("The archive is compressed {ratio}:1; at most {limit}:1 is accepted.")
)
catalogue.invalid(
    "archive_too_many_members", _("The archive holds {count} files; the limit is {limit}.")
)
catalogue.invalid(
    "pdf_too_complex", _("The PDF's content inflates beyond {limit_mb} MB; it cannot be accepted.")
)

# Organisations
catalogue.conflict(
    "organisation_exists",
    _("An organisation with this unified social credit code already exists."),
)

# Contests, their tracks, groups and stages
catalogue.invalid(
    "team_size_range_invalid",
    _("The minimum team size ({team_size_min}) exceeds the maximum ({team_size_max})."),
)
catalogue.conflict("contest_code_frozen", _("A contest's code cannot change once it is published."))
catalogue.conflict("contest_has_no_stages", _("Add at least one stage before publishing."))
catalogue.invalid("publisher_needs_organisation", _("A publisher must act for an organisation."))
catalogue.invalid("invalid_window", _("The {window} window must open before it closes."))

# Teams and invitations
catalogue.conflict("registration_not_open", _("Registration for this contest is not open."))
catalogue.conflict("registration_closed", _("Registration has closed."))
catalogue.conflict(
    "roster_locked",
    _("The roster is locked after the registration deadline; members cannot change."),
)
catalogue.conflict(
    "already_in_team",
    _("In this contest a person may be on one team only, and you already are."),
)
catalogue.invalid(
    "lead_organisation_required",
    _("This contest is entered by organisations: name the lead organisation."),
)
catalogue.invalid(
    "organisation_kind_not_eligible", _("Organisations of this type may not enter this contest.")
)
catalogue.invalid("joint_entries_not_allowed", _("This contest does not accept joint entries."))
catalogue.invalid(
    "co_applicants_duplicate", _("Co-applicants repeat or include the lead organisation.")
)
catalogue.invalid("too_many_co_applicants", _("At most {co_applicants_max} co-applicants."))
catalogue.invalid("track_required", _("Pick a track."))
catalogue.invalid("challenge_not_open", _("The challenge is not published in this contest."))
catalogue.conflict(
    "challenge_deadline_passed", _("The deadline to take this challenge has passed.")
)
catalogue.invalid("challenge_required", _("Pick a challenge to take."))
catalogue.invalid("group_not_in_contest", _("The group belongs to another contest."))
catalogue.invalid(
    "group_not_eligible",
    _("The lead organisation does not meet the founding-date rule of group '{group}'."),
)
catalogue.conflict("team_name_taken", _("That team name is taken."))
catalogue.invalid("invalid_role", _("Only members or advisors can be invited."))
catalogue.invalid("invitation_not_found", _("No invitation has this code."))
for _status in ("accepted", "declined", "expired"):
    catalogue.conflict(
        f"invitation_{_status}", _("This invitation is {status} and can no longer be used.")
    )
catalogue.conflict("already_member", _("You are already on this team."))
catalogue.conflict(
    "advisors_full", _("The team already has the maximum of {advisors_max} advisors.")
)
catalogue.conflict("team_full", _("The team already has the maximum of {team_size_max} members."))
catalogue.conflict("captain_cannot_leave", _("The captain cannot leave the team."))

# Entries
catalogue.conflict("submission_not_open", _("Submissions for this stage have not opened."))
catalogue.conflict(
    "submission_closed",
    _("Submissions closed at {deadline} (Beijing time); the entry can no longer change."),
)
catalogue.conflict("entry_not_draft", _("The entry is {status} and cannot be changed."))
catalogue.invalid("stage_not_in_contest", _("The stage belongs to another contest."))
catalogue.conflict("entry_exists", _("The team already has an entry for this stage."))
catalogue.invalid("invalid_file_kind", _("Unknown kind of entry file."))
catalogue.invalid("entry_files_missing", _("Upload the plan before submitting."))
catalogue.conflict("team_size_below_min", _("The team needs at least {team_size_min} members."))
catalogue.conflict("entry_withdrawn", _("The entry is already withdrawn."))

# Challenges and the challenge list import
catalogue.invalid("prize_negative", _("The prize cannot be negative."))
catalogue.invalid("prize_negotiable_with_amount", _("A negotiable prize has no amount."))
catalogue.conflict(
    "challenge_not_editable", _("A challenge in status '{status}' cannot be edited.")
)
catalogue.invalid("invalid_workbook", _("Cannot read the workbook: use the .xlsx template."))
catalogue.invalid("template_mismatch", _("The header lacks columns: {columns}."))
catalogue.invalid("import_rows_invalid", _("{count} errors; nothing was imported."))

# Windows already passed, the contest tree (issue 9)
catalogue.conflict(
    "window_passed", _("The {window} passed at {at} (Beijing time); it cannot be moved now.")
)
catalogue.invalid("deadline_before_now", _("The {window} cannot be moved before now."))
catalogue.invalid("contest_parent_cycle", _("A contest cannot be its own parent or ancestor."))
catalogue.invalid(
    "organisation_choice_invalid",
    _("State one of: an organisation, a new organisation (name and USCC), or none."),
)

# Request input (issue 10): query parameters parsed by api.params
catalogue.invalid(
    "query_param_invalid",
    _("The query parameter '{name}' must be a whole number from {minimum} to {maximum}."),
)
catalogue.conflict(
    "write_conflict",
    _("Another request changed the same record at the same moment; reload and try again."),
)
catalogue.invalid(
    "password_too_weak",
    _(
        "Choose a stronger password: at least 10 characters, not common, not like your name or email."
    ),
)

# 征榜 (call for challenges) applications and challenge questions
catalogue.conflict("call_not_open", _("The call for challenges of this contest is not open."))
catalogue.conflict(
    "publisher_application_exists",
    _("This organisation already has an application to publish in this contest."),
)
catalogue.conflict(
    "publisher_application_decided", _("This application has already been {status}.")
)
catalogue.invalid("asking_team_not_in_contest", _("The asking team belongs to another contest."))
catalogue.invalid("question_text_required", _("Write the question."))
catalogue.invalid("answer_required", _("Write the answer."))
catalogue.conflict("question_hidden", _("The organisers hid this question; it cannot be answered."))
catalogue.conflict("question_not_hidden", _("This question is not hidden."))
catalogue.conflict(
    "takers_before_deadline",
    _("Who took the challenge is shown after its deadline ({deadline}, Beijing time)."),
)
catalogue.conflict(
    "publisher_role_other_organisation",
    _("The applicant already publishes for another organisation in this contest."),
)
catalogue.conflict(
    "question_already_answered", _("The question was answered on {answered_at}; answers are kept.")
)

# The rule across editions and entries carried across from a sub-contest (contest/editions.py)
catalogue.conflict(
    "edition_wins_exceeded",
    _(
        "{organisation} has won this contest {wins} times already (at most {wins_max} across "
        "editions): {past}."
    ),
)
catalogue.conflict(
    "past_winner_excluded",
    _("{organisation} won this contest before ({past}); past national winners cannot enter."),
)
catalogue.conflict("entry_not_carried", _("This entry was not carried across from a sub-contest."))
catalogue.conflict(
    "carried_file_changed",
    _(
        "The stored file {name} is missing or no longer matches its checksum; nothing was "
        "carried across."
    ),
)
