"""Operators set each county's fee amounts here (an empty amount: the program's default, under
Counties → Program policy) and read the fees due, which only the services write."""

from django.contrib import admin

from fees.models import FeeDue, FeeSchedule


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "county",
        "application_cents",
        "exam_cents",
        "renewal_cents",
        "late_cents",
        "reinstatement_cents",
        "updated_at",
    ]
    autocomplete_fields = ["county"]
    readonly_fields = ["updated_at", "updated_by"]
    search_fields = ["county__name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(FeeDue)
class FeeDueAdmin(admin.ModelAdmin):
    list_display = ["created_at", "county", "person", "kind", "amount_cents"]
    list_filter = ["kind", "county"]
    list_select_related = ["county", "person"]
    search_fields = ["person__email"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
