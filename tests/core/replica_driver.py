"""Run by tests/core/test_read_replica.py in a process of its own, configured (environment)
with DATABASE_URL on a primary and DATABASE_REPLICA_URL on its streaming standby, and
STANDBY_ADMIN_URL (the standby's superuser, to pause and resume replay). Drives the product
through Django's test client, the whole middleware stack included, and prints what it saw as
one JSON object on the last line of its output; the test asserts on it.

Not a test module itself (no `test_` prefix): it needs settings of its own, which pytest's
process cannot change once Django is set up.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.services import api_token_create  # noqa: E402
from certification.models import Certification, CertificationStatus  # noqa: E402
from core.replica import REPLICA  # noqa: E402
from core.rls import context_key_install  # noqa: E402
from counties.models import CountyMembership  # noqa: E402
from demo.scale import seed_scale  # noqa: E402


def _out(text: str) -> None:
    sys.stdout.write(f"{text}\n")


HOST = "127.0.0.1"
primary = connections[DEFAULT_DB_ALIAS]
replica = connections[REPLICA]
standby_admin = psycopg.connect(os.environ["STANDBY_ADMIN_URL"], autocommit=True)


def primary_lsn() -> str:
    with psycopg.connect(os.environ["PRIMARY_ADMIN_URL"], autocommit=True) as admin:
        return admin.execute("SELECT pg_current_wal_lsn()::text").fetchone()[0]


def wait_replayed(lsn: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = standby_admin.execute(
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]
        ).fetchone()
        if row[0]:
            return
        time.sleep(0.05)
    raise AssertionError(f"the standby did not replay {lsn} within {timeout} s")


def get(client: Client, path: str, **headers) -> dict:
    """GET `path`; the status, the body, and the number of queries each database ran."""
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as on_replica:
        response = client.get(path, secure=True, **headers)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode()
        response.close()
    return {
        "status": response.status_code,
        "body": body,
        "primary_queries": len(on_primary),
        "replica_queries": len(on_replica),
        "reads_certifications_on": sorted(
            {
                name
                for name, queries in (("primary", on_primary), ("replica", on_replica))
                for query in queries.captured_queries
                if '"certification_certification"' in query["sql"]
            }
        ),
    }


def roster_status(page: dict, number: str) -> str:
    rows = json.loads(page["body"])["results"]
    return next(row["status"] for row in rows if row["certification_number"] == number)


def main() -> None:
    seen: dict = {}
    # The data, written as the owner on the primary.
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        context_key_install(primary)
        seed_scale(12, seed=3)
        certification = (
            Certification.objects.filter(status=CertificationStatus.ACTIVE).order_by("id").first()
        )
        county = certification.issuing_county
        admin = User.objects.create(email="replica.admin@example.org", first_name="Rita")
        CountyMembership.objects.create(user=admin, county=county, role="admin")
        state = User.objects.create(
            email="replica.state@example.org", first_name="Sam", is_state_staff=True
        )
        _, admin_key = api_token_create(user=admin, days=1, name="replica test")
        _, state_key = api_token_create(user=state, days=1, name="replica test")
    number = certification.number
    primary.close()
    wait_replayed(primary_lsn())

    staff = Client(SERVER_NAME=HOST)
    staff.force_login(admin)
    state_api = {"HTTP_AUTHORIZATION": f"Token {state_key}"}
    admin_api = {"HTTP_AUTHORIZATION": f"Token {admin_key}"}
    api = Client(SERVER_NAME=HOST)
    roster = f"/api/v1/roster/?county={county.code}&page_size=1000"
    # First use of each key touches its last_used_at (a write: that request reads from the
    # primary and the person's write is remembered); wait for the replica to replay it.
    get(api, roster, **state_api)
    get(api, roster, **admin_api)
    wait_replayed(primary_lsn())

    # 1. Reads served by the replica, acting for the person (row-level security there too).
    page = get(api, roster, **state_api)
    seen["state_roster"] = {**page, "status_of": roster_status(page, number), "body": ""}
    replica.ensure_connection()
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
        seen["replica_in_recovery"], seen["replica_port"] = cursor.fetchone()
    with primary.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')")
        seen["primary_in_recovery"], seen["primary_port"] = cursor.fetchone()
    workspace_page = get(staff, f"/county/{county.code}/roster/")
    seen["workspace_roster"] = {**workspace_page, "body": ""}
    csv = get(staff, f"/county/{county.code}/roster.csv")
    seen["workspace_csv"] = {**csv, "has_number": number in csv["body"], "body": ""}
    verification = get(Client(SERVER_NAME=HOST), f"/api/v1/verify/{number}/")
    seen["verify"] = {**verification, "body": json.loads(verification["body"])}
    # Row-level security on the replica: with no context (no person), no certification row.
    with transaction.atomic(using=REPLICA), replica.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE peercert_app")
        cursor.execute("SELECT count(*) FROM certification_applicantprofile")
        seen["replica_rows_without_context"] = cursor.fetchone()[0]

    # 2. Writes refused there.
    try:
        with transaction.atomic(using=REPLICA), replica.cursor() as cursor:
            cursor.execute(
                "UPDATE certification_certification SET first_name = first_name WHERE id = %s",
                [certification.pk],
            )
        seen["replica_write"] = "accepted"
    except DatabaseError as error:
        seen["replica_write"] = f"{getattr(error.__cause__, 'sqlstate', '')} {error}".strip()

    # 3. Replay paused: the replica falls behind.
    standby_admin.execute("SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + 10
    while standby_admin.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] != "paused":
        if time.monotonic() > deadline:
            raise AssertionError("replay did not pause")
        time.sleep(0.05)
    suspended = staff.post(
        f"/county/{county.code}/certifications/{certification.pk}/suspend/",
        {"reason": "Replica test: suspended while replay is paused."},
        secure=True,
    )
    seen["suspend_status"] = suspended.status_code
    seen["primary_status"] = (
        Certification.objects.using(DEFAULT_DB_ALIAS).get(pk=certification.pk).status
    )
    with transaction.atomic(using=REPLICA), replica.cursor() as cursor:
        cursor.execute(
            "SELECT status FROM certification_certification WHERE id = %s", [certification.pk]
        )
        seen["replica_status_while_paused"] = cursor.fetchone()[0]
    # The person who suspended: their own change, at once, on every read-only page.
    mine = get(api, roster, **admin_api)
    seen["own_api_roster_while_paused"] = {
        **mine,
        "status_of": roster_status(mine, number),
        "body": "",
    }
    own_page = get(staff, f"/county/{county.code}/roster/")
    seen["own_workspace_roster_while_paused"] = {
        **own_page,
        "shows_suspended": "Suspended" in own_page["body"],
        "body": "",
    }
    # Someone else reads from the replica, which is behind.
    other = get(api, roster, **state_api)
    seen["other_api_roster_while_paused"] = {
        **other,
        "status_of": roster_status(other, number),
        "body": "",
    }

    # 4. Replay resumed: once the replica has the change, the person reads from it again.
    standby_admin.execute("SELECT pg_wal_replay_resume()")
    wait_replayed(primary_lsn())
    again = get(api, roster, **admin_api)
    seen["own_api_roster_after_resume"] = {
        **again,
        "status_of": roster_status(again, number),
        "body": "",
    }
    other = get(api, roster, **state_api)
    seen["other_api_roster_after_resume"] = {
        **other,
        "status_of": roster_status(other, number),
        "body": "",
    }
    _out(json.dumps(seen, default=str))


if __name__ == "__main__":
    main()
