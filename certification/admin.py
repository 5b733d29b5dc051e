"""Operators' views of applicants, applications, documents and certifications.

Read-mostly: nothing here edits a status or deletes a row. State changes are admin actions
that call `certification.services` with the operator as the actor, so the services' rules
apply unchanged: an operator acts on a county's objects only with the right role in that
county, and every change is audited like any other. Uploaded files are never linked from
here (they are served only through access-checked views).
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certification import services
from certification.models import (
    ApplicantProfile,
    Application,
    ApplicationPart,
    CertificateFile,
    Certification,
    CertificationSpecialization,
    CodeOfEthicsVersion,
    Renewal,
)
from core.errors import DomainError
from documents.models import Document
from exams.models import ExamAttempt


class ReadOnlyMixin:
    """View only: rows change through the services, and none is ever deleted."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}))


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ChangesForm(forms.Form):
    parts = forms.MultipleChoiceField(
        label=_("Parts to change"),
        choices=ApplicationPart.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Message to the applicant"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ServiceActionsMixin:
    """Run a service on each selected object and report each outcome to the operator."""

    def run_service(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        call: Callable[[Any], object],
        done: str,
    ) -> int:
        succeeded = 0
        for obj in queryset:
            try:
                call(obj)
            except DomainError as error:
                self.message_user(request, f"{obj}: {error.message}", messages.ERROR)
            except PermissionDenied:
                self.message_user(
                    request,
                    gettext("%(object)s: you need the right staff role in its county.")
                    % {"object": obj},
                    messages.ERROR,
                )
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, done % {"count": succeeded}, messages.SUCCESS)
        return succeeded

    def run_with_form(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        *,
        form_class: type[forms.Form],
        title: str,
        call: Callable[[Any, dict], object],
        done: str,
    ) -> TemplateResponse | None:
        """Ask for the form's values on an intermediate page, then run the service."""
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                self.run_service(request, queryset, lambda obj: call(obj, form.cleaned_data), done)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "form": form,
            "queryset": queryset,
            "action": request.POST.get("action", ""),
            "opts": self.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/certification/action_form.html", context)


@admin.register(CodeOfEthicsVersion)
class CodeOfEthicsVersionAdmin(admin.ModelAdmin):
    """Operators publish new versions; a version in effect is frozen (people signed it)."""

    list_display = ["version", "effective_on", "created_at"]
    ordering = ["-effective_on"]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if obj is not None and obj.effective_on <= timezone.localdate():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ApplicantProfile)
class ApplicantProfileAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["legal_name", "user", "county_of_residence", "preferred_language"]
    list_select_related = ["user", "county_of_residence"]
    search_fields = ["legal_first_name", "legal_last_name", "user__email"]
    list_filter = ["preferred_language", "lived_experience", "education"]


class DocumentInline(ReadOnlyMixin, admin.TabularInline):
    model = Document
    extra = 0
    fields = ["kind", "original_name", "content_type", "size", "review_status", "removed_at"]
    readonly_fields = fields
    show_change_link = True


class ExamAttemptInline(ReadOnlyMixin, admin.TabularInline):
    model = ExamAttempt
    extra = 0
    fields = ["taken_on", "result", "scaled_score", "source", "vendor_reference", "recorded_by"]
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ServiceActionsMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "applicant", "county", "pathway", "status", "submitted_at", "version"]
    list_filter = ["status", "pathway", "county"]
    list_select_related = ["applicant", "county"]
    search_fields = ["id", "applicant__email", "applicant__applicant_profile__legal_last_name"]
    date_hierarchy = "created_at"
    inlines = [DocumentInline, ExamAttemptInline]
    actions = [
        "start_review",
        "request_changes",
        "approve",
        "deny",
        "issue_certification",
        "expire",
    ]

    @admin.action(description=_("Start review"))
    def start_review(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        self.run_service(
            request,
            queryset,
            lambda a: services.application_start_review(actor=request.user, application=a),
            gettext("Review started: %(count)d."),
        )

    @admin.action(description=_("Request changes…"))
    def request_changes(self, request: HttpRequest, queryset: QuerySet[Application]):
        return self.run_with_form(
            request,
            queryset,
            form_class=ChangesForm,
            title=gettext("Request changes"),
            call=lambda a, data: services.application_request_changes(
                actor=request.user, application=a, parts=data["parts"], message=data["message"]
            ),
            done=gettext("Changes requested: %(count)d."),
        )

    @admin.action(description=_("Approve"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        self.run_service(
            request,
            queryset,
            lambda a: services.application_approve(actor=request.user, application=a),
            gettext("Approved: %(count)d."),
        )

    @admin.action(description=_("Deny…"))
    def deny(self, request: HttpRequest, queryset: QuerySet[Application]):
        return self.run_with_form(
            request,
            queryset,
            form_class=ReasonForm,
            title=gettext("Deny"),
            call=lambda a, data: services.application_deny(
                actor=request.user, application=a, reason=data["reason"]
            ),
            done=gettext("Denied: %(count)d."),
        )

    @admin.action(description=_("Issue the certification"))
    def issue_certification(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        self.run_service(
            request,
            queryset,
            lambda a: services.certification_issue(actor=request.user, application=a),
            gettext("Certifications issued: %(count)d."),
        )

    @admin.action(description=_("Expire (exam window ended)"))
    def expire(self, request: HttpRequest, queryset: QuerySet[Application]) -> None:
        self.run_service(
            request,
            queryset,
            lambda a: services.application_expire(application=a),
            gettext("Expired: %(count)d."),
        )


@admin.register(Document)
class DocumentAdmin(ServiceActionsMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["id", "owner", "kind", "original_name", "review_status", "created_at"]
    list_filter = ["kind", "review_status", "content_type"]
    list_select_related = ["owner"]
    search_fields = ["id", "owner__email", "original_name", "sha256"]
    date_hierarchy = "created_at"
    # `file` is left out on purpose: no direct link to an uploaded file.
    fields = [
        "owner",
        "application",
        "kind",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "review_status",
        "review_reason",
        "reviewed_by",
        "reviewed_at",
        "removed_at",
        "created_at",
    ]
    readonly_fields = fields
    actions = ["verify", "reject"]

    @admin.action(description=_("Verify"))
    def verify(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        self.run_service(
            request,
            queryset,
            lambda d: services.document_review(actor=request.user, document=d, verified=True),
            gettext("Verified: %(count)d."),
        )

    @admin.action(description=_("Reject…"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Document]):
        return self.run_with_form(
            request,
            queryset,
            form_class=ReasonForm,
            title=gettext("Reject"),
            call=lambda d, data: services.document_review(
                actor=request.user, document=d, verified=False, reason=data["reason"]
            ),
            done=gettext("Rejected: %(count)d."),
        )


class SpecializationInline(ReadOnlyMixin, admin.TabularInline):
    model = CertificationSpecialization
    extra = 0
    fields = ["code", "added_on", "training_record"]
    readonly_fields = fields


class RenewalInline(ReadOnlyMixin, admin.TabularInline):
    model = Renewal
    extra = 0
    fields = [
        "kind",
        "previous_expires_on",
        "new_expires_on",
        "ce_total_hours",
        "ce_law_and_ethics_hours",
        "ethics_version",
        "ethics_affirmed_at",
        "decided_by",
    ]
    readonly_fields = fields


class CertificateFileInline(ReadOnlyMixin, admin.TabularInline):
    model = CertificateFile
    extra = 0
    fields = ["kind", "content_hash", "size", "created_at"]
    readonly_fields = fields


@admin.register(Certification)
class CertificationAdmin(ServiceActionsMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "number",
        "last_name",
        "first_name",
        "issuing_county",
        "status",
        "issued_on",
        "expires_on",
    ]
    list_filter = ["status", "issuing_county"]
    list_select_related = ["issuing_county"]
    search_fields = ["number", "last_name", "first_name", "holder__email"]
    date_hierarchy = "expires_on"
    inlines = [SpecializationInline, RenewalInline, CertificateFileInline]
    actions = ["suspend", "lift_suspension", "revoke", "expire", "vacate"]

    @admin.action(description=_("Suspend…"))
    def suspend(self, request: HttpRequest, queryset: QuerySet[Certification]):
        return self.run_with_form(
            request,
            queryset,
            form_class=ReasonForm,
            title=gettext("Suspend"),
            call=lambda c, data: services.certification_suspend(
                actor=request.user, certification=c, reason=data["reason"]
            ),
            done=gettext("Suspended: %(count)d."),
        )

    @admin.action(description=_("Lift the suspension…"))
    def lift_suspension(self, request: HttpRequest, queryset: QuerySet[Certification]):
        return self.run_with_form(
            request,
            queryset,
            form_class=OptionalReasonForm,
            title=gettext("Lift the suspension"),
            call=lambda c, data: services.certification_lift_suspension(
                actor=request.user, certification=c, reason=data["reason"]
            ),
            done=gettext("Suspensions lifted: %(count)d."),
        )

    @admin.action(description=_("Revoke…"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[Certification]):
        return self.run_with_form(
            request,
            queryset,
            form_class=ReasonForm,
            title=gettext("Revoke"),
            call=lambda c, data: services.certification_revoke(
                actor=request.user, certification=c, reason=data["reason"]
            ),
            done=gettext("Revoked: %(count)d."),
        )

    @admin.action(description=_("Expire (expiry date passed)"))
    def expire(self, request: HttpRequest, queryset: QuerySet[Certification]) -> None:
        self.run_service(
            request,
            queryset,
            lambda c: services.certification_expire(certification=c),
            gettext("Expired: %(count)d."),
        )

    @admin.action(description=_("Vacate (reinstatement period ended)"))
    def vacate(self, request: HttpRequest, queryset: QuerySet[Certification]) -> None:
        self.run_service(
            request,
            queryset,
            lambda c: services.certification_vacate(certification=c),
            gettext("Vacated: %(count)d."),
        )
