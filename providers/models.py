"""Training and CE providers as users of the system (issue 15): the provider organisations, their
staff, the approval cycles the program opens, the applications providers file in them, and the
approvals that follow (docs/domain.md#providers).

A provider organisation stands beside the `training.TrainingProvider` row that training
records name (one each); a course approval points at that row too, so that the training rule
"provider approved on the completion date" (`training.rules.provider_approved_on`) reads the
approvals through the reverse relation `TrainingProvider.course_approvals`, without importing
this app.
"""

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import policy


class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE_LIVE = "online_live", _("Online, live")
    SELF_PACED = "self_paced", _("Online, self-paced")


class CourseLanguage(models.TextChoices):
    """Languages a course is taught in: English, Spanish and the other threshold languages of
    California's Medi-Cal plans (DHCS, threshold and concentration languages)."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    CHINESE = "zh", _("Chinese")
    VIETNAMESE = "vi", _("Vietnamese")
    TAGALOG = "tl", _("Tagalog")
    KOREAN = "ko", _("Korean")
    ARMENIAN = "hy", _("Armenian")
    RUSSIAN = "ru", _("Russian")
    FARSI = "fa", _("Farsi")
    ARABIC = "ar", _("Arabic")
    CAMBODIAN = "km", _("Cambodian")
    HMONG = "hmn", _("Hmong")


class CourseType(models.TextChoices):
    """The kinds of course a provider is approved for: the core 80-hour course, a 40-hour
    course in one area of specialization, or a continuing-education course."""

    CORE = "core_80", _("Core training (80 hours)")
    SPECIALIZATION = "specialization", _("Specialization (40 hours)")
    CE = "ce", _("Continuing education")


class CeCourseCategory(models.TextChoices):
    """The CE categories (the values of `continuing_ed.CeCategory`)."""

    GENERAL = "general", _("General")
    LAW_ETHICS = "law_ethics", _("Law and ethics")


class ProviderOrganisation(models.Model):
    """A training or CE provider as a user of the system: its public profile (contact, the
    counties it serves, its languages and delivery modes) beside the `training.TrainingProvider`
    row that training records name. Its staff are `ProviderMembership` rows."""

    training_provider = models.OneToOneField(
        "training.TrainingProvider",
        on_delete=models.PROTECT,
        related_name="organisation",
        verbose_name=_("listed training provider"),
    )
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    statewide = models.BooleanField(
        _("serves the whole state"),
        default=False,
        help_text=_("Online courses open to learners from every county."),
    )
    counties = models.ManyToManyField(
        "counties.County", blank=True, related_name="+", verbose_name=_("counties served")
    )
    languages = ArrayField(
        models.CharField(max_length=5, choices=CourseLanguage.choices),
        default=list,
        blank=True,
        verbose_name=_("languages"),
    )
    delivery_modes = ArrayField(
        models.CharField(max_length=15, choices=DeliveryMode.choices),
        default=list,
        blank=True,
        verbose_name=_("delivery modes"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["training_provider__name", "id"]
        verbose_name = _("provider organisation")
        verbose_name_plural = _("provider organisations")
        # State staff change nothing by default; an operator gives this permission (through a
        # group such as "Provider reviewers") to those who open the approval cycles and review
        # the providers' applications (docs/domain.md#providers).
        permissions = [
            ("review_providers", _("Can open approval cycles and review provider applications"))
        ]

    def __str__(self) -> str:
        return self.training_provider.name

    @property
    def name(self) -> str:
        return self.training_provider.name


class ProviderRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    MEMBER = "member", _("Staff member")


class ProviderMembership(models.Model):
    """A person on a provider's staff. Administrators manage the staff and the profile; every
    member files applications and reports completions."""

    provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=ProviderRole.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["provider", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "user"], name="provider_membership_once"),
            models.CheckConstraint(
                condition=Q(role__in=ProviderRole.values), name="provider_membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.provider} ({self.role})"


class ProviderInvitation(models.Model):
    """An invitation to a provider's staff, sent by email with a random token (only its
    SHA-256 hash is stored; `accounts.invitations`). At most one pending invitation per
    provider and address."""

    provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=ProviderRole.choices)
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
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "provider",
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="provider_invitation_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.provider}"


class ApprovalCycle(models.Model):
    """A period in which providers may apply for approval of one type of course, opened by state
    staff: the core 80-hour course, one area of specialization (40 hours), or CE courses of one
    category and number of hours. The program's own rhythm is yearly (July for the core and
    specialization courses, January for CE); each cycle's dates are set when it is opened.
    Open from `opens_on` to `closes_on` inclusive, unless closed early (`closed_at`)."""

    course_type = models.CharField(_("course type"), max_length=15, choices=CourseType.choices)
    # The area's code (`training.SpecializationArea.code`) for a specialization cycle.
    area_code = models.CharField(_("area of specialization"), max_length=30, blank=True)
    ce_category = models.CharField(
        _("CE category"), max_length=20, choices=CeCourseCategory.choices, blank=True
    )
    ce_hours = models.DecimalField(
        _("CE hours"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    note = models.TextField(_("note to providers"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # When the staff of every provider were told the cycle opened (once; `providers.tasks`).
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("approval cycle")
        verbose_name_plural = _("approval cycles")
        constraints = [
            models.CheckConstraint(
                condition=Q(course_type__in=CourseType.values), name="approval_cycle_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="approval_cycle_closes_after_opening",
            ),
            # A specialization cycle names its area; a CE cycle its category and hours; the
            # others neither.
            models.CheckConstraint(
                condition=(
                    Q(course_type="core_80", area_code="", ce_category="", ce_hours__isnull=True)
                    | Q(
                        course_type="specialization",
                        ce_category="",
                        ce_hours__isnull=True,
                    )
                    & ~Q(area_code="")
                    | Q(course_type="ce", area_code="", ce_hours__gt=0)
                    & Q(ce_category__in=CeCourseCategory.values)
                ),
                name="approval_cycle_course_details",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_course_type_display()} {self.area_code or self.ce_category} " + (
            f"({self.opens_on} – {self.closes_on})"
        )

    @property
    def course_code(self) -> str:
        """What the approvals of this cycle's courses cover, as training records name courses:
        "core_80", an area's code, or "ce"."""
        return self.area_code if self.course_type == CourseType.SPECIALIZATION else self.course_type


class ProviderCourse(models.Model):
    """A course a provider offers: the core course, a course in one area of specialization or
    a CE course. Applications are filed for it, approvals approve it for a period; completions
    reported by the provider name it and the public course finder lists it while approved. Its
    hours, languages and delivery modes are those of its latest approved application."""

    provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.PROTECT, related_name="courses"
    )
    title = models.CharField(_("course title"), max_length=200)
    course_type = models.CharField(_("course type"), max_length=15, choices=CourseType.choices)
    area_code = models.CharField(_("area of specialization"), max_length=30, blank=True)
    ce_category = models.CharField(
        _("CE category"), max_length=20, choices=CeCourseCategory.choices, blank=True
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    languages = ArrayField(
        models.CharField(max_length=5, choices=CourseLanguage.choices),
        default=list,
        verbose_name=_("languages"),
    )
    delivery_modes = ArrayField(
        models.CharField(max_length=15, choices=DeliveryMode.choices),
        default=list,
        verbose_name=_("delivery modes"),
    )
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["provider", "title", "id"]
        verbose_name = _("provider course")
        verbose_name_plural = _("provider courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(course_type__in=CourseType.values), name="provider_course_type_valid"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="provider_course_hours_positive"),
            models.UniqueConstraint("provider", Lower("title"), name="provider_course_title_once"),
        ]
        indexes = [
            models.Index(fields=["course_type", "area_code"], name="provider_course_type_idx")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.provider})"

    @property
    def course_code(self) -> str:
        """The course as training records name it: "core_80", an area's code, or "ce"."""
        return self.area_code if self.course_type == CourseType.SPECIALIZATION else self.course_type


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted, waiting for review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    DENIED = "denied", _("Denied")
    WITHDRAWN = "withdrawn", _("Withdrawn")


@pghistory.track()
class CourseApplication(models.Model):
    """A provider's application for approval of one course in one open cycle: the course's
    hours, languages and delivery modes as applied for, its curriculum mapped to the core
    competencies (`CompetencyCoverage`), and the application fee due. State staff review it:
    request changes (the provider edits and submits again), approve it for a period (a
    `CourseApproval`) or deny it with reasons. Its field history is kept (pghistory)."""

    provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.PROTECT, related_name="applications"
    )
    course = models.ForeignKey(
        ProviderCourse, on_delete=models.PROTECT, related_name="applications"
    )
    cycle = models.ForeignKey(ApprovalCycle, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(
        _("status"), max_length=20, choices=ApplicationStatus.choices, default="draft"
    )
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    languages = ArrayField(
        models.CharField(max_length=5, choices=CourseLanguage.choices),
        default=list,
        verbose_name=_("languages"),
    )
    delivery_modes = ArrayField(
        models.CharField(max_length=15, choices=DeliveryMode.choices),
        default=list,
        verbose_name=_("delivery modes"),
    )
    # The application fee due, in US cents, fixed when the application is first submitted
    # (`ProviderPolicy`); recorded, not collected, like every fee of the program.
    fee_cents = models.PositiveIntegerField(_("application fee (cents)"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # The reviewer's words: the changes requested, or the reasons for a denial.
    review_note = models.TextField(_("reviewer's note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("course application")
        verbose_name_plural = _("course applications")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ApplicationStatus.values),
                name="course_application_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(hours__gt=0), name="course_application_hours_positive"
            ),
            # One application per course and cycle (a denied course applies again next cycle).
            models.UniqueConstraint(
                fields=["course", "cycle"], name="course_application_once_per_cycle"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="course_application_queue_idx")
        ]

    def __str__(self) -> str:
        return f"{self.course} – {self.cycle} ({self.status})"


class CompetencyCoverage(models.Model):
    """Where an application's curriculum covers one core competency of W&I §14045.13(c)
    (`providers.rules.CORE_COMPETENCIES`): the modules or sessions, in the provider's words,
    and optionally their hours. The core course must cover all of them."""

    application = models.ForeignKey(
        CourseApplication, on_delete=models.CASCADE, related_name="competencies"
    )
    competency = models.CharField(_("competency"), max_length=40)
    curriculum = models.TextField(_("where the curriculum covers it"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "competency"], name="competency_coverage_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency} ({self.application_id})"


@pghistory.track()
class CourseApproval(models.Model):
    """A course approved for a period, from `starts_on` to `ends_on` inclusive (the history of a
    course's approvals is its rows, one per approved application, and each row's field history).
    An approval lapses by itself: after `ends_on` it no longer covers new completions, and
    nothing is changed on the day (reads compare dates). State staff may end it early
    (`withdrawn_on`, with a reason): completions after that day do not count.

    `training_provider` repeats the provider's listed row so that the training rule reads
    the approvals as `TrainingProvider.course_approvals` (`training.rules.provider_approved_on`);
    `course_code` is the course as training records name it ("core_80", an area's code, "ce")."""

    provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.PROTECT, related_name="approvals"
    )
    training_provider = models.ForeignKey(
        "training.TrainingProvider", on_delete=models.PROTECT, related_name="course_approvals"
    )
    course = models.ForeignKey(ProviderCourse, on_delete=models.PROTECT, related_name="approvals")
    application = models.OneToOneField(
        CourseApplication,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval",
    )
    course_code = models.CharField(_("course"), max_length=30)
    starts_on = models.DateField(_("approved from"))
    ends_on = models.DateField(_("approved until"))
    withdrawn_on = models.DateField(_("withdrawn from"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the provider's staff were told the approval ends soon (once; `providers.tasks`).
    lapse_notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("course approval")
        verbose_name_plural = _("course approvals")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="course_approval_ends_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["training_provider", "course_code"], name="course_approval_idx"),
            models.Index(fields=["ends_on"], name="course_approval_ends_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.starts_on} – {self.ends_on}"

    def covers(self, on, course_code: str | None = None) -> bool:
        """Whether this approval covers a completion on `on` (of `course_code`, when given)."""
        if course_code is not None and course_code != self.course_code:
            return False
        if on < self.starts_on or on > self.ends_on:
            return False
        return self.withdrawn_on is None or on < self.withdrawn_on


class ProviderPolicy(models.Model):
    """Values of the provider approval process the program sets itself (our choices), edited
    by operators in the Django admin. A single row (pk=1, `providers.selectors.provider_policy`)."""

    approval_months = models.PositiveSmallIntegerField(
        _("approval period (months)"),
        default=24,
        help_text=_(
            "How long an approval lasts unless the reviewer sets other dates (our choice)."
        ),
    )
    lapse_notice_days = models.PositiveSmallIntegerField(
        _("days before an approval ends to tell the provider"),
        default=60,
        help_text=_("The provider's staff are emailed once, this many days before (our choice)."),
    )
    core_fee_cents = models.PositiveIntegerField(
        _("application fee, core course (cents)"), default=0
    )
    specialization_fee_cents = models.PositiveIntegerField(
        _("application fee, specialization course (cents)"), default=0
    )
    ce_fee_cents = models.PositiveIntegerField(_("application fee, CE course (cents)"), default=0)
    invitation_days = models.PositiveSmallIntegerField(
        _("days a staff invitation stays valid"), default=14
    )
    # Who providers write to about their approvals: named in every provider email and on the
    # provider pages. The defaults are the certifying entity's published peer certification
    # contact (core.policy.DEFAULT_PROVIDER_CONTACT_*); an operator changes them here.
    contact_email = models.EmailField(
        _("provider approvals contact email"),
        blank=True,
        default=policy.DEFAULT_PROVIDER_CONTACT_EMAIL,
    )
    contact_phone = models.CharField(
        _("provider approvals contact phone"),
        max_length=40,
        blank=True,
        default=policy.DEFAULT_PROVIDER_CONTACT_PHONE,
    )
    contact_url = models.URLField(
        _("provider approvals web page"),
        max_length=300,
        blank=True,
        default=policy.DEFAULT_PROVIDER_CONTACT_URL,
        help_text=_("The program's page for training providers."),
    )
    outcomes_min_group = models.PositiveSmallIntegerField(
        _("smallest group whose outcomes are shown"),
        default=policy.DEFAULT_PROVIDER_OUTCOMES_MIN_GROUP,
        validators=[MinValueValidator(2), MaxValueValidator(1000)],
        help_text=_(
            "A course's exam pass rates are shown only when at least this many of its learners "
            "sat the exam, and its median days to certification only when at least this many "
            "were certified, so that no person can be singled out (our choice)."
        ),
    )

    class Meta:
        verbose_name = _("provider policy")
        verbose_name_plural = _("provider policy")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="provider_policy_single_row"),
        ]

    def __str__(self) -> str:
        return str(_("Provider policy"))

    def fee_cents(self, course_type: str) -> int:
        return {
            CourseType.CORE: self.core_fee_cents,
            CourseType.SPECIALIZATION: self.specialization_fee_cents,
            CourseType.CE: self.ce_fee_cents,
        }[CourseType(course_type)]


class CompletionStatus(models.TextChoices):
    """Where a reported completion stands: waiting for its learner (no account with that email,
    legal name and date of birth yet), attached to the learner's training or CE log, or matched
    but not attached (the record could not count: `Completion.note` says why)."""

    WAITING = "waiting", _("Waiting for the learner")
    ATTACHED = "attached", _("In the learner's record")
    NOT_ATTACHED = "not_attached", _("Matched, not recorded")


class CompletionSource(models.TextChoices):
    UPLOAD = "upload", _("File upload")
    API = "api", _("API")


class Completion(models.Model):
    """A completion of one of its approved courses, reported by the provider (issue 15 item 4):
    the provider's own completion id (unique per provider: reporting it again changes nothing),
    the learner as the provider knows them (email, legal name, date of birth), the course,
    hours and completion date. The course was approved on the completion date (checked when
    reported). When a person with that email, legal name and date of birth has an account, the
    completion becomes a training record or CE credit in their log, verified at source
    (`training_record` or `ce_credit`); until then it waits and attaches itself when they sign
    up or complete their details (`providers.services.completions`). The learner may dispute it
    (`disputed_at`, `dispute_reason`): the provider and the county see the dispute.

    Private: the provider's staff, state staff, the learner once matched and the county staff
    who read the learner's records (`providers.selectors.completions_for`; row-level security in
    `providers.migrations.0006_row_level_security_completions`)."""

    provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.PROTECT, related_name="completions"
    )
    course = models.ForeignKey(ProviderCourse, on_delete=models.PROTECT, related_name="completions")
    completion_id = models.CharField(_("completion id"), max_length=64)
    email = models.EmailField(_("learner's email"))
    legal_first_name = models.CharField(_("legal first name"), max_length=100)
    legal_last_name = models.CharField(_("legal last name"), max_length=100)
    date_of_birth = models.DateField(_("date of birth"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    completed_on = models.DateField(_("completion date"))
    # SHA-256 of the reported values: the same id reported again with other values is refused.
    payload_sha256 = models.CharField(max_length=64)
    source = models.CharField(
        _("reported through"), max_length=10, choices=CompletionSource.choices
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    api_key = models.ForeignKey(
        "ProviderApiKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        _("status"), max_length=15, choices=CompletionStatus.choices, default="waiting"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_completions",
    )
    matched_at = models.DateTimeField(null=True, blank=True)
    training_record = models.OneToOneField(
        "training.TrainingRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="completion",
    )
    ce_credit = models.OneToOneField(
        "continuing_ed.CeCredit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="completion",
    )
    # Why a matched completion was not recorded (NOT_ATTACHED), or why a CE completion waits.
    note = models.TextField(blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    dispute_reason = models.TextField(_("reason for the dispute"), blank=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("reported completion")
        verbose_name_plural = _("reported completions")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "completion_id"], name="completion_id_once_per_provider"
            ),
            models.CheckConstraint(
                condition=Q(status__in=CompletionStatus.values), name="completion_status_valid"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="completion_hours_positive"),
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(person__isnull=False),
                name="completion_matched_has_person",
            ),
            models.CheckConstraint(
                condition=Q(training_record__isnull=True) | Q(ce_credit__isnull=True),
                name="completion_one_record",
            ),
        ]
        indexes = [
            models.Index(Lower("email"), "date_of_birth", name="completion_learner_idx"),
            models.Index(fields=["provider", "-created_at"], name="completion_provider_idx"),
            models.Index(fields=["course", "completed_on"], name="completion_course_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.completion_id} ({self.provider})"


class ProviderApiKey(models.Model):
    """An API key a provider reports completions with (`POST /api/v1/provider/completions/`).
    Only its SHA-256 hash is stored; the key is shown once, when an administrator of the
    provider creates it, and administrators revoke it."""

    provider = models.ForeignKey(
        ProviderOrganisation, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("provider API key")
        verbose_name_plural = _("provider API keys")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.provider})"
