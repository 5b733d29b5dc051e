"""Applicants, applications, certifications, specializations and renewals.

Life cycles (docs/architecture.md#life-cycles) are owned by `certification.services`; nothing
here changes a status. Database constraints back the invariants that matter.
"""

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from continuing_ed.models import CeCategory


class LivedExperience(models.TextChoices):
    CONSUMER = "consumer", _("As a consumer (my own recovery)")
    FAMILY = "family", _("As a parent, caregiver or family member of a consumer")


class Education(models.TextChoices):
    HIGH_SCHOOL_DIPLOMA = "high_school_diploma", _("High school diploma")
    EQUIVALENT = "equivalent", _("Equivalent (GED, HiSET, TASC or California proficiency)")
    HIGHER = "higher", _("College degree or higher")
    NONE = "none", _("None of these yet")


class ApplicantProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applicant_profile"
    )
    legal_first_name = models.CharField(_("legal first name"), max_length=100)
    legal_last_name = models.CharField(_("legal last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address_line1 = models.CharField(_("street address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("apartment, suite, unit"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=2, default="CA")
    postal_code = models.CharField(_("ZIP code"), max_length=10, blank=True)
    county_of_residence = models.ForeignKey(
        "counties.County",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("county of residence"),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    lived_experience = models.CharField(
        _("lived experience"), max_length=10, choices=LivedExperience.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=30, choices=Education.choices, blank=True
    )
    education_attested = models.BooleanField(
        _("I attest that my education information is true"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(lived_experience__in=[*LivedExperience.values, ""]),
                name="profile_lived_experience_valid",
            ),
            models.CheckConstraint(
                condition=Q(education__in=[*Education.values, ""]),
                name="profile_education_valid",
            ),
            models.CheckConstraint(
                condition=Q(preferred_language__in=Language.values),
                name="profile_language_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}".strip()


# What a person fills in about themselves, in the order the portal asks: the fields of the
# details form, all that `profile_save` accepts, and what the personal data export lists.
PROFILE_FIELDS = (
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "state",
    "postal_code",
    "county_of_residence",
    "preferred_language",
    "lived_experience",
    "education",
    "education_attested",
)


class CodeOfEthicsVersion(models.Model):
    """A version of the Code of Ethics, in English and Spanish. The current one is the latest
    whose `effective_on` has come; each signature records the version signed."""

    version = models.CharField(max_length=20, unique=True)
    effective_on = models.DateField()
    text_en = models.TextField()
    text_es = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_on", "-id"]
        verbose_name = _("Code of Ethics version")

    def __str__(self) -> str:
        return f"Code of Ethics {self.version}"

    def text_for(self, language: str) -> str:
        return self.text_es if language == "es" else self.text_en


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    CERTIFIED = "certified", _("Certified")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")


# An application in one of these states is open: a person holds at most one, statewide (a
# certification is statewide, docs/domain.md#application); a new one once it is final.
OPEN_APPLICATION_STATUSES = ("draft", "submitted", "in_review", "changes_requested", "approved")


class Pathway(models.TextChoices):
    STANDARD = "standard", _("Standard (80 hours of training and the exam)")
    OUT_OF_STATE = "out_of_state", _("Out-of-state reciprocity")
    GRANDPARENTING = "grandparenting", _("Grandparenting (closed 2022-12-31)")


class ApplicationPart(models.TextChoices):
    """Parts of an application a reviewer can send back for changes."""

    PROFILE = "profile", _("Personal details")
    ETHICS = "ethics", _("Code of Ethics")
    ATTESTATIONS = "attestations", _("Attestations")
    PHOTO_ID = "photo_id", _("Photo ID")
    DIPLOMA = "diploma", _("Diploma or equivalent")
    TRAINING = "training", _("Training")
    OUT_OF_STATE = "out_of_state", _("Out-of-state certification")


@pghistory.track()
class Application(models.Model):
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    county = models.ForeignKey(
        "counties.County", on_delete=models.PROTECT, related_name="applications"
    )
    pathway = models.CharField(
        _("pathway"), max_length=20, choices=Pathway.choices, default=Pathway.STANDARD
    )
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    ethics_version = models.ForeignKey(
        CodeOfEthicsVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ethics_signed_at = models.DateTimeField(null=True, blank=True)
    attest_share_experience = models.BooleanField(
        _("I am willing to share my lived experience to support others"), default=False
    )
    attest_recovery = models.BooleanField(_("I am dedicated to recovery"), default=False)
    other_state = models.CharField(_("other state"), max_length=2, blank=True)
    other_state_certification_number = models.CharField(
        _("other state's certification number"), max_length=50, blank=True
    )
    other_state_expires_on = models.DateField(
        _("expiry date of the other state's certification"), null=True, blank=True
    )
    peer_work_hours = models.PositiveIntegerField(_("hours of peer work"), null=True, blank=True)
    attest_no_pending_discipline = models.BooleanField(
        _("I have no pending discipline in any state"), default=False
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_reason = models.TextField(blank=True)
    approved_on = models.DateField(null=True, blank=True)
    window_ends_on = models.DateField(
        null=True, blank=True, help_text=_("Last day of the 12-month exam window.")
    )
    changes_requested_message = models.TextField(blank=True)
    changes_requested_parts = ArrayField(
        models.CharField(max_length=20, choices=ApplicationPart.choices), default=list, blank=True
    )
    # Bumped by every transition: forms carry it so a stale form cannot overwrite a newer
    # decision (optimistic concurrency on top of the row lock).
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant"],
                condition=Q(status__in=OPEN_APPLICATION_STATUSES),
                name="application_one_open_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values), name="application_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(pathway__in=Pathway.values), name="application_pathway_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="approved")
                | (Q(approved_on__isnull=False) & Q(window_ends_on__isnull=False)),
                name="application_approved_has_window",
            ),
            models.CheckConstraint(
                condition=Q(changes_requested_parts__contained_by=ApplicationPart.values),
                name="application_requested_parts_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["county", "status", "submitted_at"], name="application_queue_idx"),
            models.Index(fields=["status", "window_ends_on"], name="application_window_idx"),
        ]

    def __str__(self) -> str:
        return f"Application #{self.pk} ({self.get_status_display()})"


class OutOfStateCeRecord(models.Model):
    """A continuing-education course an out-of-state applicant completed in the 2 years before
    applying (docs/domain.md#other-pathways), with its proof: a CE certificate document of the
    application, which county staff verify like the application's other documents. The record
    counts while its proof stands (not removed, not rejected); removing the proof withdraws
    it. Never changed or deleted: a correction is a new record."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="out_of_state_ce_records"
    )
    title = models.CharField(_("course title"), max_length=200)
    provider_name = models.CharField(_("provider"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    category = models.CharField(_("category"), max_length=20, choices=CeCategory.choices)
    completed_on = models.DateField(_("completion date"))
    document = models.OneToOneField(
        "documents.Document",
        on_delete=models.PROTECT,
        related_name="out_of_state_ce_record",
        verbose_name=_("proof of completion"),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["completed_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="oos_ce_hours_positive"),
            models.CheckConstraint(
                condition=Q(category__in=CeCategory.values), name="oos_ce_category_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} – {self.hours} h"


class CertificationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    SUSPENDED = "suspended", _("Suspended")
    REVOKED = "revoked", _("Revoked")
    VACATED = "vacated", _("Vacated")


# A person holds at most one certification outside these terminal states.
TERMINAL_CERTIFICATION_STATUSES = ("revoked", "vacated")


@pghistory.track()
class Certification(models.Model):
    """A person's certification: a public fact once issued (the registry). Its number comes
    from a PostgreSQL sequence (`certification_number_seq`), is unique and never reused."""

    number = models.CharField(_("certification number"), max_length=20, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certifications"
    )
    issuing_county = models.ForeignKey(
        "counties.County", on_delete=models.PROTECT, related_name="certifications"
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.PROTECT, related_name="certification"
    )
    # The name printed on the certificate and shown by the registry: copied at issue from the
    # legal name so the public record does not change when a profile is edited.
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    status = models.CharField(
        max_length=10, choices=CertificationStatus.choices, default=CertificationStatus.ACTIVE
    )
    status_reason = models.TextField(blank=True)
    # The day the suspension in force began (`status_reason` then holds its reason). A
    # suspension outlives the expiry date: a certification suspended when it expires is expired
    # with its suspension still on record, and stays so until the suspension is lifted
    # (docs/domain.md#complaints-and-discipline). Cleared only by lifting it.
    suspended_on = models.DateField(null=True, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField()
    # The first day of the current CE cycle: the issue date, or the day the latest renewal or
    # reinstatement was granted (continuing_ed.rules.cycle_bounds; docs/domain.md#renewal).
    cycle_started_on = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder"],
                condition=~Q(status__in=TERMINAL_CERTIFICATION_STATUSES),
                name="certification_one_live_per_person",
            ),
            models.CheckConstraint(
                condition=Q(status__in=CertificationStatus.values),
                name="certification_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")),
                name="certification_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=~Q(status="suspended") | Q(suspended_on__isnull=False),
                name="certification_suspended_has_date",
            ),
            models.CheckConstraint(
                condition=Q(cycle_started_on__gte=models.F("issued_on"))
                & Q(cycle_started_on__lte=models.F("expires_on")),
                name="certification_cycle_inside_validity",
            ),
        ]
        indexes = [
            # Covering: the county dashboard's counts by status and of those expiring soon
            # (the access layer's "own or my county" condition reads holder_id) are answered
            # from the index alone.
            models.Index(
                fields=["issuing_county", "status"],
                include=["holder", "expires_on"],
                name="certification_county_cover_idx",
            ),
            models.Index(
                fields=["status", "expires_on"],
                include=["id"],
                name="certification_expiry_cover_idx",
            ),
            models.Index(fields=["last_name", "first_name"], name="certification_name_idx"),
            # The county roster's order (workspace/views/roster.py): a page of the largest
            # county is the next 25 entries of this index, whatever the county's size, and
            # a deep page skips entries of the index alone (covering: id, and holder_id for
            # the access layer's "own or my county" condition).
            models.Index(
                fields=["issuing_county", "last_name", "first_name", "number"],
                include=["id", "holder"],
                name="certification_roster_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class CertificationSpecialization(models.Model):
    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="specializations"
    )
    # The area's code (`training.SpecializationArea`, data an operator extends).
    code = models.CharField(max_length=30)
    added_on = models.DateField()
    training_record = models.ForeignKey(
        "training.TrainingRecord", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "code"], name="specialization_once_per_certification"
            ),
        ]

    def __str__(self) -> str:
        return self.get_code_display()

    def get_code_display(self) -> str:
        """The area's name in the active language (`training.selectors`)."""
        from training.selectors import specialization_area_label

        return specialization_area_label(self.code)


class RenewalKind(models.TextChoices):
    RENEWAL = "renewal", _("Renewal")
    LATE_RENEWAL = "late_renewal", _("Late renewal")
    REINSTATEMENT = "reinstatement", _("Reinstatement")


class Renewal(models.Model):
    """One renewal (on time or late) or reinstatement of a certification: the cycle it
    closes, the verified CE logged in it (counted and shown; a renewal rests on the holder's
    attestation, `attested_at`), the ethics re-affirmation, and the new expiry date."""

    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="renewals"
    )
    kind = models.CharField(max_length=15, choices=RenewalKind.choices, default="renewal")
    cycle_start = models.DateField()
    cycle_end = models.DateField()
    ce_total_hours = models.DecimalField(max_digits=6, decimal_places=2)
    ce_law_and_ethics_hours = models.DecimalField(max_digits=6, decimal_places=2)
    ethics_version = models.ForeignKey(
        CodeOfEthicsVersion, on_delete=models.PROTECT, related_name="+"
    )
    ethics_affirmed_at = models.DateTimeField()
    # When the holder attested to the cycle's CE hours and to keeping the records 2 years
    # (a renewal or late renewal); empty for a reinstatement, which needs verified CE, and for
    # renewals granted on verified CE before attestation.
    attested_at = models.DateTimeField(null=True, blank=True)
    previous_expires_on = models.DateField()
    new_expires_on = models.DateField()
    fee_cents = models.PositiveIntegerField(default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "previous_expires_on"], name="renewal_once_per_cycle"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RenewalKind.values), name="renewal_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(new_expires_on__gt=models.F("previous_expires_on")),
                name="renewal_extends_expiry",
            ),
            models.CheckConstraint(
                condition=Q(cycle_end__gte=models.F("cycle_start")),
                name="renewal_cycle_ordered",
            ),
            models.CheckConstraint(
                condition=Q(ce_law_and_ethics_hours__gte=0)
                & Q(ce_total_hours__gte=models.F("ce_law_and_ethics_hours")),
                name="renewal_ce_hours_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.certification} to {self.new_expires_on}"


class RenewalReminder(models.Model):
    """A renewal reminder claimed for one certification, cycle (`expires_on`) and threshold
    (`days_before`). The expiry scan inserts these rows before sending, with
    `ON CONFLICT DO NOTHING`, and emails only for rows it inserted: each reminder goes out
    once per cycle even when two scans run at the same time or one is re-run. When a scan
    catches up on several thresholds at once, all of them are claimed but only the most
    urgent is emailed (`emailed`)."""

    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="renewal_reminders"
    )
    expires_on = models.DateField(help_text=_("The expiry date of the cycle reminded about."))
    days_before = models.PositiveSmallIntegerField()
    emailed = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["certification", "expires_on", "-days_before"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "expires_on", "days_before"],
                name="renewal_reminder_once_per_cycle",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certification} {self.days_before} days before {self.expires_on}"


class CertificateKind(models.TextChoices):
    WALL = "wall", _("Wall certificate")
    WALLET = "wallet", _("Wallet card")


def certificate_upload_to(instance: "CertificateFile", filename: str) -> str:
    """A random name outside the static tree: certificates are served through access checks."""
    return f"certificates/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class CertificateFile(models.Model):
    """A rendered certificate PDF. `content_hash` identifies the certificate's visible state
    (name, number, county, dates, specializations, status, layout version): rendering the same
    state again stores nothing new."""

    certification = models.ForeignKey(
        Certification, on_delete=models.PROTECT, related_name="certificate_files"
    )
    kind = models.CharField(max_length=10, choices=CertificateKind.choices)
    content_hash = models.CharField(max_length=64)
    file = models.FileField(upload_to=certificate_upload_to, max_length=255)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["certification", "kind", "content_hash"],
                name="certificate_file_once_per_state",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CertificateKind.values), name="certificate_file_kind_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["certification", "kind", "created_at"], name="certificate_file_latest_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.certification} ({self.content_hash[:12]})"
