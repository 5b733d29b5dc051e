"""`manage.py rls_app_role [--password-from-env VAR]`: make sure the application role exists
and holds exactly the privileges the row-level security wall gives it. Run as the owner of the
tables after `migrate` (docker-compose's `migrate` service does).

- Creates DATABASE_APP_ROLE when missing (LOGIN, NOSUPERUSER, NOBYPASSRLS, NOCREATEDB,
  NOCREATEROLE; needs an owner allowed to create roles), or resets those attributes; sets its
  password from the environment variable named by --password-from-env when given.
- Grants each table exactly the commands it has a row-level security policy for (the rule the
  `row_level_security` migrations follow and `tests/security/test_rls_every_table.py`
  checks), SELECT on `django_migrations`, nothing on any other table; the sequences; and the
  default privileges for tables created later (SELECT, INSERT, UPDATE; never DELETE).

Migrations grant as they go when the role exists; this command also covers a database whose
tables were created before the role was (an older deployment), and is idempotent.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

COMMANDS = {"r": ["SELECT"], "a": ["INSERT"], "w": ["UPDATE"], "d": ["DELETE"]}
COMMANDS["*"] = [command for codes in COMMANDS.values() for command in codes]
READ_ONLY = ("django_migrations",)


def granted_by_policies(cursor) -> dict[str, list[str]]:
    """Each table of the schema: the commands its policies cover (RLS on), SELECT for the
    read-only framework tables, nothing otherwise."""
    cursor.execute(
        """
        SELECT c.relname, c.relrowsecurity,
               coalesce(array_agg(DISTINCT p.polcmd::text)
                        FILTER (WHERE p.polcmd IS NOT NULL), '{}')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_policy p ON p.polrelid = c.oid
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        GROUP BY c.relname, c.relrowsecurity
        """
    )
    grants = {}
    for table, row_security, codes in cursor.fetchall():
        if table in READ_ONLY:
            grants[table] = ["SELECT"]
        elif row_security:
            granted = {command for code in codes for command in COMMANDS[code]}
            grants[table] = [c for c in ("SELECT", "INSERT", "UPDATE", "DELETE") if c in granted]
        else:
            grants[table] = []
    return grants


class Command(BaseCommand):
    help = "Create the application role if missing and grant it what the RLS policies allow."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password-from-env", default="", metavar="VARIABLE")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, password_from_env: str, database: str, **options) -> None:
        role = settings.DATABASE_APP_ROLE
        if not role:
            raise CommandError("DATABASE_APP_ROLE is empty: there is no application role.")
        password = os.environ.get(password_from_env, "") if password_from_env else ""
        if password_from_env and not password:
            raise CommandError(f"The environment variable {password_from_env} is empty.")
        connection = connections[database]
        quoted = connection.ops.quote_name(role)
        with transaction.atomic(using=database), connection.cursor() as cursor:
            cursor.execute(
                "SELECT rolcanlogin AND NOT (rolsuper OR rolbypassrls OR rolcreatedb "
                "OR rolcreaterole) FROM pg_roles WHERE rolname = %s",
                [role],
            )
            found = cursor.fetchone()
            attributes = "LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
            if found is None:
                cursor.execute(f"CREATE ROLE {quoted} {attributes}")
                self.stdout.write(f"Created the role {role}.")
            elif not found[0]:
                cursor.execute(f"ALTER ROLE {quoted} {attributes}")
            if password:
                cursor.execute(f"ALTER ROLE {quoted} PASSWORD %s", [password])
            for table, commands in sorted(granted_by_policies(cursor).items()):
                name = connection.ops.quote_name(table)
                cursor.execute(f"REVOKE ALL ON {name} FROM {quoted}")
                if commands:
                    cursor.execute(f"GRANT {', '.join(commands)} ON {name} TO {quoted}")
            cursor.execute(
                f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {quoted}"
            )
            cursor.execute(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                f"GRANT SELECT, INSERT, UPDATE ON TABLES TO {quoted}"
            )
            cursor.execute(
                f"ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE DELETE ON TABLES FROM {quoted}"
            )
            cursor.execute(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {quoted}"
            )
            cursor.execute("REVOKE ALL ON FUNCTION app_context_hmac(text) FROM PUBLIC")
        self.stdout.write(f"The role {role} holds what the row-level security policies allow.")
