"""The rows of generated histories (demo/scale/histories.py), as the services would have
written them: the person's user and profile; with `full`, the profile's audit event, core
training (verified), the application with its photo ID and diploma (verified) and the passed
exam; then the certification with its specializations (each from a verified training record)
and its status; every step with its audit event (actor, states, data), dated on its day.

One shortcut, for speed: every generated photo ID and diploma row points at one shared sample
file (stored once per run) instead of a file of its own.
"""

import datetime
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import User
from audit.models import AuditEvent
from certification.models import (
    ApplicantProfile,
    Application,
    Certification,
    CertificationSpecialization,
)
from certification.numbers import NUMBER_PREFIX
from demo.files import id_card_png, simple_pdf
from demo.scale import bulk
from demo.scale.histories import (
    SPECIALIZATION_COMPLETED_BEFORE,
    SPECIALIZATION_VERIFIED_BEFORE,
    History,
)
from documents.models import Document
from exams.models import ExamAttempt
from training.models import TrainingRecord

_DAY = datetime.timedelta(days=1)
_MINUTE = datetime.timedelta(minutes=1)
FIRST_STEP_HOUR = 9
SUSPENSION_REASON = "Suspended while a complaint is investigated."
REVOCATION_REASON = "Revoked after an investigation of a complaint."
PROFILE_SAVE_DATA = json.dumps(
    {
        "created": True,
        "fields": [
            "county_of_residence",
            "date_of_birth",
            "education",
            "education_attested",
            "legal_first_name",
            "legal_last_name",
            "lived_experience",
            "preferred_language",
        ],
    }
)
AUDIT_COLUMNS = (
    "actor_id",
    "verb",
    "object_type",
    "object_id",
    "county_id",
    "subject_id",
    "from_state",
    "to_state",
    "reason",
    "data",
    "created_at",
)


@dataclass(frozen=True)
class SampleFile:
    name: str
    original_name: str
    content_type: str
    size: int
    sha256: str


def store_samples() -> dict[str, SampleFile]:
    """The photo ID and diploma every generated application points at, stored once."""
    samples = {
        "photo_id": (
            id_card_png("California ID Card (sample)", ["Generated for benchmarks", "Not real"]),
            "photo-id.png",
            "image/png",
        ),
        "diploma": (
            simple_pdf("High School Diploma (sample)", ["Generated for benchmarks."]),
            "diploma.pdf",
            "application/pdf",
        ),
    }
    stored = {}
    for kind, (content, original_name, content_type) in samples.items():
        name = default_storage.save(f"documents/scale/{original_name}", ContentFile(content))
        stored[kind] = SampleFile(
            name, original_name, content_type, len(content), hashlib.sha256(content).hexdigest()
        )
    return stored


@dataclass
class Reference:
    """What every generated history refers to: the seed's moment, the counties' staff and
    training providers, the Code of Ethics versions, the sample files."""

    now: datetime.datetime
    admin_of: dict[int, int]  # county id → user id
    reviewer_of: dict[int, int]
    provider_of: dict[int, int]  # county id → training provider id
    ethics: list[tuple[datetime.date, int, str]]  # (effective on, id, version), by date
    samples: dict[str, SampleFile]
    _mornings: dict[datetime.date, datetime.datetime] = field(default_factory=dict)

    def at(self, day: datetime.date, minute: int = 0) -> datetime.datetime:
        """A moment of `day` (its steps a minute apart), never after the seed's moment."""
        morning = self._mornings.get(day)
        if morning is None:
            # In UTC: the database driver writes UTC moments fastest.
            local = datetime.datetime.combine(
                day, datetime.time(FIRST_STEP_HOUR), ZoneInfo(settings.TIME_ZONE)
            )
            morning = self._mornings[day] = local.astimezone(datetime.UTC)
        return min(morning + minute * _MINUTE, self.now)

    def ethics_on(self, day: datetime.date) -> tuple[int, str]:
        """The Code of Ethics in effect on `day` (id, version)."""
        current = None
        for effective_on, pk, version in self.ethics:
            if effective_on > day:
                break
            current = (pk, version)
        if current is None:
            raise ValueError(f"No Code of Ethics was in effect on {day}.")
        return current


@dataclass
class Person:
    """A generated person and the county their application went to."""

    first: str
    last: str
    spanish: bool
    county_id: int
    born: datetime.date
    family: bool
    higher_education: bool


@dataclass
class Ids:
    """Primary keys reserved for one batch, per table."""

    users: Iterator[int]
    profiles: Iterator[int]
    applications: Iterator[int]
    documents: Iterator[int]
    training: Iterator[int]
    exams: Iterator[int]
    certifications: Iterator[int]

    @classmethod
    def reserve(cls, histories: list[History], *, full: bool) -> "Ids":
        """Keys for `histories`; applications, documents and exams only when `full`."""
        count = len(histories)
        applications = count if full else 0
        training = sum(len(h.specializations) for h in histories)
        if full:
            training += sum(h.trained_on is not None for h in histories)
        return cls(
            users=iter(bulk.reserve_ids(User, count)),
            profiles=iter(bulk.reserve_ids(ApplicantProfile, count)),
            applications=iter(bulk.reserve_ids(Application, applications)),
            documents=iter(bulk.reserve_ids(Document, 2 * applications)),
            training=iter(bulk.reserve_ids(TrainingRecord, training)),
            exams=iter(bulk.reserve_ids(ExamAttempt, applications)),
            certifications=iter(bulk.reserve_ids(Certification, count)),
        )


@dataclass
class Tables:
    """Rows per table for one batch, in the column order of `copy_all`."""

    users: list = field(default_factory=list)
    profiles: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    documents: list = field(default_factory=list)
    training: list = field(default_factory=list)
    exams: list = field(default_factory=list)
    certifications: list = field(default_factory=list)
    specializations: list = field(default_factory=list)
    audit: list = field(default_factory=list)


class HistoryWriter:
    """Appends the rows of one history to `tables`, with primary keys from `ids`."""

    def __init__(self, tables: Tables, ref: Reference, ids: Ids) -> None:
        self.tables, self.ref, self.ids = tables, ref, ids

    def write(self, h: History, p: Person, number: int, *, full: bool) -> None:
        """The person, (when `full`) the application with everything that led to approval
        and the exam, then the certification with its specializations and status."""
        self.h, self.p, self.county = h, p, p.county_id
        self.admin, self.reviewer = (
            self.ref.admin_of[self.county],
            self.ref.reviewer_of[self.county],
        )
        self.provider = self.ref.provider_of[self.county]
        self.user_id = next(self.ids.users)
        self.email = f"peer.{number}@scale.example.org"
        self.number = f"{NUMBER_PREFIX}{number:07d}"
        self.cert_id = next(self.ids.certifications)
        self._person(full=full)
        app_id = self._application() if full else None
        self._certification(app_id)

    def _event(
        self,
        actor,
        verb,
        object_type,
        object_id,
        from_state,
        to_state,
        data,
        at,
        *,
        county=True,
        reason="",
    ):
        self.tables.audit.append(
            (
                actor,
                verb,
                object_type,
                object_id,
                self.county if county else None,
                self.user_id,
                from_state,
                to_state,
                reason,
                data,
                at,
            )
        )

    def _person(self, *, full: bool) -> None:
        h, p, ref = self.h, self.p, self.ref
        profile_id = next(self.ids.profiles)
        joined = ref.at(h.joined_on)
        language = "es" if p.spanish else "en"
        self.tables.users.append((self.user_id, self.email, "!", p.first, p.last, language, joined))
        self.tables.profiles.append(
            (
                profile_id,
                self.user_id,
                p.first,
                p.last,
                p.born,
                self.county,
                language,
                "family" if p.family else "consumer",
                "higher" if p.higher_education else "high_school_diploma",
                True,
                joined,
                joined,
            )
        )
        if full:
            self._event(
                self.user_id,
                "profile_save",
                "certification.applicantprofile",
                profile_id,
                "",
                "",
                PROFILE_SAVE_DATA,
                joined,
                county=False,
            )

    def _training(
        self,
        course: str,
        hours: int,
        completed_on: datetime.date,
        logged: datetime.datetime,
        verified: datetime.datetime,
    ) -> int:
        """A training record the person added and the county verified."""
        record_id = next(self.ids.training)
        self.tables.training.append(
            (
                record_id,
                self.user_id,
                self.provider,
                course,
                hours,
                completed_on,
                "verified",
                self.reviewer,
                verified,
                logged,
                verified,
            )
        )
        training = "training.trainingrecord"
        self._event(
            self.user_id,
            "training_record_add",
            training,
            record_id,
            "",
            "pending",
            f'{{"course": "{course}", "hours": "{hours}", "provider_id": {self.provider}}}',
            logged,
            county=False,
        )
        self._event(
            self.reviewer,
            "training_record_verify",
            training,
            record_id,
            "pending",
            "verified",
            f'{{"course": "{course}", "hours": "{hours}.00"}}',
            verified,
        )
        return record_id

    def _application(self) -> int:
        """The application from creation to approval, its documents, core training and the
        passed exam; returns its id."""
        h, ref, ids = self.h, self.ref, self.ids
        user_id, reviewer, admin = self.user_id, self.reviewer, self.admin
        app_id = next(ids.applications)
        if h.trained_on is not None:
            self._training(
                "core_80", 80, h.trained_on, ref.at(h.trained_on + _DAY), ref.at(h.reviewed_on, 3)
            )
        ethics_id, ethics_version = ref.ethics_on(h.applied_on)
        created, signed = ref.at(h.applied_on), ref.at(h.applied_on, 2)
        submitted, review = ref.at(h.submitted_on, 2), ref.at(h.reviewed_on)
        approved, issued = ref.at(h.approved_on), ref.at(h.issued_on)
        window_ends_on = h.window_ends_on
        self.tables.applications.append(
            (
                app_id,
                user_id,
                self.county,
                h.pathway,
                "certified",
                ethics_id,
                signed,
                True,
                True,
                submitted,
                approved,
                admin,
                h.approved_on,
                window_ends_on,
                7,
                created,
                issued,
            )
        )
        application = "certification.application"
        self._event(user_id, "application_create", application, app_id, "", "draft", "{}", created)
        self._event(
            user_id,
            "application_update",
            application,
            app_id,
            "draft",
            "draft",
            '{"fields": ["attest_recovery", "attest_share_experience"]}',
            ref.at(h.applied_on, 1),
        )
        self._event(
            user_id,
            "application_sign_ethics",
            application,
            app_id,
            "draft",
            "draft",
            json.dumps({"ethics_version": ethics_version}),
            signed,
        )
        for minute, kind in enumerate(("photo_id", "diploma")):
            document_id, sample = next(ids.documents), ref.samples[kind]
            uploaded, checked = ref.at(h.submitted_on, minute), ref.at(h.reviewed_on, 1 + minute)
            self.tables.documents.append(
                (
                    document_id,
                    user_id,
                    app_id,
                    kind,
                    sample.name,
                    sample.original_name,
                    sample.content_type,
                    sample.size,
                    sample.sha256,
                    "verified",
                    reviewer,
                    checked,
                    uploaded,
                )
            )
            self._event(
                user_id,
                "document_upload",
                "documents.document",
                document_id,
                "",
                "pending",
                f'{{"kind": "{kind}", "application_id": {app_id}, "superseded": []}}',
                uploaded,
            )
            self._event(
                reviewer,
                "document_review",
                "documents.document",
                document_id,
                "pending",
                "verified",
                "{}",
                checked,
            )
        self._event(
            user_id,
            "application_submit",
            application,
            app_id,
            "draft",
            "submitted",
            "{}",
            submitted,
        )
        self._event(
            reviewer,
            "application_start_review",
            application,
            app_id,
            "submitted",
            "in_review",
            "{}",
            review,
        )
        self._event(
            admin,
            "application_approve",
            application,
            app_id,
            "in_review",
            "approved",
            f'{{"window_ends_on": "{window_ends_on.isoformat()}"}}',
            approved,
        )
        attempt_id, recorded = next(ids.exams), ref.at(h.exam_on + 2 * _DAY)
        vendor_reference = f"SCALE-{self.cert_id}"
        self.tables.exams.append(
            (
                attempt_id,
                app_id,
                h.exam_on,
                "passed",
                500 + self.cert_id % 100,
                "import",
                vendor_reference,
                reviewer,
                recorded,
            )
        )
        self._event(
            reviewer,
            "exam_attempt_record",
            "exams.examattempt",
            attempt_id,
            "",
            "passed",
            f'{{"application_id": {app_id}, "attempt_number": 1, "source": "import", '
            f'"vendor_reference": "{vendor_reference}"}}',
            recorded,
        )
        self._event(
            admin,
            "certification_issue",
            application,
            app_id,
            "approved",
            "certified",
            f'{{"certification_id": {self.cert_id}, "number": "{self.number}"}}',
            issued,
        )
        return app_id

    def _certification(self, app_id: int | None) -> None:
        """The certification, issued on its day, its specializations, then its status."""
        h, ref, cert_id = self.h, self.ref, self.cert_id
        certification = "certification.certification"
        issued = updated = ref.at(h.issued_on)
        self._event(
            self.admin,
            "certification_issue",
            certification,
            cert_id,
            "",
            "active",
            f'{{"application_id": {"null" if app_id is None else app_id}, '
            f'"number": "{self.number}"}}',
            issued,
        )
        for minute, (code, added_on) in enumerate(h.specializations):
            completed_on = added_on - SPECIALIZATION_COMPLETED_BEFORE
            record_id = self._training(
                code,
                40,
                completed_on,
                ref.at(completed_on + _DAY, minute),
                ref.at(added_on - SPECIALIZATION_VERIFIED_BEFORE, minute),
            )
            updated = ref.at(added_on, minute)
            self.tables.specializations.append((cert_id, code, added_on, record_id))
            self._event(
                self.user_id,
                "certification_add_specialization",
                certification,
                cert_id,
                "active",
                "active",
                f'{{"code": "{code}", "training_record_id": {record_id}}}',
                updated,
            )
        reason = ""
        if h.status in ("suspended", "revoked"):
            reason = SUSPENSION_REASON if h.status == "suspended" else REVOCATION_REASON
            verb = "certification_suspend" if h.status == "suspended" else "certification_revoke"
            updated = ref.at(h.changed_on, 30)
            self._event(
                self.reviewer,
                verb,
                certification,
                cert_id,
                "active",
                h.status,
                "{}",
                updated,
                reason=reason,
            )
        elif h.status in ("expired", "vacated"):
            updated = ref.at(h.changed_on, 30)
            self._event(
                None,
                "certification_expire",
                certification,
                cert_id,
                "active",
                "expired",
                "{}",
                updated,
            )
            if h.status == "vacated":
                updated = ref.at(h.vacated_on, 30)
                self._event(
                    None,
                    "certification_vacate",
                    certification,
                    cert_id,
                    "expired",
                    "vacated",
                    "{}",
                    updated,
                )
        self.tables.certifications.append(
            (
                cert_id,
                self.number,
                self.user_id,
                self.county,
                app_id,
                self.p.first,
                self.p.last,
                h.status,
                reason,
                h.issued_on,
                h.expires_on,
                h.issued_on,
                h.changed_on if h.status == "suspended" else None,
                issued,
                updated,
            )
        )


def copy_all(tables: Tables) -> None:
    """Write one batch, table by table (the foreign keys are checked at commit)."""
    bulk.copy_rows(
        User,
        ("id", "email", "password", "first_name", "last_name", "preferred_language", "date_joined"),
        tables.users,
    )
    bulk.copy_rows(
        ApplicantProfile,
        (
            "id",
            "user_id",
            "legal_first_name",
            "legal_last_name",
            "date_of_birth",
            "county_of_residence_id",
            "preferred_language",
            "lived_experience",
            "education",
            "education_attested",
            "created_at",
            "updated_at",
        ),
        tables.profiles,
    )
    bulk.copy_rows(
        Application,
        (
            "id",
            "applicant_id",
            "county_id",
            "pathway",
            "status",
            "ethics_version_id",
            "ethics_signed_at",
            "attest_share_experience",
            "attest_recovery",
            "submitted_at",
            "decided_at",
            "decided_by_id",
            "approved_on",
            "window_ends_on",
            "version",
            "created_at",
            "updated_at",
        ),
        tables.applications,
    )
    bulk.copy_rows(
        Document,
        (
            "id",
            "owner_id",
            "application_id",
            "kind",
            "file",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "review_status",
            "reviewed_by_id",
            "reviewed_at",
            "created_at",
        ),
        tables.documents,
    )
    bulk.copy_rows(
        TrainingRecord,
        (
            "id",
            "person_id",
            "provider_id",
            "course",
            "hours",
            "completed_on",
            "status",
            "reviewed_by_id",
            "reviewed_at",
            "created_at",
            "updated_at",
        ),
        tables.training,
    )
    bulk.copy_rows(
        ExamAttempt,
        (
            "id",
            "application_id",
            "taken_on",
            "result",
            "scaled_score",
            "source",
            "vendor_reference",
            "recorded_by_id",
            "created_at",
        ),
        tables.exams,
    )
    bulk.copy_rows(
        Certification,
        (
            "id",
            "number",
            "holder_id",
            "issuing_county_id",
            "application_id",
            "first_name",
            "last_name",
            "status",
            "status_reason",
            "issued_on",
            "expires_on",
            "cycle_started_on",
            "suspended_on",
            "created_at",
            "updated_at",
        ),
        tables.certifications,
    )
    bulk.copy_rows(
        CertificationSpecialization,
        ("certification_id", "code", "added_on", "training_record_id"),
        tables.specializations,
    )
    bulk.copy_rows(AuditEvent, AUDIT_COLUMNS, tables.audit)
