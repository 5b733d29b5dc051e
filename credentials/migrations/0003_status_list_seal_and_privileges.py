"""The credentials tables hold exactly the privileges the product uses (SECURITY.md, "Digital
credentials"), and a signed status list is kept with a seal instead of a plain digest.

- A status entry is inserted once and never changed: no UPDATE (a written index could move a
  certification onto another's bit).
- A signed list is inserted, and updated when it is signed again.
- Neither is ever deleted: no DELETE.
- `bits_digest` (a SHA-256 of the bits, which anyone can compute) becomes `seal`, an HMAC keyed
  from SECRET_KEY over the list's purpose and number, its bits and the stored copy: a copy put
  back, changed, or moved to another purpose or number with the database's privileges alone no
  longer matches and the list is signed again. Existing rows' values match no seal: each list
  is signed again at its next fetch.
"""

from django.db import migrations

from core.rls_sql import Policies, policies_sql

POLICIES = {
    "credentials_credentialstatusentry": Policies(select="true", insert="true"),
    "credentials_signedstatuslist": Policies(select="true", insert="true", update="true"),
}
BEFORE = {
    "credentials_credentialstatusentry": Policies(select="true", insert="true", update="true"),
    "credentials_signedstatuslist": Policies(select="true", insert="true", update="true"),
}


class Migration(migrations.Migration):
    dependencies = [("credentials", "0002_row_level_security")]

    operations = [
        migrations.RenameField("signedstatuslist", "bits_digest", "seal"),
        migrations.RunSQL(policies_sql(POLICIES), policies_sql(BEFORE)),
    ]
