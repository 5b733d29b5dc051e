"""Row-level security on the scholarship tables (SECURITY.md), mirroring `fees.selectors`:
the pools are public facts (name, source, size, window) written by state staff, who administer
them, and operators; a nomination is read by the person, the nominating county's staff and
state staff, written by the county's staff (the nomination) and by state staff (the decision);
a scholarship's use of a fee is read as the fee, written inside the change that makes the fee
due (by the person or their county's staff) or by state staff accepting a nomination. Nothing
is deleted."""

from django.db import migrations

from core.rls_sql import (
    COUNTIES,
    STATE,
    UID,
    Policies,
    drop_policies_sql,
    operator_writable,
    policies_sql,
    readable,
    writable,
)

VISIBLE = readable(f"person_id = {UID} OR {STATE} OR county_id = ANY ({COUNTIES})")
POLICIES = {
    "fees_scholarshippool": Policies(
        select="true",
        insert=operator_writable(STATE),
        update=operator_writable(STATE),
    ),
    "fees_scholarshipnomination": Policies(
        select=VISIBLE,
        insert=writable(f"county_id = ANY ({COUNTIES})"),
        update=writable(STATE),
    ),
    "fees_scholarshipuse": Policies(
        select=VISIBLE,
        insert=writable(f"person_id = {UID} OR {STATE} OR county_id = ANY ({COUNTIES})"),
    ),
}


class Migration(migrations.Migration):
    dependencies = [("fees", "0007_scholarships")]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
