"""Request limits enforced before a view or a parser reads anything.

- A body larger than the limit is refused from its `Content-Length` with 413, before a byte of it
  is read: every body up to `REQUEST_BODY_MAX_BYTES`, except a multipart body on a route that
  takes files (`REQUEST_UPLOAD_ROUTES`: entry files up to the largest per-kind limit, objection
  evidence, certificate images, ...), which gets that route's limit. A body that claims more than
  it sends is never waited for here: behind nginx (`proxy_request_buffering on`) gunicorn only
  sees whole bodies; one that sends more than it claims is read no further than it claims.
- A chunked body (`Transfer-Encoding`, no `Content-Length`) is refused with 411: its size is
  unknown before it is read, and Django would read it as empty. nginx turns a chunked upload into
  a body with a length before it reaches gunicorn, so only a client talking to gunicorn directly
  sees this.
- A path or query string carrying a C0 control character or DEL (`%00` above all, which
  PostgreSQL cannot store and some lookups choke on) is refused with 400.

The answer is the API's error envelope. `config` imports no app (tests/test_architecture.py), so
the messages live here, beside DRF's own in `api/exceptions.py`.
"""

from __future__ import annotations

import re
from functools import lru_cache
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
    "content_length_required": (
        "请求须带 Content-Length 请求头，不接受分块传输的请求体。",
        "A Content-Length header is required; chunked request bodies are not accepted.",
    ),
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
        response = self.get_response(request)
        self.unread_discard(request)
        return response

    @staticmethod
    def unread_discard(request) -> None:
        """Read what the view left of an accepted body (a 401 on an upload, say): a sync worker
        closes the connection after answering, and a socket closed with unread data is reset, so
        nginx, still passing the body it buffered, would answer 502 instead of the response. The
        body is within its limit (checked above) and comes from nginx's buffer or the ASGI
        server's: reading it is quick."""
        try:
            while request.read(64 * 1024):
                pass
        except OSError:  # UnreadablePostError: the client went away, nothing left to answer
            pass

    def refusal(self, request) -> JsonResponse | None:
        query = unquote_plus(request.META.get("QUERY_STRING", ""), errors="replace")
        if CONTROL.search(request.path_info) or CONTROL.search(query):
            return error_response("control_character", 400)
        raw = request.META.get("CONTENT_LENGTH") or ""
        if request.META.get("HTTP_TRANSFER_ENCODING") and not raw:
            return closing(error_response("content_length_required", 411))
        raw = raw or "0"
        if not raw.isascii() or not raw.isdigit() or len(raw) > 18:
            return closing(error_response("content_length_invalid", 400))
        size = int(raw)
        limit = body_limit(request)
        if size > limit:
            return closing(error_response("request_too_large", 413, size=size, limit=limit))
        return None


def closing(response: JsonResponse) -> JsonResponse:
    # The unread body stays in the socket: the connection cannot be used for another request.
    # Answered before CommonMiddleware, so the length is set here (else gunicorn would chunk it).
    response["Connection"] = "close"
    response["Content-Length"] = str(len(response.content))
    return response


@lru_cache(maxsize=8)
def _compiled(routes: tuple) -> tuple:
    return tuple((re.compile(path), limit) for path, limit in routes)


def body_limit(request) -> int:
    """The largest body this request may carry: its upload route's limit for a multipart body on a
    route that takes files, `REQUEST_BODY_MAX_BYTES` for anything else."""
    if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
        routes = tuple(tuple(route) for route in settings.REQUEST_UPLOAD_ROUTES)
        for pattern, limit in _compiled(routes):
            if pattern.match(request.path_info):
                return int(limit)
    return int(settings.REQUEST_BODY_MAX_BYTES)
