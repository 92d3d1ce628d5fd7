"""Every API error is JSON: a stable `code`, a message in the request's language, both languages,
and per-field details. Domain errors from services map here by their `kind`."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from awards.errors import error
from contest.errors import DomainError

KIND_STATUS = {
    "invalid": status.HTTP_400_BAD_REQUEST,
    "conflict": status.HTTP_409_CONFLICT,
    "forbidden": status.HTTP_403_FORBIDDEN,
    "not_found": status.HTTP_404_NOT_FOUND,
}

DRF_MESSAGES = {
    "invalid": ("输入有误，请检查标出的字段。", "Invalid input: check the marked fields."),
    "not_authenticated": ("请先登录。", "Please log in first."),
    "authentication_failed": ("登录信息无效。", "Authentication failed."),
    "permission_denied": ("无权执行此操作。", "You do not have permission to do this."),
    "not_found": ("未找到。", "Not found."),
    "method_not_allowed": ("不支持该请求方法。", "Method not allowed."),
    "parse_error": ("请求格式有误。", "Malformed request."),
    "unsupported_media_type": ("不支持的请求格式。", "Unsupported media type."),
    "throttled": ("请求过于频繁，请稍后再试。", "Too many requests; try again later."),
    "not_acceptable": ("无法提供所需格式。", "Not acceptable."),
    "nesting_too_deep": ("请求数据嵌套层级过深。", "The JSON body is nested too deep."),
    "control_character": (
        "请求中含有不允许的控制字符。",
        "The request contains control characters, which are not allowed.",
    ),
}

# A unique constraint that two requests racing each other can hit, by its name on PostgreSQL
# (named constraints, or `<table>_<column>_key` for `unique=True`) and on SQLite
# (`<table>.<column>`, from "UNIQUE constraint failed: …"): the code the loser reads. The
# services check these rules first; the constraint only decides a race, and the loser gets the
# same 409 it would have got a moment later. Anything else unique or integrity-related is a
# `write_conflict`, never a 500.
CONSTRAINT_CODES = {
    "contest_user_email_key": "account_exists",
    "contest_user.email": "account_exists",
    "contest_user_mobile_key": "account_exists",
    "contest_user.mobile": "account_exists",
    "contest_organisation_uscc_key": "organisation_exists",
    "contest_organisation.uscc": "organisation_exists",
    "uniq_team_name": "team_name_taken",
    "contest_team.contest_id, contest_team.name": "team_name_taken",
    "uniq_team_member": "already_member",
    "contest_teammember.team_id, contest_teammember.user_id": "already_member",
    "uniq_entry_per_stage": "entry_exists",
    "contest_entry.team_id, contest_entry.stage_id": "entry_exists",
    "uniq_rubric_scope": "rubric_exists",
    "uniq_active_award_team": "award_exists",
    "judging_award.tier_id, judging_award.team_id": "award_exists",
    "uniq_active_award_organisation": "award_exists",
    "judging_award.tier_id, judging_award.organisation_id": "award_exists",
}
SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")
HAN = re.compile(r"[\u3400-\u9fff]")


def integrity_code(exc: IntegrityError) -> str:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    name = getattr(diag, "constraint_name", None)
    if name is None:
        match = SQLITE_UNIQUE.search(str(exc))
        name = match.group(1).strip() if match else None
    return CONSTRAINT_CODES.get(name or "", "write_conflict")


def _language_is_english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def error_body(code: str, zh: str, en: str, *, fields=None, details=None) -> dict:
    return {
        "code": code,
        "message": en if _language_is_english() else zh,
        "message_zh": zh,
        "message_en": en,
        "fields": fields or {},
        "details": details or {},
    }


def _flatten_fields(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested errors as one flat map of dotted paths to messages, which a form can put
    under its fields: ``{"team": {"name": [..]}}`` → ``team.name``; a list serializer's
    ``{"criteria": [{}, {"name": [..]}]}`` → ``criteria.1.name``; a list field's item errors
    (``{"entrant_kinds": {0: [..]}}``, keyed by index) belong to the list field itself, which is
    what a form shows (``entrant_kinds``). Never a repr of a dict."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            scalar_items = isinstance(value, list) and not any(
                isinstance(item, dict | list) for item in value
            )
            if prefix and isinstance(key, int) and scalar_items:
                out.setdefault(prefix, []).extend(str(item) for item in value)
                continue
            out.update(_flatten_fields(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, item in enumerate(detail):
            if isinstance(item, dict | list):
                out.update(_flatten_fields(item, f"{prefix}.{index}" if prefix else str(index)))
            elif item:
                out.setdefault(prefix or "non_field_errors", []).append(str(item))
    elif isinstance(detail, list):
        if detail:
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def exception_handler(exc, context):
    if isinstance(exc, IntegrityError):
        exc = error(integrity_code(exc))
    if isinstance(exc, DomainError):
        return Response(
            error_body(
                exc.code, exc.message_zh, exc.message_en, fields=exc.fields, details=exc.details
            ),
            status=KIND_STATUS.get(exc.kind, 400),
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        code = "invalid"
        fields = _flatten_fields(exc.detail)
    else:
        code = exc.default_code if hasattr(exc, "default_code") else "error"
        fields = {}
    zh, en = DRF_MESSAGES.get(
        code, (str(getattr(exc, "detail", "错误")), str(getattr(exc, "detail", "Error")))
    )
    if code in {"parse_error", "authentication_failed"} and getattr(exc, "detail", None):
        # the specific reason, as DRF worded it in the request's language when it raised
        if HAN.search(str(exc.detail)):
            zh = str(exc.detail)
        else:
            en = str(exc.detail)
    response.data = error_body(code, zh, en, fields=fields)
    return response


@csrf_exempt  # it changes nothing: a POST to no route is the 404 envelope, not a CSRF page
def api_not_found(request, *args, **kwargs) -> JsonResponse:
    """The 404 of a path no API route matches (`/api/notices/AAA/`): the envelope, not a page."""
    zh, en = DRF_MESSAGES["not_found"]
    return JsonResponse(
        error_body("not_found", zh, en), status=404, json_dumps_params={"ensure_ascii": False}
    )
