"""Row-level security on the payments, tightened (`0006`): a payment is written only with the
county and person of the fee it pays, that fee read as the session may read it
(SECURITY.md). Before, the staff of any county could write a payment of another county's fee
by naming their own county on it (a forged row, past `fees.services.fee_payment_record`),
and it counted as paid on that fee, releasing the exam or renewal waiting for it."""

from django.db import migrations

from core.rls_sql import COUNTIES, STATE, UID, Policies, policies_sql, readable, writable

TABLE = "fees_feepayment"
# As in `0006`: read by the person, their county's staff and state staff.
SELECT = readable(f"person_id = {UID} OR {STATE} OR county_id = ANY ({COUNTIES})")
# The fee paid, as the session reads it (its own row-level security), with the same county
# and person as the payment.
OF_ITS_FEE = (
    f"EXISTS (SELECT 1 FROM fees_feedue f WHERE f.id = {TABLE}.fee_id "
    f"AND f.county_id = {TABLE}.county_id AND f.person_id = {TABLE}.person_id)"
)


def _policies(insert: str) -> dict[str, Policies]:
    return {TABLE: Policies(select=SELECT, insert=writable(insert))}


class Migration(migrations.Migration):
    dependencies = [("fees", "0011_row_level_security_payment_void_matches_payment")]

    operations = [
        migrations.RunSQL(
            policies_sql(_policies(f"county_id = ANY ({COUNTIES}) AND {OF_ITS_FEE}")),
            policies_sql(_policies(f"county_id = ANY ({COUNTIES})")),
        )
    ]
