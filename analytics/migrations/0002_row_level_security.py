"""Row-level security on Medi-Cal enrollment (SECURITY.md, "Every table"). The figures are
public (DHCS publishes them), so everyone reads them; only operators (the Django admin's
upload) and the system (`manage.py load_medi_cal_enrollment`, the demo) write them, and
nobody changes or deletes a load: a correction is a new load."""

from django.db import migrations

from core.rls_sql import Policies, drop_policies_sql, operator_writable, policies_sql

POLICIES = {
    "analytics_medicalenrollmentload": Policies(select="true", insert=operator_writable()),
    "analytics_medicalenrollment": Policies(select="true", insert=operator_writable()),
}


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("certification", "0017_row_level_security_context"),
    ]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
