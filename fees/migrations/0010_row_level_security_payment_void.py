"""Row-level security on the voids of payments (SECURITY.md), as on the payments they void
(`0006`): read by the person, their county's staff and state staff (the system and operators
read all); written by the county's staff in their own counties only
(`fees.services.fee_payment_void`). A void is never changed or deleted."""

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

VISIBLE = readable(f"person_id = {UID} OR {STATE} OR county_id = ANY ({COUNTIES})")
POLICIES = {
    "fees_feepaymentvoid": Policies(
        select=VISIBLE,
        insert=writable(f"county_id = ANY ({COUNTIES})"),
    ),
}


class Migration(migrations.Migration):
    dependencies = [("fees", "0009_payment_void")]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
