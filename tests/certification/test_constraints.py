"""The database itself refuses rows that break the invariants, whatever code writes them."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from certification.models import Application, Certification, Renewal
from tests.factories import (
    ApplicationFactory,
    CeCreditFactory,
    CertificationFactory,
    EthicsVersionFactory,
    ProfileFactory,
    TrainingRecordFactory,
    county,
)

pytestmark = pytest.mark.django_db


def refused(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.parametrize("status", ["draft", "submitted", "in_review", "changes_requested"])
def test_one_open_application_per_person_statewide(status):
    first = ApplicationFactory(status="in_review")
    refused(lambda: ApplicationFactory(applicant=first.applicant, status=status))
    refused(
        lambda: ApplicationFactory(
            applicant=first.applicant, county=county("fresno"), status=status
        )
    )
    assert Application.objects.filter(applicant=first.applicant).count() == 1


@pytest.mark.parametrize("final", ["certified", "denied", "withdrawn", "expired"])
def test_a_final_application_leaves_room_for_a_new_one(final):
    earlier = ApplicationFactory(status=final)
    ApplicationFactory(applicant=earlier.applicant, county=county("fresno"), status="draft")
    ApplicationFactory(applicant=earlier.applicant, status=final)
    assert Application.objects.filter(applicant=earlier.applicant).count() == 3


def test_one_live_certification_per_person():
    held = CertificationFactory(status="expired")
    refused(lambda: CertificationFactory(holder=held.holder, status="active"))
    Certification.objects.filter(pk=held.pk).update(status="revoked")
    assert CertificationFactory(holder=held.holder, status="active").pk


def test_certification_numbers_are_unique():
    CertificationFactory(number="PSS-0000001")
    refused(lambda: CertificationFactory(number="PSS-0000001"))


@pytest.mark.parametrize(
    "make",
    [
        lambda: ApplicationFactory(status="approved_ish"),
        lambda: ApplicationFactory(status="approved"),  # no window
        lambda: ApplicationFactory(changes_requested_parts=["photo_id", "mood"]),
        lambda: CertificationFactory(status="paused"),
        lambda: TrainingRecordFactory(hours=0),
        lambda: TrainingRecordFactory(status="maybe"),
        lambda: CeCreditFactory(hours=Decimal("-1")),
        lambda: CeCreditFactory(category="fun"),
        lambda: ProfileFactory(education="phd_in_vibes"),
        lambda: ProfileFactory(preferred_language="fr"),
    ],
)
def test_values_outside_the_contract_are_refused(make):
    refused(make)


def renewal(**fields) -> Renewal:
    values = {
        "certification": fields.pop("certification", None) or CertificationFactory(),
        "kind": "renewal",
        "cycle_start": datetime.date(2024, 3, 16),
        "cycle_end": datetime.date(2026, 3, 15),
        "ce_total_hours": Decimal("20"),
        "ce_law_and_ethics_hours": Decimal("6"),
        "ethics_version": EthicsVersionFactory(),
        "ethics_affirmed_at": timezone.now(),
        "previous_expires_on": datetime.date(2026, 3, 15),
        "new_expires_on": datetime.date(2028, 3, 15),
        **fields,
    }
    return Renewal.objects.create(**values)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "upgrade"},
        {"new_expires_on": datetime.date(2026, 3, 15)},
        {"cycle_end": datetime.date(2024, 3, 15)},
        {"ce_law_and_ethics_hours": Decimal("21")},
        {"ce_law_and_ethics_hours": Decimal("-1")},
    ],
)
def test_renewals_must_be_consistent(fields):
    assert renewal().pk
    refused(lambda: renewal(**fields))


def test_one_renewal_per_cycle():
    first = renewal()
    refused(lambda: renewal(certification=first.certification))
    assert first.certification.renewals.count() == 1
