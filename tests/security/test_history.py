"""Field-level history written by database triggers (django-pghistory): every insert and
change of the tracked tables leaves a row with the new values, the diff against the previous
row gives old and new values, and the request's or task's context names who did it. Bulk
UPDATEs (a queryset update, the expiry scan's set-based statement) are recorded row by row
because the database writes the history, not the application."""

import datetime

import pghistory
import pytest
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from certification.models import ApplicationEvent, Certification, CertificationEvent
from certification.tasks import expiry_scan
from continuing_ed.models import CeCreditEvent
from counties.models import OptInPeriodEvent
from documents.models import DocumentEvent
from exams.models import ExamAttemptEvent
from tests.factories import (
    ApplicationFactory,
    CeCreditFactory,
    CertificationFactory,
    DocumentFactory,
    ExamAttemptFactory,
    TrainingRecordFactory,
)
from training.models import TrainingRecordEvent

pytestmark = pytest.mark.django_db


def diffs(obj) -> list[tuple[str, dict | None]]:
    """(label, {field: [old, new]}) of every history row of `obj`, oldest first."""
    return [
        (event.pgh_label, event.pgh_diff) for event in Events.objects.tracks(obj).order_by("pgh_id")
    ]


def test_a_suspension_through_the_workspace_records_the_acting_user_and_url(cast, client):
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    url = reverse("workspace:certification_suspend", args=[cast.county.code, certification.pk])
    client.force_login(cast.admin)

    response = client.post(url, {"reason": "Complaint upheld."})

    assert response.status_code == 302
    history = list(
        CertificationEvent.objects.filter(pgh_obj=certification)
        .order_by("pgh_id")
        .values_list("pgh_label", "status", "status_reason", "pgh_context")
    )
    assert history == [
        ("insert", "active", "", None),
        ("update", "suspended", "Complaint upheld.", {"user": cast.admin.pk, "url": url}),
    ]
    _insert, update = diffs(certification)
    assert update[0] == "update"
    assert update[1]["status"] == ["active", "suspended"]
    assert update[1]["status_reason"] == ["", "Complaint upheld."]
    assert update[1]["suspended_on"] == [None, timezone.localdate().isoformat()]
    assert set(update[1]) == {"status", "status_reason", "suspended_on", "updated_at"}


def test_a_bulk_queryset_update_writes_one_history_row_per_changed_row(cast):
    changed = [
        CertificationFactory(issuing_county=cast.county, expires_on=timezone.localdate())
        for _ in range(3)
    ]
    untouched = CertificationFactory(issuing_county=cast.county)

    with pghistory.context(user=cast.admin.pk, reason="bulk test"):
        updated = Certification.objects.filter(pk__in=[c.pk for c in changed]).update(
            status="expired"
        )

    assert updated == 3
    updates = CertificationEvent.objects.filter(pgh_label="update").order_by("pgh_obj_id")
    assert list(updates.values_list("pgh_obj_id", "status", "pgh_context")) == [
        (c.pk, "expired", {"user": cast.admin.pk, "reason": "bulk test"}) for c in changed
    ]
    for certification in changed:
        assert diffs(certification)[-1] == ("update", {"status": ["active", "expired"]})
    assert diffs(untouched) == [("insert", None)]


def test_an_update_that_changes_nothing_writes_no_history(cast):
    certification = CertificationFactory(issuing_county=cast.county)

    Certification.objects.filter(pk=certification.pk).update(status="active")

    assert CertificationEvent.objects.filter(pgh_obj=certification).count() == 1


def test_the_expiry_scan_task_records_every_transition_with_the_task_as_context(cast):
    today = timezone.localdate()
    past = [
        CertificationFactory(
            issuing_county=cast.county,
            issued_on=today - datetime.timedelta(days=800),
            expires_on=today - datetime.timedelta(days=days),
        )
        for days in (1, 2)
    ]
    current = CertificationFactory(issuing_county=cast.county)

    expiry_scan.apply(kwargs={"today": today.isoformat()}).get()

    updates = CertificationEvent.objects.filter(pgh_label="update").order_by("pgh_obj_id")
    assert list(updates.values_list("pgh_obj_id", "status", "pgh_context")) == [
        (c.pk, "expired", {"task": "certification.tasks.expiry_scan", "system": True}) for c in past
    ]
    assert diffs(past[0])[-1][1]["status"] == ["active", "expired"]
    assert not CertificationEvent.objects.filter(pgh_obj=current, pgh_label="update").exists()


def test_an_opt_in_change_in_the_workspace_is_in_the_opt_in_history(cast, client):
    url = reverse("workspace:opt_in", args=[cast.county.code])
    client.force_login(cast.admin)

    response = client.post(
        url,
        {
            "delivery_system": "smhs",
            "opted_in": "true",
            "effective_from": timezone.localdate().isoformat(),
            "reason": "Board resolution 12.",
        },
    )

    assert response.status_code == 302
    rows = OptInPeriodEvent.objects.filter(county=cast.county, pgh_label="insert")
    assert list(rows.values_list("delivery_system", "opted_in", "reason", "pgh_context")) == [
        ("smhs", True, "Board resolution 12.", {"user": cast.admin.pk, "url": url})
    ]


TRACKED = {
    "application": (
        lambda cast: ApplicationFactory(applicant=cast.applicant),
        ApplicationEvent,
        {"status": "withdrawn"},
    ),
    "document": (
        lambda cast: DocumentFactory(owner=cast.applicant),
        DocumentEvent,
        {"review_status": "verified"},
    ),
    "ce_credit": (lambda cast: CeCreditFactory(), CeCreditEvent, {"status": "verified"}),
    "training_record": (
        lambda cast: TrainingRecordFactory(person=cast.applicant),
        TrainingRecordEvent,
        {"status": "rejected"},
    ),
    "exam_attempt": (
        lambda cast: ExamAttemptFactory(application=ApplicationFactory(applicant=cast.applicant)),
        ExamAttemptEvent,
        {"result": "failed"},
    ),
}


@pytest.mark.parametrize("name", sorted(TRACKED))
def test_every_tracked_table_records_inserts_and_changes(cast, name):
    make, event_model, change = TRACKED[name]
    obj = make(cast)
    model = type(obj)
    ((field, new),) = change.items()
    old = getattr(obj, field)

    model.objects.filter(pk=obj.pk).update(**change)

    rows = event_model.objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id")
    assert list(rows.values_list("pgh_label", field)) == [("insert", old), ("update", new)]
    assert diffs(obj)[-1] == ("update", {field: [old, new]})
