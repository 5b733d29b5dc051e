"""Row-level security: the second wall behind the access layer (config/rls.py, SECURITY.md).

The tables holding county-private or person-private rows get PostgreSQL row-level security
with policies that mirror the selectors (`*/selectors.py`, docs/architecture.md#tenancy). RLS is
ENABLEd, not FORCEd: the owner role (`peercert`, which runs migrations, operators' management
commands and the test suite's fixtures) bypasses it; the application role (`peercert_app`:
no table owned, not a superuser, NOBYPASSRLS) is subject to it. The policies are written for
every role (PUBLIC) rather than `TO peercert_app`, so that this migration runs on a machine
where that role does not exist, and so that any other non-owner role meets the same wall.

Who is asking comes from transaction-local settings that config/rls.py sets at the start of
every request and task, read through the `app_*()` functions below:

- `app.user_id`: the acting user's id ('' for nobody);
- `app.county_ids`: the counties they are staff of (any role), comma-separated (empty for
  state staff, who write nothing);
- `app.is_state`: 'on' for state staff (read everything except drafts);
- `app.is_operator`: 'on' for an operator inside the Django admin (reads everything; writes
  only what their own county roles allow, through the services);
- `app.is_system`: 'on' for background work (Celery tasks).

No context at all means no row. DELETE has no policy and the application role holds no DELETE
privilege on these tables (the product never hard-deletes them), and no UPDATE on the audit
trail. The application role's privileges are granted here only when it exists (it is created
by scripts/ensure_services.sh); default privileges give it the same on later tables.

Runs after the latest migration of every app with tables, so the grants cover them all.
"""

from django.conf import settings
from django.db import migrations

APP_ROLE = getattr(settings, "DATABASE_APP_ROLE", "") or "peercert_app"

# Read once per statement (scalar subqueries become InitPlans): cheap, and index-usable. The
# arrays are cast so that `= ANY (...)` reads them as arrays, not as a one-row subquery.
UID = "(SELECT app_user_id())"
COUNTIES = "(SELECT app_county_ids())::bigint[]"
STATE = "(SELECT app_is_state())"
OPERATOR = "(SELECT app_is_operator())"
SYSTEM = "(SELECT app_is_system())"

APPLICATION = "certification_application"
CERTIFICATION = "certification_certification"
RLS_TABLES = (
    "certification_applicantprofile",
    APPLICATION,
    "certification_document",
    "training_trainingrecord",
    "exams_examattempt",
    "continuing_ed_cecredit",
    "counties_auditevent",
)

FUNCTIONS = """
CREATE OR REPLACE FUNCTION app_user_id() RETURNS bigint
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.user_id', true), '')::bigint $$;
CREATE OR REPLACE FUNCTION app_county_ids() RETURNS bigint[]
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(string_to_array(nullif(current_setting('app.county_ids', true), ''),
                                         ',')::bigint[], '{}'::bigint[]) $$;
CREATE OR REPLACE FUNCTION app_is_state() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('app.is_state', true), '') = 'on' $$;
CREATE OR REPLACE FUNCTION app_is_operator() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('app.is_operator', true), '') = 'on' $$;
CREATE OR REPLACE FUNCTION app_is_system() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT coalesce(current_setting('app.is_system', true), '') = 'on' $$;
"""
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS app_user_id();
DROP FUNCTION IF EXISTS app_county_ids();
DROP FUNCTION IF EXISTS app_is_state();
DROP FUNCTION IF EXISTS app_is_operator();
DROP FUNCTION IF EXISTS app_is_system();
"""


def person_visible(column: str) -> str:
    """`certification.selectors.person_records_visible`: the person themself; staff of a county the
    person applied to (an application that is no longer a draft) or that issued their
    certification; state staff for anyone who submitted an application or holds a
    certification."""
    staff_or_state = f"({STATE} OR cardinality({COUNTIES}) > 0)"
    return f"""(
        {column} = {UID}
        OR ({staff_or_state} AND (
            EXISTS (SELECT 1 FROM {APPLICATION} a
                    WHERE a.applicant_id = {column} AND a.status <> 'draft'
                      AND ({STATE} OR a.county_id = ANY ({COUNTIES})))
            OR EXISTS (SELECT 1 FROM {CERTIFICATION} c
                       WHERE c.holder_id = {column}
                         AND ({STATE} OR c.issuing_county_id = ANY ({COUNTIES})))
        ))
    )"""


def person_reviewable(column: str) -> str:
    """`training.services.reviewing_county`: county staff (never state staff) of a county the
    person applied to (not a draft) or that issued their certification."""
    return f"""(cardinality({COUNTIES}) > 0 AND (
        EXISTS (SELECT 1 FROM {APPLICATION} a
                WHERE a.applicant_id = {column} AND a.status <> 'draft'
                  AND a.county_id = ANY ({COUNTIES}))
        OR EXISTS (SELECT 1 FROM {CERTIFICATION} c
                   WHERE c.holder_id = {column} AND c.issuing_county_id = ANY ({COUNTIES}))
    ))"""


def readable(condition: str) -> str:
    return f"{SYSTEM} OR {OPERATOR} OR {condition}"


def writable(condition: str) -> str:
    return f"{SYSTEM} OR {condition}"


# table: (SELECT using, INSERT check, UPDATE using and check or None for no UPDATE policy)
POLICIES: dict[str, tuple[str, str, str | None]] = {
    # Person-private: the person's own; staff and state as for their documents.
    "certification_applicantprofile": (
        readable(person_visible("user_id")),
        writable(f"user_id = {UID}"),
        writable(f"user_id = {UID}"),
    ),
    # `certification.selectors.applications_for`: own (drafts included); staff their
    # counties' and state all, drafts excepted. Staff change their counties' applications.
    APPLICATION: (
        readable(
            f"applicant_id = {UID} OR (status <> 'draft' "
            f"AND ({STATE} OR county_id = ANY ({COUNTIES})))"
        ),
        writable(f"applicant_id = {UID}"),
        writable(f"applicant_id = {UID} OR county_id = ANY ({COUNTIES})"),
    ),
    # `documents_for`: as the owner's records. The owner uploads their own (to their own
    # application) and removes them; staff review those of their counties' applications.
    "certification_document": (
        readable(person_visible("owner_id")),
        writable(
            f"owner_id = {UID} AND (application_id IS NULL OR EXISTS ("
            f"SELECT 1 FROM {APPLICATION} a WHERE a.id = application_id "
            f"AND a.applicant_id = {UID}))"
        ),
        writable(
            f"owner_id = {UID} OR (application_id IS NOT NULL AND EXISTS ("
            f"SELECT 1 FROM {APPLICATION} a WHERE a.id = application_id "
            f"AND a.county_id = ANY ({COUNTIES})))"
        ),
    ),
    # `training_records_for`; the person adds their own, reviewing staff verify or reject.
    "training_trainingrecord": (
        readable(person_visible("person_id")),
        writable(f"person_id = {UID}"),
        writable(f"person_id = {UID} OR {person_reviewable('person_id')}"),
    ),
    # `exam_attempts_for`: through the application, drafts excepted for staff and state.
    # County staff record attempts of their counties' applications.
    "exams_examattempt": (
        readable(
            f"EXISTS (SELECT 1 FROM {APPLICATION} a WHERE a.id = application_id "
            f"AND (a.applicant_id = {UID} OR (a.status <> 'draft' "
            f"AND ({STATE} OR a.county_id = ANY ({COUNTIES})))))"
        ),
        writable(
            f"EXISTS (SELECT 1 FROM {APPLICATION} a WHERE a.id = application_id "
            f"AND a.county_id = ANY ({COUNTIES}))"
        ),
        writable(
            f"EXISTS (SELECT 1 FROM {APPLICATION} a WHERE a.id = application_id "
            f"AND a.county_id = ANY ({COUNTIES}))"
        ),
    ),
    # `ce_credits_for`: through the certification. The holder logs credits; the holder and
    # the issuing county's staff change them.
    "continuing_ed_cecredit": (
        readable(
            f"EXISTS (SELECT 1 FROM {CERTIFICATION} c WHERE c.id = certification_id "
            f"AND (c.holder_id = {UID} OR {STATE} OR c.issuing_county_id = ANY ({COUNTIES})))"
        ),
        writable(
            f"EXISTS (SELECT 1 FROM {CERTIFICATION} c WHERE c.id = certification_id "
            f"AND c.holder_id = {UID})"
        ),
        writable(
            f"EXISTS (SELECT 1 FROM {CERTIFICATION} c WHERE c.id = certification_id "
            f"AND (c.holder_id = {UID} OR c.issuing_county_id = ANY ({COUNTIES})))"
        ),
    ),
    # `audit.selectors.audit_events_for` (state all, county staff their counties'), and
    # a person's own: the events about them (their application timeline in the portal, their
    # data) and the events they wrote (read back by INSERT ... RETURNING). Written by the
    # acting user; about the acting user (an invitation accepted records the membership in
    # the inviting administrator's name); without an actor by the system, or by a service
    # acting in the actor's county (lifting a suspension after the expiry date expires the
    # certification as the system). Append-only: no UPDATE.
    "counties_auditevent": (
        readable(
            f"{STATE} OR county_id = ANY ({COUNTIES}) OR actor_id = {UID} OR subject_id = {UID}"
        ),
        writable(
            f"actor_id = {UID} OR subject_id = {UID} "
            f"OR (actor_id IS NULL AND county_id = ANY ({COUNTIES}))"
        ),
        None,
    ),
}


Policies = dict[str, tuple[str, str, str | None]]


def policies_sql(policies: Policies = POLICIES) -> str:
    """Enable RLS on each table and create its policies (no UPDATE policy where None)."""
    statements = []
    for table, (select, insert, update) in policies.items():
        statements += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;",
            f"CREATE POLICY rls_select ON {table} FOR SELECT USING ({select});",
            f"CREATE POLICY rls_insert ON {table} FOR INSERT WITH CHECK ({insert});",
        ]
        if update is not None:
            statements.append(
                f"CREATE POLICY rls_update ON {table} FOR UPDATE "
                f"USING ({update}) WITH CHECK ({update});"
            )
    return "\n".join(statements)


def drop_policies_sql(policies: Policies = POLICIES) -> str:
    statements = []
    for table in policies:
        statements += [
            f"DROP POLICY IF EXISTS rls_select ON {table};",
            f"DROP POLICY IF EXISTS rls_insert ON {table};",
            f"DROP POLICY IF EXISTS rls_update ON {table};",
            f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;",
        ]
    return "\n".join(statements)


def _if_role_exists(body: str) -> str:
    return f"""
DO $rls$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
{body}
    END IF;
END
$rls$;
"""


GRANTS = _if_role_exists(
    f"""
        GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {APP_ROLE};
        GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {APP_ROLE};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {APP_ROLE};
        REVOKE DELETE ON {", ".join(RLS_TABLES)} FROM {APP_ROLE};
        REVOKE UPDATE ON counties_auditevent FROM {APP_ROLE};
        REVOKE INSERT, UPDATE, DELETE ON django_migrations FROM {APP_ROLE};
"""
)
REVOKES = _if_role_exists(
    f"""
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM {APP_ROLE};
        ALTER DEFAULT PRIVILEGES IN SCHEMA public
            REVOKE USAGE, SELECT, UPDATE ON SEQUENCES FROM {APP_ROLE};
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE};
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {APP_ROLE};
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("certification", "0009_roster_indexes"),
        ("continuing_ed", "0002_field_history"),
        ("counties", "0004_field_history"),
        ("exams", "0002_field_history"),
        ("jobs", "0002_email_skipped_status"),
        ("training", "0002_field_history"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("pghistory", "0007_auto_20250421_0444"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(policies_sql(), drop_policies_sql()),
        migrations.RunSQL(GRANTS, REVOKES),
    ]
