"""The one parser of query parameters: ASCII digits only, within the column's range.

`str.isdigit()` accepts '²' and '٥' and `int()` then fails or overflows; an id beyond a bigint
or a year beyond 9999 reaches the database and comes back as a 500. Every query parameter that
names a number goes through `query_int`, which answers a 400 with a stable code instead.
"""

from __future__ import annotations

import re

from contest.errors import error

ASCII_INT = re.compile(r"\A[0-9]{1,19}\Z", re.ASCII)
ID_MAX = 2**63 - 1  # PostgreSQL bigint, the primary keys' type (BigAutoField)
YEAR_MIN, YEAR_MAX = 1, 9999  # datetime.date's range


def query_int(
    request, name: str, *, minimum: int = 1, maximum: int = ID_MAX, default: int | None = None
) -> int | None:
    """The parameter `name` as an int within [minimum, maximum]; `default` when absent or empty.

    Anything else — signs, spaces, non-ASCII digits, too many digits, out of range — is refused
    with `query_param_invalid` (400), naming the parameter and the range."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    return int_parse(raw, name, minimum=minimum, maximum=maximum)


def int_parse(raw: str, name: str, *, minimum: int = 1, maximum: int = ID_MAX) -> int:
    if not ASCII_INT.match(raw) or not minimum <= int(raw) <= maximum:
        raise error(
            "query_param_invalid",
            name=name,
            minimum=minimum,
            maximum=maximum,
            fields={name: ["query_param_invalid"]},
        )
    return int(raw)


def query_year(request, name: str = "year") -> int | None:
    return query_int(request, name, minimum=YEAR_MIN, maximum=YEAR_MAX)
