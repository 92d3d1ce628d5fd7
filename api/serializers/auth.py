from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from contest.errors import error
from contest.models import Organisation
from contest.permissions import permission_check
from contest.validators import validate_mobile

User = get_user_model()


class UserBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "real_name"]


class ContestRoleBriefSerializer(serializers.Serializer):
    contest = serializers.IntegerField()
    role = serializers.CharField()
    organisation = serializers.IntegerField(allow_null=True)


class MeSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(
        source="organisation.name", read_only=True, default=None
    )
    organisation_stated = serializers.BooleanField(read_only=True)
    roles = serializers.SerializerMethodField()
    can_create_contest = serializers.SerializerMethodField()
    is_judge = serializers.SerializerMethodField()
    has_agreements = serializers.SerializerMethodField(
        help_text="揭榜挂帅: the person may see an agreement (the header links to /agreements)."
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "mobile",
            "real_name",
            "organisation",
            "organisation_name",
            "organisation_stated",
            "id_number",
            "province",
            "is_superuser",
            "is_staff",
            "can_create_contest",
            "is_judge",
            "roles",
            "has_agreements",
        ]

    def get_can_create_contest(self, user) -> bool:
        return permission_check(user, "contest.create_contest")

    def get_is_judge(self, user) -> bool:
        return user.panel_memberships.exists()

    def get_has_agreements(self, user) -> bool:
        from awards.selectors import agreements_visible

        return agreements_visible(user=user).exists()

    @extend_schema_field(ContestRoleBriefSerializer(many=True))
    def get_roles(self, user) -> list[dict]:
        return [
            {"contest": r.contest_id, "role": r.role, "organisation": r.organisation_id}
            for r in user.contest_roles.all()
        ]


class LoginSerializer(serializers.Serializer):
    login = serializers.CharField(help_text="Email or mobile number")
    password = serializers.CharField(style={"input_type": "password"})


class LoginResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    user = MeSerializer()


class AuthTokenSerializer(serializers.Serializer):
    """One API token: `id` is its first characters (the token itself is shown only at login)."""

    id = serializers.CharField(source="token_key")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField()

    def get_current(self, token) -> bool:
        return token.digest == self.context.get("current")


class RegisterSerializer(serializers.Serializer):
    real_name = serializers.CharField(max_length=64)
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)
    mobile = serializers.CharField(required=False, allow_blank=True, validators=[validate_mobile])
    password = serializers.CharField(max_length=128, style={"input_type": "password"})
    province = serializers.CharField(required=False, allow_blank=True, max_length=32)

    def validate(self, attrs: dict) -> dict:
        """The project's AUTH_PASSWORD_VALIDATORS apply to sign-up: at least 10 characters, not a
        common password, not all digits, not like the e-mail, mobile or name given."""
        candidate = User(
            email=attrs.get("email") or "",
            mobile=attrs.get("mobile") or "",
            real_name=attrs.get("real_name") or "",
        )
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise error(
                "password_too_weak",
                fields={"password": list(exc.messages)},
                details={"reasons": sorted({e.code for e in exc.error_list if e.code})},
            ) from exc
        return attrs


class NewOrganisationSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Organisation._meta.get_field("kind").choices)
    uscc = serializers.CharField(max_length=40, help_text="统一社会信用代码, 18 characters")
    province = serializers.CharField(max_length=32)
    city = serializers.CharField(max_length=32, required=False, allow_blank=True)


class MeUpdateSerializer(serializers.Serializer):
    """PATCH /api/auth/me/: state your organisation (one of `organisation`, `new_organisation`,
    `organisation_none`) and/or record your citizen ID number."""

    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=False
    )
    new_organisation = NewOrganisationSerializer(required=False)
    organisation_none = serializers.BooleanField(required=False)
    id_number = serializers.CharField(
        max_length=18, required=False, allow_blank=True, help_text="居民身份证号码, 18 characters"
    )
