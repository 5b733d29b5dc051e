"""The review of something a person submits as proof (a document, a training record, a CE
credit): pending until county staff verify or reject it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    """Review state of a training record, a CE credit or a document."""

    PENDING = "pending", _("Pending")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")
