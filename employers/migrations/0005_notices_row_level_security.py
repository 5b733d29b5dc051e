"""Row-level security on the notice and webhook tables (as `0002_row_level_security`):
an employer's staff read its notices; its administrators alone read and manage its webhook
endpoints (their signing secrets), deliveries and attempts; the system writes notices,
deliveries and attempts. Also records, from the audit trail, the public actions that
happened before employers could watch (suspensions, lifted suspensions, reinstatements,
revocations), so the watchlist shows a certification's whole public history."""

from django.db import migrations

from core.rls_sql import privileges_sql

from employers.migrations._rls import (
    EMP,
    EMP_ADMIN,
    OPERATOR,
    SYSTEM,
    drop_policies_sql,
    policies_sql,
)

ADMIN_ENDPOINT = (
    "EXISTS (SELECT 1 FROM employers_webhookendpoint e WHERE e.id = {column} "
    f"AND e.employer_id = ANY ({EMP_ADMIN}))"
)
ADMIN_DELIVERY = (
    "EXISTS (SELECT 1 FROM employers_webhookdelivery d JOIN employers_webhookendpoint e "
    f"ON e.id = d.endpoint_id WHERE d.id = delivery_id AND e.employer_id = ANY ({EMP_ADMIN}))"
)

POLICIES = {
    "employers_notice": {
        "SELECT": (f"{SYSTEM} OR {OPERATOR} OR employer_id = ANY ({EMP})", None),
        "INSERT": (None, SYSTEM),
        "UPDATE": (SYSTEM, SYSTEM),
    },
    "employers_webhookendpoint": {
        "SELECT": (f"{SYSTEM} OR {OPERATOR} OR employer_id = ANY ({EMP_ADMIN})", None),
        "INSERT": (None, f"{SYSTEM} OR employer_id = ANY ({EMP_ADMIN})"),
        "UPDATE": (
            f"{SYSTEM} OR employer_id = ANY ({EMP_ADMIN})",
            f"{SYSTEM} OR employer_id = ANY ({EMP_ADMIN})",
        ),
    },
    "employers_webhookdelivery": {
        "SELECT": (
            f"{SYSTEM} OR {OPERATOR} OR {ADMIN_ENDPOINT.format(column='endpoint_id')}",
            None,
        ),
        "INSERT": (None, f"{SYSTEM} OR {ADMIN_ENDPOINT.format(column='endpoint_id')}"),
        "UPDATE": (
            f"{SYSTEM} OR {ADMIN_ENDPOINT.format(column='endpoint_id')}",
            f"{SYSTEM} OR {ADMIN_ENDPOINT.format(column='endpoint_id')}",
        ),
    },
    "employers_webhookattempt": {
        "SELECT": (f"{SYSTEM} OR {OPERATOR} OR {ADMIN_DELIVERY}", None),
        "INSERT": (None, SYSTEM),
    },
}

# Public actions before this migration, one per audit event, with an id derived from it.
BACKFILL = """
INSERT INTO employers_registrychange (event_id, certification_id, kind, occurred_at, data, created_at)
SELECT md5('audit-event:' || a.id)::uuid, a.object_id, CASE a.verb
        WHEN 'certification_suspend' THEN 'suspended'
        WHEN 'certification_lift_suspension' THEN 'suspension_lifted'
        WHEN 'certification_reinstate' THEN 'reinstated'
        WHEN 'certification_revoke' THEN 'revoked' END,
       a.created_at,
       jsonb_build_object('previous_status', a.from_state, 'status', a.to_state,
                          'source', 'audit_trail'),
       now()
FROM counties_auditevent a
JOIN certification_certification c ON c.id = a.object_id
WHERE a.object_type = 'certification.certification'
  AND a.verb IN ('certification_suspend', 'certification_lift_suspension',
                 'certification_reinstate', 'certification_revoke')
ON CONFLICT (event_id) DO NOTHING;
"""


# The application role holds exactly the commands the policies cover (0003).
PRIVILEGES = {
    "employers_notice": ["SELECT", "INSERT", "UPDATE"],
    "employers_webhookendpoint": ["SELECT", "INSERT", "UPDATE"],
    "employers_webhookdelivery": ["SELECT", "INSERT", "UPDATE"],
    "employers_webhookattempt": ["SELECT", "INSERT"],
}
ALL = ["SELECT", "INSERT", "UPDATE", "DELETE"]


class Migration(migrations.Migration):
    dependencies = [("employers", "0004_notices_and_webhooks")]

    operations = [
        migrations.RunSQL(
            "\n".join(privileges_sql(t, c) for t, c in PRIVILEGES.items()),
            "\n".join(privileges_sql(t, ALL) for t in PRIVILEGES),
        ),
        migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES)),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
