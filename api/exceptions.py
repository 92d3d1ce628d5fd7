"""Every API error is JSON: a stable `code`, a message in the request's language, both languages,
and per-field details. Domain errors from services map here by their `kind`."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import get_language
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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
}


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


def _flatten_fields(detail) -> dict:
    if isinstance(detail, dict):
        return {
            key: [str(item) for item in value]
            if isinstance(value, list)
            else _flatten_fields(value)
            for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(item) for item in detail]}
    return {"non_field_errors": [str(detail)]}


def exception_handler(exc, context):
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
        en = str(exc.detail)
    response.data = error_body(code, zh, en, fields=fields)
    return response
