"""The JSON parser every view uses: depth checked before parsing, control characters refused.

`json.loads` recurses once per nesting level, so a body nested 100,000 deep ends in a
`RecursionError` (a 500); the depth is counted on the raw text first, in one pass. Strings may
carry tab, line feed and carriage return; any other C0 control character or DEL (NUL above all,
which PostgreSQL cannot store in text) is refused, in keys and values alike. The body's size is
capped before this runs (config.middleware.RequestLimitsMiddleware).
"""

from __future__ import annotations

import json
import math
import re

from django.conf import settings
from rest_framework import parsers, status
from rest_framework.exceptions import APIException, ParseError

# Strings (with their escapes) or brackets; everything else is skipped by the regex engine.
TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NestingTooDeep(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "nesting_too_deep"
    default_detail = "JSON nested too deep."


class ControlCharacter(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "control_character"
    default_detail = "Control characters are not allowed."


def json_depth_check(text: str, limit: int) -> None:
    depth = 0
    for match in TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise NestingTooDeep()
        elif token in "]}":
            depth -= 1


def control_characters_check(value) -> None:
    """Walk the parsed value (its depth is already bounded) for a string with a control character."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if CONTROL.search(item):
                raise ControlCharacter()
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ParseError("A number is out of range.")
    return value


def _constant_refused(name: str):
    raise ParseError(f"{name} is not JSON.")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        if not text:
            raise ParseError("JSON parse error - empty body")
        json_depth_check(text, settings.REQUEST_JSON_MAX_DEPTH)
        try:
            data = json.loads(text, parse_float=_finite_float, parse_constant=_constant_refused)
        except (ValueError, RecursionError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from exc
        control_characters_check(data)
        return data
