"""Row-level security on exam attempts once a sitting may belong to a certification's
reinstatement instead of an application (SECURITY.md, "Every table"), mirroring
`exams.selectors.exam_attempts_for` and `exams.services`:

- read: an applicant's sitting through its application as before (the applicant; staff of the
  application's county and state staff once it is past its draft); a reinstatement sitting
  through its certification (the holder, the staff of the issuing county, state staff);
- written (recorded, and updated by a vendor import): an applicant's sitting by the staff of
  the application's county, as before; a reinstatement sitting by an administrator of the
  issuing county only (`exam_attempt_record_reinstatement` refuses reviewers);
- the field history (`exams_examattemptevent`) the same, written when its row could be.

The reverse restores the policies of `certification.0010_row_level_security` and `0011`.
"""

from django.db import migrations

from core.rls_sql import (
    ADMIN_COUNTIES,
    COUNTIES,
    STATE,
    UID,
    Policies,
    policies_sql,
    readable,
    writable,
)

APPLICATION = "certification_application"
CERTIFICATION = "certification_certification"

APPLICATION_READ = (
    f"EXISTS (SELECT 1 FROM {APPLICATION} a WHERE a.id = application_id "
    f"AND (a.applicant_id = {UID} OR (a.status <> 'draft' "
    f"AND ({STATE} OR a.county_id = ANY ({COUNTIES})))))"
)
APPLICATION_WRITE = (
    f"EXISTS (SELECT 1 FROM {APPLICATION} a WHERE a.id = application_id "
    f"AND a.county_id = ANY ({COUNTIES}))"
)
REINSTATEMENT_READ = (
    f"EXISTS (SELECT 1 FROM {CERTIFICATION} c WHERE c.id = certification_id "
    f"AND (c.holder_id = {UID} OR {STATE} OR c.issuing_county_id = ANY ({COUNTIES})))"
)
REINSTATEMENT_WRITE = (
    f"EXISTS (SELECT 1 FROM {CERTIFICATION} c WHERE c.id = certification_id "
    f"AND c.issuing_county_id = ANY ({ADMIN_COUNTIES}))"
)

READ = readable(f"{APPLICATION_READ} OR {REINSTATEMENT_READ}")
WRITE = writable(f"{APPLICATION_WRITE} OR {REINSTATEMENT_WRITE}")
POLICIES = {
    "exams_examattempt": Policies(select=READ, insert=WRITE, update=WRITE),
    "exams_examattemptevent": Policies(select=READ, insert=WRITE),
}

BEFORE = {
    "exams_examattempt": Policies(
        select=readable(APPLICATION_READ),
        insert=writable(APPLICATION_WRITE),
        update=writable(APPLICATION_WRITE),
    ),
    "exams_examattemptevent": Policies(
        select=readable(APPLICATION_READ),
        insert=f"({writable(APPLICATION_WRITE)}) OR ({writable(APPLICATION_WRITE)})",
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0005_reinstatement_exam"),
        ("certification", "0018_row_level_security_every_table"),
    ]

    operations = [migrations.RunSQL(policies_sql(POLICIES), policies_sql(BEFORE))]
