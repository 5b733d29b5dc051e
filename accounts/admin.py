"""Operators' views of people and API keys. A user signs in with their email address; county
roles are edited inline, added by counties.admin (which audits them) to the user admin defined
here; API keys are never shown, only their first characters, and are created with
`manage.py create_api_token`."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import services
from accounts.models import ApiToken, User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        email = User.objects.normalize_email(self.cleaned_data["email"]).lower()
        if User.objects.filter(email__iexact=email).exists():
            raise self.instance.unique_error_message(User, ["email"])
        return email


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_state_staff",
        "is_staff",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_state_staff", "is_staff", "is_superuser", "is_active", "preferred_language"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "preferred_language"]}),
        (
            _("Roles"),
            {
                "fields": ["is_active", "is_state_staff", "is_staff", "is_superuser"],
                "description": _(
                    "County roles are the memberships below. State staff read every county "
                    "and write nothing. Operators use this admin."
                ),
            },
        ),
        (_("Permissions"), {"classes": ["collapse"], "fields": ["groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "usable_password", "password1", "password2"],
            },
        ),
    ]

    def get_inlines(self, request, obj):
        """Inlines (county roles, counties.admin) are added once the account exists."""
        return self.inlines if obj is not None else []


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: a key is created (and shown once) by `manage.py create_api_token` or on the
    person's API keys page. Operators can revoke keys."""

    list_display = ["prefix", "user", "name", "created_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at", "expires_at"]
    search_fields = ["prefix", "user__email", "name"]
    list_select_related = ["user"]
    fields = ["prefix", "user", "name", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_revoke_permission(self, request) -> bool:
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description=_("Revoke the selected keys"), permissions=["revoke"])
    def revoke(self, request, queryset) -> None:
        revoked = sum(
            services.api_token_revoke(user=token.user, token_id=token.pk)
            for token in queryset.select_related("user")
        )
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
