"""Row-level security on the fee schedules (issue 18: every table is walled, closed or on the
reasoned allow-list; tests/security/test_rls_every_table.py). The amounts are public; only a
county's administrators (`fees.services.fee_schedule_set`), operators (the Django admin) and
the system write them, and nobody deletes them. Before, any statement of the application
role, with no context at all, could change what every county charges."""

from django.db import migrations

from core.rls_sql import (
    ADMIN_COUNTIES,
    Policies,
    drop_policies_sql,
    operator_writable,
    policies_sql,
)

POLICIES = {
    "fees_feeschedule": Policies(
        select="true",
        insert=operator_writable(f"county_id = ANY ({ADMIN_COUNTIES})"),
        update=operator_writable(f"county_id = ANY ({ADMIN_COUNTIES})"),
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("fees", "0002_row_level_security"),
        ("certification", "0017_row_level_security_context"),
    ]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
