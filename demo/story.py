"""The building blocks of the demo stories: the cast every story shares (counties, staff,
training providers, the Code of Ethics) and `Story`, one person's history told step by step.

Every step is one call of the real service, made on its own day (`demo.clock`): the service
checks the step as it would in production (who acts, the state, the rules on that day), writes
the change and its audit event, and queues its emails. A story that breaks a rule fails the
seed instead of leaving data no service would write.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress

from accounts.models import User
from certification import rules
from certification.models import (
    Application,
    Certification,
    CertificationSpecialization,
    CodeOfEthicsVersion,
    OutOfStateCeRecord,
    Renewal,
)
from certification.selectors import ethics_version_current
from certification.services import (
    application_approve,
    application_create,
    application_deny,
    application_expire,
    application_request_changes,
    application_resubmit,
    application_sign_ethics,
    application_start_review,
    application_submit,
    application_update,
    application_withdraw,
    certification_add_specialization,
    certification_expire,
    certification_issue,
    certification_reinstate,
    certification_renew,
    certification_revoke,
    certification_suspend,
    certification_vacate,
    document_review,
    document_upload,
    out_of_state_ce_add,
    profile_save,
)
from continuing_ed.models import CeCredit
from continuing_ed.services import ce_credit_add, ce_credit_reject, ce_credit_verify
from core.errors import DomainError
from counties.models import County
from demo.clock import DemoClock, Timeline
from demo.fees import PAID_BEFORE_EXAM_DAYS, PAID_BEFORE_RENEWAL_DAYS, pay_owed
from demo.files import id_card_png, simple_pdf, upload
from documents.models import Document
from exams.models import ExamAttempt
from exams.services import exam_attempt_record
from training.models import Course, TrainingProvider, TrainingRecord
from training.selectors import course_label
from training.services import training_record_add, training_record_reject, training_record_verify

NOT_REAL = "Demo data: not a real document."


def _days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def _ethics_on(today: datetime.date) -> CodeOfEthicsVersion:
    """The Code of Ethics in effect on `today`: the one a person signs or re-affirms then."""
    version = ethics_version_current(today)
    if version is None:
        raise DomainError(f"No Code of Ethics was in effect on {today}.")
    return version


@dataclass
class Cast:
    """What every story shares, prepared by `demo.scenarios.counties_and_staff`."""

    clock: DemoClock
    password_hash: str
    # The day the demo's certification program began: every county's opt-in history and the
    # Code of Ethics start then, early enough for a certification to have been issued, expired
    # and vacated (4 years after expiry) by today.
    program_start: datetime.date
    counties: dict[str, County]
    # "alameda" → the county's first administrator; "alameda:reviewer" → its reviewer.
    staff: dict[str, User]
    providers: dict[str, TrainingProvider]
    provider_for_county: dict[str, str]

    def admin(self, code: str) -> User:
        return self.staff[code]

    def reviewer(self, code: str) -> User:
        """The county's reviewer, or its administrator where it has none."""
        return self.staff.get(f"{code}:reviewer", self.staff[code])


def account(cast: Cast, email: str, first: str, last: str, **extra) -> tuple[User, bool]:
    """The demo account `email` (password DEMO_PASSWORD, email address verified), created
    when missing: what signing up and confirming the address leaves."""
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "first_name": first,
            "last_name": last,
            "password": cast.password_hash,
            **extra,
        },
    )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


class Story:
    """One person's history. Start it with `Story.begin`; each method is one step (a service
    call) on the day it names, and keeps the application and certification it produced."""

    def __init__(self, cast: Cast, person: User, county_code: str, timeline: Timeline) -> None:
        self.cast = cast
        self.clock = cast.clock
        self.person = person
        self.county_code = county_code
        self.timeline = timeline
        self.application: Application | None = None
        self.certification: Certification | None = None
        self.exam_attempts = 0

    # -- the person ------------------------------------------------------------------------

    @classmethod
    def begin(
        cls,
        cast: Cast,
        email: str,
        first: str,
        last: str,
        county_code: str,
        *,
        born: datetime.date,
        joined_on: datetime.date,
        language: str = "en",
        lived_experience: str = "consumer",
    ) -> "Story | None":
        """Sign the person up on `joined_on` and fill in their profile; None when their
        history is already there (a second run of the seed adds nothing)."""
        existing = User.objects.filter(email=email).first()
        if existing is not None and (
            existing.applications.exists() or existing.certifications.exists()
        ):
            return None
        timeline = Timeline(cast.clock)
        with timeline.step(joined_on):
            person, _created = account(cast, email, first, last, preferred_language=language)
            county = cast.counties[county_code]
            profile_save(
                user=person,
                legal_first_name=first,
                legal_last_name=last,
                date_of_birth=born,
                phone=f"555-01{len(email) % 100:02d}",
                address_line1=f"{100 + len(email) * 7} Main Street",
                city=county.name,
                postal_code="9" + str(4000 + len(email) * 37)[-4:],
                county_of_residence=county,
                preferred_language=language,
                lived_experience=lived_experience,
                education="high_school_diploma",
                education_attested=True,
            )
        return cls(cast, person, county_code, timeline)

    @property
    def name(self) -> str:
        return f"{self.person.first_name} {self.person.last_name}"

    @property
    def county(self) -> County:
        return self.cast.counties[self.county_code]

    def step(self, day: datetime.date):
        return self.timeline.step(day)

    # -- the application -------------------------------------------------------------------

    def apply(self, day: datetime.date, *, pathway: str = "standard", **answers) -> Application:
        """Open a draft with the county, answer the attestations (and `answers`), sign the
        Code of Ethics."""
        with self.step(day) as today:
            application = application_create(
                applicant=self.person, county=self.county, pathway=pathway
            )
            application = application_update(
                actor=self.person,
                application=application,
                fields={"attest_share_experience": True, "attest_recovery": True, **answers},
            )
            self.application = application_sign_ethics(
                actor=self.person,
                application=application,
                ethics_version=_ethics_on(today),
                today=today,
            )
        return self.application

    def upload(self, day: datetime.date, kind: str, content: bytes, name: str) -> Document:
        """Upload a document of `kind` to the application."""
        with self.step(day):
            return document_upload(
                owner=self.person,
                kind=kind,
                uploaded_file=upload(content, name),
                application=self.application,
            )

    def add_out_of_state_ce(
        self,
        day: datetime.date,
        title: str,
        provider_name: str,
        hours: str,
        category: str,
        completed_on: datetime.date,
    ) -> OutOfStateCeRecord:
        """Add a CE course with its certificate to an out-of-state application."""
        certificate = simple_pdf(
            "Certificate of Completion",
            [self.name, title, f"{hours} hours, {provider_name}", NOT_REAL],
        )
        with self.step(day) as today:
            return out_of_state_ce_add(
                actor=self.person,
                application=self.application,
                title=title,
                provider_name=provider_name,
                hours=Decimal(hours),
                category=category,
                completed_on=completed_on,
                uploaded_file=upload(certificate, f"ce-{completed_on.isoformat()}.pdf"),
                today=today,
            )

    def upload_photo_id(self, day: datetime.date, title: str = "California ID Card (sample)"):
        number = "X" + str(1000000 + self.person.pk * 7919)[-7:]
        card = id_card_png(title, [self.name, f"No. {number}", NOT_REAL])
        return self.upload(day, "photo_id", card, f"id-{self.person.last_name.lower()}.png")

    def upload_diploma(self, day: datetime.date, title: str = "High School Diploma (sample)"):
        pdf = simple_pdf(
            title,
            [self.name, "has completed the course of study prescribed for graduation.", NOT_REAL],
        )
        return self.upload(day, "diploma", pdf, f"diploma-{self.person.last_name.lower()}.pdf")

    def upload_id_and_diploma(self, day: datetime.date) -> None:
        self.upload_photo_id(day, "California Driver License (sample)")
        self.upload_diploma(day)

    def submit(self, day: datetime.date) -> None:
        with self.step(day) as today:
            self.application = application_submit(
                actor=self.person, application=self.application, today=today
            )

    def start_review(self, day: datetime.date, staff: User) -> None:
        with self.step(day):
            self.application = application_start_review(actor=staff, application=self.application)

    def review_document(
        self, day: datetime.date, staff: User, kind: str, *, verified: bool = True, reason=""
    ) -> None:
        """Verify (or reject with `reason`) the application's current document of `kind`."""
        document = Document.objects.get(
            application=self.application, kind=kind, removed_at__isnull=True
        )
        with self.step(day):
            document_review(actor=staff, document=document, verified=verified, reason=reason)

    def verify_documents(self, day: datetime.date, staff: User) -> None:
        """Verify every document of the application still pending."""
        pending = Document.objects.filter(
            application=self.application, review_status="pending", removed_at__isnull=True
        ).order_by("id")
        for document in pending:
            with self.step(day):
                document_review(actor=staff, document=document, verified=True)

    def request_changes(
        self, day: datetime.date, staff: User, parts: list[str], message: str
    ) -> None:
        with self.step(day):
            self.application = application_request_changes(
                actor=staff, application=self.application, parts=parts, message=message
            )

    def resubmit(self, day: datetime.date) -> None:
        with self.step(day) as today:
            self.application = application_resubmit(
                actor=self.person, application=self.application, today=today
            )

    def approve(self, day: datetime.date, staff: User) -> None:
        with self.step(day) as today:
            self.application = application_approve(
                actor=staff, application=self.application, today=today
            )

    def deny(self, day: datetime.date, staff: User, reason: str) -> None:
        with self.step(day):
            self.application = application_deny(
                actor=staff, application=self.application, reason=reason
            )

    def withdraw(self, day: datetime.date, reason: str) -> None:
        with self.step(day):
            self.application = application_withdraw(
                actor=self.person, application=self.application, reason=reason
            )

    def expire_application(self, day: datetime.date) -> None:
        """The expiry scan's step for this application, on `day`."""
        with self.step(day) as today:
            self.application = application_expire(application=self.application, today=today)

    # -- training and the exam -------------------------------------------------------------

    def add_training(
        self,
        day: datetime.date,
        provider_name: str,
        *,
        completed_on: datetime.date,
        course: str = Course.CORE_80,
        hours: int = 80,
    ) -> TrainingRecord:
        """Add a training record (pending) with the provider's certificate of completion."""
        provider = self.cast.providers[provider_name]
        certificate = simple_pdf(
            "Certificate of Completion",
            [
                self.name,
                f"{course_label(course)}: {hours} hours",
                f"Completed {completed_on:%B %-d, %Y}",
                provider.name,
                NOT_REAL,
            ],
        )
        with self.step(day) as today:
            return training_record_add(
                person=self.person,
                provider=provider,
                course=course,
                hours=hours,
                completed_on=completed_on,
                certificate_file=upload(certificate, f"certificate-{course}.pdf"),
                today=today,
            )

    def verify_training(self, day: datetime.date, staff: User, record: TrainingRecord) -> None:
        with self.step(day):
            training_record_verify(actor=staff, record=record)

    def reject_training(
        self, day: datetime.date, staff: User, record: TrainingRecord, reason: str
    ) -> None:
        with self.step(day):
            training_record_reject(actor=staff, record=record, reason=reason)

    def exam(
        self,
        taken_on: datetime.date,
        result: str,
        score: int | None,
        *,
        recorded_on: datetime.date | None = None,
    ) -> ExamAttempt:
        """An exam attempt taken on `taken_on`, recorded from the vendor's results file by the
        county's staff on `recorded_on` (two days later by default)."""
        self.exam_attempts += 1
        recorded_on = recorded_on or taken_on + _days(2)
        # The application fee is paid before the sitting, the sitting's own fee when booked
        # (the program's fee holds, demo/fees.py).
        pay_owed(self, taken_on, days_before=PAID_BEFORE_EXAM_DAYS)
        with self.step(recorded_on):
            attempt = exam_attempt_record(
                actor=self.cast.reviewer(self.county_code),
                application=self.application,
                taken_on=taken_on,
                result=result,
                scaled_score=score,
                source="import",
                vendor_reference=f"DEMO-{self.application.pk:05d}-{self.exam_attempts}",
            )
        pay_owed(self, recorded_on, days_before=0)
        return attempt

    # -- whole paths -----------------------------------------------------------------------

    def approved(
        self,
        approved_on: datetime.date,
        *,
        provider_name: str | None = None,
        pathway: str = "standard",
    ) -> Application:
        """The path from a new application to approval on `approved_on`: photo ID and diploma
        verified, and on the standard pathway core training, verified during the review."""
        staff = self.cast.reviewer(self.county_code)
        submitted_on = approved_on - _days(24)
        record = None
        if pathway == "standard":
            record = self.add_training(
                submitted_on - _days(28),
                provider_name or self.cast.provider_for_county[self.county_code],
                completed_on=submitted_on - _days(30),
            )
        self.apply(submitted_on - _days(6), pathway=pathway)
        self.upload_id_and_diploma(submitted_on - _days(1))
        self.submit(submitted_on)
        self.start_review(submitted_on + _days(9), staff)
        self.verify_documents(submitted_on + _days(9), staff)
        if record is not None:
            self.verify_training(submitted_on + _days(9), staff, record)
        self.approve(approved_on, self.cast.admin(self.county_code))
        return self.application

    def certified(
        self,
        issued_on: datetime.date,
        *,
        provider_name: str | None = None,
        pathway: str = "standard",
    ) -> Certification:
        """The path to a certification issued on `issued_on`: approved 50 days before, the
        exam passed a week before."""
        self.approved(issued_on - _days(50), provider_name=provider_name, pathway=pathway)
        self.exam(issued_on - _days(7), "passed", 540 + self.person.pk % 60)
        return self.issue(issued_on)

    def issue(self, day: datetime.date) -> Certification:
        with self.step(day) as today:
            self.certification = certification_issue(
                actor=self.cast.admin(self.county_code),
                application=self.application,
                today=today,
            )
        return self.certification

    # -- the certification -----------------------------------------------------------------

    def add_specialization(
        self, course: str, *, completed_on: datetime.date, added_on: datetime.date
    ) -> CertificationSpecialization:
        """A 40-hour specialization course, added by the person, verified by the county, then
        added to the certification by the person on `added_on`."""
        provider = self.cast.provider_for_county[self.county_code]
        record = self.add_training(
            completed_on + _days(2), provider, completed_on=completed_on, course=course, hours=40
        )
        self.verify_training(added_on - _days(3), self.cast.reviewer(self.county_code), record)
        with self.step(added_on):
            return certification_add_specialization(
                actor=self.person, certification=self.certification, training_record=record
            )

    def log_ce(
        self,
        title: str,
        hours: str,
        category: str,
        *,
        completed_on: datetime.date,
        logged_on: datetime.date | None = None,
        review: str | None = "verified",
        reviewed_on: datetime.date | None = None,
        reason: str = "",
    ) -> CeCredit:
        """Log a CE credit with its certificate (the day after completing it by default),
        and have the county verify or reject it (`review`; None leaves it pending)."""
        logged_on = logged_on or completed_on + _days(1)
        proof = simple_pdf(
            "Continuing Education Certificate", [self.name, title, f"{hours} hours", NOT_REAL]
        )
        with self.step(logged_on) as today:
            credit = ce_credit_add(
                certification=self.certification,
                title=title,
                provider_name=self.cast.provider_for_county[self.county_code],
                hours=hours,
                category=category,
                completed_on=completed_on,
                document_file=upload(proof, "ce-certificate.pdf"),
                today=today,
            )
        if review is None:
            return credit
        staff = self.cast.reviewer(self.county_code)
        with self.step(reviewed_on or logged_on + _days(9)):
            if review == "verified":
                return ce_credit_verify(actor=staff, credit=credit)
            return ce_credit_reject(actor=staff, credit=credit, reason=reason)

    def ce_for_cycle(self, *, complete: bool, until: datetime.date | None = None) -> None:
        """CE credits, verified, inside the certification's current cycle up to `until`
        (default today): a compliant set (20 h, 6 of law and ethics) when `complete`,
        otherwise part of one."""
        certification = self.certification
        start = certification.cycle_started_on + _days(20)
        end = min(until or self.clock.today, certification.expires_on)
        span = (end - start).days - 15
        if span <= 0:
            return
        courses = [
            ("Law and ethics for peer support", "6", "law_and_ethics"),
            ("Trauma-informed care in practice", "8", "general"),
            ("Motivational interviewing basics", "6", "general"),
        ]
        if not complete:
            courses = courses[:2]
        for index, (title, hours, category) in enumerate(courses):
            completed_on = start + _days(span * index // len(courses))
            self.log_ce(title, hours, category, completed_on=completed_on)

    def renew(self, day: datetime.date) -> Renewal:
        """The holder renews on `day` (on time, or late after the expiry date), attesting to
        the cycle's CE and re-affirming the Code of Ethics, having paid what was owed before."""
        pay_owed(self, day, days_before=PAID_BEFORE_RENEWAL_DAYS)
        with self.step(day) as today:
            renewal = certification_renew(
                actor=self.person,
                certification=self.certification,
                ethics_version=_ethics_on(today),
                attest_ce=True,
                attest_records=True,
                today=today,
            )
        self.certification.refresh_from_db()
        return renewal

    def renew_with_ce(self, day: datetime.date) -> Renewal:
        """Log and have verified the cycle's 20 CE hours (6 of law and ethics), then renew on
        `day` (inside the renewal window)."""
        cycle_start = self.certification.cycle_started_on
        span = (day - cycle_start).days - 20
        for index, (title, hours, category) in enumerate(
            (
                ("Ethics and boundaries refresher", "6", "law_and_ethics"),
                ("Cultural responsiveness in peer work", "7", "general"),
                ("Group facilitation skills", "7", "general"),
            )
        ):
            completed_on = cycle_start + _days(span * (index + 1) // 4)
            self.log_ce(title, hours, category, completed_on=completed_on)
        return self.renew(day)

    def suspend(self, day: datetime.date, staff: User, reason: str) -> None:
        with self.step(day):
            self.certification = certification_suspend(
                actor=staff, certification=self.certification, reason=reason
            )

    def revoke(self, day: datetime.date, staff: User, reason: str) -> None:
        with self.step(day):
            self.certification = certification_revoke(
                actor=staff, certification=self.certification, reason=reason
            )

    def expire(self) -> None:
        """The expiry scan's step for the certification, the day after its expiry date."""
        with self.step(self.certification.expires_on + _days(1)) as today:
            self.certification = certification_expire(certification=self.certification, today=today)

    def vacate(self) -> None:
        """The expiry scan's step for the certification, on its vacate date."""
        with self.step(rules.vacate_date(self.certification.expires_on)) as today:
            self.certification = certification_vacate(certification=self.certification, today=today)

    def reinstate(self, day: datetime.date) -> Renewal:
        """The county's administrator reinstates the expired certification on `day`, the
        fees owed before paid."""
        pay_owed(self, day, days_before=PAID_BEFORE_RENEWAL_DAYS)
        with self.step(day) as today:
            renewal = certification_reinstate(
                actor=self.cast.admin(self.county_code),
                certification=self.certification,
                ethics_version=_ethics_on(today),
                today=today,
            )
        self.certification.refresh_from_db()
        return renewal
