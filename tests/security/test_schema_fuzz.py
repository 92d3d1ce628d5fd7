"""Schemathesis over the served schema (`/api/schema/`): every operation, as anonymous and as each
seeded role of the small demo (organiser, captain, judge, winner), with every response check
(no 5xx, documented status codes, content types, bodies and headers as the schema says).

Against a live server on the suite's database (PostgreSQL in CI, through `.ci/run`). Run by
`make test-fuzz`, part of `make test`. Bounded so that it stays within a few minutes: `FUZZ_EXAMPLES` examples per operation and role (default 3, no shrinking),
and a time budget `FUZZ_BUDGET_SECONDS` (default 480) after which the remaining operations are
reported as not run. Each failure names the role, the operation, the check and the request
(curl) that reproduces it.
"""

from __future__ import annotations

import io
import os
import time
import warnings

import pytest
import schemathesis
from django.conf import settings
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings

from awards.certificates.signing import generate_signing_key_b64
from contest.models import User
from demo import logins

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db(transaction=True)]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
BUDGET_SECONDS = float(os.environ.get("FUZZ_BUDGET_SECONDS", "480"))
ROLES = {
    "anonymous": None,
    "organiser": logins.ORGANISER_EMAIL,
    "captain": logins.CAPTAIN_EMAIL,
    "judge": logins.JUDGE_EMAIL,
    "winner": logins.WINNER_EMAIL,
}
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.response_headers_conformance,
]


def _token_for(user) -> str:
    """A token of whichever kind the API's token authentication takes."""
    if "knox" in settings.INSTALLED_APPS:
        from knox.models import AuthToken

        return AuthToken.objects.create(user)[1]
    from rest_framework.authtoken.models import Token

    return Token.objects.get_or_create(user=user)[0].key


def _fuzz_operation(operation, headers: dict, failures: list[str], role: str) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # check failures (a group): report, go on
        failures.append(f"[{role}] {operation.label}\n{exc}"[:3000])


@pytest.fixture
def small_demo(transactional_db, settings):
    settings.CERTIFICATE_SIGNING_KEY = generate_signing_key_b64()
    call_command("seed_demo", "--small", stdout=io.StringIO())


def test_every_operation_as_every_role_conforms_to_the_schema(small_demo, live_server):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 100, "the schema lists the API's operations"
    started = time.monotonic()
    failures: list[str] = []
    not_run: list[str] = []
    for role, email in ROLES.items():
        headers = {}
        if email is not None:
            user = User.objects.get(email=email)
            headers = {"Authorization": f"Token {_token_for(user)}"}
        for operation in operations:
            if time.monotonic() - started > BUDGET_SECONDS:
                not_run.append(f"[{role}] {operation.label}")
                continue
            _fuzz_operation(operation, headers, failures, role)
    report = "\n\n".join(failures)
    if not_run:
        warnings.warn(
            f"{len(not_run)} operation runs over the time budget were not run", stacklevel=1
        )
        report += f"\n\n{len(not_run)} operation runs over the time budget were not run."
    assert not failures, f"{len(failures)} operation runs failed:\n\n{report}"
