"""Reads of training reference data. A person's training records are private until shared by
applying: their access layer is `certification.selectors.training_records_for`."""

from django.db.models import QuerySet

from training.models import TrainingProvider


def training_providers_approved() -> QuerySet[TrainingProvider]:
    """The approved list of training providers, by name."""
    return TrainingProvider.objects.filter(approved=True).order_by("name")
