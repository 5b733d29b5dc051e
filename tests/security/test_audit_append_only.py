"""The audit trail, the document-view log and the field history cannot be altered: the
database itself refuses UPDATE and DELETE on them, whatever the code path (raw SQL, the ORM,
a bulk query). Appending still works, and TRUNCATE (the test framework's flush, a restore)
stays possible."""

import pytest
from django.db import ProgrammingError, connection, transaction

from audit.models import AuditEvent
from audit.services import audit_record
from certification.models import CertificationEvent
from documents.models import DocumentView
from tests.factories import CertificationFactory, DocumentFactory

pytestmark = pytest.mark.django_db

AUDIT_UPDATE_REFUSED = "counties_auditevent is append-only: UPDATE is refused"
AUDIT_DELETE_REFUSED = "counties_auditevent is append-only: DELETE is refused"


@pytest.fixture
def event(cast) -> AuditEvent:
    return audit_record(
        actor=cast.admin,
        verb="certification_suspend",
        obj=cast.county,
        county=cast.county,
        from_state="active",
        to_state="suspended",
        reason="Complaint upheld.",
    )


def _row(event: AuditEvent) -> tuple:
    return AuditEvent.objects.filter(pk=event.pk).values_list(
        "actor_id", "verb", "county_id", "from_state", "to_state", "reason", "created_at"
    )[0]


def _refused(sql: str, params: list, message: str) -> None:
    with (
        pytest.raises(ProgrammingError, match=message),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_raw_sql_update_of_an_audit_event_is_refused(event):
    before = _row(event)

    _refused(
        "UPDATE counties_auditevent SET reason = %s, actor_id = NULL WHERE id = %s",
        ["Nothing happened.", event.pk],
        AUDIT_UPDATE_REFUSED,
    )

    assert _row(event) == before
    assert before[5] == "Complaint upheld."


def test_raw_sql_delete_of_an_audit_event_is_refused(event):
    before = _row(event)

    _refused("DELETE FROM counties_auditevent WHERE id = %s", [event.pk], AUDIT_DELETE_REFUSED)

    assert _row(event) == before


def test_orm_update_and_delete_of_audit_events_are_refused(event):
    before = _row(event)

    with pytest.raises(ProgrammingError, match=AUDIT_UPDATE_REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="Rewritten.")
    with pytest.raises(ProgrammingError, match=AUDIT_DELETE_REFUSED), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ProgrammingError, match=AUDIT_UPDATE_REFUSED), transaction.atomic():
        event.reason = "Rewritten by save()."
        event.save()

    assert _row(event) == before
    assert AuditEvent.objects.count() == 1


def test_appending_audit_events_still_works(cast, event):
    second = audit_record(actor=None, verb="certification_expire", obj=cast.county)

    assert list(AuditEvent.objects.order_by("pk").values_list("pk", flat=True)) == [
        event.pk,
        second.pk,
    ]


def test_truncate_is_not_blocked(event):
    """The test framework empties tables between transactional tests with TRUNCATE, and a
    restore starts from empty tables: only the table owner can do it, and the trigger lets it."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            # The deferred foreign-key checks of the event just inserted must run first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE counties_auditevent")
        assert AuditEvent.objects.count() == 0
        transaction.set_rollback(True)

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_document_view_log_refuses_update_and_delete(cast):
    document = DocumentFactory(owner=cast.applicant)
    view = DocumentView.objects.create(document=document, viewer=cast.reviewer, via="workspace")

    refused = "certification_documentview is append-only: {} is refused"
    with pytest.raises(ProgrammingError, match=refused.format("UPDATE")), transaction.atomic():
        DocumentView.objects.filter(pk=view.pk).update(viewer=cast.applicant)
    with pytest.raises(ProgrammingError, match=refused.format("DELETE")), transaction.atomic():
        DocumentView.objects.filter(pk=view.pk).delete()

    assert list(DocumentView.objects.values_list("pk", "viewer_id", "via")) == [
        (view.pk, cast.reviewer.pk, "workspace")
    ]


def test_field_history_rows_refuse_update_and_delete(cast):
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    history = CertificationEvent.objects.get(pgh_obj=certification)

    with (
        pytest.raises(ProgrammingError, match="Cannot update or delete rows"),
        transaction.atomic(),
    ):
        CertificationEvent.objects.filter(pk=history.pk).update(status="revoked")
    with (
        pytest.raises(ProgrammingError, match="Cannot update or delete rows"),
        transaction.atomic(),
    ):
        CertificationEvent.objects.filter(pk=history.pk).delete()

    assert list(CertificationEvent.objects.values_list("pgh_id", "pgh_label", "status")) == [
        (history.pk, "insert", "active")
    ]
