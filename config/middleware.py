"""Request limits enforced before a view or a parser reads anything.

- A body larger than the limit is refused from its `Content-Length` with 413, before a byte of it
  is read: JSON and form bodies up to `REQUEST_BODY_MAX_BYTES`, multipart uploads up to
  `REQUEST_UPLOAD_MAX_BYTES` (the entry-file limit plus room for the form's other fields).
  Django reads no more than `Content-Length` bytes, so a body without one is read as empty.
- A path or query string carrying a C0 control character or DEL (`%00` above all, which
  PostgreSQL cannot store and some lookups choke on) is refused with 400.

The answer is the API's error envelope. `config` imports no app (tests/test_architecture.py), so
the two messages live here, beside DRF's own in `api/exceptions.py`.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import get_language

CONTROL = re.compile(r"[\x00-\x1f\x7f]")

MESSAGES = {
    "request_too_large": (
        "请求内容过大：{size} 字节，上限 {limit} 字节。",
        "The request body is too large: {size} bytes; the limit is {limit} bytes.",
    ),
    "content_length_invalid": ("请求头 Content-Length 无效。", "Invalid Content-Length header."),
    "control_character": (
        "请求中含有不允许的控制字符。",
        "The request contains control characters, which are not allowed.",
    ),
}


def error_response(code: str, status: int, **params) -> JsonResponse:
    zh, en = (text.format(**params) for text in MESSAGES[code])
    english = (get_language() or "zh-hans").startswith("en")
    body = {
        "code": code,
        "message": en if english else zh,
        "message_zh": zh,
        "message_en": en,
        "fields": {},
        "details": params,
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refused = self.refusal(request)
        if refused is not None:
            return refused
        return self.get_response(request)

    def refusal(self, request) -> JsonResponse | None:
        query = unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace")
        if CONTROL.search(request.path_info) or CONTROL.search(query):
            return error_response("control_character", 400)
        raw = request.META.get("CONTENT_LENGTH") or "0"
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            return error_response("content_length_invalid", 400)
        size = int(raw)
        multipart = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        limit = settings.REQUEST_UPLOAD_MAX_BYTES if multipart else settings.REQUEST_BODY_MAX_BYTES
        if size > limit:
            # The unread body stays in the socket; the server closes the connection after a 413.
            response = error_response("request_too_large", 413, size=size, limit=limit)
            response["Connection"] = "close"
            return response
        return None
