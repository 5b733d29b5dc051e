"""Row-level security, the second wall (core/rls.py, migration
certification.0010_row_level_security): the database itself answers only what the access
layer would, for raw SQL and for views written without the access layer.

Raw SQL tests switch to the application role and set the context by hand (not through
core/rls.py), so they test the policies themselves; the request tests go through the
middleware as every view does.
"""

import datetime
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import ProgrammingError, connection, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models import Q, QuerySet
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.selectors import can_read
from accounts.services import api_token_create
from audit.models import AuditEvent
from audit.selectors import audit_events_for
from certification.models import ApplicantProfile, Application
from certification.selectors import (
    applications_for,
    documents_for,
    person_records_visible,
    training_records_for,
)
from config.celery import app as celery_app
from continuing_ed.models import CeCredit
from continuing_ed.selectors import ce_credits_for
from core import rls
from documents.models import Document, DocumentView
from exams.models import ExamAttempt
from exams.selectors import exam_attempts_for
from fees.models import FeeDue
from fees.selectors import fees_due_for
from tests.factories import (
    ApplicationFactory,
    CeCreditFactory,
    CertificationFactory,
    DocumentFactory,
    ExamAttemptFactory,
    ProfileFactory,
    TrainingRecordFactory,
    UserFactory,
    county,
)
from tests.jobs.worker import wait_for
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db

APP_ROLE = settings.DATABASE_APP_ROLE or "peercert_app"
TABLES = {
    "profiles": ApplicantProfile,
    "applications": Application,
    "documents": Document,
    "training_records": TrainingRecord,
    "exam_attempts": ExamAttempt,
    "ce_credits": CeCredit,
    "audit_events": AuditEvent,
    "fees_due": FeeDue,
}
CAST = ["anonymous", "applicant", "other_applicant", "reviewer", "admin", "other_admin", "state"]


def _visible_audit_events(user) -> QuerySet[AuditEvent]:
    """The audit events the wall lets `user` read: `audit_events_for`, plus a person's own:
    the events about them (`certification.selectors.application_timeline` shows those
    on their applications) and the events they wrote."""
    if not can_read(user):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        Q(pk__in=audit_events_for(user).values("pk")) | Q(actor=user) | Q(subject=user)
    )


def _visible_profiles(user) -> QuerySet[ApplicantProfile]:
    if not can_read(user):
        return ApplicantProfile.objects.none()
    return ApplicantProfile.objects.filter(person_records_visible(user, "user"))


# The specification: what the access layer shows each user, table by table.
SPECIFICATION = {
    "profiles": _visible_profiles,
    "applications": applications_for,
    "documents": lambda user: documents_for(user, include_removed=True),
    "training_records": training_records_for,
    "exam_attempts": exam_attempts_for,
    "ce_credits": ce_credits_for,
    "audit_events": _visible_audit_events,
    "fees_due": fees_due_for,
}


def specified_ids(user) -> dict[str, set[int]]:
    return {
        name: set(spec(user).values_list("pk", flat=True)) for name, spec in SPECIFICATION.items()
    }


@dataclass
class World:
    """Rows in Alameda (the cast's county) and Fresno, with a draft-only person in each."""

    alameda: dict[str, set[int]]
    fresno: dict[str, set[int]]
    drafts: dict[str, set[int]]
    applicant_rows: dict[str, set[int]]


def _approved(**fields) -> Application:
    approved_on = datetime.date.today() - datetime.timedelta(days=30)
    fields.setdefault("status", "approved")
    return ApplicationFactory(
        approved_on=approved_on,
        window_ends_on=approved_on + datetime.timedelta(days=300),
        **fields,
    )


def _ids(*objects) -> set[int]:
    return {obj.pk for obj in objects}


def _event(actor, county, subject, obj, verb="test_event") -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        county=county,
        subject=subject,
    )


def _fee(application: Application) -> FeeDue:
    return FeeDue.objects.create(
        county=application.county,
        person=application.applicant,
        kind="application",
        amount_cents=10000,
        application=application,
    )


def _person_with_rows(person: User, application: Application | None) -> dict:
    profile = ProfileFactory(user=person) if not hasattr(person, "applicant_profile") else None
    document = DocumentFactory(owner=person, application=application)
    loose_document = DocumentFactory(owner=person, kind="training_certificate")
    record = TrainingRecordFactory(person=person, certificate=loose_document)
    return {
        "profile": profile or person.applicant_profile,
        "documents": [document, loose_document],
        "record": record,
    }


@pytest.fixture
def world(cast) -> World:
    alameda, fresno = cast.county, cast.other_county
    # The applicant: certified through Alameda (with an exam attempt), now a draft in Fresno
    # (one open application at a time).
    submitted = _approved(applicant=cast.applicant, county=alameda, status="certified")
    fresno_draft = ApplicationFactory(applicant=cast.applicant, county=fresno, status="draft")
    applicant = _person_with_rows(cast.applicant, submitted)
    draft_document = DocumentFactory(owner=cast.applicant, application=fresno_draft)
    attempt = ExamAttemptFactory(application=submitted)
    # The other applicant: in review in Fresno, certified there earlier, with CE credits.
    other = ApplicationFactory(applicant=cast.other_applicant, county=fresno, status="in_review")
    other_rows = _person_with_rows(cast.other_applicant, other)
    other_attempt = ExamAttemptFactory(
        application=ApplicationFactory(
            applicant=cast.other_applicant, county=fresno, status="certified"
        )
    )
    fresno_certification = CertificationFactory(holder=cast.other_applicant, issuing_county=fresno)
    fresno_credit = CeCreditFactory(certification=fresno_certification)
    # A peer certified by Alameda (no application on file), with a CE credit.
    peer = UserFactory(email="peer@security.test")
    peer_rows = _person_with_rows(peer, None)
    alameda_credit = CeCreditFactory(
        certification=CertificationFactory(holder=peer, issuing_county=alameda)
    )
    # Exam sittings toward the reinstatement of a certification (no application): the peer's
    # in Alameda, the other applicant's in Fresno.
    alameda_reinstatement = ExamAttemptFactory(
        application=None, certification=alameda_credit.certification
    )
    fresno_reinstatement = ExamAttemptFactory(application=None, certification=fresno_certification)
    # Two people with only a draft, one in each county: nobody but them sees anything of theirs.
    drafter = UserFactory(email="drafter@security.test")
    draft_a = ApplicationFactory(applicant=drafter, county=alameda, status="draft")
    draft_f = ApplicationFactory(
        applicant=UserFactory(email="drafter.fresno@security.test"), county=fresno, status="draft"
    )
    drafter_rows = _person_with_rows(drafter, draft_a)
    draft_attempt = ExamAttemptFactory(application=draft_f)
    # Fees due: the applicant's in Alameda, the other applicant's in Fresno.
    alameda_fee, fresno_fee = _fee(submitted), _fee(other)
    # Audit events: a reviewer's action, a Fresno admin's, the system's, the applicant's own.
    events = {
        "alameda": _event(cast.reviewer, alameda, cast.applicant, submitted),
        "alameda_system": _event(None, alameda, peer, alameda_credit.certification),
        "fresno": _event(cast.other_admin, fresno, cast.other_applicant, other),
        "fresno_attempt": _event(cast.other_admin, fresno, cast.other_applicant, other_attempt),
        "applicant_draft": _event(cast.applicant, fresno, cast.applicant, fresno_draft),
        "applicant_document": _event(
            cast.applicant, None, cast.applicant, applicant["documents"][1]
        ),
        "drafter": _event(drafter, alameda, drafter, draft_a),
    }
    return World(
        alameda={
            "profiles": _ids(applicant["profile"], peer_rows["profile"]),
            "applications": _ids(submitted),
            # A person's documents go with the person: the applicant's draft's too.
            "documents": _ids(*applicant["documents"], draft_document, *peer_rows["documents"]),
            "training_records": _ids(applicant["record"], peer_rows["record"]),
            "exam_attempts": _ids(attempt, alameda_reinstatement),
            "ce_credits": _ids(alameda_credit),
            # The county's audit trail covers its drafts' events too (`audit_events_for`).
            "audit_events": _ids(events["alameda"], events["alameda_system"], events["drafter"]),
            "fees_due": _ids(alameda_fee),
        },
        fresno={
            "profiles": _ids(other_rows["profile"]),
            "applications": _ids(other, other_attempt.application),
            "documents": _ids(*other_rows["documents"]),
            "training_records": _ids(other_rows["record"]),
            "exam_attempts": _ids(other_attempt, fresno_reinstatement),
            "ce_credits": _ids(fresno_credit),
            "audit_events": _ids(events["fresno"], events["fresno_attempt"]),
            "fees_due": _ids(fresno_fee),
        },
        drafts={
            "profiles": _ids(drafter_rows["profile"]),
            "applications": _ids(fresno_draft, draft_a, draft_f),
            "documents": _ids(*drafter_rows["documents"]),
            "training_records": _ids(drafter_rows["record"]),
            "exam_attempts": _ids(draft_attempt),
            "ce_credits": set(),
            "audit_events": set(),
            "fees_due": set(),
        },
        applicant_rows={
            "profiles": _ids(applicant["profile"]),
            "applications": _ids(submitted, fresno_draft),
            "documents": _ids(*applicant["documents"], draft_document),
            "training_records": _ids(applicant["record"]),
            "exam_attempts": _ids(attempt),
            "ce_credits": set(),
            "audit_events": _ids(
                events["alameda"], events["applicant_draft"], events["applicant_document"]
            ),
            "fees_due": _ids(alameda_fee),
        },
    )


@pytest.fixture(scope="session")
def live_server_media_url() -> Iterator[None]:
    """As in tests/browser/conftest.py: the live server's media handler cannot parse the unset
    MEDIA_URL; give it a prefix no page links to, for the whole session."""
    with override_settings(MEDIA_URL="/uploads-are-not-served-here/"):
        yield


@pytest.fixture(scope="session")
def live_server(live_server_media_url, live_server):
    """pytest-django's live server, started after `live_server_media_url`."""
    return live_server


def every_id() -> dict[str, set[int]]:
    return {name: set(model.objects.values_list("pk", flat=True)) for name, model in TABLES.items()}


def set_context(cursor, context: rls.Context, *, local: bool = True) -> str:
    """Hand `context`, signed with the application's key, to `app_context_set` (as the
    application does): returns the verified context the database derived."""
    claims = context.claims(connection.connection.info.backend_pid)
    cursor.execute(
        "SELECT app_context_set(%s, %s, %s)", [claims, rls.claims_signature(claims), local]
    )
    return cursor.fetchone()[0]


@contextmanager
def acting(
    *,
    user_id: int | None = None,
    system: bool = False,
    operator: bool = False,
    pending: int | None = None,
    capability: str = "",
) -> Iterator:
    """A cursor running as the application role with this context (the database derives the
    user's counties and state-staff flag), in a savepoint that is rolled back afterwards
    (with anything written)."""
    savepoint = transaction.savepoint()
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
            set_context(
                cursor,
                rls.Context(
                    user_id=user_id,
                    is_system=system,
                    is_operator=operator,
                    pending_user_id=pending,
                    capability=capability,
                ),
            )
            yield cursor
    finally:
        transaction.savepoint_rollback(savepoint)


@contextmanager
def acting_as(user) -> Iterator:
    """`acting` with the context of `user` (nobody unless signed in and active)."""
    with acting(user_id=user.pk if can_read(user) else None) as cursor:
        yield cursor


def selected_ids(cursor) -> dict[str, set[int]]:
    found = {}
    for name, model in TABLES.items():
        cursor.execute(f"SELECT id FROM {model._meta.db_table}")
        found[name] = {row[0] for row in cursor.fetchall()}
    return found


def test_the_application_role_owns_nothing_and_bypasses_nothing():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, rolbypassrls, rolcreatedb, rolcanlogin, "
            "pg_has_role(session_user, oid, 'MEMBER') FROM pg_roles WHERE rolname = %s",
            [APP_ROLE],
        )
        assert cursor.fetchall() == [(False, False, False, True, True)]
        cursor.execute("SELECT count(*) FROM pg_class WHERE relowner = %s::regrole", [APP_ROLE])
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class "
            "WHERE relname = ANY(%s) ORDER BY relname",
            [[model._meta.db_table for model in TABLES.values()]],
        )
        assert cursor.fetchall() == sorted(
            (model._meta.db_table, True, False) for model in TABLES.values()
        )


@pytest.mark.parametrize("who", CAST)
def test_raw_sql_answers_exactly_what_the_access_layer_shows(cast, world, who):
    user = cast.everyone[who]
    expected = specified_ids(user)
    with acting_as(user) as cursor:
        assert selected_ids(cursor) == expected


def test_staff_read_the_earlier_applications_of_a_person_who_applied_to_them(cast):
    """The applications policy answers the person's history like `applications_for`: an
    application in another county, of someone who applied here (not a draft) or was certified
    here; never that of someone who only drafted here (migration certification.0014, through
    the SECURITY DEFINER function that breaks the policy's recursion)."""
    applied = UserFactory(email="applied@security.test")
    drafted = UserFactory(email="drafted@security.test")
    certified = UserFactory(email="certified@security.test")
    ApplicationFactory(applicant=applied, county=cast.county, status="submitted")
    applied_elsewhere = ApplicationFactory(
        applicant=applied, county=county("los-angeles"), status="denied"
    )
    ApplicationFactory(applicant=drafted, county=cast.county, status="draft")
    drafted_elsewhere = ApplicationFactory(
        applicant=drafted, county=county("los-angeles"), status="denied"
    )
    CertificationFactory(holder=certified, issuing_county=cast.county, status="revoked")
    certified_elsewhere = ApplicationFactory(
        applicant=certified, county=county("los-angeles"), status="expired"
    )
    for who in ("reviewer", "other_admin"):
        user = cast.everyone[who]
        with acting_as(user) as cursor:
            seen = selected_ids(cursor)["applications"]
        assert seen == specified_ids(user)["applications"], who
    assert {applied_elsewhere.pk, certified_elsewhere.pk} <= seen_by(cast.reviewer)
    assert drafted_elsewhere.pk not in seen_by(cast.reviewer)
    assert not {applied_elsewhere.pk, certified_elsewhere.pk} & seen_by(cast.other_admin)


def seen_by(user) -> set[int]:
    with acting_as(user) as cursor:
        return selected_ids(cursor)["applications"]


def test_a_county_context_sees_no_row_of_another_county(cast, world):
    with acting_as(cast.admin) as cursor:
        seen = selected_ids(cursor)
    assert seen == {name: world.alameda[name] for name in TABLES}, (
        "an Alameda admin sees Alameda's rows, and no Fresno or draft row"
    )


def test_an_applicant_context_sees_only_their_own_rows(cast, world):
    with acting_as(cast.applicant) as cursor:
        assert selected_ids(cursor) == world.applicant_rows


def test_a_state_context_sees_everything_but_drafts(cast, world):
    everything = every_id()
    with acting_as(cast.state) as cursor:
        seen = selected_ids(cursor)
    for name in ("applications", "documents", "training_records", "exam_attempts", "profiles"):
        assert seen[name] == everything[name] - world.drafts[name], name
    assert seen["ce_credits"] == everything["ce_credits"]
    assert seen["audit_events"] == everything["audit_events"]
    assert seen["fees_due"] == everything["fees_due"]


def test_no_context_sees_nothing(world):
    everything = every_id()
    assert all(everything.values())
    with acting() as cursor:
        assert selected_ids(cursor) == {name: set() for name in TABLES}


def test_the_system_context_sees_everything(world):
    everything = every_id()
    with acting(system=True) as cursor:
        assert selected_ids(cursor) == everything


def test_updating_another_countys_rows_changes_nothing(cast, world):
    fresno_application = min(world.fresno["applications"])
    fresno_document = min(world.fresno["documents"])
    fresno_record = min(world.fresno["training_records"])
    fresno_credit = min(world.fresno["ce_credits"])
    alameda_application = min(world.alameda["applications"])
    with acting_as(cast.admin) as cursor:
        for table, pk in (
            ("certification_application", fresno_application),
            ("certification_document", fresno_document),
            ("training_trainingrecord", fresno_record),
            ("continuing_ed_cecredit", fresno_credit),
        ):
            column = (
                "review_reason"
                if table == "certification_document"
                else ("decision_reason" if table == "certification_application" else "reason")
            )
            cursor.execute(f"UPDATE {table} SET {column} = 'tampered' WHERE id = %s", [pk])
            assert cursor.rowcount == 0, table
        # The same statement on the admin's own county's row does change it.
        cursor.execute(
            "UPDATE certification_application SET decision_reason = 'noted' WHERE id = %s",
            [alameda_application],
        )
        assert cursor.rowcount == 1
    assert Application.objects.get(pk=fresno_application).decision_reason == ""
    assert Document.objects.get(pk=fresno_document).review_reason == ""
    assert TrainingRecord.objects.get(pk=fresno_record).reason == ""
    assert CeCredit.objects.get(pk=fresno_credit).reason == ""


def test_moving_a_row_into_another_county_is_refused(cast, world):
    alameda_application = min(world.alameda["applications"])
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            "UPDATE certification_application SET county_id = %s WHERE id = %s",
            [cast.other_county.pk, alameda_application],
        )
    assert Application.objects.get(pk=alameda_application).county_id == cast.county.pk


INSERT_REINSTATEMENT_EXAM = """
INSERT INTO exams_examattempt (certification_id, taken_on, result, source, vendor_reference,
    created_at)
VALUES (%s, current_date, 'passed', 'manual', '', now())
RETURNING id
"""


def test_only_an_admin_of_the_issuing_county_inserts_a_reinstatement_exam(cast, world):
    """Mirrors `exams.services.exam_attempt_record_reinstatement`: the issuing county's
    administrators record a reinstatement sitting; its reviewers, another county's staff,
    state staff and the holder cannot (migration exams.0006)."""
    before = every_id()["exam_attempts"]
    alameda = CertificationFactory(issuing_county=cast.county, status="expired")
    for who in ("reviewer", "other_admin", "state", "applicant"):
        with (
            acting_as(cast.everyone[who]) as cursor,
            pytest.raises(ProgrammingError, match="row-level security"),
        ):
            cursor.execute(INSERT_REINSTATEMENT_EXAM, [alameda.pk])
    with acting_as(cast.admin) as cursor:
        cursor.execute(INSERT_REINSTATEMENT_EXAM, [alameda.pk])
        assert cursor.fetchone()[0] > 0
    assert every_id()["exam_attempts"] == before


INSERT_DOCUMENT = """
INSERT INTO certification_document (owner_id, application_id, kind, file, original_name,
    content_type, size, sha256, review_status, review_reason, created_at)
VALUES (%s, %s, 'photo_id', 'documents/x', 'x.pdf', 'application/pdf', 10, '', 'pending', '',
    now())
RETURNING id
"""


def test_inserting_a_document_for_another_person_is_refused(cast, world):
    before = every_id()["documents"]
    fresno_application = Application.objects.get(applicant=cast.other_applicant, status="in_review")
    own_draft = Application.objects.get(applicant=cast.applicant, status="draft")
    with acting_as(cast.applicant) as cursor:
        cursor.execute(INSERT_DOCUMENT, [cast.applicant.pk, own_draft.pk])  # their own: fine
        assert cursor.fetchone()[0] > 0
        for owner, application in (
            (cast.other_applicant.pk, None),
            (cast.other_applicant.pk, fresno_application.pk),
            (cast.applicant.pk, fresno_application.pk),  # own file into someone's application
        ):
            savepoint = transaction.savepoint()
            with pytest.raises(ProgrammingError, match="row-level security"):
                cursor.execute(INSERT_DOCUMENT, [owner, application])
            transaction.savepoint_rollback(savepoint)
    assert every_id()["documents"] == before


def test_county_staff_cannot_write_audit_events_in_someone_elses_name(cast, world):
    before = every_id()["audit_events"]
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            "INSERT INTO counties_auditevent (actor_id, verb, object_type, object_id, "
            "county_id, from_state, to_state, reason, data, created_at) "
            "VALUES (%s, 'forged', 'x', 1, %s, '', '', '', '{}', now())",
            [cast.other_admin.pk, cast.other_county.pk],
        )
    assert every_id()["audit_events"] == before


@pytest.mark.parametrize("name", list(TABLES))
def test_deleting_is_refused(cast, world, name):
    table = TABLES[name]._meta.db_table
    before = every_id()[name]
    with acting(system=True) as cursor, pytest.raises(ProgrammingError, match="denied"):
        cursor.execute(f"DELETE FROM {table}")
    assert every_id()[name] == before


def test_fees_due_cannot_be_changed(world):
    with acting(system=True) as cursor, pytest.raises(ProgrammingError, match="denied"):
        cursor.execute("UPDATE fees_feedue SET amount_cents = 0")
    assert not FeeDue.objects.filter(amount_cents=0).exists()


def test_county_staff_cannot_put_a_fee_on_another_countys_applicant(cast, world):
    fresno_application = Application.objects.get(pk=min(world.fresno["applications"]))
    before = every_id()["fees_due"]
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            "INSERT INTO fees_feedue (county_id, person_id, kind, amount_cents, application_id, "
            "created_at) VALUES (%s, %s, 'application', 1, %s, now())",
            [cast.other_county.pk, fresno_application.applicant_id, fresno_application.pk],
        )
    assert every_id()["fees_due"] == before


def test_the_audit_trail_cannot_be_updated(world):
    with acting(system=True) as cursor, pytest.raises(ProgrammingError, match="denied"):
        cursor.execute("UPDATE counties_auditevent SET reason = 'rewritten'")
    assert not AuditEvent.objects.filter(reason="rewritten").exists()


@pytest.mark.urls("tests.security.urls")
@pytest.mark.parametrize("who", CAST)
def test_a_view_without_the_access_layer_leaks_nothing(client, cast, world, who):
    user = cast.everyone[who]
    if not isinstance(user, AnonymousUser):
        client.force_login(user)
    response = client.get("/unsafe/everything/")
    assert response.status_code == 200
    assert {name: set(ids) for name, ids in response.json().items()} == specified_ids(user)


@pytest.mark.urls("tests.security.urls")
def test_the_wall_is_the_role_switch(client, cast, world, settings):
    """The control: with the switch off the same view shows every row (the test client logs
    in as the owner), so the test above can fail."""
    settings.DATABASE_APP_ROLE = ""
    client.force_login(cast.reviewer)
    response = client.get("/unsafe/everything/")
    assert {name: set(ids) for name, ids in response.json().items()} == every_id()


@pytest.mark.urls("tests.security.urls")
def test_an_api_view_acts_for_the_token_user(cast, world):
    _token, key = api_token_create(user=cast.reviewer, days=1, name="rls")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/unsafe/api/everything/")
    assert response.status_code == 200
    assert {name: set(ids) for name, ids in response.json().items()} == specified_ids(cast.reviewer)


def test_after_a_request_the_connection_is_the_owner_again(client, cast, world):
    everything = every_id()
    client.force_login(cast.applicant)
    assert client.get("/").status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_setting('app.context', true), app_user_id()")
        assert cursor.fetchone() == (connection.settings_dict["USER"], "", None)
    assert every_id() == everything


def test_rls_context_nests_and_puts_the_outer_context_back(cast, world):
    everything = every_id()["applications"]
    reviewers = specified_ids(cast.reviewer)["applications"]
    with rls.rls_context(cast.reviewer):
        assert set(Application.objects.values_list("pk", flat=True)) == reviewers
        with rls.rls_context(system=True):
            assert set(Application.objects.values_list("pk", flat=True)) == everything
        assert set(Application.objects.values_list("pk", flat=True)) == reviewers
    assert set(Application.objects.values_list("pk", flat=True)) == everything


def test_a_worker_connection_acts_for_the_system(world):
    """What `worker_context_install` arranges: a new connection switches to the application
    role acting for the system, for the whole session."""
    worker_connection = connections.create_connection("default")
    connection_created.connect(rls._system_session, dispatch_uid="test-worker-session")
    try:
        with worker_connection.cursor() as cursor:
            cursor.execute("SELECT current_user, app_is_system()")
            assert cursor.fetchone() == (APP_ROLE, True)
            cursor.execute("SELECT count(*) FROM certification_application")
            # A separate connection does not see the test's uncommitted rows, but may read.
            assert cursor.fetchone()[0] >= 0
    finally:
        connection_created.disconnect(dispatch_uid="test-worker-session")
        worker_connection.close()


@pytest.mark.urls("tests.security.urls")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_streamed_response_keeps_its_context_until_the_last_row(live_server, client, cast):
    own = ApplicationFactory(applicant=cast.applicant, county=cast.county, status="submitted")
    ApplicationFactory(applicant=cast.other_applicant, county=cast.other_county, status="submitted")
    client.force_login(cast.applicant)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    request = urllib.request.Request(
        f"{live_server.url}/unsafe/streamed/", headers={"Cookie": f"{cookie.key}={cookie.value}"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read().decode()
    assert body.split() == [str(own.pk)]


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_logged_in_as_the_application_role_does_the_systems_work(cast, celery_workers):
    """As in production, the worker logs in as the application role itself, which sees no
    private row without a context: the expiry scan still expires an application and audits
    it, because every task acts for the system."""
    approved_on = timezone.localdate() - datetime.timedelta(days=500)
    application = ApplicationFactory(
        applicant=cast.applicant,
        county=cast.county,
        status="approved",
        approved_on=approved_on,
        window_ends_on=approved_on + datetime.timedelta(days=364),
    )
    db = connection.settings_dict
    url = f"postgres://{APP_ROLE}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    queue = f"{celery_workers.queue}-rls"
    [worker] = celery_workers.start(1, queue=queue, DATABASE_URL=url)
    try:
        celery_app.send_task("certification.tasks.expiry_scan", queue=queue)
        wait_for(
            lambda: Application.objects.get(pk=application.pk).status == "expired",
            what="the expiry scan in the worker",
        )
    finally:
        worker.stop()
    event = AuditEvent.objects.get(verb="application_expire", object_id=application.pk)
    assert event.actor is None


# The field-history tables (django-pghistory's `*event`) and the document-view log hold the
# same private data: migration certification.0011_history_row_level_security.
HISTORY = {
    "applications": "certification_applicationevent",
    "documents": "certification_documentevent",
    "training_records": "training_trainingrecordevent",
    "exam_attempts": "exams_examattemptevent",
    "ce_credits": "continuing_ed_cecreditevent",
}
APPEND_ONLY = [*HISTORY.values(), "certification_documentview"]


def history_rows(cursor) -> dict[str, set[tuple[int, str]]]:
    """(row id, change label) of every history row the cursor may read, table by table."""
    found = {}
    for name, table in HISTORY.items():
        cursor.execute(f"SELECT pgh_obj_id, pgh_label FROM {table}")
        found[name] = set(cursor.fetchall())
    return found


def test_history_tables_are_walled_and_append_only():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, relrowsecurity FROM pg_class WHERE relname = ANY(%s) ORDER BY 1",
            [APPEND_ONLY],
        )
        assert cursor.fetchall() == sorted((table, True) for table in APPEND_ONLY)
        for table in APPEND_ONLY:
            cursor.execute(
                "SELECT has_table_privilege(%s, %s, 'SELECT'), "
                "has_table_privilege(%s, %s, 'INSERT'), "
                "has_table_privilege(%s, %s, 'UPDATE'), has_table_privilege(%s, %s, 'DELETE')",
                [APP_ROLE, table] * 4,
            )
            assert cursor.fetchone() == (True, True, False, False), table
        # The history triggers upsert their request's or task's context (user, URL).
        cursor.execute(
            "SELECT has_table_privilege(%s, 'pghistory_context', 'UPDATE'), "
            "has_table_privilege(%s, 'pghistory_context', 'DELETE')",
            [APP_ROLE, APP_ROLE],
        )
        assert cursor.fetchone() == (True, False)


@pytest.mark.parametrize("who", CAST)
def test_raw_sql_reads_the_history_of_exactly_the_rows_it_may_read(cast, world, who):
    """The world's rows were each inserted once and not changed: one history row each, with
    the row's values, so a user reads the history of exactly the rows they may read."""
    user = cast.everyone[who]
    visible = specified_ids(user)
    with connection.cursor() as cursor:
        every = history_rows(cursor)
    assert all(every.values())
    expected = {
        name: {(pk, label) for pk, label in rows if pk in visible[name]}
        for name, rows in every.items()
    }
    with acting_as(user) as cursor:
        assert history_rows(cursor) == expected


def test_a_county_context_reads_no_history_of_another_county(cast, world):
    with acting_as(cast.admin) as cursor:
        seen = history_rows(cursor)
    for name in HISTORY:
        assert {pk for pk, _label in seen[name]} == world.alameda[name], name


def test_history_written_through_a_change_follows_the_change(cast, world):
    """A county reviewer's change writes its history row in the reviewer's name (the trigger
    runs as the application role); the applicant reads it, the other county does not."""
    application = Application.objects.get(pk=min(world.alameda["applications"]))
    versions = (
        "SELECT decision_reason FROM certification_applicationevent "
        "WHERE pgh_obj_id = %s ORDER BY pgh_id"
    )
    with acting_as(cast.reviewer) as cursor:
        cursor.execute(
            "UPDATE certification_application SET decision_reason = 'noted' WHERE id = %s",
            [application.pk],
        )
        assert cursor.rowcount == 1
        cursor.execute(versions, [application.pk])
        assert [row[0] for row in cursor.fetchall()] == ["", "noted"]
        # Same transaction, other readers: the applicant, then Fresno's administrator.
        set_context(cursor, rls.Context(user_id=cast.applicant.pk))
        cursor.execute(versions, [application.pk])
        assert [row[0] for row in cursor.fetchall()] == ["", "noted"]
        set_context(cursor, rls.Context(user_id=cast.other_admin.pk))
        cursor.execute(versions, [application.pk])
        assert cursor.fetchall() == []


def test_history_cannot_be_forged_for_another_county(cast, world):
    fresno = min(world.fresno["applications"])
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM certification_application WHERE id = %s", [fresno])
        columns = [column.name for column in cursor.description]
        values = list(cursor.fetchone())
        cursor.execute("SELECT count(*) FROM certification_applicationevent")
        before = cursor.fetchone()[0]
    names = ", ".join(["pgh_created_at", "pgh_label", "pgh_obj_id", *columns])
    marks = ", ".join(["now()", "'forged'", "%s"] + ["%s"] * len(columns))
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            f"INSERT INTO certification_applicationevent ({names}) VALUES ({marks})",
            [fresno, *values],
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM certification_applicationevent")
        assert cursor.fetchone()[0] == before


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_history_and_document_views_cannot_be_changed_or_removed(cast, world, table):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        before = cursor.fetchone()[0]
    for statement in (f"DELETE FROM {table}", f"UPDATE {table} SET id = id"):
        with acting(system=True) as cursor, pytest.raises(ProgrammingError, match="denied"):
            cursor.execute(statement)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        assert cursor.fetchone()[0] == before


def test_document_views_are_read_by_the_county_the_viewer_and_the_owner(cast, world):
    alameda_document = Document.objects.filter(owner=cast.applicant).first()
    fresno_document = Document.objects.filter(owner=cast.other_applicant).first()
    views = {
        "alameda": DocumentView.objects.create(
            document=alameda_document, viewer=cast.reviewer, via="workspace", county=cast.county
        ).pk,
        "fresno": DocumentView.objects.create(
            document=fresno_document,
            viewer=cast.other_admin,
            via="workspace",
            county=cast.other_county,
        ).pk,
        "own": DocumentView.objects.create(
            document=alameda_document, viewer=cast.applicant, via="portal"
        ).pk,
    }
    expected = {
        "anonymous": set(),
        "applicant": {views["alameda"], views["own"]},
        "other_applicant": {views["fresno"]},
        "reviewer": {views["alameda"]},
        "admin": {views["alameda"]},
        "other_admin": {views["fresno"]},
        "state": set(views.values()),
    }
    for who, ids in expected.items():
        with acting_as(cast.everyone[who]) as cursor:
            cursor.execute("SELECT id FROM certification_documentview")
            assert {row[0] for row in cursor.fetchall()} == ids, who


def test_a_document_view_cannot_be_logged_in_someone_elses_name(cast, world):
    document = Document.objects.filter(owner=cast.applicant).first()
    with acting_as(cast.admin) as cursor, pytest.raises(ProgrammingError, match="row-level"):
        cursor.execute(
            "INSERT INTO certification_documentview (document_id, viewer_id, via, viewed_at) "
            "VALUES (%s, %s, 'workspace', now())",
            [document.pk, cast.reviewer.pk],
        )
    assert not DocumentView.objects.exists()
