"""Row-level security on the analytics' figure snapshots (SECURITY.md, "Every table"),
mirroring `analytics.selectors.figure_snapshots_for`: the state's figures (no county) for all
program staff, a county's for its staff and state staff. Only the system writes them (the
hourly refresh); nobody deletes them (a refresh updates its rows in place)."""

from django.db import migrations

from core.rls_sql import (
    COUNTIES,
    STATE,
    Policies,
    drop_policies_sql,
    policies_sql,
    readable,
    writable,
)

POLICIES = {
    "analytics_figuresnapshot": Policies(
        select=readable(
            f"{STATE} OR county_id = ANY ({COUNTIES}) "
            f"OR (county_id IS NULL AND cardinality({COUNTIES}) > 0)"
        ),
        insert=writable("false"),
        update=writable("false"),
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_figure_snapshot"),
        ("certification", "0017_row_level_security_context"),
    ]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
