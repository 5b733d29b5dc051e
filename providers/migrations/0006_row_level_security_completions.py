"""Row-level security on the reported completions and the providers' API keys, mirroring
`providers.selectors.completions_for` and `api_keys_for`:

- a completion is read by its provider's staff, state staff, the learner it was matched to, and
  the county staff who read that learner's records (a county the learner applied to or was
  certified by, as `certification.selectors.person_records_visible`); it is written by the
  system only (`providers.services.completions` checks who reports, then matches the learner
  and writes their record acting for the system: a provider never reads anyone's profile),
  except that the learner records a dispute on their own;
- an API key is read and written by its provider's administrators; the API finds it by the
  hash of the key presented (the capability) and touches its last use; state staff read them.
"""

from django.db import migrations

from core.rls_sql import (
    CAPABILITY,
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

PROV = "(SELECT app_provider_ids())::bigint[]"
PROV_ADMIN = "(SELECT app_provider_admin_ids())::bigint[]"
OWN = f"provider_id = ANY ({PROV})"
OWN_ADMIN = f"provider_id = ANY ({PROV_ADMIN})"

LEARNER_SHARED = f"""(person_id IS NOT NULL AND cardinality({COUNTIES}) > 0 AND (
    EXISTS (SELECT 1 FROM certification_application a
            WHERE a.applicant_id = providers_completion.person_id AND a.status <> 'draft'
              AND a.county_id = ANY ({COUNTIES}))
    OR EXISTS (SELECT 1 FROM certification_certification c
               WHERE c.holder_id = providers_completion.person_id
                 AND c.issuing_county_id = ANY ({COUNTIES}))
))"""

POLICIES = {
    "providers_completion": Policies(
        select=readable(f"{OWN} OR {STATE} OR person_id = {UID} OR {LEARNER_SHARED}"),
        insert=writable("false"),
        update=writable(f"person_id = {UID}"),
    ),
    "providers_providerapikey": Policies(
        select=readable(f"{OWN_ADMIN} OR {STATE} OR key_hash = {CAPABILITY}"),
        insert=writable(f"{OWN_ADMIN} AND created_by_id = {UID}"),
        update=operator_writable(f"{OWN_ADMIN} OR key_hash = {CAPABILITY}"),
    ),
}


class Migration(migrations.Migration):
    dependencies = [("providers", "0005_completions")]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
