"""seed_scale: the DEBUG guard, counts and proportions, fresh numbers on every run, and
histories the services would have written (tests/demo/consistency.py), on a sample."""

import datetime
import io
import random
import re

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from certification import rules
from certification.expiry import expiry_scan_run
from certification.models import Application, Certification, CertificationStatus
from certification.services import next_certification_number
from counties.selectors import opted_in_counties
from demo.scale import seed_scale
from documents.models import Document
from tests.demo.consistency import consistency_problems

NUMBER = re.compile(r"^PSS-\d{7}$")
SCALE_PEOPLE = {"email__endswith": "@scale.example.org"}


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_scale", *args, stdout=out)
    return out.getvalue()


def test_seed_scale_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        seed("--certifications", "10")
    assert not Certification.objects.exists()
    assert not User.objects.exists()


def test_seed_scale_rejects_a_count_below_one(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="at least 1"):
        seed("--certifications", "0")
    assert not User.objects.exists()


def test_seed_scale_creates_n_certifications_in_realistic_proportions(db, settings):
    settings.DEBUG = True
    today = timezone.localdate()

    output = seed("--certifications", "500", "--seed", "7")

    assert output.startswith("Created 500 certifications")
    assert Certification.objects.count() == 500
    assert User.objects.filter(**SCALE_PEOPLE).count() == 500
    assert not Application.objects.exists()
    shares = {
        row["status"]: row["n"] / 500
        for row in Certification.objects.values("status").annotate(n=Count("id"))
    }
    assert set(shares) == set(CertificationStatus.values)
    assert 0.72 <= shares["active"] <= 0.88
    assert 0.05 <= shares["expired"] <= 0.15
    for status in ("suspended", "revoked", "vacated"):
        assert 0.005 <= shares[status] <= 0.08, status
    soon = Certification.objects.filter(
        status="active", expires_on__lte=today + datetime.timedelta(days=90)
    ).count()
    assert 0.02 <= soon / 500 <= 0.09
    with_specializations = Certification.objects.filter(specializations__isnull=False).distinct()
    assert 0.2 <= with_specializations.count() / 500 <= 0.4
    assert Certification.objects.annotate(n=Count("specializations")).filter(n__gt=2).count() == 0
    assert Certification.objects.values("issuing_county").distinct().count() > 20
    for certification in Certification.objects.all():
        if certification.status in ("active", "suspended", "revoked"):
            assert certification.expires_on >= today
        elif certification.status == "expired":
            assert today - datetime.timedelta(days=4 * 365) < certification.expires_on < today
        else:
            assert rules.vacate_date(certification.expires_on) <= today


def test_seed_scale_twice_adds_n_more_without_number_collisions(db, settings):
    settings.DEBUG = True
    seed("--certifications", "500")
    seed("--certifications", "500")

    numbers = list(Certification.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 1000
    assert all(NUMBER.match(number) for number in numbers)
    assert Certification.objects.values("holder").distinct().count() == 1000
    # The next number the service hands out is still a fresh one.
    assert next_certification_number() not in set(numbers)


@pytest.mark.parametrize(
    ("today", "histories"),
    [(None, False), (datetime.date(2041, 3, 15), True)],
    ids=["certifications", "histories-in-2041"],
)
def test_scale_data_is_what_the_services_would_write(db, today, histories):
    """On a sample of 60 of 400 generated certifications (as of the real day, or of a day
    years ahead): the expiry follows from the dates, the status from the day, specializations
    from verified training, every record's audit trail is the services' chain ending in its
    state; with histories, the rules held at issue; and the expiry scan would change
    nothing."""
    seed_scale(400, seed=5, today=today, password="demo", histories=histories)
    day = today or timezone.localdate()
    sample = random.Random(5).sample(list(Certification.objects.all()), 60)

    assert consistency_problems(today=day, certifications=sample, applications=histories) == []
    report = expiry_scan_run(today=day, dry_run=True)
    assert (
        report.applications_expired,
        report.certifications_expired,
        report.certifications_vacated,
    ) == ([], [], [])
    assert max(AuditEvent.objects.values_list("created_at", flat=True)).date() <= day
    applications = Application.objects.filter(applicant__email__endswith="@scale.example.org")
    if not histories:
        assert not applications.exists()
        return
    assert applications.filter(status="certified").count() == 400
    for certification in sample:
        application = certification.application
        assert (
            opted_in_counties(on=timezone.localdate(application.created_at))
            .filter(pk=certification.issuing_county_id)
            .exists()
        )
        assert {d.kind for d in Document.objects.filter(application=application)} == {
            "photo_id",
            "diploma",
        }
