"""The back office for awards, notices, objections, certificates and the working-day calendar.

Awards, notices, objections and certificates change only through their services (the 公示 and
correction rules, the audit chain), so the admin shows them and changes none of them
(`ServiceOwnedAdmin`). The calendar is the platform admin's to keep: preloaded with China's
official days (`awards.services.calendar`), editable here.
"""

from django.contrib import admin

from awards.models import (
    Award,
    AwardSettings,
    AwardTier,
    CalendarDay,
    Certificate,
    CertificateBatch,
    CertificateTemplate,
    Notice,
    Objection,
    ObjectionFile,
)
from contest.admin import ServiceOwnedAdmin


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name"]
    list_filter = ["kind"]
    search_fields = ["name"]
    date_hierarchy = "date"


@admin.register(AwardTier)
class AwardTierAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["name", "contest", "kind", "track", "quota_count", "quota_percent", "order"]
    list_filter = ["contest"]
    list_select_related = ["contest", "track"]


@admin.register(Award)
class AwardAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["tier", "team", "organisation", "contest", "rank", "final_score", "status"]
    list_filter = ["status", "contest"]
    search_fields = ["team__name", "organisation__name", "group_name"]
    list_select_related = ["tier", "team", "organisation", "contest"]


@admin.register(AwardSettings)
class AwardSettingsAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["contest", "notice_min_days", "notice_min_working_days", "updated_at"]
    list_select_related = ["contest"]


class ObjectionFileInline(ServiceOwnedAdmin, admin.TabularInline):
    model = ObjectionFile
    fields = ["original_name", "file_type", "size", "sha256", "uploaded_at"]
    readonly_fields = fields


@admin.register(Notice)
class NoticeAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["title", "contest", "stage", "status", "opens_at", "closes_at"]
    list_filter = ["status", "contest"]
    search_fields = ["title"]
    list_select_related = ["contest", "stage"]


@admin.register(Objection)
class ObjectionAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["notice", "award", "objector_name", "status", "created_at", "resolved_at"]
    list_filter = ["status"]
    search_fields = ["objector_name", "reason", "resolution"]
    list_select_related = ["notice", "award", "award__tier", "award__team"]
    inlines = [ObjectionFileInline]


@admin.register(CertificateTemplate)
class CertificateTemplateAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["contest", "title", "serial_prefix", "issue_date", "updated_at"]
    list_select_related = ["contest"]


@admin.register(CertificateBatch)
class CertificateBatchAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = ["contest", "status", "total", "done", "issued", "failed", "created_at"]
    list_filter = ["status"]
    list_select_related = ["contest"]


@admin.register(Certificate)
class CertificateAdmin(ServiceOwnedAdmin, admin.ModelAdmin):
    list_display = [
        "serial",
        "recipient_name",
        "award_name",
        "contest_name",
        "status",
        "issue_date",
    ]
    list_filter = ["status", "recipient_role"]
    search_fields = ["serial", "recipient_name", "team_name"]
    exclude = ["signature"]
