"""SQL for the row-level security wall, used by the `row_level_security` migrations.

Read SECURITY.md ("Row-level security") first. In short: every table of the schema either has
row-level security with policies (this module writes them), or is closed to the application
role, or is on the reasoned allow-list of `tests/security/rls_tables.py`;
`tests/security/test_rls_every_table.py` fails for a table that is none of these.

A new app with tables adds a migration like
`certification/migrations/0018_row_level_security_every_table.py`:

    from core import rls_sql
    from core.rls_sql import OPERATOR, SYSTEM, UID, COUNTIES

    POLICIES = {
        "fees_fee": rls_sql.Policies(
            select=rls_sql.readable(f"payer_id = {UID} OR county_id = ANY ({COUNTIES})"),
            insert=rls_sql.writable(f"county_id = ANY ({COUNTIES})"),
            update=rls_sql.writable(f"county_id = ANY ({COUNTIES})"),
        ),
    }
    operations = [migrations.RunSQL(rls_sql.policies_sql(POLICIES),
                                    rls_sql.drop_policies_sql(POLICIES))]

`Policies(delete=...)` both grants DELETE to the application role and bounds it; without it the
role holds no DELETE privilege on the table (the product never deletes the rows).

The expressions read who is asking through functions of the verified context (migration
`certification.0017_row_level_security_context`): `app_user_id()`, `app_county_ids()`,
`app_admin_county_ids()`, `app_is_state()`, `app_is_operator()`, `app_is_system()`,
`app_pending_user_id()`, `app_capability()`. Each is wrapped in a scalar subquery so PostgreSQL
evaluates it once per statement.
"""

from dataclasses import dataclass

from django.conf import settings

APP_ROLE = getattr(settings, "DATABASE_APP_ROLE", "") or "peercert_app"

UID = "(SELECT app_user_id())"
COUNTIES = "(SELECT app_county_ids())::bigint[]"
ADMIN_COUNTIES = "(SELECT app_admin_county_ids())::bigint[]"
STATE = "(SELECT app_is_state())"
OPERATOR = "(SELECT app_is_operator())"
SYSTEM = "(SELECT app_is_system())"
PENDING = "(SELECT app_pending_user_id())"
CAPABILITY = "(SELECT app_capability())"


def readable(condition: str) -> str:
    """The system and operators (the Django admin) read every row; others when `condition`."""
    return f"{SYSTEM} OR {OPERATOR} OR ({condition})"


def writable(condition: str) -> str:
    """The system writes every row; others when `condition`."""
    return f"{SYSTEM} OR ({condition})"


def operator_writable(condition: str = "false") -> str:
    """The system and operators (editing configuration in the Django admin) write every row;
    others when `condition`."""
    return f"{SYSTEM} OR {OPERATOR} OR ({condition})"


@dataclass(frozen=True)
class Policies:
    """One table's policies: the expression of each command, or None for no policy (the
    command is refused for every row). `update` is both USING and WITH CHECK unless
    `update_check` is given. A `delete` policy also grants DELETE to the application role."""

    select: str | None = None
    insert: str | None = None
    update: str | None = None
    update_check: str | None = None
    delete: str | None = None


_COMMANDS = ("select", "insert", "update", "delete")


def policies_sql(policies: dict[str, Policies]) -> str:
    """Enable RLS on each table, (re)create its policies and set the application role's
    privileges to exactly the commands with a policy (REVOKE first: default privileges may
    have granted more)."""
    statements = []
    for table, policy in policies.items():
        statements += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;"]
        statements += [f"DROP POLICY IF EXISTS rls_{command} ON {table};" for command in _COMMANDS]
        if policy.select is not None:
            statements.append(
                f"CREATE POLICY rls_select ON {table} FOR SELECT USING ({policy.select});"
            )
        if policy.insert is not None:
            statements.append(
                f"CREATE POLICY rls_insert ON {table} FOR INSERT WITH CHECK ({policy.insert});"
            )
        if policy.update is not None:
            check = policy.update_check or policy.update
            statements.append(
                f"CREATE POLICY rls_update ON {table} FOR UPDATE "
                f"USING ({policy.update}) WITH CHECK ({check});"
            )
        if policy.delete is not None:
            statements.append(
                f"CREATE POLICY rls_delete ON {table} FOR DELETE USING ({policy.delete});"
            )
        granted = [command.upper() for command in _COMMANDS if getattr(policy, command) is not None]
        statements.append(privileges_sql(table, granted))
    return "\n".join(statements)


def drop_policies_sql(policies: dict[str, Policies]) -> str:
    statements = []
    for table in policies:
        statements += [f"DROP POLICY IF EXISTS rls_{command} ON {table};" for command in _COMMANDS]
        statements.append(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;")
    return "\n".join(statements)


def if_role_exists(body: str) -> str:
    """Run `body` only where the application role exists (scripts/ensure_services.sh and
    docker-compose create it; a bare database may not have it)."""
    return f"""
DO $rls$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
{body}
    END IF;
END
$rls$;
"""


def privileges_sql(table: str, commands: list[str]) -> str:
    """The application role holds exactly `commands` on `table` (none: closed to it)."""
    grant = f"GRANT {', '.join(commands)} ON {table} TO {APP_ROLE};" if commands else ""
    return if_role_exists(f"REVOKE ALL ON {table} FROM {APP_ROLE};\n{grant}")
