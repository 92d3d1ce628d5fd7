from django.contrib.auth import authenticate, get_user_model, login, logout
from django.db import transaction
from django.middleware.csrf import get_token
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import auth_tokens_expired_delete, csrf_enforce
from api.permissions import Authenticated
from api.serializers.auth import (
    AuthTokenSerializer,
    LoginResponseSerializer,
    LoginSerializer,
    MeSerializer,
    MeUpdateSerializer,
    RegisterSerializer,
)
from api.throttling import login_failure_record, login_lockout_check, login_success_record
from contest.errors import error
from contest.services.user import user_id_number_set, user_organisation_set, user_register

User = get_user_model()


def _login_response(request, user):
    """Start a session and issue a new token: one per login (so per device), each expiring after
    `REST_KNOX["TOKEN_TTL"]`, each revocable on its own."""
    login(request, user, backend="contest.auth.EmailOrMobileBackend")
    auth_tokens_expired_delete(user=user)
    _instance, token = AuthToken.objects.create(user=user)
    return Response({"token": token, "user": MeSerializer(user).data})


class LoginView(APIView):
    """Log in with email or mobile and password; starts a session and returns a new API token.

    CSRF-checked like every session write (GET /api/auth/csrf/ first). After
    `LOGIN_FAILURES_MAX` wrong passwords the account is locked for `LOGIN_LOCKOUT_SECONDS`
    (429 with `Retry-After`, the right password included); an address is locked the same way
    after `LOGIN_ADDRESS_FAILURES_MAX`."""

    authentication_classes = []
    permission_classes = []
    throttle_scope = "login"

    @extend_schema(request=LoginSerializer, responses=LoginResponseSerializer, tags=["auth"])
    def post(self, request):
        csrf_enforce(request)
        data = LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = data.validated_data["login"]
        login_lockout_check(request, login=account)
        user = authenticate(request, username=account, password=data.validated_data["password"])
        if user is None:
            login_failure_record(request, login=account)
            raise error("invalid_credentials")
        login_success_record(request, login=account)
        return _login_response(request, user)


class RegisterView(APIView):
    """Sign up with a real name and an email or mobile number."""

    authentication_classes = []
    permission_classes = []
    throttle_scope = "register"

    @extend_schema(
        request=RegisterSerializer, responses={201: LoginResponseSerializer}, tags=["auth"]
    )
    def post(self, request):
        csrf_enforce(request)
        data = RegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_register(**data.validated_data)
        response = _login_response(request, user)
        response.status_code = 201
        return response


class LogoutView(APIView):
    """End the session and revoke the token the request carries (other devices stay logged in)."""

    permission_classes = [Authenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request):
        if isinstance(request.auth, AuthToken):
            request.auth.delete()
        logout(request)
        return Response(status=204)


def _tokens_live(user):
    return AuthToken.objects.filter(user=user, expiry__gt=timezone.now()).order_by("-created")


class TokenListView(APIView):
    """Your API tokens still alive (one per login): when each was issued, when it expires, and
    which one this request carries."""

    permission_classes = [Authenticated]

    @extend_schema(responses=AuthTokenSerializer(many=True), tags=["auth"])
    def get(self, request):
        current = request.auth.digest if isinstance(request.auth, AuthToken) else None
        tokens = _tokens_live(request.user)
        return Response(AuthTokenSerializer(tokens, many=True, context={"current": current}).data)

    @extend_schema(
        request=None, responses={204: None}, tags=["auth"], operation_id="auth_tokens_destroy_all"
    )
    def delete(self, request):
        """Revoke every token of yours (log out everywhere); the session ends too."""
        AuthToken.objects.filter(user=request.user).delete()
        logout(request)
        return Response(status=204)


class TokenDetailView(APIView):
    """Revoke one of your tokens by its `id` (the token's first characters, as listed)."""

    permission_classes = [Authenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def delete(self, request, token_id):
        deleted, _ = AuthToken.objects.filter(user=request.user, token_key=token_id).delete()
        if not deleted:
            raise NotFound()
        return Response(status=204)


class MeView(APIView):
    permission_classes = [Authenticated]

    @extend_schema(responses=MeSerializer, tags=["auth"])
    def get(self, request):
        user = User.objects.prefetch_related("contest_roles").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)

    @extend_schema(request=MeUpdateSerializer, responses=MeSerializer, tags=["auth"])
    @transaction.atomic
    def patch(self, request):
        """State your organisation (an existing one by id, a new one by name and USCC, or none)
        and/or record your citizen ID number; all or nothing."""
        data = MeUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if {"organisation", "new_organisation", "organisation_none"} & set(values):
            user_organisation_set(
                user=request.user,
                organisation=values.get("organisation"),
                new_organisation=values.get("new_organisation"),
                none=values.get("organisation_none", False),
            )
        if "id_number" in values:
            user_id_number_set(user=request.user, id_number=values["id_number"])
        user = User.objects.prefetch_related("contest_roles").get(pk=request.user.pk)
        return Response(MeSerializer(user).data)


class CsrfView(APIView):
    """Sets the CSRF cookie for the SPA."""

    authentication_classes = []
    permission_classes = []

    @extend_schema(
        responses=inline_serializer("Csrf", {"csrftoken": serializers.CharField()}), tags=["auth"]
    )
    def get(self, request):
        return Response({"csrftoken": get_token(request)})


class ClientConfigView(APIView):
    """What the SPA checks before an upload: the size limits (per kind of entry file, objection
    evidence, certificate images) and the allowed types per file kind."""

    authentication_classes = []
    permission_classes = []

    @extend_schema(
        responses=inline_serializer(
            "ClientConfig",
            {
                "entry_file_max_bytes": serializers.IntegerField(),
                "entry_file_max_bytes_by_kind": serializers.DictField(
                    child=serializers.IntegerField()
                ),
                "objection_file_max_bytes": serializers.IntegerField(),
                "certificate_image_max_bytes": serializers.IntegerField(),
                "entry_file_types": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField())
                ),
                "file_extensions": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField())
                ),
                "site_url": serializers.CharField(),
            },
        ),
        tags=["auth"],
    )
    def get(self, request):
        from django.conf import settings

        from contest.enums import EntryFileKind
        from contest.files import entry_file_max_bytes
        from contest.services.entry import ALLOWED_FILE_TYPES
        from contest.validators import FILE_TYPES

        return Response(
            {
                "entry_file_max_bytes": settings.ENTRY_FILE_MAX_BYTES,
                # Every kind, with the general limit where the kind has none of its own.
                "entry_file_max_bytes_by_kind": {
                    str(kind): entry_file_max_bytes(kind) for kind in EntryFileKind
                },
                "objection_file_max_bytes": settings.OBJECTION_FILE_MAX_BYTES,
                "certificate_image_max_bytes": settings.CERTIFICATE_IMAGE_MAX_BYTES,
                "entry_file_types": {str(k): list(v) for k, v in ALLOWED_FILE_TYPES.items()},
                "file_extensions": {k: list(t.extensions) for k, t in FILE_TYPES.items()},
                "site_url": settings.SITE_URL,
            }
        )
