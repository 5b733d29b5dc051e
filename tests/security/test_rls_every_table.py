"""The row-level security wall has no gaps (SECURITY.md, "Every table").

Every table and view of the schema is one of: walled (row-level security on, a policy for
every command the application role may run), closed (the application role holds no
privilege on it), or on the reasoned allow-list of `tests/security/rls_tables.py`. The
application role deletes only where the product deletes. And with no context at all (what an
injected statement gets after resetting the settings), the application role reads none of
the private rows and changes nothing: the attacks of issue 18 item 3, one by one.
"""

import datetime
import os
from dataclasses import dataclass

import pytest
from django.db import ProgrammingError, connection
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.services import api_token_create
from ce_audits.models import CeAudit
from certification.models import Certification, Renewal
from counties.models import CountyMembership, StaffInvitation
from notifications.models import EmailLog
from tests.factories import (
    CertificationFactory,
    EthicsVersionFactory,
    MembershipFactory,
)
from tests.security.rls_tables import ALLOW_LIST, DELETES
from tests.security.test_rls import APP_ROLE, acting, acting_as

pytestmark = pytest.mark.django_db

HOW_TO_FIX = (
    "Every table needs row-level security policies for each command the application role "
    "may run (write a `row_level_security` migration with core.rls_sql.Policies, as "
    "certification/migrations/0018_row_level_security_every_table.py does, and add the "
    "table's selector to the permission matrices in tests/security), or must be closed to "
    "the application role (privileges_sql(table, [])), or, only if its rows are neither "
    "county- nor person-private and grant no power, be added to ALLOW_LIST in "
    "tests/security/rls_tables.py with the reason (SECURITY.md, 'Every table')."
)
DELETE_HOW_TO_FIX = (
    "The product never deletes these rows, so the application role must not hold DELETE: "
    "give the table Policies without `delete` (core.rls_sql.policies_sql revokes it), or, "
    "if the product does delete there, a DELETE policy and an entry in DELETES in "
    "tests/security/rls_tables.py saying why."
)


@dataclass
class Relation:
    name: str
    kind: str  # r table, p partitioned, v view, m materialized view, f foreign table
    row_security: bool
    security_invoker: bool
    privileges: set[str]
    policies: set[str]  # commands with a policy: r select, a insert, w update, d delete, * all


POLICY_COMMAND = {"SELECT": "r", "INSERT": "a", "UPDATE": "w", "DELETE": "d"}


def relations() -> dict[str, Relation]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relkind, c.relrowsecurity,
                   coalesce('security_invoker=true' = ANY (c.reloptions), false),
                   array_remove(ARRAY[
                       CASE WHEN has_table_privilege(%(role)s, c.oid, 'SELECT') THEN 'SELECT' END,
                       CASE WHEN has_table_privilege(%(role)s, c.oid, 'INSERT') THEN 'INSERT' END,
                       CASE WHEN has_table_privilege(%(role)s, c.oid, 'UPDATE') THEN 'UPDATE' END,
                       CASE WHEN has_table_privilege(%(role)s, c.oid, 'DELETE') THEN 'DELETE' END,
                       CASE WHEN has_table_privilege(%(role)s, c.oid, 'TRUNCATE')
                            THEN 'TRUNCATE' END
                   ], NULL),
                   coalesce((SELECT array_agg(p.polcmd::text) FROM pg_policy p
                             WHERE p.polrelid = c.oid), '{}')
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
            """,
            {"role": APP_ROLE},
        )
        return {
            name: Relation(name, kind, rls, invoker, set(privileges), set(policies))
            for name, kind, rls, invoker, privileges, policies in cursor.fetchall()
        }


def _problem(relation: Relation) -> str | None:
    """Why `relation` is a gap in the wall, or None."""
    if not relation.privileges or relation.name in ALLOW_LIST:
        return None
    if relation.kind == "v":
        if relation.security_invoker:
            return None
        return "a view without security_invoker=true reads its tables as their owner"
    if relation.kind in ("m", "f"):
        return "a materialized view or foreign table cannot have row-level security"
    if not relation.row_security:
        return "row-level security is off"
    uncovered = [
        command
        for command, code in POLICY_COMMAND.items()
        if command in relation.privileges and not ({code, "*"} & relation.policies)
    ]
    if uncovered:
        return f"no policy for {', '.join(uncovered)}, which the application role holds"
    return None


def test_every_table_is_walled_closed_or_on_the_allow_list():
    found = relations()
    assert len(found) > 40, "the enumeration found the schema's tables"
    problems = {name: problem for name, rel in found.items() if (problem := _problem(rel))}
    assert not problems, (
        "Tables the application role can reach without a complete row-level security wall:\n"
        + "\n".join(f"  {name}: {problem}" for name, problem in sorted(problems.items()))
        + "\n"
        + HOW_TO_FIX
    )


def test_the_enumeration_catches_a_new_table_without_policies():
    """The control: a table created the way a migration creates one (the owner, default
    privileges) is reported until it is walled."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE rls_probe_newtable (id bigint PRIMARY KEY, note text)")
    assert _problem(relations()["rls_probe_newtable"]) == "row-level security is off"
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE rls_probe_newtable ENABLE ROW LEVEL SECURITY")
        cursor.execute("CREATE POLICY rls_select ON rls_probe_newtable FOR SELECT USING (true)")
    assert _problem(relations()["rls_probe_newtable"]) == (
        "no policy for INSERT, UPDATE, DELETE, which the application role holds"
    )
    with connection.cursor() as cursor:
        cursor.execute("CREATE VIEW rls_probe_view AS SELECT * FROM certification_application")
    assert _problem(relations()["rls_probe_view"]) == (
        "a view without security_invoker=true reads its tables as their owner"
    )


def test_the_application_role_deletes_only_where_the_product_deletes():
    found = relations()
    deletable = {name for name, rel in found.items() if "DELETE" in rel.privileges}
    assert deletable - set(DELETES) == set(), (
        f"The application role may DELETE from {sorted(deletable - set(DELETES))}. "
        + DELETE_HOW_TO_FIX
    )
    assert set(DELETES) - deletable == set(), "stale entries in DELETES"
    for name in DELETES:
        assert {"d", "*"} & found[name].policies, f"{name}: DELETE without a DELETE policy"
    assert not any("TRUNCATE" in rel.privileges for rel in found.values())


def test_a_new_table_holding_delete_is_reported_until_listed():
    """The control: a table created the way a migration creates one gets DELETE by default
    privilege, and the check above names it."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE rls_probe_default (id bigint PRIMARY KEY)")
    found = relations()
    assert "DELETE" in found["rls_probe_default"].privileges
    assert "rls_probe_default" not in DELETES


def test_the_allow_list_and_the_closed_tables():
    found = relations()
    assert set(ALLOW_LIST) <= set(found), "stale entries in ALLOW_LIST"
    assert found["django_migrations"].privileges == {"SELECT"}
    # The key the context is signed with: no privilege at all, and RLS without policy.
    key = found["app_context_key"]
    assert (key.privileges, key.row_security, key.policies) == (set(), True, set())


@dataclass
class PrivateRows:
    certification: Certification
    membership: CountyMembership
    invitation: StaffInvitation
    token: ApiToken
    renewal: Renewal
    audit: CeAudit
    email: EmailLog
    session_key: str


@pytest.fixture
def private_rows(cast, client) -> PrivateRows:
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    renewal = Renewal.objects.create(
        certification=certification,
        cycle_start=certification.issued_on,
        cycle_end=certification.expires_on,
        ce_total_hours=20,
        ce_law_and_ethics_hours=6,
        ethics_version=EthicsVersionFactory(),
        ethics_affirmed_at=timezone.now(),
        previous_expires_on=certification.expires_on,
        new_expires_on=certification.expires_on + datetime.timedelta(days=730),
    )
    audit = CeAudit.objects.create(
        county=cast.county,
        certification=certification,
        cycle_start=certification.issued_on,
        cycle_end=certification.expires_on,
    )
    token, _key = api_token_create(user=cast.state, days=30, name="roster")
    invitation = StaffInvitation.objects.create(
        county=cast.county,
        email="new.reviewer@example.org",
        role="reviewer",
        token_hash="0" * 64,
        invited_by=cast.admin,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    email = EmailLog.objects.create(
        idempotency_key="rls-test",
        user=cast.applicant,
        to=cast.applicant.email,
        kind="x",
        status="sent",
    )
    client.force_login(cast.admin)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mfa_authenticator (user_id, type, data, created_at) "
            "VALUES (%s, 'totp', '{\"secret\": \"JBSWY3DPEHPK3PXP\"}', now())",
            [cast.admin.pk],
        )
    return PrivateRows(
        certification=certification,
        membership=CountyMembership.objects.get(user=cast.admin, county=cast.county),
        invitation=invitation,
        token=token,
        renewal=renewal,
        audit=audit,
        email=email,
        session_key=client.session.session_key,
    )


CLOSED_WITHOUT_CONTEXT = [
    "counties_countymembership",
    "jobs_emaillog",
    "django_session",
    "accounts_apitoken",
    "mfa_authenticator",
    "certification_ceaudit",
    "certification_renewal",
    "counties_staffinvitation",
    "certification_renewalreminder",
    "certification_certificatefile",
    "jobs_outboxmessage",
    "jobs_failedjob",
    "django_admin_log",
    "cases_case",
    "cases_caseevent",
    "cases_casedecision",
    "cases_appeal",
    "cases_appealdocument",
    "cases_casedeadlinenotice",
]


def _count(cursor, table: str) -> int:
    cursor.execute(f"SELECT count(*) FROM {table}")
    return cursor.fetchone()[0]


def test_without_context_the_private_tables_read_nothing(private_rows):
    with connection.cursor() as cursor:
        as_owner = {table: _count(cursor, table) for table in CLOSED_WITHOUT_CONTEXT[:8]}
    assert all(as_owner.values()), as_owner
    with acting() as cursor:
        assert {table: _count(cursor, table) for table in CLOSED_WITHOUT_CONTEXT} == dict.fromkeys(
            CLOSED_WITHOUT_CONTEXT, 0
        )


def test_without_context_a_certifications_status_cannot_be_changed(private_rows):
    certification = private_rows.certification
    with acting() as cursor:
        cursor.execute(
            "UPDATE certification_certification SET status = 'revoked' WHERE id = %s",
            [certification.pk],
        )
        assert cursor.rowcount == 0
    assert Certification.objects.get(pk=certification.pk).status == "active"


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        ("expired", "active", True),  # a late renewal or a reinstatement by the holder
        ("active", "active", True),  # a renewal (the expiry date moves)
        ("active", "revoked", False),
        ("active", "suspended", False),
        ("suspended", "active", False),
        ("vacated", "active", False),
        ("expired", "vacated", False),
    ],
)
def test_the_holder_changes_the_status_only_from_expired_to_active(
    cast, private_rows, before, after, changed
):
    certification = private_rows.certification
    suspended_on = certification.issued_on if before == "suspended" else None
    Certification.objects.filter(pk=certification.pk).update(
        status=before, suspended_on=suspended_on
    )
    update = (
        "UPDATE certification_certification SET status = %s, expires_on = expires_on + 1 "
        "WHERE id = %s"
    )
    with acting(user_id=cast.applicant.pk) as cursor:
        if changed:
            cursor.execute(update, [after, certification.pk])
            assert cursor.rowcount == 1
        else:
            with pytest.raises(ProgrammingError, match="row-level security"):
                cursor.execute(update, [after, certification.pk])
    # `acting` rolls its savepoint back: nothing is kept either way.
    assert Certification.objects.get(pk=certification.pk).status == before


@pytest.mark.parametrize("system", [False, True])
def test_no_one_deletes_a_certification(private_rows, system):
    with acting(system=system) as cursor, pytest.raises(ProgrammingError, match="denied"):
        cursor.execute("DELETE FROM certification_certification")
    assert Certification.objects.filter(pk=private_rows.certification.pk).exists()


def test_without_context_no_one_makes_themself_an_administrator(cast, private_rows):
    before = set(CountyMembership.objects.values_list("pk", "user_id", "county_id", "role"))
    with acting() as cursor, pytest.raises(ProgrammingError, match="row-level security"):
        cursor.execute(
            "INSERT INTO counties_countymembership (user_id, county_id, role, created_at) "
            "VALUES (%s, %s, 'admin', now())",
            [cast.applicant.pk, cast.other_county.pk],
        )
    with acting() as cursor:
        cursor.execute("UPDATE counties_countymembership SET role = 'admin'")
        assert cursor.rowcount == 0
    with acting() as cursor, pytest.raises(ProgrammingError, match="row-level security"):
        cursor.execute("UPDATE accounts_user SET is_superuser = true, is_state_staff = true")
    assert set(CountyMembership.objects.values_list("pk", "user_id", "county_id", "role")) == before
    assert not User.objects.filter(is_superuser=True).exists()


def test_a_person_cannot_raise_their_own_powers(cast):
    with acting_as(cast.applicant) as cursor:
        cursor.execute(
            "UPDATE accounts_user SET first_name = 'Ana' WHERE id = %s", [cast.applicant.pk]
        )
        assert cursor.rowcount == 1
    for flags in ("is_staff = true", "is_superuser = true", "is_state_staff = true"):
        with (
            acting_as(cast.applicant) as cursor,
            pytest.raises(ProgrammingError, match="row-level"),
        ):
            cursor.execute(f"UPDATE accounts_user SET {flags} WHERE id = %s", [cast.applicant.pk])
    with (
        acting_as(cast.applicant) as cursor,
        pytest.raises(ProgrammingError, match="row-level"),
    ):
        cursor.execute("UPDATE accounts_user SET first_name = 'X' WHERE id = %s", [cast.admin.pk])
    assert User.objects.get(pk=cast.admin.pk).first_name != "X"
    applicant = User.objects.get(pk=cast.applicant.pk)
    assert (applicant.is_staff, applicant.is_superuser, applicant.is_state_staff) == (
        False,
        False,
        False,
    )


def test_a_county_administrator_changes_only_their_countys_staff(cast, private_rows):
    fresno_reviewer = MembershipFactory(county=cast.other_county, role="reviewer")
    with acting_as(cast.admin) as cursor:
        cursor.execute(
            "UPDATE counties_countymembership SET role = 'admin' WHERE id = %s",
            [fresno_reviewer.pk],
        )
        assert cursor.rowcount == 0
        cursor.execute(
            "UPDATE counties_countymembership SET role = 'admin' WHERE user_id = %s",
            [cast.reviewer.pk],
        )
        assert cursor.rowcount == 1
    with acting_as(cast.reviewer) as cursor:
        cursor.execute(
            "UPDATE counties_countymembership SET role = 'admin' WHERE user_id = %s",
            [cast.reviewer.pk],
        )
        assert cursor.rowcount == 0, "a reviewer cannot promote themself"
    assert CountyMembership.objects.get(pk=fresno_reviewer.pk).role == "reviewer"


def test_capabilities_open_exactly_the_row_they_name(cast, private_rows):
    with acting(capability=private_rows.session_key) as cursor:
        cursor.execute("SELECT session_key FROM django_session")
        assert cursor.fetchall() == [(private_rows.session_key,)]
        assert _count(cursor, "accounts_apitoken") == 0
    with acting(capability=private_rows.token.key_hash) as cursor:
        cursor.execute("SELECT id FROM accounts_apitoken")
        assert cursor.fetchall() == [(private_rows.token.pk,)]
        assert _count(cursor, "django_session") == 0
    with acting(capability=private_rows.invitation.token_hash) as cursor:
        cursor.execute("SELECT id FROM counties_staffinvitation")
        assert cursor.fetchall() == [(private_rows.invitation.pk,)]


def test_the_second_factor_opens_to_the_half_signed_in_person_only(cast, private_rows):
    with acting(pending=cast.admin.pk) as cursor:
        assert _count(cursor, "mfa_authenticator") == 1
    with acting(pending=cast.reviewer.pk) as cursor:
        assert _count(cursor, "mfa_authenticator") == 0
    with acting_as(cast.other_admin) as cursor:
        assert _count(cursor, "mfa_authenticator") == 0


def test_private_rows_open_to_who_the_access_layer_shows_them(cast, private_rows):
    expected = {
        "anonymous": {},
        "applicant": {"certification_renewal", "certification_ceaudit", "jobs_emaillog"},
        "reviewer": {"certification_renewal", "certification_ceaudit"},
        "admin": {"certification_renewal", "certification_ceaudit", "counties_staffinvitation"},
        "other_admin": set(),
        "state": {"certification_renewal", "certification_ceaudit", "counties_staffinvitation"},
    }
    tables = [
        "certification_renewal",
        "certification_ceaudit",
        "counties_staffinvitation",
        "jobs_emaillog",
    ]
    for who, readable in expected.items():
        with acting_as(cast.everyone[who]) as cursor:
            seen = {table for table in tables if _count(cursor, table)}
        assert seen == set(readable), who


def test_rls_app_role_derives_exactly_the_privileges_the_migrations_gave():
    """`manage.py rls_app_role` (docker-compose runs it after migrate) grants each table the
    commands its policies cover: on a migrated database it changes nothing, and it restores
    the privileges of a role that lost them (a database older than the role)."""
    from django.core.management import call_command

    before = {name: rel.privileges for name, rel in relations().items()}
    with connection.cursor() as cursor:
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {APP_ROLE}")
    assert not any(rel.privileges for rel in relations().values())

    call_command("rls_app_role", stdout=open(os.devnull, "w"))  # noqa: SIM115

    assert {name: rel.privileges for name, rel in relations().items()} == before
