"""Operators' views of the employer tables (support). Changes go through the services; the
admin lists and shows."""

from django.contrib import admin

from employers.models import (
    Employer,
    ExclusionListLoad,
    ExclusionMatch,
    WebhookDelivery,
    WebhookEndpoint,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Employer)
class EmployerAdmin(ReadOnlyAdmin):
    list_display = ("name", "contact_name", "contact_email", "notice_mode", "created_at")
    search_fields = ("name", "contact_email")


@admin.register(ExclusionListLoad)
class ExclusionListLoadAdmin(ReadOnlyAdmin):
    list_display = (
        "source",
        "loaded_at",
        "file_name",
        "rows_read",
        "individuals",
        "entities",
        "rows_skipped",
        "screened_at",
        "matches_found",
    )
    list_filter = ("source",)


@admin.register(ExclusionMatch)
class ExclusionMatchAdmin(ReadOnlyAdmin):
    list_display = ("certification", "county", "source", "score", "exact", "status", "created_at")
    list_filter = ("status", "source", "exact")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ("employer", "url", "enabled", "failing_since", "disabled_at")
    exclude = ("secret",)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = (
        "endpoint",
        "event_type",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
    )
    list_filter = ("status", "event_type")
