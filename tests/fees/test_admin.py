"""Operators set a county's fee amounts in the Django admin; fees due are read-only there."""

import pytest
from django.urls import reverse
from django.utils import timezone

from fees.models import FeeDue, FeeSchedule
from tests.certification.builders import approved_application
from tests.factories import UserFactory, county

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client):
    user = UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_an_operator_sets_a_countys_fee_and_leaves_the_rest_to_the_defaults(client, operator):
    response = client.post(
        reverse("admin:fees_feeschedule_add"),
        {
            "county": county("kern").pk,
            "effective_from": timezone.localdate().isoformat(),
            "exam_cents": "12500",
        },
    )

    assert response.status_code == 302
    schedule = FeeSchedule.objects.get()
    assert (schedule.county.code, schedule.exam_cents, schedule.application_cents) == (
        "kern",
        12500,
        None,
    )
    assert schedule.updated_by == operator


def test_fees_due_can_be_read_but_not_changed(client, operator):
    application = approved_application()
    fee = FeeDue.objects.create(
        county=application.county,
        person=application.applicant,
        kind="application",
        amount_cents=10000,
        application=application,
    )

    assert client.get(reverse("admin:fees_feedue_changelist")).status_code == 200
    assert client.get(reverse("admin:fees_feedue_add")).status_code == 403
    assert (
        client.post(reverse("admin:fees_feedue_delete", args=[fee.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert FeeDue.objects.get().amount_cents == 10000
