"""Row-level security on the employer tables (SECURITY.md, "Row-level security"), mirroring
`employers.selectors`:

- an employer's staff read the employer, its staff, invitations and watchlist; its
  administrators change the employer, staff and invitations; every member keeps the watchlist;
- a certified peer reads the watchlist rows on their own certification and the names of those
  employers;
- an invitee reads their invitation (by their account's email address), and the staff of the
  inviting employer (accepting checks the inviter is still an administrator);
- the system (tasks) and operators (the Django admin, read-only) as everywhere.

Which employers the user belongs to is read by two SECURITY DEFINER functions
(`app_employer_ids()`, `app_employer_admin_ids()`): a policy on the membership table cannot
query that same table under its own policy (infinite recursion), and the functions, owned by
the table owner, read it without RLS, only for `app_user_id()`.
"""

from django.db import migrations

from employers.migrations._rls import (
    EMP,
    EMP_ADMIN,
    HOLDS,
    OPERATOR,
    SYSTEM,
    UID,
    USER_EMAIL,
    drop_policies_sql,
    policies_sql,
)

FUNCTIONS = """
CREATE OR REPLACE FUNCTION app_employer_ids() RETURNS bigint[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT coalesce(array_agg(employer_id ORDER BY employer_id), '{}'::bigint[])
          FROM employers_employermembership WHERE user_id = app_user_id() $$;
CREATE OR REPLACE FUNCTION app_employer_admin_ids() RETURNS bigint[]
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT coalesce(array_agg(employer_id ORDER BY employer_id), '{}'::bigint[])
          FROM employers_employermembership
          WHERE user_id = app_user_id() AND role = 'admin' $$;
"""
DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS app_employer_ids();
DROP FUNCTION IF EXISTS app_employer_admin_ids();
"""

# table: {command: (USING, WITH CHECK)}; a command missing is refused to the application.
POLICIES = {
    "employers_employer": {
        "SELECT": (
            f"{SYSTEM} OR {OPERATOR} OR id = ANY ({EMP}) OR created_by_id = {UID} "
            "OR EXISTS (SELECT 1 FROM employers_watch w JOIN certification_certification c "
            f"ON c.id = w.certification_id WHERE w.employer_id = employers_employer.id "
            f"AND c.holder_id = {UID}) "
            "OR EXISTS (SELECT 1 FROM employers_employerinvitation i "
            f"WHERE i.employer_id = employers_employer.id AND lower(i.email) = {USER_EMAIL})",
            None,
        ),
        "INSERT": (None, f"{SYSTEM} OR created_by_id = {UID}"),
        "UPDATE": (f"{SYSTEM} OR id = ANY ({EMP_ADMIN})", f"{SYSTEM} OR id = ANY ({EMP_ADMIN})"),
    },
    "employers_employermembership": {
        "SELECT": (
            f"{SYSTEM} OR {OPERATOR} OR user_id = {UID} OR employer_id = ANY ({EMP}) "
            "OR EXISTS (SELECT 1 FROM employers_employerinvitation i "
            "WHERE i.employer_id = employers_employermembership.employer_id "
            f"AND lower(i.email) = {USER_EMAIL})",
            None,
        ),
        "INSERT": (
            None,
            f"{SYSTEM} OR employer_id = ANY ({EMP_ADMIN}) OR (user_id = {UID} AND ("
            "EXISTS (SELECT 1 FROM employers_employer e "
            f"WHERE e.id = employer_id AND e.created_by_id = {UID}) "
            "OR EXISTS (SELECT 1 FROM employers_employerinvitation i "
            "WHERE i.employer_id = employers_employermembership.employer_id "
            f"AND i.accepted_by_id = {UID} AND i.role = employers_employermembership.role)))",
        ),
        "UPDATE": (
            f"{SYSTEM} OR employer_id = ANY ({EMP_ADMIN})",
            f"{SYSTEM} OR employer_id = ANY ({EMP_ADMIN})",
        ),
        "DELETE": (f"{SYSTEM} OR employer_id = ANY ({EMP_ADMIN})", None),
    },
    "employers_employerinvitation": {
        "SELECT": (
            f"{SYSTEM} OR {OPERATOR} OR employer_id = ANY ({EMP}) OR lower(email) = {USER_EMAIL}",
            None,
        ),
        "INSERT": (
            None,
            f"{SYSTEM} OR (employer_id = ANY ({EMP_ADMIN}) AND invited_by_id = {UID})",
        ),
        "UPDATE": (
            f"{SYSTEM} OR employer_id = ANY ({EMP_ADMIN}) OR lower(email) = {USER_EMAIL}",
            f"{SYSTEM} OR employer_id = ANY ({EMP_ADMIN}) OR lower(email) = {USER_EMAIL}",
        ),
    },
    # Public facts of the registry: anyone reads them; only the system writes them.
    "employers_registrychange": {
        "SELECT": ("true", None),
        "INSERT": (None, SYSTEM),
    },
    "employers_watch": {
        "SELECT": (
            f"{SYSTEM} OR {OPERATOR} OR employer_id = ANY ({EMP}) "
            f"OR {HOLDS.format(column='certification_id')}",
            None,
        ),
        "INSERT": (None, f"{SYSTEM} OR employer_id = ANY ({EMP})"),
        "UPDATE": (
            f"{SYSTEM} OR employer_id = ANY ({EMP})",
            f"{SYSTEM} OR employer_id = ANY ({EMP})",
        ),
        "DELETE": (f"{SYSTEM} OR employer_id = ANY ({EMP})", None),
    },
}


class Migration(migrations.Migration):
    dependencies = [
        ("employers", "0001_initial"),
        ("certification", "0011_history_row_level_security"),
    ]

    operations = [
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES)),
    ]
