"""`manage.py seed_demo`: the demo program, its staff and a realistic spread of applications
and certifications in every state (README.md 'Demo accounts'), written through the services
on days counted back from the day the seed runs (demo/clock.py, demo/scenarios/).

Idempotent: the shared parts are created where missing and a person's story is told only when
they have no application or certification yet, so a second run adds nothing.

A story the services refuse (a database seeded by an older version, where the county it
happens in had not opted in yet on the story's days) is rolled back whole and reported, and
the rest goes on: nothing is left half told.

The stories' emails describe events of the past, to people who do not exist: the seed
withdraws the outbox messages it queued before it commits, and queues one certificate
rendering per certification it created instead.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from analytics.services import figures_refresh
from certification.models import Certification
from certification.services.certifications import CERTIFICATE_RENDER_TASK
from core.errors import DomainError
from demo.clock import DemoClock
from demo.scenarios import STORIES
from demo.scenarios.counties_and_staff import prepare_cast
from demo.story import Cast
from jobs.models import OutboxMessage
from jobs.services import enqueue

# What the summary counts, by label.
COUNTED = (
    ("accounts", "accounts.User"),
    ("county memberships", "counties.CountyMembership"),
    ("opt-in periods", "counties.OptInPeriod"),
    ("Code of Ethics versions", "certification.CodeOfEthicsVersion"),
    ("training providers", "training.TrainingProvider"),
    ("applications", "certification.Application"),
    ("documents", "documents.Document"),
    ("training records", "training.TrainingRecord"),
    ("exam attempts", "exams.ExamAttempt"),
    ("certifications", "certification.Certification"),
    ("specializations", "certification.CertificationSpecialization"),
    ("renewals", "certification.Renewal"),
    ("CE credits", "continuing_ed.CeCredit"),
    ("CE audits", "ce_audits.CeAudit"),
    ("audit events", "audit.AuditEvent"),
)


@dataclass
class SeedSummary:
    """What one run created (nothing on a second run), and the stories it had to skip."""

    created: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        lines = []
        if self.created:
            parts = ", ".join(f"{count} {label}" for label, count in self.created.items())
            lines.append(f"Demo data created: {parts}.")
        else:
            lines.append("Demo data already present: nothing to add.")
        lines += [f"Skipped the story {name}: {reason}" for name, reason in self.skipped]
        return "\n".join(lines)


def _counts() -> dict[str, int]:
    return {label: apps.get_model(model).objects.count() for label, model in COUNTED}


def seed_demo(
    *, password: str, today: datetime.date | None = None, strict: bool = False
) -> SeedSummary:
    """Load the demo data; call inside a transaction. `today`: the seed day (default: the
    real one; tests seed on fixed days). `strict`: a story the services refuse raises
    instead of being skipped."""
    clock = DemoClock.on(today) if today is not None else DemoClock.at()
    before = _counts()
    last_outbox_id = OutboxMessage.objects.aggregate(last=Max("id"))["last"] or 0
    last_certification_id = Certification.objects.aggregate(last=Max("id"))["last"] or 0
    summary = SeedSummary()
    cast = prepare_cast(clock, password=password)
    for story in STORIES:
        problem = _tell(story, cast, strict=strict)
        if problem:
            summary.skipped.append((story.__name__, problem))
    _withdraw_queued_work(last_outbox_id, clock)
    # The statewide analytics' figures (beat refreshes them hourly; the demo shows them now).
    figures_refresh(today=clock.today)
    created = Certification.objects.filter(id__gt=last_certification_id)
    for pk in created.values_list("pk", flat=True):
        enqueue(CERTIFICATE_RENDER_TASK, certification_id=pk)
    after = _counts()
    summary.created = {
        label: after[label] - before[label] for label in after if after[label] != before[label]
    }
    return summary


def _tell(story: Callable[[Cast], None], cast: Cast, *, strict: bool) -> str:
    """Run one story in a savepoint; the reason it was refused, or "" when it ran."""
    try:
        with transaction.atomic():
            story(cast)
    except (DomainError, PermissionDenied) as error:
        if strict:
            raise
        return str(error) or error.__class__.__name__
    return ""


def _withdraw_queued_work(last_outbox_id: int, clock: DemoClock) -> None:
    """Delete the outbox messages the stories queued: rows after `last_outbox_id` dated no
    later than the seed's moment (the stories' clock); a message another process queued
    meanwhile is dated after it and stays."""
    OutboxMessage.objects.filter(id__gt=last_outbox_id, created_at__lte=clock.now).delete()
