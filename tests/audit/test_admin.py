"""The operators' Django admin of the audit trail: read-only."""

import pytest
from django.urls import reverse

from audit.services import audit_record
from tests.factories import UserFactory, county

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_audit_pages_open(client, operator):
    alameda = county("alameda")
    event = audit_record(actor=operator, verb="x_test", obj=alameda, county=alameda)

    for url in (
        reverse("admin:audit_auditevent_changelist"),
        reverse("admin:audit_auditevent_change", args=[event.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_audit_events_cannot_be_added_changed_or_deleted(client, operator):
    event = audit_record(actor=operator, verb="x_test", obj=county("alameda"), reason="kept")

    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    change = client.post(
        reverse("admin:audit_auditevent_change", args=[event.pk]), {"reason": "edited"}
    )
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})

    assert change.status_code == 403
    assert delete.status_code == 403
    event.refresh_from_db()
    assert event.reason == "kept"
