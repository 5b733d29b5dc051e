from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse

from reports.models import ProgramReport, ReportPolicy


@admin.register(ReportPolicy)
class ReportPolicyAdmin(admin.ModelAdmin):
    """One row of operator-editable report values: the list page opens it directly."""

    readonly_fields = ["updated_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        policy = ReportPolicy.current()
        return HttpResponseRedirect(reverse("admin:reports_reportpolicy_change", args=[policy.pk]))


@admin.register(ProgramReport)
class ProgramReportAdmin(admin.ModelAdmin):
    """View only: reports are drafted and submitted in the county workspace."""

    list_display = ["county", "period_start", "period_end", "version", "status", "submitted_at"]
    list_filter = ["status", "county"]
    list_select_related = ["county"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
