"""Operators' views of counties and their data.

Counties come from a data migration (no adding or deleting). Opt-in history is read-only:
opt-in changes go through `counties.services.county_opt_in_change`. Operators may manage
county staff here, for example to appoint a county's first administrator; every such change
is audited like the services'.
The program policy is a single editable row. The user admin (accounts.admin) gets the county
roles inline here, so `accounts` does not depend on `counties`.
"""

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.admin import UserAdmin
from accounts.models import User
from audit.services import audit_record
from counties.models import (
    COUNTY_CONTACT_FIELDS,
    County,
    CountyMembership,
    OptInPeriod,
    ProgramPolicy,
    StaffInvitation,
)

ADMIN_CHANGE_REASON = "Changed by an operator in the Django admin."


class ReadOnlyAdminMixin:
    """View only: no adding, changing or deleting, whoever the operator is."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = CountyMembership
    extra = 0
    fields = ["county", "user", "role", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["county", "user"]


class MembershipFormsetAuditMixin:
    """For a ModelAdmin with `MembershipInline`: membership rows added, changed or deleted in
    the admin are written with an audit event each, in one transaction."""

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not CountyMembership:
            super().save_formset(request, form, formset, change)
            return
        with transaction.atomic():
            _save_memberships_audited(request.user, formset)


def _save_memberships_audited(actor, formset) -> None:
    saved = formset.save(commit=False)
    changed = dict(formset.changed_objects)
    roles_before = dict(
        CountyMembership.objects.filter(pk__in=[m.pk for m in changed]).values_list("pk", "role")
    )
    for membership in formset.deleted_objects:
        _audit_membership(actor, membership, "membership_remove", membership.role, "")
        membership.delete()
    for membership in saved:
        membership.save()
        _audit_membership(
            actor,
            membership,
            "membership_set",
            roles_before.get(membership.pk, ""),
            membership.role,
        )


def _audit_membership(actor, membership, verb: str, from_state: str, to_state: str) -> None:
    audit_record(
        actor=actor,
        verb=verb,
        obj=membership,
        county=membership.county,
        subject=membership.user,
        from_state=from_state,
        to_state=to_state,
        reason=ADMIN_CHANGE_REASON,
    )


class UserWithMembershipsAdmin(MembershipFormsetAuditMixin, UserAdmin):
    """The user admin with the person's county roles inline (audited)."""

    inlines = [MembershipInline]


admin.site.unregister(User)
admin.site.register(User, UserWithMembershipsAdmin)


class OptInPeriodInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = OptInPeriod
    extra = 0
    fields = [
        "delivery_system",
        "opted_in",
        "effective_from",
        "effective_to",
        "changed_by",
        "reason",
    ]
    readonly_fields = fields
    ordering = ["delivery_system", "-effective_from"]
    verbose_name = _("opt-in period")
    verbose_name_plural = _("opt-in history")


@admin.register(County)
class CountyAdmin(MembershipFormsetAuditMixin, admin.ModelAdmin):
    list_display = ["name", "code", "fips"]
    search_fields = ["name", "code", "fips"]
    # The contact details are the county administrators' to keep, in the workspace (audited).
    readonly_fields = ["name", "code", "fips", *COUNTY_CONTACT_FIELDS]
    inlines = [MembershipInline, OptInPeriodInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CountyMembership)
class CountyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "county", "role", "created_at"]
    list_filter = ["role", "county"]
    search_fields = ["user__email", "county__name"]
    list_select_related = ["user", "county"]
    autocomplete_fields = ["county", "user"]
    readonly_fields = ["created_at"]

    @transaction.atomic
    def save_model(self, request, obj, form, change) -> None:
        role_before = form.initial.get("role", "") if change else ""
        super().save_model(request, obj, form, change)
        if role_before != obj.role:
            _audit_membership(request.user, obj, "membership_set", role_before, obj.role)

    @transaction.atomic
    def delete_model(self, request, obj) -> None:
        _audit_membership(request.user, obj, "membership_remove", obj.role, "")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for membership in queryset.select_related("county", "user"):
            self.delete_model(request, membership)


@admin.register(OptInPeriod)
class OptInPeriodAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "county",
        "delivery_system",
        "opted_in",
        "effective_from",
        "effective_to",
        "changed_by",
    ]
    list_filter = ["delivery_system", "opted_in", ("effective_to", admin.EmptyFieldListFilter)]
    search_fields = ["county__name", "reason"]
    list_select_related = ["county", "changed_by"]
    date_hierarchy = "effective_from"


@admin.register(ProgramPolicy)
class ProgramPolicyAdmin(admin.ModelAdmin):
    """One row of operator-editable policy values: the list page opens it directly."""

    readonly_fields = ["updated_at"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        policy = ProgramPolicy.current()
        return HttpResponseRedirect(
            reverse("admin:counties_programpolicy_change", args=[policy.pk])
        )


@admin.register(StaffInvitation)
class StaffInvitationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Invitations are sent and accepted in the county workspace; the token is never shown."""

    list_display = ["email", "county", "role", "invited_by", "created_at", "expires_at"]
    list_filter = ["role", "county"]
    search_fields = ["email", "county__name"]
    list_select_related = ["county", "invited_by"]
    exclude = ["token_hash"]
