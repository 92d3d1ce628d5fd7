"""OpenAPI extensions and the postprocessing hook that makes the schema tell the truth about what
the API serves: the error statuses of every operation with the shared error body, anonymous
access on public reads, and integer bounds as PostgreSQL enforces them (the schema is generated
from the SQLite settings, whose integer columns are all 64-bit)."""

from __future__ import annotations

import contextlib

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import FieldDoesNotExist
from django.db.backends.base.operations import BaseDatabaseOperations
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers as drf_serializers
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'A login token with the prefix "Token": `Authorization: Token <token>`.',
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"
    priority = 1

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


ERROR_COMPONENT = "ErrorBody"
ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error: a stable code, the message in the request's language, "
    "both languages, per-field messages and details. See docs/developer/errors.md.",
    "properties": {
        "code": {"type": "string", "description": "Stable error code."},
        "message": {"type": "string", "description": "In the request's language."},
        "message_zh": {"type": "string"},
        "message_en": {"type": "string"},
        "fields": {
            "type": "object",
            "additionalProperties": {},
            "description": "Field name → list of messages (nested for nested input).",
        },
        "details": {"type": "object", "additionalProperties": {}},
    },
    "required": ["code", "message", "message_zh", "message_en", "fields", "details"],
}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input (`invalid`, `parse_error` or a domain code).",
    "401": "Not logged in, or the token is invalid (`not_authenticated`, `authentication_failed`).",
    "403": "Not permitted (`not_permitted`, `permission_denied`).",
    "404": "Not found, or not visible to this user (`not_found`).",
    "409": "Conflicts with the current state (a domain code).",
    "413": "The request body is too large.",
    "429": "Too many requests (`throttled`); see `Retry-After`.",
}
# PostgreSQL's integer columns (SQLite reports 64 bits for every integer type).
POSTGRES_INTEGER_RANGES = BaseDatabaseOperations.integer_field_ranges
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)


def _anonymous_request(method: str) -> Request:
    django_request = getattr(APIRequestFactory(), method.lower())("/")
    django_request.user = AnonymousUser()
    request = Request(django_request)
    request.user = AnonymousUser()
    return request


def _anonymous_allowed(view, method: str) -> bool:
    """Whether the view's permission classes let an anonymous visitor through."""
    request = _anonymous_request(method)
    try:
        return all(perm.has_permission(request, view) for perm in view.get_permissions())
    except Exception:  # a permission that raises its own 401/403 refuses
        return False


def _error_statuses(path: str, method: str, operation: dict, anonymous: bool) -> list[str]:
    method = method.upper()
    statuses = ["400", "401", "429"]
    if not anonymous or method not in SAFE_METHODS:
        statuses.append("403")
    paginated = any(param.get("name") == "page" for param in operation.get("parameters", []))
    if "{" in path or method not in SAFE_METHODS or paginated:  # a page past the end is a 404
        statuses.append("404")
    if method not in SAFE_METHODS:
        statuses.append("409")
    if "requestBody" in operation:
        statuses.append("413")
    return sorted(statuses)


def _fix_integer_bounds(generator, result) -> None:
    schemas = result.get("components", {}).get("schemas", {})
    serializers = {
        name: component.object
        for (name, kind), component in generator.registry._components.items()
        if kind == "schemas"
    }
    for name, schema in schemas.items():
        serializer = serializers.get(name)
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        fields = getattr(serializer, "fields", {}) if serializer is not None else {}
        for prop, prop_schema in (schema.get("properties") or {}).items():
            if prop_schema.get("type") != "integer":
                continue
            if prop_schema.get("maximum") != INT64_MAX and prop_schema.get("minimum") != INT64_MIN:
                continue
            internal_type = "IntegerField"
            field = fields.get(prop)
            source = getattr(field, "source", prop) or prop
            if model is not None and "." not in source:
                with contextlib.suppress(FieldDoesNotExist):
                    internal_type = model._meta.get_field(source).get_internal_type()
            low, high = POSTGRES_INTEGER_RANGES.get(
                internal_type, POSTGRES_INTEGER_RANGES["IntegerField"]
            )
            if prop_schema.get("maximum") == INT64_MAX:
                prop_schema["maximum"] = high
            if prop_schema.get("minimum") == INT64_MIN:
                prop_schema["minimum"] = low


def _served_as_null(model, field) -> bool:
    """Whether DRF serves this field as null for some row: an empty file, or a dotted source
    (`stage.name`) that crosses a nullable relation."""
    if isinstance(field, drf_serializers.FileField):
        try:
            return model._meta.get_field(field.source).blank
        except FieldDoesNotExist:
            return False
    parts = (getattr(field, "source", "") or "").split(".")
    if len(parts) < 2:
        return False
    current = model
    for part in parts:
        try:
            model_field = current._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return False
        if (
            getattr(model_field, "null", False)
            or model_field.one_to_one
            and model_field.auto_created
        ):
            return True
        current = getattr(model_field, "related_model", None)
        if current is None:
            return False
    return False


def _fix_nullability(generator, result) -> None:
    schemas = result.get("components", {}).get("schemas", {})
    for (name, kind), component in generator.registry._components.items():
        serializer = component.object
        model = getattr(getattr(serializer, "Meta", None), "model", None)
        schema = schemas.get(name)
        if kind != "schemas" or model is None or not schema:
            continue
        for prop, prop_schema in (schema.get("properties") or {}).items():
            field = serializer.fields.get(prop)
            if field is None or "$ref" in prop_schema or prop_schema.get("nullable"):
                continue
            if field.read_only and _served_as_null(model, field):
                prop_schema["nullable"] = True


def _uploaded_file_types() -> list[str]:
    from contest.validators import FILE_TYPES

    return sorted({file_type.content_type for file_type in FILE_TYPES.values()})


def _fix_content_types(result) -> None:
    """Downloads of uploaded files (entry files, a judge's copy, objection evidence) are served
    with the type detected at upload, not `application/octet-stream`; a JSON-LD document rendered
    by DRF's JSON renderer is served as `application/json`."""
    binary = {"type": "string", "format": "binary"}
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in (operation.get("responses") or {}).values():
                content = response.get("content") or {}
                if "application/octet-stream" in content:
                    del content["application/octet-stream"]
                    for content_type in _uploaded_file_types():
                        content[content_type] = {"schema": binary}
                if "application/ld+json" in content:
                    content["application/json"] = content.pop("application/ld+json")


def _fix_path_ids(result) -> None:
    """Ids in routes matched by `[0-9]+` (a router's `lookup_value_regex`) are integers."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for param in operation.get("parameters", []):
                schema = param.get("schema") or {}
                if param.get("in") == "path" and schema == {
                    "type": "string",
                    "pattern": "^[0-9]+$",
                }:
                    param["schema"] = {"type": "integer", "minimum": 0}


def postprocess_truthful_schema(result, generator, request, public):
    components = result.setdefault("components", {})
    components.setdefault("schemas", {})[ERROR_COMPONENT] = ERROR_SCHEMA
    ref = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
    anonymous_of = {}
    for path, _regex, method, view in generator._get_paths_and_endpoints():
        anonymous_of[path, method.lower()] = _anonymous_allowed(view, method)
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            anonymous = anonymous_of.get((path, method), False)
            responses = operation["responses"]
            for status in _error_statuses(path, method, operation, anonymous):
                responses.setdefault(
                    status,
                    {
                        "description": ERROR_DESCRIPTIONS[status],
                        "content": {"application/json": {"schema": ref}},
                    },
                )
            if anonymous and method.upper() in SAFE_METHODS:
                security = operation.setdefault("security", [])
                if {} not in security:
                    security.append({})
    _fix_integer_bounds(generator, result)
    _fix_nullability(generator, result)
    _fix_content_types(result)
    _fix_path_ids(result)
    return result
