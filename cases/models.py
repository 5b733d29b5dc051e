"""Complaint cases (docs/domain.md#complaints-and-cases): a complaint, phone call, letter or
confirmed exclusion match that the handling county program (or state staff) investigates,
with its deadlines and a timeline of everything that happened."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import rules


class CaseSource(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    PHONE_LETTER = "phone_letter", _("Phone call or letter")
    EXCLUSION_MATCH = "exclusion_match", _("Exclusion list match")


class CaseCategory(models.TextChoices):
    """The Code of Ethics principles a complaint may concern (DOMAIN.md, "Code of Ethics"),
    grouped, plus fraud in an application and an exclusion from federal or Medi-Cal
    programs."""

    BOUNDARIES = "boundaries", _("Professional boundaries, coercion or imposed values")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality")
    RESPECT = "respect", _("Respect, dignity and cultural responsiveness")
    INTEGRITY = "integrity", _("Integrity and honesty")
    SAFETY = "safety", _("Safety and protection")
    OTHER_ETHICS = "other_ethics", _("Another Code of Ethics principle")
    APPLICATION_FRAUD = "application_fraud", _("Fraud in an application")
    EXCLUSION = "exclusion", _("Excluded from federal or Medi-Cal programs")


class CaseStage(models.TextChoices):
    INTAKE = rules.INTAKE, _("Intake")
    INVESTIGATION = rules.INVESTIGATION, _("Investigation")
    FINDINGS = rules.FINDINGS, _("Findings")
    DECISION = rules.DECISION, _("Decision")
    CLOSED = rules.CLOSED, _("Closed")


class Case(models.Model):
    """One case. `county` is the program that handles it (the county that certified the
    peer); null means state staff handle it. `source_ref` names what opened it when that is a
    record of ours (e.g. "exclusion_match:12"): one case per such record."""

    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certification = models.ForeignKey(
        "certification.Certification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_name = models.CharField(_("subject's name"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=CaseSource.choices)
    source_ref = models.CharField(max_length=80, blank=True)
    category = models.CharField(_("category"), max_length=30, choices=CaseCategory.choices)
    summary = models.TextField(_("summary"))
    stage = models.CharField(
        _("stage"), max_length=15, choices=CaseStage.choices, default=CaseStage.INTAKE
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"))
    acknowledgement_due = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolution_due = models.DateField()
    extension_reason = models.TextField(blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["resolution_due", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_ref"], condition=~Q(source_ref=""), name="case_one_per_source"
            ),
            models.CheckConstraint(
                condition=Q(stage__in=CaseStage.values), name="case_stage_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=CaseSource.values), name="case_source_valid"
            ),
            models.CheckConstraint(
                condition=Q(certification__isnull=False)
                | Q(subject__isnull=False)
                | ~Q(subject_name=""),
                name="case_has_subject",
            ),
            models.CheckConstraint(
                condition=Q(extended_at__isnull=True) | ~Q(extension_reason=""),
                name="case_extension_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["county", "stage"], name="case_county_stage_idx")]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.stage})"

    @property
    def is_closed(self) -> bool:
        return self.stage == CaseStage.CLOSED


class CaseEvent(models.Model):
    """One line of a case's timeline (append-only)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20)
    from_stage = models.CharField(max_length=15, blank=True)
    to_stage = models.CharField(max_length=15, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class DecisionOutcome(models.TextChoices):
    """What a case decides (DOMAIN.md, "Complaints and discipline"; issue 14 item 4)."""

    DISMISSED = rules.DISMISSED, _("Dismissed")
    WARNING = rules.WARNING, _("Letter of warning")
    CORRECTIVE_ACTION = rules.CORRECTIVE_ACTION, _("Corrective action")
    SUSPENSION = rules.SUSPENSION, _("Suspension")
    REVOCATION = rules.REVOCATION, _("Revocation")


CERTIFICATION_OUTCOMES = rules.CERTIFICATION_OUTCOMES


class Disclosure(models.TextChoices):
    """What the public registry shows of a decision, chosen per decision (default: the action
    and its date only). A dismissal is never public."""

    NONE = rules.DISCLOSE_NONE, _("Nothing (not public)")
    ACTION = rules.DISCLOSE_ACTION, _("The action and its effective date")
    SUMMARY = rules.DISCLOSE_SUMMARY, _("The action, its effective date and the public summary")


class CaseDecision(models.Model):
    """The decision of a case, with its written findings (private to the handling program) and
    what the public may know of it (`disclosure`, `public_summary`). A case has one live
    decision, or more when a corrective action was missed and a further decision followed.

    Corrective action: `required_hours` of CE (of which `required_law_and_ethics_hours`)
    completed and verified from the decision through `due_on`; the daily scan marks it met or
    overdue (`met_at`, `overdue_at`). Suspension: until `suspended_until` (the daily scan ends
    it that day) or until `suspension_conditions` are met (staff lift it). `rescinded_at`: an
    appeal overturned it (its public notice is withdrawn)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certification = models.ForeignKey(
        "certification.Certification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    findings = models.TextField(_("findings"))
    effective_on = models.DateField(_("effective date"))
    required_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    required_law_and_ethics_hours = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    due_on = models.DateField(_("deadline"), null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateField(_("suspended until"), null=True, blank=True)
    suspension_conditions = models.TextField(_("conditions to lift the suspension"), blank=True)
    suspension_ended_at = models.DateTimeField(null=True, blank=True)
    disclosure = models.CharField(
        _("what the public registry shows"),
        max_length=10,
        choices=Disclosure.choices,
        default=Disclosure.ACTION,
    )
    public_summary = models.TextField(_("public summary"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    rescinded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=DecisionOutcome.values), name="casedecision_outcome_valid"
            ),
            models.CheckConstraint(
                condition=Q(disclosure__in=Disclosure.values),
                name="casedecision_disclosure_valid",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=DecisionOutcome.DISMISSED) | Q(disclosure=Disclosure.NONE),
                name="casedecision_dismissal_private",
            ),
            models.CheckConstraint(
                condition=~Q(disclosure=Disclosure.SUMMARY) | ~Q(public_summary=""),
                name="casedecision_summary_written",
            ),
            models.CheckConstraint(
                condition=~Q(outcome__in=CERTIFICATION_OUTCOMES) | Q(certification__isnull=False),
                name="casedecision_acts_on_certification",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=DecisionOutcome.CORRECTIVE_ACTION)
                | Q(
                    required_hours__gt=0,
                    required_law_and_ethics_hours__gte=0,
                    required_hours__gte=models.F("required_law_and_ethics_hours"),
                    due_on__isnull=False,
                ),
                name="casedecision_corrective_complete",
            ),
            models.CheckConstraint(
                condition=~Q(outcome=DecisionOutcome.SUSPENSION)
                | Q(suspended_until__isnull=False)
                | ~Q(suspension_conditions=""),
                name="casedecision_suspension_has_end",
            ),
        ]
        indexes = [
            models.Index(
                fields=["due_on"],
                condition=Q(
                    outcome="corrective_action",
                    met_at__isnull=True,
                    overdue_at__isnull=True,
                    rescinded_at__isnull=True,
                ),
                name="casedecision_corrective_idx",
            ),
            models.Index(
                fields=["suspended_until"],
                condition=Q(
                    outcome="suspension",
                    suspension_ended_at__isnull=True,
                    rescinded_at__isnull=True,
                    suspended_until__isnull=False,
                ),
                name="casedecision_suspension_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Case {self.case_id}: {self.outcome}"


class PublicNotice(models.Model):
    """What the public registry shows of a decision (the verify page and API, employers'
    watchlists and roster rows): the action, its effective date and, when the program chose
    to publish it, the short public summary staff wrote. Never the complaint, the findings or
    the complainant. Public by design (read by anyone); written only by `cases.services`.
    `ended_on`: the day a suspension ended; `withdrawn_at`: an appeal overturned the decision
    (no longer shown)."""

    decision = models.OneToOneField(
        CaseDecision, on_delete=models.PROTECT, related_name="public_notice"
    )
    certification = models.ForeignKey(
        "certification.Certification", on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=20, choices=DecisionOutcome.choices)
    effective_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    published_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-effective_on", "-pk"]
        indexes = [
            models.Index(
                fields=["certification", "effective_on"],
                condition=Q(withdrawn_at__isnull=True),
                name="publicnotice_cert_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action=DecisionOutcome.DISMISSED), name="publicnotice_not_dismissal"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certification_id} {self.action} {self.effective_on}"


class AppealKind(models.TextChoices):
    """What a person may appeal (DOMAIN.md, "Complaints and discipline"; issue 14 item 5)."""

    DENIAL = "denial", _("Denied application")
    SUSPENSION = "suspension", _("Suspension")
    REVOCATION = "revocation", _("Revocation")
    RENEWAL_REFUSAL = "renewal_refusal", _("Refused renewal")
    REINSTATEMENT_REFUSAL = "reinstatement_refusal", _("Refused reinstatement")
    CASE_DECISION = "case_decision", _("Case decision")


class AppealStatus(models.TextChoices):
    FILED = "filed", _("Waiting for a decision")
    UPHELD = "upheld", _("Decision upheld")
    OVERTURNED = "overturned", _("Decision overturned")
    MODIFIED = "modified", _("Decision modified")


class Appeal(models.Model):
    """A person's appeal of a decision about them (`cases.services.appeals`). `county` is the
    program that took the decision (null: state staff). `decision_ref` names the decision
    appealed (e.g. "audit:42", the audit event of a denial, suspension or revocation; or
    "case:7"): one appeal per decision. `decision_by` took the decision and may not decide the
    appeal."""

    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("what is appealed"), max_length=25, choices=AppealKind.choices)
    application = models.ForeignKey(
        "certification.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certification = models.ForeignKey(
        "certification.Certification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    decision_ref = models.CharField(max_length=80)
    decision_on = models.DateField(_("decision date"))
    decision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_summary = models.TextField(_("decision appealed"), blank=True)
    statement = models.TextField(_("statement"))
    status = models.CharField(
        _("status"), max_length=15, choices=AppealStatus.choices, default=AppealStatus.FILED
    )
    filed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome_reason = models.TextField(_("reasons for the outcome"), blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision_ref"], name="appeal_one_per_decision"),
            models.CheckConstraint(
                condition=Q(kind__in=AppealKind.values), name="appeal_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=AppealStatus.values), name="appeal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=AppealStatus.FILED)
                | (Q(decided_at__isnull=False) & ~Q(outcome_reason="")),
                name="appeal_decided_with_reasons",
            ),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(decision_by__isnull=True)
                | ~Q(decided_by=models.F("decision_by")),
                name="appeal_decided_by_another",
            ),
        ]
        indexes = [models.Index(fields=["county", "status"], name="appeal_county_status_idx")]

    def __str__(self) -> str:
        return f"Appeal {self.pk} ({self.kind}, {self.status})"

    @property
    def is_open(self) -> bool:
        return self.status == AppealStatus.FILED


class AppealDocument(models.Model):
    """A document the appellant filed with the appeal (their own upload, checked like every
    document)."""

    appeal = models.ForeignKey(Appeal, on_delete=models.PROTECT, related_name="documents")
    document = models.ForeignKey("documents.Document", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appeal", "document"], name="appeal_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.appeal_id} {self.document_id}"


class ComplaintSubjectKind(models.TextChoices):
    PEER = "peer", _("A certified peer support specialist")
    APPLICANT = "applicant", _("Someone applying for certification")
    PROVIDER = "provider", _("A training provider")


class Complaint(models.Model):
    """What a complainant told us (`cases.services.complaints`): the public form, or staff
    recording a phone call or letter. One per case (a complaint opens its case); `county`
    mirrors the case's for row-level security. The complainant's contact details are for the
    program's staff only: never shown to the subject, never public."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="complaint")
    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    subject_kind = models.CharField(
        _("who the complaint is about"), max_length=10, choices=ComplaintSubjectKind.choices
    )
    subject_number = models.CharField(_("certification number given"), max_length=40, blank=True)
    incident_on = models.DateField(_("date of the incident"), null=True, blank=True)
    out_of_time = models.BooleanField(default=False)
    out_of_time_reason = models.TextField(blank=True)
    complainant_name = models.CharField(_("complainant's name"), max_length=200, blank=True)
    complainant_email = models.EmailField(_("complainant's email"), max_length=254, blank=True)
    complainant_phone = models.CharField(_("complainant's phone"), max_length=40, blank=True)
    language = models.CharField(max_length=10, default="en")
    acknowledgement_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject_kind__in=ComplaintSubjectKind.values),
                name="complaint_subject_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(out_of_time=False) | ~Q(out_of_time_reason=""),
                name="complaint_out_of_time_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseDocumentKind(models.TextChoices):
    COMPLAINT = "complaint", _("Sent with the complaint")
    EVIDENCE = "evidence", _("Evidence")
    RESPONSE = "response", _("Sent with the peer's response")


def case_document_upload_to(instance: "CaseDocument", filename: str) -> str:
    """A random name outside the static tree; the original name is kept in the row only."""
    return f"cases/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class CaseDocument(models.Model):
    """A file on a case: an attachment of the complaint, evidence staff add, or what the peer
    sends with their response. Checked like every upload (`documents.uploads`), stored under
    a random name, served only to the case's staff (the peer also their own). Never
    deleted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="documents")
    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=CaseDocumentKind.choices)
    response_request = models.ForeignKey(
        "cases.CaseResponseRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    file = models.FileField(upload_to=case_document_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="case_document_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=CaseDocumentKind.values), name="case_document_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(content_type__in=["application/pdf", "image/jpeg", "image/png"]),
                name="case_document_content_type_allowed",
            ),
            models.CheckConstraint(
                condition=~Q(kind="response") | Q(response_request__isnull=False),
                name="case_document_response_has_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.original_name}"


class CaseResponseRequest(models.Model):
    """A request to the peer a case is about for their response, by a due date
    (`cases.services.responses`). The peer reads it and answers in the portal; it carries
    what the peer may know (the category and staff's message), never the complainant."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="response_requests")
    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    peer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=30, choices=CaseCategory.choices)
    message = models.TextField(_("message to the peer"))
    due_on = models.DateField(_("response due"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    response_text = models.TextField(_("response"), blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(responded_at__isnull=True),
                name="case_one_open_response_request",
            ),
            models.CheckConstraint(
                condition=Q(responded_at__isnull=True) | ~Q(response_text=""),
                name="case_response_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"Response request {self.pk} on case {self.case_id}"


class CaseDeadlineNotice(models.Model):
    """One email the daily deadline scan sent about a case (`cases.services.deadlines`): a
    warning before the acknowledgement or resolution deadline, or the notice that it passed.
    Unique per case, deadline, kind and due date: each is sent once (a re-run or a retried
    task finds the row); an extended resolution deadline is a new due date."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey(
        "counties.County", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.CharField(max_length=15)
    kind = models.CharField(max_length=10)
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "deadline", "kind", "due_on"], name="case_deadline_notice_once"
            ),
            models.CheckConstraint(
                condition=Q(deadline__in=("acknowledgement", "resolution"))
                & Q(kind__in=("warning", "overdue")),
                name="case_deadline_notice_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.deadline} {self.kind} {self.due_on}"
