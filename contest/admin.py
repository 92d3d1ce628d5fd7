"""The organisers' back office, in Chinese (LANGUAGE_CODE zh-hans; verbose names are bilingual)."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError

from contest.enums import ContestStatus, EntryStatus
from contest.errors import ValidationFailed
from contest.files import entry_file_max_bytes, upload_check
from contest.models import (
    Challenge,
    Contest,
    ContestRole,
    Entry,
    EntryFile,
    Group,
    Invitation,
    Organisation,
    Stage,
    Team,
    TeamMember,
    Track,
    User,
)
from contest.services.entry import ALLOWED_FILE_TYPES


class ServiceOwnedAdmin:
    """A back-office view of records that only a service may write: the services check the phase
    rules, the conflict rules and the permissions, and put each decision on the audit chain, so
    the admin shows these records and changes none of them (no route gets round the rules)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


CONTEST_WINDOWS = ["registration_opens_at", "registration_closes_at"]
STAGE_WINDOWS = [
    "submission_opens_at",
    "submission_closes_at",
    "review_opens_at",
    "review_closes_at",
]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["real_name", "email", "mobile", "organisation", "is_staff", "is_active"]
    search_fields = ["real_name", "email", "mobile"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    fieldsets = [
        (None, {"fields": ["email", "mobile", "password"]}),
        ("个人信息 Person", {"fields": ["real_name", "organisation", "province"]}),
        (
            "权限 Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("时间 Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "mobile", "real_name", "password1", "password2"],
            },
        )
    ]
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "uscc", "province", "city"]
    list_filter = ["kind", "province"]
    search_fields = ["name", "uscc"]


class TrackInline(admin.TabularInline):
    model = Track
    extra = 0


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0


class StageInline(admin.TabularInline):
    """Windows move only through `stage_update` once the contest is published (the window rules
    and the audit chain); before that the admin may set them."""

    model = Stage
    extra = 0

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != ContestStatus.DRAFT:
            fields += STAGE_WINDOWS
        return fields

    def has_add_permission(self, request, obj=None):
        return obj is None or obj.status == ContestStatus.DRAFT

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.status == ContestStatus.DRAFT


class ContestRoleInline(admin.TabularInline):
    model = ContestRole
    extra = 0
    autocomplete_fields = ["user", "organisation"]


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "year", "status", "parent"]
    list_filter = ["kind", "status", "year"]
    search_fields = ["name", "code"]
    inlines = [TrackInline, GroupInline, StageInline, ContestRoleInline]
    readonly_fields = ["status"]  # moves only through the lifecycle service (API / SPA)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status != ContestStatus.DRAFT:
            fields += CONTEST_WINDOWS + ["parent"]
        return fields


@admin.register(Challenge)
class ChallengeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "title",
        "contest",
        "publisher",
        "track",
        "prize_amount",
        "prize_negotiable",
        "status",
    ]
    list_filter = ["contest", "status", "prize_payer"]
    search_fields = ["code", "title", "publisher__name"]
    autocomplete_fields = ["publisher"]
    readonly_fields = ["status", "published_at"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "order", "title"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "contest",
        "lead_organisation",
        "track",
        "group",
        "captain",
        "roster_locked",
    ]
    list_filter = ["contest", "track", "roster_locked"]
    search_fields = ["code", "name", "lead_organisation__name", "captain__real_name"]
    autocomplete_fields = ["lead_organisation", "co_applicants", "captain", "challenge"]
    inlines = [TeamMemberInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["team", "role", "invitee_name", "status", "expires_at"]
    list_filter = ["status", "role"]
    readonly_fields = ["code"]


class EntryFileForm(forms.ModelForm):
    """The admin uses the same upload check (allow-list by content, size limit) as the API."""

    class Meta:
        model = EntryFile
        fields = ["entry", "kind", "file", "uploaded_by"]

    def clean(self):
        data = super().clean()
        uploaded = data.get("file")
        if uploaded is not None and hasattr(uploaded, "content_type"):
            try:
                checked = upload_check(
                    uploaded,
                    allowed=ALLOWED_FILE_TYPES[data["kind"]],
                    max_bytes=entry_file_max_bytes(data["kind"]),
                )
            except ValidationFailed as exc:
                raise ValidationError(f"{exc.message_zh} / {exc.message_en}") from exc
            self.instance.file_type = checked.file_type
            self.instance.content_type = checked.content_type
            self.instance.size = checked.size
            self.instance.sha256 = checked.sha256
            self.instance.original_name = uploaded.name[:255]
            entry = data["entry"]
            if entry.status != EntryStatus.DRAFT:
                raise ValidationError(
                    "作品已提交，文件不能再更换。/ The entry is submitted: its files cannot change."
                )
            last = entry.files.filter(kind=data["kind"]).order_by("-version").first()
            self.instance.version = (last.version + 1) if last else 1
        return data


class EntryFileInline(admin.TabularInline):
    model = EntryFile
    extra = 0
    fields = [
        "kind",
        "version",
        "is_current",
        "original_name",
        "file_type",
        "size",
        "sha256",
        "uploaded_at",
    ]
    readonly_fields = fields
    can_delete = False


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "stage", "status", "submitted_at"]
    list_filter = ["stage__contest", "stage", "status"]
    search_fields = ["title", "team__name", "team__code"]
    inlines = [EntryFileInline]
    readonly_fields = ["status", "submitted_at", "withdrawn_at"]

    def has_change_permission(self, request, obj=None):
        """A submitted or withdrawn entry is what the judges saw: it changes only as a draft."""
        if obj is not None and obj.status != EntryStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)


@admin.register(EntryFile)
class EntryFileAdmin(admin.ModelAdmin):
    form = EntryFileForm
    list_display = ["original_name", "entry", "kind", "version", "is_current", "file_type", "size"]
    list_filter = ["kind", "file_type", "is_current"]
    search_fields = ["original_name", "entry__team__name", "sha256"]
    readonly_fields = [
        "version",
        "is_current",
        "original_name",
        "file_type",
        "content_type",
        "size",
        "sha256",
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.entry.files.filter(kind=obj.kind, is_current=True).update(is_current=False)
        super().save_model(request, obj, form, change)
