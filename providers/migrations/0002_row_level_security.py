"""Row-level security on the provider tables (SECURITY.md, "Row-level security"), mirroring
`providers.selectors`:

- public facts, read by anyone: a provider's profile and the counties it serves, the approval
  cycles, the course approvals (the training rule reads them for whoever's records are checked,
  and the course finder lists them), the provider policy, and the courses once approved;
- a provider's staff read their provider's courses, applications with their competency
  mapping, staff and invitations; every member files applications and edits the courses; its
  administrators change the profile, the staff and the invitations;
- state staff, who open the cycles and review the applications (docs/domain.md#providers),
  read every provider's rows, register providers, invite their first administrator, and write
  cycles, reviews and approvals;
- an invitee reads their invitation (by their account's email address);
- the system (tasks) and operators (the Django admin, read-only but for the policy) as
  everywhere.

Which providers the user belongs to is read by two SECURITY DEFINER functions
(`app_provider_ids()`, `app_provider_admin_ids()`), as for employers: a policy on the
membership table cannot query that same table under its own policy.
"""

from django.db import migrations

from core.rls_sql import (
    STATE,
    UID,
    Policies,
    drop_policies_sql,
    operator_writable,
    policies_sql,
    readable,
    writable,
)

PROV = "(SELECT app_provider_ids())::bigint[]"
PROV_ADMIN = "(SELECT app_provider_admin_ids())::bigint[]"
USER_EMAIL = f"(SELECT lower(u.email) FROM accounts_user u WHERE u.id = {UID})"

FUNCTIONS = """
CREATE OR REPLACE FUNCTION app_provider_ids() RETURNS bigint[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT coalesce(array_agg(provider_id ORDER BY provider_id), '{}'::bigint[])
          FROM providers_providermembership WHERE user_id = app_user_id() $$;
CREATE OR REPLACE FUNCTION app_provider_admin_ids() RETURNS bigint[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT coalesce(array_agg(provider_id ORDER BY provider_id), '{}'::bigint[])
          FROM providers_providermembership
          WHERE user_id = app_user_id() AND role = 'admin' $$;
"""
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS app_provider_ids();
DROP FUNCTION IF EXISTS app_provider_admin_ids();
"""

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
        insert=operator_writable(STATE),
        update=writable(f"{STATE} OR id = ANY ({PROV_ADMIN})"),
    ),
    "providers_providerorganisation_counties": Policies(
        select="true",
        insert=writable(f"{STATE} OR providerorganisation_id = ANY ({PROV_ADMIN})"),
        delete=writable(f"{STATE} OR providerorganisation_id = ANY ({PROV_ADMIN})"),
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
        delete=writable(f"{OWN_ADMIN} OR {STATE}"),
    ),
    "providers_providerinvitation": Policies(
        select=readable(f"{OWN} OR {STATE} OR lower(email) = {USER_EMAIL}"),
        insert=writable(f"({OWN_ADMIN} OR {STATE}) AND invited_by_id = {UID}"),
        update=writable(f"{OWN_ADMIN} OR {STATE} OR lower(email) = {USER_EMAIL}"),
    ),
    "providers_approvalcycle": Policies(
        select="true", insert=writable(STATE), update=writable(STATE)
    ),
    "providers_providercourse": Policies(
        select=readable(
            f"{OWN} OR {STATE} OR EXISTS (SELECT 1 FROM providers_courseapproval a "
            "WHERE a.course_id = providers_providercourse.id)"
        ),
        insert=writable(OWN),
        update=writable(f"{OWN} OR {STATE}"),
    ),
    "providers_courseapplication": Policies(
        select=readable(f"{OWN} OR {STATE}"),
        insert=writable(f"{OWN} AND created_by_id = {UID}"),
        update=writable(f"{OWN} OR {STATE}"),
    ),
    "providers_courseapplicationevent": Policies(
        select=readable(f"{OWN} OR {STATE}"), insert=writable(f"{OWN} OR {STATE}")
    ),
    "providers_competencycoverage": Policies(
        select=readable(APPLICATION_OF_OWN_OR_STATE),
        insert=writable(OWN_APPLICATION),
        update=writable(OWN_APPLICATION),
        delete=writable(OWN_APPLICATION),
    ),
    "providers_courseapproval": Policies(
        select="true", insert=writable(STATE), update=writable(STATE)
    ),
    "providers_courseapprovalevent": Policies(
        select=readable(f"{OWN} OR {STATE}"), insert=writable(STATE)
    ),
    "providers_providerpolicy": Policies(
        select="true", insert=operator_writable(), update=operator_writable()
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("providers", "0001_initial"),
        ("certification", "0018_row_level_security_every_table"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES)),
    ]
