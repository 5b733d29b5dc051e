"""Provider approval writes need the reviewer's permission, not only state staff's role (state
staff change nothing by default: docs/domain.md#providers). `app_is_provider_reviewer()` is true
for state staff holding `providers.review_providers` (directly, through a group, or as a
superuser), read by a SECURITY DEFINER function as the membership functions are; the policies of
0002 are re-created with it wherever they let state staff write. State staff still read every
provider row. Reviewers also list a newly registered provider's `training_trainingprovider` row
(until now written by operators only).
"""

from importlib import import_module

from django.db import migrations

from core.rls_sql import (
    STATE,
    UID,
    Policies,
    operator_writable,
    policies_sql,
    readable,
    writable,
)

PROV = "(SELECT app_provider_ids())::bigint[]"
PROV_ADMIN = "(SELECT app_provider_admin_ids())::bigint[]"
REVIEWER = "(SELECT app_is_provider_reviewer())"
USER_EMAIL = f"(SELECT lower(u.email) FROM accounts_user u WHERE u.id = {UID})"

_HOLDS = (
    "SELECT 1 FROM {table} x JOIN auth_permission p ON p.id = x.permission_id "
    "JOIN django_content_type ct ON ct.id = p.content_type_id "
    "WHERE {match} AND p.codename = 'review_providers' AND ct.app_label = 'providers'"
)
FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION app_is_provider_reviewer() RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT coalesce(app_is_state(), false) AND EXISTS (
          SELECT 1 FROM accounts_user u WHERE u.id = app_user_id() AND u.is_active AND (
              u.is_superuser
              OR EXISTS ({
    _HOLDS.format(table="accounts_user_user_permissions", match="x.user_id = u.id")
})
              OR EXISTS ({
    _HOLDS.format(
        table="auth_group_permissions",
        match="x.group_id IN (SELECT g.group_id FROM accounts_user_groups g "
        "WHERE g.user_id = u.id)",
    )
}))) $$;
"""
DROP_FUNCTIONS = "DROP FUNCTION IF EXISTS app_is_provider_reviewer();"

OWN = f"provider_id = ANY ({PROV})"
OWN_ADMIN = f"provider_id = ANY ({PROV_ADMIN})"
OWN_APPLICATION = (
    "EXISTS (SELECT 1 FROM providers_courseapplication a "
    "WHERE a.id = providers_competencycoverage.application_id "
    f"AND a.provider_id = ANY ({PROV}))"
)
APPLICATION_OF_OWN_OR_STATE = (
    "EXISTS (SELECT 1 FROM providers_courseapplication a "
    "WHERE a.id = providers_competencycoverage.application_id "
    f"AND (a.provider_id = ANY ({PROV}) OR {STATE}))"
)

POLICIES = {
    "providers_providerorganisation": Policies(
        select="true",
        insert=operator_writable(REVIEWER),
        update=writable(f"{REVIEWER} OR id = ANY ({PROV_ADMIN})"),
    ),
    "providers_providerorganisation_counties": Policies(
        select="true",
        insert=writable(f"{REVIEWER} OR providerorganisation_id = ANY ({PROV_ADMIN})"),
        delete=writable(f"{REVIEWER} OR providerorganisation_id = ANY ({PROV_ADMIN})"),
    ),
    "providers_providermembership": Policies(
        select=readable(
            f"user_id = {UID} OR {OWN} OR {STATE} "
            "OR EXISTS (SELECT 1 FROM providers_providerinvitation i "
            "WHERE i.provider_id = providers_providermembership.provider_id "
            f"AND lower(i.email) = {USER_EMAIL})"
        ),
        insert=writable(
            f"{OWN_ADMIN} OR (user_id = {UID} AND EXISTS (SELECT 1 FROM "
            "providers_providerinvitation i "
            "WHERE i.provider_id = providers_providermembership.provider_id "
            f"AND i.accepted_by_id = {UID} AND i.role = providers_providermembership.role))"
        ),
        update=writable(OWN_ADMIN),
        delete=writable(f"{OWN_ADMIN} OR {REVIEWER}"),
    ),
    "providers_providerinvitation": Policies(
        select=readable(f"{OWN} OR {STATE} OR lower(email) = {USER_EMAIL}"),
        insert=writable(f"({OWN_ADMIN} OR {REVIEWER}) AND invited_by_id = {UID}"),
        update=writable(f"{OWN_ADMIN} OR {REVIEWER} OR lower(email) = {USER_EMAIL}"),
    ),
    "providers_approvalcycle": Policies(
        select="true", insert=writable(REVIEWER), update=writable(REVIEWER)
    ),
    "providers_providercourse": Policies(
        select=readable(
            f"{OWN} OR {STATE} OR EXISTS (SELECT 1 FROM providers_courseapproval a "
            "WHERE a.course_id = providers_providercourse.id)"
        ),
        insert=writable(OWN),
        update=writable(f"{OWN} OR {REVIEWER}"),
    ),
    "providers_courseapplication": Policies(
        select=readable(f"{OWN} OR {STATE}"),
        insert=writable(f"{OWN} AND created_by_id = {UID}"),
        update=writable(f"{OWN} OR {REVIEWER}"),
    ),
    "providers_courseapplicationevent": Policies(
        select=readable(f"{OWN} OR {STATE}"), insert=writable(f"{OWN} OR {REVIEWER}")
    ),
    "providers_competencycoverage": Policies(
        select=readable(APPLICATION_OF_OWN_OR_STATE),
        insert=writable(OWN_APPLICATION),
        update=writable(OWN_APPLICATION),
        delete=writable(OWN_APPLICATION),
    ),
    "providers_courseapproval": Policies(
        select="true", insert=writable(REVIEWER), update=writable(REVIEWER)
    ),
    "providers_courseapprovalevent": Policies(
        select=readable(f"{OWN} OR {STATE}"), insert=writable(REVIEWER)
    ),
    # Reviewers list a new provider's row when they register it (the training rule reads it).
    "training_trainingprovider": Policies(
        select="true", insert=operator_writable(REVIEWER), update=operator_writable(REVIEWER)
    ),
    "providers_providerpolicy": Policies(
        select="true", insert=operator_writable(), update=operator_writable()
    ),
}

BEFORE = {
    **import_module("providers.migrations.0002_row_level_security").POLICIES,
    "training_trainingprovider": Policies(
        select="true", insert=operator_writable(), update=operator_writable()
    ),
}


class Migration(migrations.Migration):
    dependencies = [("providers", "0003_reviewer_permission_and_contact")]

    operations = [
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        # Backwards: the policies of 0002 again.
        migrations.RunSQL(policies_sql(POLICIES), policies_sql(BEFORE)),
    ]
