"""Employers (organisations that employ certified peers), their staff and their watchlists.

An employer sees of a watched certification only what the public registry shows (number,
name, status, dates, specializations, issuing county, public actions). Watching is
confirmed by knowing two facts together: the certification number and the holder's last
name.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import DecisionOutcome


class NoticeMode(models.TextChoices):
    IMMEDIATE = "immediate", _("At once, one email per change")
    DIGEST = "digest", _("One daily digest")


class Employer(models.Model):
    """An organisation that employs peers: a county plan, a DMC-ODS provider, a community
    organisation."""

    name = models.CharField(_("organisation name"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact email"))
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    notice_mode = models.CharField(
        _("email notices"),
        max_length=10,
        choices=NoticeMode.choices,
        default=NoticeMode.IMMEDIATE,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notice_mode__in=NoticeMode.values), name="employer_notice_mode_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class EmployerRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Staff member")


class EmployerMembership(models.Model):
    """A person on an employer's staff. Administrators manage the staff, the notice settings
    and the webhooks; every member keeps the watchlist."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=EmployerRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["employer", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "user"], name="employer_membership_once"),
            models.CheckConstraint(
                condition=Q(role__in=EmployerRole.values), name="employer_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.employer} ({self.role})"


class EmployerInvitation(models.Model):
    """An invitation to an employer's staff, sent by email with a random token (only its
    SHA-256 hash is stored). At most one pending invitation per employer and address."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=EmployerRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "employer",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="employer_invitation_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.employer}"


class Watch(models.Model):
    """One certification on an employer's watchlist."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="watches")
    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.PROTECT, related_name="watches"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["employer", "certification__last_name", "certification__first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "certification"], name="watch_once_per_employer"
            ),
        ]
        indexes = [models.Index(fields=["certification"], name="watch_certification_idx")]

    def __str__(self) -> str:
        return f"{self.employer} watches {self.certification_id}"


class ChangeKind(models.TextChoices):
    """What happened to a certification, as employers are told (the webhook event type is
    `certification.<kind>`)."""

    SUSPENDED = "suspended", _("Suspended")
    SUSPENSION_LIFTED = "suspension_lifted", _("Suspension lifted")
    REINSTATED = "reinstated", _("Reinstated")
    REVOKED = "revoked", _("Revoked")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")
    VACATED = "vacated", _("Vacated")
    SPECIALIZATION_ADDED = "specialization_added", _("Area of specialization added")
    PUBLIC_ACTION = "public_action", _("Public action")
    EXPIRING = "expiring", _("Expires soon")
    EXCLUSION_CONFIRMED = "exclusion_confirmed", _("Found on an exclusion list")


# The kinds the registry shows as public actions, with their dates (docs/domain.md
# "Complaints and discipline": suspensions and revocations are public facts).
PUBLIC_ACTION_KINDS = (
    ChangeKind.SUSPENDED,
    ChangeKind.SUSPENSION_LIFTED,
    ChangeKind.REINSTATED,
    ChangeKind.REVOKED,
    ChangeKind.PUBLIC_ACTION,
    ChangeKind.EXCLUSION_CONFIRMED,
)


class RegistryChange(models.Model):
    """One change of a certification's public registry entry, as announced to employers.

    Written once per event (`event_id` is the event's id, unique: an event delivered twice is
    recorded once) by `employers.services.notices`, from the events the certification
    services publish on commit, the daily expiry notices and confirmed exclusion matches.
    Public facts only: what the registry shows."""

    event_id = models.UUIDField(unique=True)
    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.PROTECT, related_name="registry_changes"
    )
    kind = models.CharField(max_length=30, choices=ChangeKind.choices)
    occurred_at = models.DateTimeField()
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [
            models.Index(fields=["certification", "occurred_at"], name="registrychange_cert_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ChangeKind.values), name="registrychange_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certification_id} {self.kind} {self.occurred_at:%Y-%m-%d}"

    @property
    def occurred_on(self):
        return timezone.localdate(self.occurred_at)

    @property
    def label(self) -> str:
        """What happened, as shown to employers; a public action names the action decided
        (`cases.models.DecisionOutcome`)."""
        action = self.data.get("action") if self.kind == ChangeKind.PUBLIC_ACTION else None
        if action in DecisionOutcome.values:
            return f"{ChangeKind(self.kind).label}: {DecisionOutcome(action).label}"
        return str(ChangeKind(self.kind).label)


class Notice(models.Model):
    """A registry change told to one watching employer; `emailed_at` once it went out by
    email (at once, or in the day's digest)."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="notices")
    change = models.ForeignKey(RegistryChange, on_delete=models.PROTECT, related_name="notices")
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "change"], name="notice_once_per_change"),
        ]
        indexes = [
            models.Index(
                fields=["employer"],
                condition=Q(emailed_at__isnull=True),
                name="notice_not_emailed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer_id} ← {self.change_id}"


class WebhookEndpoint(models.Model):
    """Where an employer receives signed webhook events. The secret signs every delivery
    (Standard Webhooks); it is shown to the employer's administrators to verify them."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="endpoints")
    url = models.URLField(_("endpoint address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    secret = models.CharField(max_length=100)
    enabled = models.BooleanField(default=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["employer", "id"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Sending")
    SUCCEEDED = "succeeded", _("Delivered")
    RETRYING = "retrying", _("Failed, will retry")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint, with its payload as signed and sent on every attempt."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    change = models.ForeignKey(
        RegistryChange, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    message_id = models.CharField(max_length=60)
    event_type = models.CharField(max_length=60)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "change"],
                condition=Q(change__isnull=False),
                name="delivery_once_per_change",
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="delivery_status_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="retrying"),
                name="delivery_retry_due_idx",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="delivery_endpoint_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One try at sending a delivery: when, the answer's status code, how long it took."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["-attempted_at", "-id"]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error[:20]}"


class ExclusionSource(models.TextChoices):
    OIG_LEIE = "oig_leie", _("OIG List of Excluded Individuals/Entities (LEIE)")
    MEDI_CAL_SI = "medi_cal_si", _("Medi-Cal Suspended and Ineligible Provider List")


class ExclusionListLoad(models.Model):
    """One file of an exclusion list loaded by an operator, with its counts."""

    source = models.CharField(max_length=20, choices=ExclusionSource.choices)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rows_read = models.PositiveIntegerField(default=0)
    individuals = models.PositiveIntegerField(default=0)
    entities = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    screened_at = models.DateTimeField(null=True, blank=True)
    certifications_screened = models.PositiveIntegerField(default=0)
    matches_found = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-loaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(source__in=ExclusionSource.values), name="exclusion_load_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.loaded_at:%Y-%m-%d} ({self.individuals})"


class ExclusionEntry(models.Model):
    """One excluded individual of a loaded list (entities are counted, not kept: a peer is a
    person). `last_key`/`first_key` are the names as compared (`employers.rules.name_key`)."""

    load = models.ForeignKey(ExclusionListLoad, on_delete=models.CASCADE, related_name="entries")
    line = models.PositiveIntegerField()
    last_name = models.CharField(max_length=100)
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100, blank=True)
    last_key = models.CharField(max_length=100)
    first_key = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    npi = models.CharField(max_length=20, blank=True)
    provider_type = models.CharField(max_length=200, blank=True)
    exclusion_type = models.CharField(max_length=100, blank=True)
    excluded_on = models.DateField(null=True, blank=True)
    reinstated_on = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["load", "line"]
        indexes = [
            models.Index(fields=["load", "last_key"], name="exclusion_entry_last_idx"),
            models.Index(fields=["load", "date_of_birth"], name="exclusion_entry_dob_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.last_name}, {self.first_name}"


class MatchStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    CONFIRMED = "confirmed", _("Confirmed: the same person")
    DISMISSED = "dismissed", _("Not the same person")


class ExclusionMatch(models.Model):
    """A certified peer who may be on an exclusion list, for the certifying county to decide.
    Nothing happens on its own: a confirmed match is told to watching employers and opens
    the way to a case (issue 14); a dismissed one is not raised again for the same list
    entry (`fingerprint`: the entry's identity across monthly reloads)."""

    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.PROTECT, related_name="exclusion_matches"
    )
    county = models.ForeignKey("counties.County", on_delete=models.PROTECT, related_name="+")
    entry = models.ForeignKey(ExclusionEntry, on_delete=models.PROTECT, related_name="matches")
    source = models.CharField(max_length=20, choices=ExclusionSource.choices)
    fingerprint = models.CharField(max_length=64)
    score = models.PositiveSmallIntegerField()
    exact = models.BooleanField(default=False)
    reasons = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-exact", "-score", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "fingerprint"], name="exclusion_match_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MatchStatus.values), name="exclusion_match_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["county", "status"], name="exclusion_match_queue_idx")]

    def __str__(self) -> str:
        return f"{self.certification_id} ~ {self.entry_id} ({self.status})"


class ScreeningRun(models.Model):
    """One screening of certified peers against the latest lists (a load's full screening,
    or the daily screening of new certifications)."""

    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    kind = models.CharField(max_length=10)  # "full" or "new"
    certifications = models.PositiveIntegerField(default=0)
    matches_found = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"
