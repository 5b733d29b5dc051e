"""Operators' view of the audit trail: read-only, events are never edited or deleted."""

from django.contrib import admin

from audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "verb",
        "actor",
        "county",
        "subject",
        "object_type",
        "object_id",
        "from_state",
        "to_state",
    ]
    list_filter = ["verb", "object_type", "county"]
    search_fields = ["verb", "actor__email", "subject__email", "reason", "=object_id"]
    list_select_related = ["actor", "county", "subject"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
