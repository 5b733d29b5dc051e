"""Fees: what each county program charges (`FeeSchedule`) and every fee due on an application,
an exam sitting, a renewal or a reinstatement (`FeeDue`), with its amount
(docs/domain.md#fees); the payments county staff record against a fee (`FeePayment`, with a
receipt; a payment recorded by mistake is voided, `FeePaymentVoid`, never deleted) and the
DHCS-funded renewal fee waivers staff grant a person (`FeeWaiver`).

This app sits below training and exams (docs/architecture.md#layers): the exam service records
the fee of each sitting, the certification services those of applications and renewals. The
rows a fee belongs to live in those apps and are named here only as string foreign keys.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FeeKind(models.TextChoices):
    APPLICATION = "application", _("Application fee")
    EXAM = "exam", _("Exam fee (one sitting)")
    RENEWAL = "renewal", _("Renewal fee")
    LATE = "late", _("Late renewal fee")
    REINSTATEMENT = "reinstatement", _("Reinstatement fee")


# The fees charged on an application (the application itself and each exam sitting) and on a
# renewal row (a renewal, its late fee, a reinstatement).
APPLICATION_FEE_KINDS = (FeeKind.APPLICATION, FeeKind.EXAM)
RENEWAL_FEE_KINDS = (FeeKind.RENEWAL, FeeKind.LATE, FeeKind.REINSTATEMENT)


class FeeSchedule(models.Model):
    """One county program's fees from a date, in US cents. An empty value takes the program's
    default (`counties.ProgramPolicy.fee_*_cents`), so a county sets only what it charges
    differently. A fee falls due at the amounts of the county's latest schedule in force that
    day (`effective_from` on or before it): a change applies from its date and the earlier
    schedules stay, as the history of what the county charged."""

    county = models.ForeignKey(
        "counties.County", on_delete=models.PROTECT, related_name="fee_schedules"
    )
    effective_from = models.DateField(_("in force from"))
    application_cents = models.PositiveIntegerField(
        _("application fee (cents)"), null=True, blank=True
    )
    exam_cents = models.PositiveIntegerField(
        _("exam fee per sitting (cents)"), null=True, blank=True
    )
    renewal_cents = models.PositiveIntegerField(_("renewal fee (cents)"), null=True, blank=True)
    late_cents = models.PositiveIntegerField(_("late renewal fee (cents)"), null=True, blank=True)
    reinstatement_cents = models.PositiveIntegerField(
        _("reinstatement fee (cents)"), null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["county__name", "-effective_from"]
        verbose_name = _("fee schedule")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "effective_from"], name="fee_schedule_one_per_county_date"
            )
        ]

    def __str__(self) -> str:
        return f"Fees of {self.county} from {self.effective_from}"

    def override(self, kind: str) -> int | None:
        """The county's own amount for `kind`, or None when it takes the program's default."""
        return getattr(self, f"{kind}_cents")


class FeeDue(models.Model):
    """One fee a person owes a county program, with the amount due when it fell due.

    Application fees belong to an application; an exam fee to its sitting (and to the
    application of an applicant's sitting; a reinstatement sitting has none);
    renewal, late and reinstatement fees to a renewal row. Never deleted; a later payment or
    waiver (the fees issue) refers to this row.
    """

    county = models.ForeignKey("counties.County", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fees_due"
    )
    kind = models.CharField(_("fee"), max_length=15, choices=FeeKind.choices)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    application = models.ForeignKey(
        "certification.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fees_due",
    )
    exam_attempt = models.OneToOneField(
        "exams.ExamAttempt", null=True, blank=True, on_delete=models.PROTECT, related_name="fee_due"
    )
    renewal = models.ForeignKey(
        "certification.Renewal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fees_due",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("fee due")
        verbose_name_plural = _("fees due")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=FeeKind.values), name="fee_due_kind_valid"),
            # Each fee belongs to exactly what it is charged on.
            models.CheckConstraint(
                condition=(
                    Q(
                        kind=FeeKind.APPLICATION,
                        application__isnull=False,
                        exam_attempt__isnull=True,
                        renewal__isnull=True,
                    )
                    | Q(kind=FeeKind.EXAM, exam_attempt__isnull=False, renewal__isnull=True)
                    | Q(
                        kind__in=RENEWAL_FEE_KINDS,
                        application__isnull=True,
                        exam_attempt__isnull=True,
                        renewal__isnull=False,
                    )
                ),
                name="fee_due_belongs_to_its_kind",
            ),
            # Charged once: one application fee per application, one of each renewal fee per
            # renewal (the exam fee is one per sitting through its one-to-one key).
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(kind=FeeKind.APPLICATION),
                name="fee_due_once_per_application",
            ),
            models.UniqueConstraint(
                fields=["renewal", "kind"],
                condition=Q(renewal__isnull=False),
                name="fee_due_once_per_renewal_kind",
            ),
        ]
        indexes = [models.Index(fields=["county", "created_at"], name="fee_due_county_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount_cents / 100:.2f} ({self.person})"


class PaymentMethod(models.TextChoices):
    CHECK = "check", _("Check")
    MONEY_ORDER = "money_order", _("Money order")
    CASH = "cash", _("Cash")
    CARD = "card", _("Card, taken by the program office")
    TRANSFER = "transfer", _("Electronic transfer")
    OTHER = "other", _("Other")


class FeePayment(models.Model):
    """A payment of (part of) one fee, recorded by the county's staff (`fee_payment_record`):
    online card payment is not offered, people pay the county program. Never changed or
    deleted; the receipt (`fees.receipts`) is rendered from this row. The fee's county and
    person are copied here for the row-level security wall."""

    fee = models.ForeignKey(FeeDue, on_delete=models.PROTECT, related_name="payments")
    county = models.ForeignKey("counties.County", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fee_payments"
    )
    amount_cents = models.PositiveIntegerField(_("amount (cents)"))
    method = models.CharField(_("method"), max_length=15, choices=PaymentMethod.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # The form's one-time token: a double click or a resent form records one payment.
    idempotency_key = models.UUIDField(unique=True, null=True, blank=True, editable=False)

    class Meta:
        ordering = ["paid_on", "id"]
        verbose_name = _("fee payment")
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="fee_payment_positive"),
            models.CheckConstraint(
                condition=Q(method__in=PaymentMethod.values), name="fee_payment_method_valid"
            ),
        ]
        indexes = [models.Index(fields=["county", "paid_on"], name="fee_payment_county_idx")]

    def __str__(self) -> str:
        return f"Payment {self.receipt_number}"

    @property
    def amount(self) -> str:
        """The amount for people to read (as `fees.rules.dollars`)."""
        return f"${self.amount_cents / 100:,.2f}"

    @property
    def is_void(self) -> bool:
        """Whether this payment was voided (`FeePaymentVoid`)."""
        return hasattr(self, "void")

    @property
    def receipt_number(self) -> str:
        """The number printed on the receipt: the year paid and the row's id."""
        return f"R{self.paid_on.year}-{self.pk:06d}"


class FeePaymentVoid(models.Model):
    """A payment recorded by mistake, voided by the county's staff (`fee_payment_void`): the
    payment row stays as it was, never changed or deleted, and this row says who voided it,
    when and why. A voided payment counts as paid or collected nowhere (`fees.selectors`):
    the fee is owed again and its receipt is marked VOID. A payment is voided once (the
    one-to-one key: a double click or a resent form voids once). The payment's county and
    person are copied here for the row-level security wall."""

    payment = models.OneToOneField(FeePayment, on_delete=models.PROTECT, related_name="void")
    county = models.ForeignKey("counties.County", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    voided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-voided_at", "-id"]
        verbose_name = _("voided payment")
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="fee_payment_void_has_reason")
        ]

    def __str__(self) -> str:
        return f"Void of payment {self.payment_id}"


class FeeWaiver(models.Model):
    """A DHCS-funded renewal fee waiver granted to a person by county staff
    (`fee_waiver_grant`). It applies to the person's renewal fee outstanding when granted,
    else to the next one that falls due (`fee`, set once): that fee is then owed at zero."""

    county = models.ForeignKey("counties.County", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fee_waivers"
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    fee = models.OneToOneField(
        FeeDue, null=True, blank=True, on_delete=models.PROTECT, related_name="waiver"
    )
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("renewal fee waiver")
        constraints = [
            # One waiver waiting for a renewal fee per person (granting twice grants once).
            models.UniqueConstraint(
                fields=["person"], condition=Q(fee__isnull=True), name="fee_waiver_one_unused"
            ),
        ]

    def __str__(self) -> str:
        return f"Renewal fee waiver ({self.person})"


class ScholarshipCover(models.TextChoices):
    APPLICATION_AND_EXAM = "application_exam", _("Application and exam fees")
    SPECIALIZATION_COURSE = "specialization_course", _("A specialization course")


class ScholarshipPool(models.Model):
    """Money for scholarships from one source (a DHCS grant, a county fund), for a validity
    window: a number of places, or an amount shared among the people granted. State staff
    administer the pools (docs/domain.md#scholarships): they create them and accept or refuse
    the people the counties nominate."""

    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("funding source"), max_length=300)
    covers = models.CharField(_("covers"), max_length=25, choices=ScholarshipCover.choices)
    places = models.PositiveIntegerField(_("places"), null=True, blank=True)
    amount_cents = models.PositiveIntegerField(_("amount (cents)"), null=True, blank=True)
    opens_on = models.DateField(_("open from"))
    closes_on = models.DateField(_("open until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-opens_on", "name"]
        verbose_name = _("scholarship pool")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(places__isnull=False, places__gt=0, amount_cents__isnull=True)
                    | Q(places__isnull=True, amount_cents__isnull=False, amount_cents__gt=0)
                ),
                name="scholarship_pool_places_or_amount",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")), name="scholarship_pool_window"
            ),
            models.CheckConstraint(
                condition=Q(covers__in=ScholarshipCover.values), name="scholarship_pool_covers"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", _("Nominated, waiting for a decision")
    ACCEPTED = "accepted", _("Accepted: scholarship granted")
    REFUSED = "refused", _("Refused")


class ScholarshipNomination(models.Model):
    """A county's nomination of a person for a place (or an amount) of a pool, then the pool
    administrator's decision. An accepted nomination is the person's scholarship, to be used
    within 12 months of its grant (`fees.rules.scholarship_expires_on`)."""

    pool = models.ForeignKey(ScholarshipPool, on_delete=models.PROTECT, related_name="nominations")
    county = models.ForeignKey("counties.County", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scholarship_nominations"
    )
    reason = models.TextField(_("why this person"))
    amount_cents = models.PositiveIntegerField(_("amount asked (cents)"), null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=NominationStatus.choices, default=NominationStatus.NOMINATED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    granted_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-nominated_at", "-id"]
        verbose_name = _("scholarship nomination")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NominationStatus.values), name="nomination_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=NominationStatus.ACCEPTED, granted_on__isnull=False)
                | (~Q(status=NominationStatus.ACCEPTED) & Q(granted_on__isnull=True)),
                name="nomination_granted_when_accepted",
            ),
            # One open or accepted nomination per person and pool (a double click nominates once).
            models.UniqueConstraint(
                fields=["pool", "person"],
                condition=Q(status__in=["nominated", "accepted"]),
                name="nomination_once_per_pool",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} for {self.pool}"


class ScholarshipUse(models.Model):
    """A scholarship covering (part of) one fee: the application fee or an exam sitting's,
    when it falls due within 12 months of the grant (`fee_due_record`). Never changed."""

    nomination = models.ForeignKey(
        ScholarshipNomination, on_delete=models.PROTECT, related_name="uses"
    )
    fee = models.OneToOneField(FeeDue, on_delete=models.PROTECT, related_name="scholarship_use")
    county = models.ForeignKey("counties.County", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    amount_cents = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("scholarship use")
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="scholarship_use_positive")
        ]

    def __str__(self) -> str:
        return f"Scholarship use on fee {self.fee_id}"
