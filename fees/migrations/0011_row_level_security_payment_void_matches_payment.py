"""Row-level security on the voids of payments, tightened (`0010`): a void is written only
with the county and person of the payment it voids, that payment read as the session may read
it (SECURITY.md). Before, the staff of any county could write a void of another county's
payment by naming their own county on it (a forged row, past `fees.services.fee_payment_void`),
and a voided payment counts nowhere: that county's fee was owed again."""

from django.db import migrations

from core.rls_sql import COUNTIES, STATE, UID, Policies, policies_sql, readable, writable

TABLE = "fees_feepaymentvoid"
# As in `0010`: read by the person, their county's staff and state staff.
SELECT = readable(f"person_id = {UID} OR {STATE} OR county_id = ANY ({COUNTIES})")
# The payment voided, as the session reads it (its own row-level security), with the same
# county and person as the void.
OF_ITS_PAYMENT = (
    f"EXISTS (SELECT 1 FROM fees_feepayment p WHERE p.id = {TABLE}.payment_id "
    f"AND p.county_id = {TABLE}.county_id AND p.person_id = {TABLE}.person_id)"
)


def _policies(insert: str) -> dict[str, Policies]:
    return {TABLE: Policies(select=SELECT, insert=writable(insert))}


class Migration(migrations.Migration):
    dependencies = [("fees", "0010_row_level_security_payment_void")]

    operations = [
        migrations.RunSQL(
            policies_sql(_policies(f"county_id = ANY ({COUNTIES}) AND {OF_ITS_PAYMENT}")),
            policies_sql(_policies(f"county_id = ANY ({COUNTIES})")),
        )
    ]
