"""Operators load Medi-Cal enrollment here: "Upload a file" on the loads' list, a preview of
what will load and of every row left out (with its line and reason), then confirm. The loads
and their rows are read-only: a correction is a new load (the latest is the one in force)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from analytics.models import MediCalEnrollment, MediCalEnrollmentLoad
from analytics.services import (
    DHCS_SOURCE,
    enrollment_upload_commit,
    enrollment_upload_get,
    enrollment_upload_plan,
    enrollment_upload_store,
)
from core.errors import DomainError

PREVIEW_ROWS = 60


class EnrollmentUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV)"),
        help_text=_(
            "DHCS's Medi-Cal Certified Eligibles by county: columns County, Month of "
            "Eligibility, Total Eligibles."
        ),
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        initial=DHCS_SOURCE,
        help_text=_("Shown beside every ratio built on these figures."),
    )


class EnrollmentRowInline(admin.TabularInline):
    model = MediCalEnrollment
    fields = ["county", "month", "certified_eligibles"]
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("county")


@admin.register(MediCalEnrollmentLoad)
class MediCalEnrollmentLoadAdmin(admin.ModelAdmin):
    list_display = [
        "loaded_at",
        "file_name",
        "source",
        "demo",
        "first_month",
        "last_month",
        "rows_loaded",
        "rows_skipped",
    ]
    readonly_fields = [f.name for f in MediCalEnrollmentLoad._meta.fields]
    change_list_template = "admin/analytics/load_change_list.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="analytics_medicalenrollmentload_upload",
            ),
            path(
                "upload/<str:token>/",
                self.admin_site.admin_view(self.confirm_view),
                name="analytics_medicalenrollmentload_confirm",
            ),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Load Medi-Cal enrollment"),
            **extra,
        }

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        form = EnrollmentUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                plan = enrollment_upload_plan(
                    actor=request.user,
                    data=upload.read(),
                    file_name=upload.name,
                    source=form.cleaned_data["source"],
                )
            except PermissionDenied:
                raise
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                token = enrollment_upload_store(plan)
                return HttpResponseRedirect(
                    reverse("admin:analytics_medicalenrollmentload_confirm", args=[token])
                )
        return TemplateResponse(
            request, "admin/analytics/upload.html", self._context(request, form=form)
        )

    def confirm_view(self, request: HttpRequest, token: str) -> HttpResponse:
        plan = enrollment_upload_get(actor=request.user, token=token)
        if plan is None:
            messages.error(request, _("This upload has expired. Upload the file again."))
            return HttpResponseRedirect(reverse("admin:analytics_medicalenrollmentload_upload"))
        if request.method == "POST":
            try:
                load = enrollment_upload_commit(actor=request.user, token=token)
            except DomainError as error:
                messages.error(request, error.message)
                return HttpResponseRedirect(reverse("admin:analytics_medicalenrollmentload_upload"))
            messages.success(
                request,
                _("Loaded %(rows)s rows from %(file)s.")
                % {"rows": load.rows_loaded, "file": load.file_name},
            )
            return HttpResponseRedirect(
                reverse("admin:analytics_medicalenrollmentload_change", args=[load.pk])
            )
        first, last = plan.months
        return TemplateResponse(
            request,
            "admin/analytics/confirm.html",
            self._context(
                request,
                plan=plan,
                first_month=first,
                last_month=last,
                preview=plan.rows[:PREVIEW_ROWS],
                more=max(0, len(plan.rows) - PREVIEW_ROWS),
            ),
        )

    inlines = [EnrollmentRowInline]
