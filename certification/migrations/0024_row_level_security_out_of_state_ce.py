"""Row-level security on the out-of-state applicants' CE records (SECURITY.md, "Every table"),
mirroring `certification.selectors.out_of_state_ce_records_for`: through the application, like
its documents and exam attempts: the applicant's own (drafts included); the staff of the
application's county and state staff once it is past its draft; the system and operators.
Only the applicant adds a record (to their own application); nobody changes or deletes one
(a record is withdrawn by removing its proof document)."""

from django.db import migrations

from core.rls_sql import COUNTIES, STATE, UID, Policies, drop_policies_sql, policies_sql
from core.rls_sql import readable, writable

APPLICATION = "certification_application"
POLICIES = {
    "certification_outofstatecerecord": Policies(
        select=readable(
            f"EXISTS (SELECT 1 FROM {APPLICATION} a WHERE a.id = application_id "
            f"AND (a.applicant_id = {UID} OR (a.status <> 'draft' "
            f"AND ({STATE} OR a.county_id = ANY ({COUNTIES})))))"
        ),
        insert=writable(
            f"EXISTS (SELECT 1 FROM {APPLICATION} a WHERE a.id = application_id "
            f"AND a.applicant_id = {UID})"
        ),
    ),
}


class Migration(migrations.Migration):
    dependencies = [("certification", "0023_out_of_state_ce_and_expiry")]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
