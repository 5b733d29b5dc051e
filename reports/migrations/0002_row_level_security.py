"""Row-level security on program reports (SECURITY.md, "Every table"): a county's reports,
drafts and submitted versions alike, are read by its staff and by state staff
(`reports.selectors.program_reports_for`), written only by its administrators (the services
check the same) and never deleted. The report policy is configuration: everyone reads it,
operators change it."""

from django.db import migrations

from core.rls_sql import (
    ADMIN_COUNTIES,
    COUNTIES,
    STATE,
    Policies,
    drop_policies_sql,
    operator_writable,
    policies_sql,
    readable,
    writable,
)

POLICIES = {
    "reports_programreport": Policies(
        select=readable(f"{STATE} OR county_id = ANY ({COUNTIES})"),
        insert=writable(f"county_id = ANY ({ADMIN_COUNTIES})"),
        update=writable(f"county_id = ANY ({ADMIN_COUNTIES})"),
    ),
    "reports_reportpolicy": Policies(
        select="true", insert=operator_writable(), update=operator_writable()
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("certification", "0018_row_level_security_every_table"),
    ]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
