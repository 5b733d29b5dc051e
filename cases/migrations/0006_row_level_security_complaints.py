"""Row-level security on complaints, case documents and requests for a peer's response
(SECURITY.md, "Every table"), mirroring `cases.selectors`: the handling county's staff and
state staff (who also handle the cases with no county) read and write them.

Two more ways in, each as narrow as its write:
- The public complaint form (no account): the request holds, as its capability, the
  `source_ref` its service gives the new case ("complaint:" and the SHA-256 of the form's
  one-time key, `cases.services.complaints`). With it, and only with it, the form's own case,
  complaint, first timeline line and attachments are written and read back (INSERT ...
  RETURNING); nothing else is opened. A regular case has an empty `source_ref`, and a
  capability of the API (a bare hexadecimal hash) never starts with "complaint:".
- The peer a response request is addressed to reads it and answers it (UPDATE of their own
  request), adds files to it and the "response" line of the timeline, as themself; they read
  no case, complaint, note or evidence.
Never deleted.
"""

from django.db import migrations

from core.rls_sql import (
    CAPABILITY,
    COUNTIES,
    STATE,
    UID,
    Policies,
    drop_policies_sql,
    policies_sql,
    readable,
    writable,
)

MINE = f"county_id = ANY ({COUNTIES})"
STATE_CASE = f"(county_id IS NULL AND {STATE})"
STAFF_WRITE = f"{MINE} OR {STATE_CASE}"
# The case the public form is writing (its capability), on the case itself...
INTAKE = f"(source = 'complaint' AND source_ref LIKE 'complaint:%' AND source_ref = {CAPABILITY})"
# ...and on the rows that belong to it.
OF_INTAKE = (
    "EXISTS (SELECT 1 FROM cases_case c WHERE c.id = case_id "
    f"AND c.source_ref LIKE 'complaint:%' AND c.source_ref = {CAPABILITY})"
)
OPEN_REQUEST_OF_MINE = (
    "EXISTS (SELECT 1 FROM cases_caseresponserequest r WHERE r.case_id = {table}.case_id "
    f"AND r.peer_id = {UID} AND r.responded_at IS NULL{{extra}})"
)

POLICIES = {
    "cases_case": Policies(
        select=readable(f"{STATE} OR {MINE} OR {INTAKE}"),
        insert=writable(f"{STAFF_WRITE} OR ({INTAKE} AND opened_by_id IS NULL)"),
        update=writable(STAFF_WRITE),
    ),
    "cases_caseevent": Policies(
        select=readable(
            f"{STATE} OR {MINE} OR {OF_INTAKE} OR (actor_id = {UID} AND kind = 'response')"
        ),
        insert=writable(
            f"{STAFF_WRITE} OR ({OF_INTAKE} AND actor_id IS NULL AND kind = 'opened') "
            f"OR (actor_id = {UID} AND kind = 'response' AND "
            + OPEN_REQUEST_OF_MINE.format(table="cases_caseevent", extra="")
            + ")"
        ),
    ),
    "cases_complaint": Policies(
        select=readable(f"{STATE} OR {MINE} OR {OF_INTAKE}"),
        insert=writable(f"{STAFF_WRITE} OR {OF_INTAKE}"),
        update=writable(STAFF_WRITE),
    ),
    "cases_casedocument": Policies(
        select=readable(f"{STATE} OR {MINE} OR {OF_INTAKE} OR uploaded_by_id = {UID}"),
        insert=writable(
            f"{STAFF_WRITE} "
            f"OR ({OF_INTAKE} AND uploaded_by_id IS NULL AND kind = 'complaint') "
            f"OR (uploaded_by_id = {UID} AND kind = 'response' AND "
            + OPEN_REQUEST_OF_MINE.format(
                table="cases_casedocument", extra=" AND r.id = response_request_id"
            )
            + ")"
        ),
    ),
    "cases_caseresponserequest": Policies(
        select=readable(f"{STATE} OR {MINE} OR peer_id = {UID}"),
        insert=writable(STAFF_WRITE),
        update=writable(f"{STAFF_WRITE} OR peer_id = {UID}"),
    ),
}


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_complaints_documents_responses")]

    operations = [migrations.RunSQL(policies_sql(POLICIES), drop_policies_sql(POLICIES))]
