"""Row-level security on the payments and renewal fee waivers (SECURITY.md), mirroring
`fees.selectors.fee_payments_for` and `fee_waivers_for`: the person's own, their county's
staff, state staff; the system and operators read all. County staff record them in their own
counties only (`fees.services.fee_payment_record`, `fee_waiver_grant`). A payment is never
changed or deleted; a waiver is updated once, when it is applied to a renewal fee — by the
county's staff or by the person renewing (`fee_due_record` inside their renewal)."""

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
    "fees_feepayment": Policies(
        select=VISIBLE,
        insert=writable(f"county_id = ANY ({COUNTIES})"),
    ),
    "fees_feewaiver": Policies(
        select=VISIBLE,
        insert=writable(f"county_id = ANY ({COUNTIES})"),
        update=writable(f"person_id = {UID} OR county_id = ANY ({COUNTIES})"),
    ),
}


class Migration(migrations.Migration):
    dependencies = [("fees", "0005_payments_waivers_dated_schedules")]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
