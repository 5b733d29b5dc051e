"""Row-level security on every table that holds county- or person-private rows or grants power
(SECURITY.md, "Every table"; `tests/security/test_rls_every_table.py` checks that no table is
left out).

Migrations 0010 and 0011 walled the applications, documents, training records, exam
attempts, CE credits, audit events, profiles, their history and the document-view log. With
no context at all the application role could still change a certification's status, delete
a certification, make itself an administrator of any county, and read the email log,
sessions, API keys, TOTP secrets, CE audits, renewals and invitations. Here each remaining
table of the apps up to `certification` gets policies (`core.rls_sql`), and the application
role keeps DELETE only where the product deletes rows, bounded by a policy. The CE audits
(app `ce_audits`) are walled by `ce_audits.0003_row_level_security`.

Public facts are readable by anyone, context or not, and written only by those who decide
them: the registry (certifications, their specializations and history), counties, their
opt-in periods, training providers, the Code of Ethics versions, the program policy, and
Django's catalogue of content types and permissions (written by migrate only).

Capabilities (`app_capability()`, a secret the request proved it holds) open exactly the row
they name: a session by its key, an API key by its hash, an invitation by its link's hash.
A half-done sign-in (`app_pending_user_id()`: password proven, second factor to go; a
sign-up; a confirmation or reset link) opens that person's account rows.

New tables still get every command by default privilege (migrations of other apps may
run before or after this one): `tests/security/test_rls_every_table.py` names a table whose
DELETE is not listed with its reason, and `core.rls_sql.policies_sql` sets a table's
privileges to exactly its policies' commands.
"""

from django.db import migrations

from core.rls_sql import (
    ADMIN_COUNTIES,
    APP_ROLE,
    CAPABILITY,
    COUNTIES,
    OPERATOR,
    PENDING,
    STATE,
    UID,
    Policies,
    drop_policies_sql,
    if_role_exists,
    operator_writable,
    policies_sql,
    readable,
    writable,
)

CERTIFICATION = "certification_certification"
# The person themself, or the staff of a county: a certification's holder or the staff of
# its issuing county; state staff read.
CERTIFICATION_HOLDER_OR_STAFF = (
    f"EXISTS (SELECT 1 FROM {CERTIFICATION} c WHERE c.id = certification_id "
    f"AND (c.holder_id = {UID} OR c.issuing_county_id = ANY ({COUNTIES})))"
)
CERTIFICATION_VISIBLE = f"{STATE} OR {CERTIFICATION_HOLDER_OR_STAFF}"
OWN = f"user_id = {UID}"
OWN_OR_PENDING = f"user_id = {UID} OR user_id = {PENDING}"
POWER_FLAGS = "ARRAY[is_superuser, is_staff, is_state_staff]"
# An invitation link (its hash is the capability) to this membership's county and role.
INVITED_HERE = (
    f"EXISTS (SELECT 1 FROM counties_staffinvitation i WHERE i.token_hash = {CAPABILITY} "
    "AND i.county_id = counties_countymembership.county_id "
    "AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now())"
)

PUBLIC_FACT_WRITTEN_BY_OPERATORS = Policies(
    select="true", insert=operator_writable(), update=operator_writable()
)

POLICIES: dict[str, Policies] = {
    # Accounts. Authentication reads users and their addresses before anyone is known
    # (sign-in and sign-up by email, the session's user, password reset): readable. A user
    # changes only their own row (or a half-signed-in person theirs: a password reset by
    # link), and never their own power flags (superuser, staff, state staff); new
    # accounts hold none. Operators (the Django admin) and the system change any. Anyone may
    # lock a user's row (services lock rows joined to the ones they change: SELECT ... FOR
    # UPDATE needs the UPDATE policy's USING); the change itself is checked (WITH CHECK).
    "accounts_user": Policies(
        select="true",
        insert=operator_writable("NOT (is_superuser OR is_staff OR is_state_staff) AND is_active"),
        update="true",
        update_check=operator_writable(
            f"(id = {UID} OR id = {PENDING}) AND {POWER_FLAGS} = app_user_powers(id)"
        ),
    ),
    "account_emailaddress": Policies(
        select="true",
        insert=operator_writable(OWN_OR_PENDING),
        update=operator_writable(OWN_OR_PENDING),
        delete=operator_writable(OWN_OR_PENDING),
    ),
    "account_emailconfirmation": Policies(
        select=readable(
            "EXISTS (SELECT 1 FROM account_emailaddress e WHERE e.id = email_address_id "
            f"AND (e.user_id = {UID} OR e.user_id = {PENDING}))"
        ),
        insert=operator_writable(
            "EXISTS (SELECT 1 FROM account_emailaddress e WHERE e.id = email_address_id "
            f"AND (e.user_id = {UID} OR e.user_id = {PENDING}))"
        ),
        update=operator_writable(
            "EXISTS (SELECT 1 FROM account_emailaddress e WHERE e.id = email_address_id "
            f"AND (e.user_id = {UID} OR e.user_id = {PENDING}))"
        ),
        delete=operator_writable(
            "EXISTS (SELECT 1 FROM account_emailaddress e WHERE e.id = email_address_id "
            f"AND (e.user_id = {UID} OR e.user_id = {PENDING}))"
        ),
    ),
    # TOTP secrets and recovery codes: the person (signed in, or half signed in to give their
    # second factor); operators read and remove (a lost phone).
    "mfa_authenticator": Policies(
        select=readable(OWN_OR_PENDING),
        insert=writable(OWN),
        update=writable(OWN_OR_PENDING),
        delete=operator_writable(OWN),
    ),
    # API keys: the holder lists, creates and revokes their own; authentication finds one by
    # the hash of the key presented (the capability); operators read and revoke.
    "accounts_apitoken": Policies(
        select=readable(f"{OWN} OR key_hash = {CAPABILITY}"),
        insert=writable(OWN),
        update=operator_writable(f"{OWN} OR key_hash = {CAPABILITY}"),
    ),
    # Sessions: only the one whose key the request holds (accounts.sessions).
    "django_session": Policies(
        select=writable(f"session_key = {CAPABILITY}"),
        insert=writable(f"session_key = {CAPABILITY}"),
        update=writable(f"session_key = {CAPABILITY}"),
        delete=writable(f"session_key = {CAPABILITY}"),
    ),
    # Django's permissions grant power in the admin: operators and the system only write.
    "auth_group": Policies(
        select="true",
        insert=operator_writable(),
        update=operator_writable(),
        delete=operator_writable(),
    ),
    "auth_group_permissions": Policies(
        select="true",
        insert=operator_writable(),
        update=operator_writable(),
        delete=operator_writable(),
    ),
    "accounts_user_groups": Policies(
        select="true",
        insert=operator_writable(),
        update=operator_writable(),
        delete=operator_writable(),
    ),
    "accounts_user_user_permissions": Policies(
        select="true",
        insert=operator_writable(),
        update=operator_writable(),
        delete=operator_writable(),
    ),
    # Written by migrate (the owner) only.
    "auth_permission": Policies(select="true"),
    "django_content_type": Policies(select="true"),
    # The Django admin's own log: operators, in their own name.
    "django_admin_log": Policies(
        select=readable("false"), insert=writable(f"{OPERATOR} AND user_id = {UID}")
    ),
    # Field-history context rows (one per request or task that changed a tracked row, written
    # by the history triggers in the acting user's name): the actor's own, state staff.
    "pghistory_context": Policies(
        select=readable(f"{STATE} OR (metadata ->> 'user') IS NOT DISTINCT FROM ({UID})::text"),
        insert=writable(f"(metadata ->> 'user') IS NOT DISTINCT FROM ({UID})::text"),
        update=writable(f"(metadata ->> 'user') IS NOT DISTINCT FROM ({UID})::text"),
    ),
    # Background machinery: the outbox and failed jobs are the system's (jobs.services acts
    # for the system); operators read them and retry failed jobs in the admin.
    "jobs_outboxmessage": Policies(
        select=readable("false"),
        insert=writable("false"),
        update=writable("false"),
        delete=writable("false"),
    ),
    "jobs_failedjob": Policies(
        select=readable("false"), insert=writable("false"), update=operator_writable()
    ),
    # The email log: the recipient's own (their data export); written by the system.
    "jobs_emaillog": Policies(
        select=readable(OWN), insert=writable("false"), update=writable("false")
    ),
    # Counties and their opt-in status are public; the county's administrators change its
    # opt-in (counties.services.county_opt_in_change); operators save a county in the admin.
    # Services lock a county's row (SELECT ... FOR UPDATE, which needs the UPDATE policy's
    # USING) to serialise staff and opt-in changes, whoever acts: anyone may lock it. Its
    # administrators change it (its program's contact details: counties.services.contact),
    # operators and the system too (WITH CHECK).
    "counties_county": Policies(
        select="true",
        update="true",
        update_check=operator_writable(f"id = ANY ({ADMIN_COUNTIES})"),
    ),
    "counties_optinperiod": Policies(
        select="true",
        insert=writable(f"county_id = ANY ({ADMIN_COUNTIES})"),
        update=writable(f"county_id = ANY ({ADMIN_COUNTIES})"),
    ),
    "counties_optinperiodevent": Policies(
        select="true", insert=writable(f"county_id = ANY ({ADMIN_COUNTIES})")
    ),
    "counties_programpolicy": PUBLIC_FACT_WRITTEN_BY_OPERATORS,
    "training_trainingprovider": PUBLIC_FACT_WRITTEN_BY_OPERATORS,
    "certification_codeofethicsversion": PUBLIC_FACT_WRITTEN_BY_OPERATORS,
    # Staff memberships grant power: seen by the member, their counties' staff, state staff;
    # changed by the county's administrators, operators, the system, and by the invited
    # person accepting an invitation link to that county and role.
    "counties_countymembership": Policies(
        select=readable(
            f"{STATE} OR {OWN} OR county_id = ANY ({COUNTIES}) OR EXISTS ("
            f"SELECT 1 FROM counties_staffinvitation i WHERE i.token_hash = {CAPABILITY} "
            "AND i.county_id = counties_countymembership.county_id)"
        ),
        insert=operator_writable(
            f"county_id = ANY ({ADMIN_COUNTIES}) OR ({OWN} AND EXISTS ("
            f"SELECT 1 FROM counties_staffinvitation i WHERE i.token_hash = {CAPABILITY} "
            "AND i.county_id = counties_countymembership.county_id "
            "AND i.role = counties_countymembership.role "
            "AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > now()))"
        ),
        update=operator_writable(f"county_id = ANY ({ADMIN_COUNTIES})"),
        delete=operator_writable(f"county_id = ANY ({ADMIN_COUNTIES})"),
    ),
    # Invitations (`counties.selectors.staff_invitations_for`): the county's administrators
    # and state staff; the invited person through the link's hash.
    "counties_staffinvitation": Policies(
        select=readable(
            f"{STATE} OR county_id = ANY ({ADMIN_COUNTIES}) OR token_hash = {CAPABILITY}"
        ),
        insert=writable(f"county_id = ANY ({ADMIN_COUNTIES})"),
        update=writable(f"county_id = ANY ({ADMIN_COUNTIES}) OR token_hash = {CAPABILITY}"),
    ),
    # The registry: issued certifications are public facts. Issued and changed by the staff
    # of the issuing county and the system; the holder renews their own, without changing its
    # status or county. Never deleted.
    CERTIFICATION: Policies(
        select="true",
        insert=writable(f"issuing_county_id = ANY ({COUNTIES})"),
        update=writable(f"issuing_county_id = ANY ({COUNTIES}) OR holder_id = {UID}"),
        update_check=writable(
            f"issuing_county_id = ANY ({COUNTIES}) OR (holder_id = {UID} "
            "AND status || '|' || issuing_county_id::text = app_certification_standing(id))"
        ),
    ),
    "certification_certificationevent": Policies(
        select="true",
        insert=writable(f"issuing_county_id = ANY ({COUNTIES}) OR holder_id = {UID}"),
    ),
    "certification_certificationspecialization": Policies(
        select="true", insert=writable(CERTIFICATION_HOLDER_OR_STAFF)
    ),
    # Renewals and reinstatements: the holder and the issuing county's staff (the fee, the CE
    # hours); reminders and certificate files are written by the system.
    "certification_renewal": Policies(
        select=readable(CERTIFICATION_VISIBLE), insert=writable(CERTIFICATION_HOLDER_OR_STAFF)
    ),
    "certification_renewalreminder": Policies(
        select=readable(CERTIFICATION_VISIBLE), insert=writable("false"), update=writable("false")
    ),
    "certification_certificatefile": Policies(
        select=readable(CERTIFICATION_VISIBLE), insert=writable("false"), update=writable("false")
    ),
}

# The application role may not touch django_migrations (it reads it only).
READ_ONLY = if_role_exists(f"REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {APP_ROLE};")


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0017_row_level_security_context"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("pghistory", "0007_auto_20250421_0444"),
        ("sessions", "0001_initial"),
        ("jobs", "0004_emaillog_to_notifications"),
        ("notifications", "0001_initial"),
        ("training", "0003_certificate_in_documents"),
    ]

    operations = [
        migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES)),
        migrations.RunSQL(READ_ONLY, migrations.RunSQL.noop),
    ]
