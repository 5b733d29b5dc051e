"""Row-level security on CE audits (SECURITY.md, "Every table"): `ce_audits.selectors.
ce_audits_for` (the county's staff; state staff), and the holder of the audited certification
(their data export). Drawn and decided by the county's staff or the system; never deleted.
"""

from django.db import migrations

from core.rls_sql import (
    COUNTIES,
    STATE,
    UID,
    Policies,
    drop_policies_sql,
    policies_sql,
    readable,
    writable,
)

POLICIES = {
    "certification_ceaudit": Policies(
        select=readable(
            f"{STATE} OR county_id = ANY ({COUNTIES}) OR EXISTS (SELECT 1 FROM "
            f"certification_certification c WHERE c.id = certification_id AND c.holder_id = {UID})"
        ),
        insert=writable(f"county_id = ANY ({COUNTIES})"),
        update=writable(f"county_id = ANY ({COUNTIES})"),
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("ce_audits", "0002_ceaudit_cycle_start"),
        ("certification", "0018_row_level_security_every_table"),
    ]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
