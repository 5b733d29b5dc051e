"""The credentials tables hold exactly the privileges the product uses (SECURITY.md, "Digital
credentials"), and a signed status list is kept with a seal instead of a plain digest.

- A status entry is inserted once and never changed: no UPDATE (a written index could move a
  certification onto another's bit).
- A signed list's copy, seal and time are updated when the list is signed again; its purpose
  and number never are: UPDATE on those three columns only.
- Neither is ever deleted: no DELETE.
- `bits_digest` (a SHA-256 of the bits, which anyone can compute) becomes `seal`, an HMAC keyed
  from SECRET_KEY over the list, its bits and the stored copy: a copy put back or changed with
  the database's privileges alone no longer matches and the list is signed again. Existing
  rows' values match no seal: each list is signed again at its next fetch.
"""

from django.db import migrations

from core.rls_sql import Policies, if_role_exists, policies_sql, privileges_sql, APP_ROLE

POLICIES = {
    "credentials_credentialstatusentry": Policies(select="true", insert="true"),
    "credentials_signedstatuslist": Policies(select="true", insert="true", update="true"),
}
SIGNED_LIST_UPDATABLE = "seal, credential, signed_at"
BEFORE = {
    "credentials_credentialstatusentry": Policies(select="true", insert="true", update="true"),
    "credentials_signedstatuslist": Policies(select="true", insert="true", update="true"),
}
ALL = ["SELECT", "INSERT", "UPDATE", "DELETE"]


class Migration(migrations.Migration):
    dependencies = [("credentials", "0002_row_level_security")]

    operations = [
        migrations.RenameField("signedstatuslist", "bits_digest", "seal"),
        migrations.RunSQL(
            policies_sql(POLICIES)
            + "\n"
            + if_role_exists(
                "REVOKE UPDATE ON credentials_signedstatuslist FROM "
                f"{APP_ROLE};\nGRANT UPDATE ({SIGNED_LIST_UPDATABLE}) ON "
                f"credentials_signedstatuslist TO {APP_ROLE};"
            ),
            policies_sql(BEFORE) + "\n" + "\n".join(privileges_sql(table, ALL) for table in BEFORE),
        ),
    ]
