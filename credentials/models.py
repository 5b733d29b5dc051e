"""Where each certification sits in the Bitstring Status Lists, and the last signed copy of
each list.

Both tables hold public facts (a status list is published; the certification it points to is
a registry entry): every context reads and writes them (row-level security policies `true`),
with only the privileges the product uses: status entries are inserted, never changed; signed
lists are inserted and updated (SECURITY.md, "Digital credentials").
"""

from django.db import models
from django.utils import timezone


class StatusPurpose(models.TextChoices):
    REVOCATION = "revocation", "revocation"
    SUSPENSION = "suspension", "suspension"


class CredentialStatusEntry(models.Model):
    """A certification's position in the status lists: the same `(list_number, index)` in
    the revocation list and in the suspension list. Given on the first credential issued for
    the certification and never changed, so every credential of it shares its bits."""

    certification = models.OneToOneField(
        "certification.Certification", on_delete=models.PROTECT, related_name="status_entry"
    )
    list_number = models.PositiveIntegerField()
    index = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["list_number", "index"], name="credential_status_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.list_number}/{self.index}"


class SignedStatusList(models.Model):
    """The last signed Bitstring Status List credential of one list and purpose, and its
    seal: an HMAC, keyed from SECRET_KEY (which the database never holds), of the list's
    purpose, number, bits and signed copy. The copy is served again while the seal matches
    the bits as they are now; otherwise (the bits changed, or a row was written by anyone
    but this code) the list is signed anew."""

    purpose = models.CharField(max_length=20, choices=StatusPurpose.choices)
    list_number = models.PositiveIntegerField()
    seal = models.CharField(max_length=64)
    credential = models.JSONField()
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "list_number"], name="signed_status_list_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.list_number}"
