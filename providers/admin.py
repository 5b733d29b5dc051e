"""Operators' views of the provider tables (support). Changes go through the services (the
provider pages); the admin lists and shows, and edits the provider policy."""

from django.contrib import admin

from providers.models import (
    ApprovalCycle,
    CourseApplication,
    CourseApproval,
    ProviderOrganisation,
    ProviderPolicy,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ProviderOrganisation)
class ProviderOrganisationAdmin(ReadOnlyAdmin):
    list_display = ("training_provider", "contact_name", "contact_email", "statewide")
    search_fields = ("training_provider__name", "contact_email")


@admin.register(ApprovalCycle)
class ApprovalCycleAdmin(ReadOnlyAdmin):
    list_display = ("course_type", "area_code", "ce_category", "opens_on", "closes_on")


@admin.register(CourseApplication)
class CourseApplicationAdmin(ReadOnlyAdmin):
    list_display = ("course", "cycle", "status", "submitted_at", "reviewed_at")
    list_filter = ("status",)


@admin.register(CourseApproval)
class CourseApprovalAdmin(ReadOnlyAdmin):
    list_display = ("course", "course_code", "starts_on", "ends_on", "withdrawn_on")


@admin.register(ProviderPolicy)
class ProviderPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "approval_months", "lapse_notice_days")

    def has_add_permission(self, request):
        return not ProviderPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
