"""Operators set each county's fee amounts here, from a date (an empty amount: the program's
default, under Counties → Program policy; a schedule in force is not edited: a change is a new
schedule from a later date) and read the fees due, payments and waivers, which only the
services write."""

from django.contrib import admin
from django.utils import timezone

from fees.models import (
    FeeDue,
    FeePayment,
    FeePaymentVoid,
    FeeSchedule,
    FeeWaiver,
    ScholarshipNomination,
    ScholarshipPool,
)


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = [
        "county",
        "effective_from",
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

    def get_readonly_fields(self, request, obj=None):
        # A schedule already in force is history: a change is a new schedule from a later date.
        if obj is not None and obj.effective_from <= timezone.localdate():
            return [field.name for field in obj._meta.fields if field.name != "id"]
        return super().get_readonly_fields(request, obj)

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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows only the services write (county staff in the workspace): operators read them."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FeePayment)
class FeePaymentAdmin(ReadOnlyAdmin):
    list_display = ["paid_on", "county", "person", "fee", "amount_cents", "method", "reference"]
    list_filter = ["method", "county"]
    list_select_related = ["county", "person", "fee"]
    search_fields = ["person__email", "reference"]


@admin.register(FeePaymentVoid)
class FeePaymentVoidAdmin(ReadOnlyAdmin):
    list_display = ["voided_at", "county", "person", "payment", "voided_by", "reason"]
    list_filter = ["county"]
    list_select_related = ["county", "person", "payment", "voided_by"]
    search_fields = ["person__email"]


@admin.register(FeeWaiver)
class FeeWaiverAdmin(ReadOnlyAdmin):
    list_display = ["granted_at", "county", "person", "fee", "applied_at"]
    list_filter = ["county"]
    list_select_related = ["county", "person", "fee"]
    search_fields = ["person__email"]


@admin.register(ScholarshipPool)
class ScholarshipPoolAdmin(admin.ModelAdmin):
    """Pools are created by state staff in the workspace; operators may correct a pool's
    description here. Places and nominations are never deleted."""

    list_display = ["name", "source", "covers", "places", "amount_cents", "opens_on", "closes_on"]
    readonly_fields = ["created_by", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ScholarshipNomination)
class ScholarshipNominationAdmin(ReadOnlyAdmin):
    list_display = ["nominated_at", "pool", "county", "person", "status", "granted_on"]
    list_filter = ["status", "county"]
    list_select_related = ["pool", "county", "person"]
    search_fields = ["person__email"]
