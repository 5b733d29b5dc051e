"""Uploaded files (ID, diploma, training and CE proof) and the log of who opened them.

Files are checked by content (`documents.uploads`), stored under random names outside the
static tree and served only through views that check access and log the view. The tables keep
the names they had when these models lived in `certification`.
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.review import ReviewStatus
from core.triggers import append_only


class DocumentKind(models.TextChoices):
    PHOTO_ID = "photo_id", _("Government photo ID")
    DIPLOMA = "diploma", _("Diploma or equivalent")
    TRAINING_CERTIFICATE = "training_certificate", _("Training certificate")
    CE_CERTIFICATE = "ce_certificate", _("CE certificate")
    RECOMMENDATION_LETTER = "recommendation_letter", _("Letter of recommendation")
    OTHER = "other", _("Other")


def document_upload_to(instance: "Document", filename: str) -> str:
    """A random name outside the static tree; the original name is kept in the row only."""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


# The history table keeps the name it had when the model lived in `certification`.
@pghistory.track(meta={"db_table": "certification_documentevent"})
class Document(models.Model):
    """An uploaded file (ID, diploma, training or CE proof). Never hard-deleted: a removed
    document keeps its row with `removed_at` set."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents"
    )
    application = models.ForeignKey(
        "certification.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    review_status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # The table keeps the name it had in `certification`: the row-level security
        # policies and grants name it.
        db_table = "certification_document"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="document_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(review_status__in=ReviewStatus.values),
                name="document_review_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="document_content_type_allowed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class DocumentViewChannel(models.TextChoices):
    PORTAL = "portal", _("Applicant portal")
    WORKSPACE = "workspace", _("County workspace")
    ADMIN = "admin", _("Administration")


class DocumentView(models.Model):
    """One opening of an uploaded document's file (`documents.services.document_view_record`): who
    opened which document, when, and through which part of the site; from the county
    workspace, also in which county's workspace. Append-only in the database."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    via = models.CharField(max_length=10, choices=DocumentViewChannel.choices)
    county = models.ForeignKey(
        "counties.County",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The county workspace the document was opened in, if any."),
    )
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "certification_documentview"
        ordering = ["-viewed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(via__in=DocumentViewChannel.values), name="document_view_via_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["county", "viewed_at"], name="document_view_county_idx"),
            models.Index(fields=["document", "viewed_at"], name="document_view_document_idx"),
        ]
        triggers = [append_only("document_view_append_only")]

    def __str__(self) -> str:
        return f"{self.document_id} viewed by {self.viewer_id} via {self.via}"
