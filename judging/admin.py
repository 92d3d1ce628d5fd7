from django.contrib import admin

from contest.admin import ServiceOwnedAdmin
from judging.models import (
    Assignment,
    AuditLog,
    Conflict,
    Criterion,
    FormalCheckDecision,
    JudgeProfile,
    MaterialChecklist,
    PanelMembership,
    Recommendation,
    RecommendationQuota,
    Review,
    Rubric,
)


class CriterionInline(ServiceOwnedAdmin, admin.TabularInline):
    model = Criterion
    extra = 0


@admin.register(Rubric)
class RubricAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["name", "stage", "track", "group", "version"]
    inlines = [CriterionInline]


@admin.register(JudgeProfile)
class JudgeProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "province", "title"]
    search_fields = ["user__real_name", "organisation__name"]


@admin.register(PanelMembership)
class PanelMembershipAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = [
        "judge",
        "stage",
        "track",
        "status",
        "min_load",
        "max_load",
        "declaration_accepted_at",
    ]
    list_filter = ["stage", "status"]


@admin.register(Conflict)
class ConflictAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["judge", "team", "source", "created_at"]
    list_filter = ["source", "contest"]


@admin.register(Assignment)
class AssignmentAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["judge", "entry", "stage", "source", "anonymous_code"]
    list_filter = ["stage", "source"]


@admin.register(Review)
class ReviewAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    """Read-only: scores change only through the judge's submit and the recorded reopen."""

    list_display = ["entry", "judge", "status", "total", "submitted_at", "reopened_count"]
    list_filter = ["stage", "status"]


@admin.register(AuditLog)
class AuditLogAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    """Append-only: visible, never editable."""

    list_display = ["contest", "seq", "action", "actor", "object_type", "object_id", "created_at"]
    list_filter = ["contest", "action"]


@admin.register(MaterialChecklist)
class MaterialChecklistAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["stage", "required_file_kinds", "required_fields", "updated_at"]
    list_select_related = ["stage", "stage__contest"]


@admin.register(FormalCheckDecision)
class FormalCheckDecisionAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["entry", "stage", "outcome", "deadline", "decided_by", "decided_at"]
    list_filter = ["outcome"]
    search_fields = ["entry__title", "entry__team__name", "reason"]
    list_select_related = ["entry", "stage", "decided_by"]


# The national contest's inbox (read-only: decisions go through judging.services.recommendation)
@admin.register(Recommendation)
class RecommendationAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["entry", "from_contest", "to_contest", "track", "rank", "status", "decided_at"]
    list_filter = ["status", "to_contest"]
    search_fields = ["entry__title", "entry__team__name", "return_reason"]
    list_select_related = ["entry", "from_contest", "to_contest", "track"]


@admin.register(RecommendationQuota)
class RecommendationQuotaAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["parent", "track", "from_contest", "quota"]
    list_select_related = ["parent", "track", "from_contest"]
