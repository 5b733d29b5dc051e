"""Row-level security on cases and their timelines (SECURITY.md, "Every table"):
`cases.selectors.cases_for` (the handling county's staff; state staff, who also handle the
cases with no county). Opened, moved and extended by that staff or the system; never deleted.
The subject and the complainant read nothing here.
"""

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

MINE = f"county_id = ANY ({COUNTIES})"
STATE_CASE = f"(county_id IS NULL AND {STATE})"

POLICIES = {
    table: Policies(
        select=readable(f"{STATE} OR {MINE}"),
        insert=writable(f"{MINE} OR {STATE_CASE}"),
        update=writable(f"{MINE} OR {STATE_CASE}") if table == "cases_case" else None,
    )
    for table in ("cases_case", "cases_caseevent")
}


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
        ("certification", "0018_row_level_security_every_table"),
    ]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
