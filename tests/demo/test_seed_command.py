"""seed_demo as a command and over time: the DEBUG guard, idempotence, dates counted from the
day the seed runs, and a story the services refuse left out whole."""

import datetime
import io

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from certification import rules
from certification.models import Application, Certification
from counties.models import County, OptInPeriod
from demo.clock import DemoClock
from demo.scale import seed_scale
from demo.scenarios.counties_and_staff import program_start
from demo.seed import seed_demo
from tests.demo.consistency import consistency_problems

DEMO_MODELS = [
    "accounts.User",
    "account.EmailAddress",
    "certification.ApplicantProfile",
    "certification.Application",
    "documents.Document",
    "certification.Certification",
    "certification.CertificationSpecialization",
    "certification.CodeOfEthicsVersion",
    "certification.Renewal",
    "training.TrainingProvider",
    "training.TrainingRecord",
    "exams.ExamAttempt",
    "continuing_ed.CeCredit",
    "ce_audits.CeAudit",
    "counties.CountyMembership",
    "counties.OptInPeriod",
    "audit.AuditEvent",
    "counties.ProgramPolicy",
    "jobs.OutboxMessage",
]
# Two seed days years apart; the first is a 29 February.
SEED_DAYS = (datetime.date(2028, 2, 29), datetime.date(2041, 3, 15))


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {label: apps.get_model(label).objects.count() for label in DEMO_MODELS}


def test_seed_demo_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    before = row_counts()

    with pytest.raises(CommandError, match="DEBUG"):
        seed()

    assert row_counts() == before
    assert not User.objects.filter(email="applicant@example.org").exists()


def test_seed_demo_twice_changes_nothing(db, settings):
    settings.DEBUG = True
    first_output = seed()
    after_first = row_counts()
    numbers = set(Certification.objects.values_list("number", flat=True))
    hashes = dict(User.objects.values_list("email", "password"))

    second_output = seed()

    assert first_output.startswith("Demo data created: 38 accounts, ")
    assert "Skipped" not in first_output
    assert second_output.strip() == "Demo data already present: nothing to add."
    assert row_counts() == after_first
    assert set(Certification.objects.values_list("number", flat=True)) == numbers
    assert dict(User.objects.values_list("email", "password")) == hashes


def derived_states(today: datetime.date) -> dict[str, tuple]:
    """What each demo person's records amount to on `today`: application statuses, the
    certification's status and how far its expiry is, renewal kinds, specializations, CE and
    application documents' review states. Not the pathway nor the training records: the
    vacated peer's application predates the standard pathway's training rule on some seed
    days and not on others (demo/scenarios/renewals.py)."""
    states = {}
    for person in User.objects.filter(applications__isnull=False).distinct():
        certification = person.certifications.first()
        expiry = None
        if certification is not None:
            days_left = (certification.expires_on - today).days
            if days_left < 0:
                expiry = "past"
            elif days_left <= 30:
                expiry = "within 30 days"
            else:
                soon = rules.is_expiring_soon(
                    certification.status, certification.expires_on, on=today
                )
                expiry = "soon" if soon else "later"
        states[person.email] = (
            tuple(sorted(person.applications.values_list("status", flat=True))),
            certification.status if certification else None,
            expiry,
            tuple(sorted(set(certification.renewals.values_list("kind", flat=True))))
            if certification
            else (),
            tuple(sorted(certification.specializations.values_list("code", flat=True)))
            if certification
            else (),
            tuple(sorted(set(certification.ce_credits.values_list("status", flat=True))))
            if certification
            else (),
            tuple(
                sorted(
                    set(
                        person.documents.filter(application__isnull=False).values_list(
                            "kind", "review_status"
                        )
                    )
                )
            ),
        )
    return states


@pytest.mark.slow
def test_dates_are_counted_from_the_seed_day(db):
    """Seeded on two days years apart, the demo holds the same states on each day: the same
    people in the same states, one certification expiring within 30 days, and data the
    services would have written, with nothing dated after the seed day. seed_scale on top
    (as the benchmarks do) keeps it all consistent."""
    seen = {}
    for today in SEED_DAYS:
        with transaction.atomic():
            summary = seed_demo(password="demo", today=today, strict=True)
            seed_scale(100, seed=3, today=today, password="demo")
            assert summary.skipped == []
            assert consistency_problems(today=today, applications=False) == []
            assert Certification.objects.filter(application__isnull=True).count() == 100
            soon = Certification.objects.exclude(
                holder__email__endswith="@scale.example.org"
            ).filter(
                status="active",
                expires_on__gt=today,
                expires_on__lte=today + datetime.timedelta(days=30),
            )
            assert soon.get().holder.email == "james.oconnor@example.org"
            latest = max(Application.objects.values_list("created_at", flat=True))
            assert latest.date() <= today
            earliest = OptInPeriod.objects.order_by("effective_from").first().effective_from
            assert earliest == program_start(DemoClock.on(today))
            seen[today] = derived_states(today)
            transaction.set_rollback(True)

    first, second = (seen[today] for today in SEED_DAYS)
    assert len(first) == 23
    assert first == second
    assert first["james.oconnor@example.org"][1:3] == ("active", "within 30 days")
    assert first["gary.olsen@example.org"][1:3] == ("vacated", "past")
    assert first["elena.garcia@example.org"][1:4] == ("active", "later", ("renewal",))


def test_a_story_the_services_refuse_is_left_out_whole(db, settings):
    """A database seeded before San Diego opted in for its stories' days (an older seed):
    the seed reports the four San Diego stories and tells every other one."""
    settings.DEBUG = True
    san_diego = County.objects.get(code="san-diego")
    OptInPeriod.objects.create(
        county=san_diego,
        delivery_system="smhs",
        opted_in=True,
        effective_from=timezone.localdate() - datetime.timedelta(days=5),
        reason="Opted in recently.",
    )

    output = seed()

    skipped = [line for line in output.splitlines() if line.startswith("Skipped the story")]
    assert [line.split(":")[0] for line in skipped] == [
        "Skipped the story in_review_after_changes",
        "Skipped the story expired_application",
        "Skipped the story revoked",
        "Skipped the story vacated",
    ]
    assert "San Diego does not offer peer support services" in skipped[0]
    for email in ("david.nguyen", "tom.whitehorse", "kevin.park", "gary.olsen"):
        assert not User.objects.filter(email=f"{email}@example.org").exists()
    assert not Application.objects.filter(county=san_diego).exists()
    assert Application.objects.count() == 23 - 4
