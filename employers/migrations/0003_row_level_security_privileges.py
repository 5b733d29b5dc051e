"""The application role holds on the employer tables exactly the commands their policies
cover (issue 18: DELETE only where the product deletes; tests/security/test_rls_every_table.py).
Migration 0002 left every command granted by default privilege: the employers, invitations
and registry changes are never deleted, and registry changes never updated (they are the
system's append-only record)."""

from django.db import migrations

from core.rls_sql import privileges_sql

PRIVILEGES = {
    "employers_employer": ["SELECT", "INSERT", "UPDATE"],
    "employers_employerinvitation": ["SELECT", "INSERT", "UPDATE"],
    "employers_employermembership": ["SELECT", "INSERT", "UPDATE", "DELETE"],
    "employers_registrychange": ["SELECT", "INSERT"],
    "employers_watch": ["SELECT", "INSERT", "UPDATE", "DELETE"],
}
ALL = ["SELECT", "INSERT", "UPDATE", "DELETE"]


class Migration(migrations.Migration):
    dependencies = [("employers", "0002_row_level_security")]

    operations = [
        migrations.RunSQL(
            "\n".join(privileges_sql(table, commands) for table, commands in PRIVILEGES.items()),
            "\n".join(privileges_sql(table, ALL) for table in PRIVILEGES),
        ),
    ]
