"""Counties (the tenants), county staff, delivery-system opt-in with history and the
operator-editable program policy."""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import policy
from core.rls import rls_context


class County(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)
    fips = models.CharField(
        _("FIPS code"), max_length=5, unique=True, validators=[RegexValidator(r"^06\d{3}$")]
    )
    # How applicants and peers reach the county's certification program: public facts, kept
    # by the county's administrators in the workspace (`counties.services.county_contact_update`)
    # and shown wherever the product says "contact your program" (`county_contact` tag).
    contact_email = models.EmailField(_("email address"), blank=True)
    contact_phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact_address = models.TextField(_("postal address"), max_length=400, blank=True)
    contact_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    contact_hours_es = models.CharField(_("office hours in Spanish"), max_length=200, blank=True)
    contact_url = models.URLField(_("web page"), max_length=300, blank=True)
    # How to pay the program's fees (address, office hours, accepted methods), in the county's
    # words, shown on the fee pages and in fee emails (`payment_instructions` tag); empty: a
    # default built from the contact details above. Spanish readers read the Spanish text
    # when the county wrote one.
    payment_instructions = models.TextField(_("how to pay"), max_length=1500, blank=True)
    payment_instructions_es = models.TextField(
        _("how to pay, in Spanish"), max_length=1500, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("counties")
        constraints = [
            models.CheckConstraint(
                condition=Q(fips__regex=r"^06[0-9]{3}$"), name="county_fips_five_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def has_contact(self) -> bool:
        return any(getattr(self, name) for name in COUNTY_CONTACT_FIELDS if name[:8] == "contact_")


# The program details a county administrator edits: the contact details (`County.contact_*`,
# the first six) and how to pay (`County.payment_instructions*`).
COUNTY_CONTACT_FIELDS = (
    "contact_email",
    "contact_phone",
    "contact_address",
    "contact_hours",
    "contact_hours_es",
    "contact_url",
    "payment_instructions",
    "payment_instructions_es",
)


class StaffRole(models.TextChoices):
    REVIEWER = "reviewer", _("Reviewer")
    ADMIN = "admin", _("Administrator")


class CountyMembership(models.Model):
    """A staff member's role in one county. An agency that certifies for several counties is
    staff with several memberships."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="county_memberships"
    )
    county = models.ForeignKey(County, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=10, choices=StaffRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "county"], name="membership_once_per_county"),
            models.CheckConstraint(
                condition=Q(role__in=StaffRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.county} ({self.role})"


class DeliverySystem(models.TextChoices):
    SMHS = "smhs", _("Specialty Mental Health Services")
    DMC_ODS = "dmc_ods", _("Drug Medi-Cal Organized Delivery System")
    DMC = "dmc", _("Drug Medi-Cal State Plan")


@pghistory.track()
class OptInPeriod(models.Model):
    """One period of a county's opt-in status for one delivery system.

    History is kept: a change closes the open period (sets `effective_to`) and opens a new one;
    nothing is overwritten. At most one open period per county and delivery system.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="opt_in_periods")
    delivery_system = models.CharField(max_length=10, choices=DeliverySystem.choices)
    opted_in = models.BooleanField()
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["county", "delivery_system", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "delivery_system"],
                condition=Q(effective_to__isnull=True),
                name="optin_one_open_period",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True)
                | Q(effective_to__gte=models.F("effective_from")),
                name="optin_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(delivery_system__in=DeliverySystem.values),
                name="optin_delivery_system_valid",
            ),
        ]

    def __str__(self) -> str:
        state = "in" if self.opted_in else "out"
        return f"{self.county} {self.delivery_system} {state} from {self.effective_from}"


class ProgramPolicy(models.Model):
    """Values a program may set itself, editable by operators in the Django admin.

    A single row (pk=1). Fixed rules from statute live in `core.policy`.
    """

    reminder_days = ArrayField(
        models.PositiveSmallIntegerField(),
        default=list,
        help_text=_("Days before expiry at which renewal reminders are sent (our choice)."),
    )
    exam_min_wait_days = models.PositiveSmallIntegerField(
        default=policy.DEFAULT_EXAM_MIN_WAIT_DAYS,
        help_text=_("Minimum days between exam attempts (not published: our choice)."),
    )
    exam_result_grace_days = models.PositiveSmallIntegerField(
        default=policy.DEFAULT_EXAM_RESULT_GRACE_DAYS,
        help_text=_(
            "Days after an application's 12-month window during which the result of an exam "
            "taken inside the window may still be recorded or imported (our choice)."
        ),
    )
    ce_audit_sample_percent = models.PositiveSmallIntegerField(
        default=policy.DEFAULT_CE_AUDIT_SAMPLE_PERCENT,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    ce_audit_makeup_days = models.PositiveSmallIntegerField(
        _("days to make up CE hours after a failed audit"),
        default=policy.DEFAULT_CE_AUDIT_MAKEUP_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "The default deadline a county gives when it requires the missing hours after a "
            "failed CE audit (our choice)."
        ),
    )
    late_renewal_limit_months = models.PositiveSmallIntegerField(
        _("late renewal period (months after expiry)"),
        default=policy.DEFAULT_LATE_RENEWAL_LIMIT_MONTHS,
        # Below the 4-year vacate date (VACATE_AFTER_EXPIRY_YEARS), so reinstatement remains.
        validators=[MinValueValidator(0), MaxValueValidator(47)],
        help_text=_(
            "After its expiry date a certification may be renewed late, with the late fee, for "
            "this many months; after that only reinstatement remains (DHCS FAQ; the limit is "
            "our choice)."
        ),
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("days to file an appeal"),
        default=policy.DEFAULT_APPEAL_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_(
            "A person may appeal a denial, suspension, revocation, refused renewal or "
            "reinstatement, or case decision for this many days after it (our choice)."
        ),
    )
    case_upload_max_files = models.PositiveSmallIntegerField(
        _("files per complaint or response"),
        default=policy.DEFAULT_CASE_UPLOAD_MAX_FILES,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_(
            "How many files a complainant may attach to a complaint, and a peer to a response "
            "(each at most the upload size limit; our choice)."
        ),
    )
    case_response_days = models.PositiveSmallIntegerField(
        _("days for a peer's response to a complaint"),
        default=policy.DEFAULT_CASE_RESPONSE_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_(
            "The due date staff are offered when they ask a peer for their response to a "
            "complaint (our choice)."
        ),
    )
    fee_application_cents = models.PositiveIntegerField(
        default=policy.DEFAULT_FEE_APPLICATION_CENTS
    )
    fee_exam_cents = models.PositiveIntegerField(default=policy.DEFAULT_FEE_EXAM_CENTS)
    fee_renewal_cents = models.PositiveIntegerField(default=policy.DEFAULT_FEE_RENEWAL_CENTS)
    fee_reinstatement_cents = models.PositiveIntegerField(
        default=policy.DEFAULT_FEE_REINSTATEMENT_CENTS
    )
    fee_late_cents = models.PositiveIntegerField(
        default=policy.DEFAULT_FEE_LATE_CENTS,
        help_text=_("The late renewal fee, in cents (not published: our choice)."),
    )
    unpaid_fees_hold_exam = models.BooleanField(
        _("the exam waits for the application fee"),
        default=policy.DEFAULT_UNPAID_FEES_HOLD_EXAM,
        help_text=_(
            "A candidate is authorized to sit the exam only once the application fee is paid "
            "or waived (our choice, on by default)."
        ),
    )
    unpaid_fees_hold_renewal = models.BooleanField(
        _("renewal waits for earlier fees"),
        default=policy.DEFAULT_UNPAID_FEES_HOLD_RENEWAL,
        help_text=_(
            "A certification is renewed or reinstated only once the fees owed on it before (its "
            "application's and earlier renewals') are paid or waived (our choice, on by "
            "default)."
        ),
    )
    # The certification exam as the applicant books it (docs/domain.md#exam): shown on the
    # applicant's next step once they may sit the exam, and in the approval email.
    exam_vendor_name = models.CharField(
        _("exam vendor"), max_length=100, blank=True, default=policy.DEFAULT_EXAM_VENDOR_NAME
    )
    exam_booking_url = models.URLField(
        _("exam booking page"),
        max_length=300,
        blank=True,
        default=policy.DEFAULT_EXAM_BOOKING_URL,
        help_text=_("Where candidates book (and reschedule) the exam."),
    )
    exam_vendor_phone = models.CharField(
        _("exam vendor phone"),
        max_length=40,
        blank=True,
        help_text=_("Shown to candidates when set."),
    )
    exam_what_to_bring = models.TextField(
        _("what to bring to the exam"),
        blank=True,
        help_text=_("Empty: the product's standard wording (ID, arriving early, online set-up)."),
    )
    exam_what_to_bring_es = models.TextField(
        _("what to bring to the exam, in Spanish"),
        blank=True,
        help_text=_("Shown to Spanish readers; empty: the product's standard Spanish wording."),
    )
    exam_accommodation_notice_days = models.PositiveSmallIntegerField(
        _("notice for exam accommodations (days)"),
        default=policy.DEFAULT_EXAM_ACCOMMODATION_NOTICE_DAYS,
        help_text=_(
            "Accommodation requests need at least this many days' notice "
            "(capeercertification.org/certification-exam/: 30)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("program policy")
        verbose_name_plural = _("program policy")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="program_policy_singleton")]

    def __str__(self) -> str:
        return "Program policy"

    @classmethod
    def current(cls) -> "ProgramPolicy":
        try:
            return cls.objects.get(pk=1)
        except cls.DoesNotExist:
            # The first use writes the defaults, as the system: behind row-level security
            # only operators and the system write the policy.
            with rls_context(system=True, savepoint=False):
                obj, _created = cls.objects.get_or_create(
                    pk=1, defaults={"reminder_days": list(policy.DEFAULT_REMINDER_DAYS)}
                )
            return obj


class StaffInvitation(models.Model):
    """An invitation for someone to join a county's staff (`counties.services.invitations`).

    The link sent by email carries a random token; only its SHA-256 hash is stored. Accepting
    it adds the membership; at most one pending invitation per county and email address.
    """

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="staff_invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=StaffRole.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                "county",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
            models.CheckConstraint(
                condition=Q(role__in=StaffRole.values), name="invitation_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.county} ({self.role})"
