"""Operators see every email the product sent or tried to send (read-only)."""

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import EmailLog


@admin.register(EmailLog)
class EmailLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "to", "kind", "status", "attempts", "subject")
    list_filter = ("status", "kind")
    search_fields = ("to", "kind", "subject", "idempotency_key")
    date_hierarchy = "created_at"
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
