"""Reads of training reference data. A person's training records are private until shared by
applying: their access layer is `certification.selectors.training_records_for`."""

from collections.abc import Iterable

from django.db.models import QuerySet

from training.models import Course, TrainingProvider, TrainingRecord


def training_providers_approved() -> QuerySet[TrainingProvider]:
    """The approved list of training providers, by name."""
    return TrainingProvider.objects.filter(approved=True).order_by("name")


def core_training_records_of(person_ids: Iterable[int]) -> QuerySet[TrainingRecord]:
    """The core-training records of the people `person_ids`, with their provider, for a
    service that has already checked its caller may see them (the exam service, for an
    applicant of the county its staff record results in; the rows are behind row-level
    security all the same)."""
    return TrainingRecord.objects.filter(
        person_id__in=list(person_ids), course=Course.CORE_80
    ).select_related("provider")
