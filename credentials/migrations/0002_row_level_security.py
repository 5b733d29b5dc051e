"""Row-level security on the credentials tables (SECURITY.md, "Every table").

Both hold public facts only: a certification's index in the public status lists (the index is
also inside the signed credential the holder carries) and the signed status list credentials
the site serves to anyone. The rows are written when a holder downloads a credential and when
anyone fetches a list (a list is re-signed on the first fetch after a status change), so every
context reads and writes them. Changing a row grants no power: a status list is signed with the
issuer key, which the database never holds, and its bits are rebuilt from the certifications'
committed statuses on every fetch. The product never deletes these rows: no DELETE.
"""

from django.db import migrations

from core.rls_sql import Policies, drop_policies_sql, policies_sql

POLICIES = {
    "credentials_credentialstatusentry": Policies(select="true", insert="true", update="true"),
    "credentials_signedstatuslist": Policies(select="true", insert="true", update="true"),
}


class Migration(migrations.Migration):
    dependencies = [("credentials", "0001_initial")]

    operations = [
        migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES)),
    ]
