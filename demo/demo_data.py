"""The demo data behind `manage.py seed_demo` (docs/architecture.md#contracts).

Rows are written directly, as their services would leave them (statuses consistent with the
life cycles, an audit event for every step, back-dated to when it happened), because a demo
history spans years that the services, which act "today", cannot replay.

Idempotent: every part checks whether it is already there (counties with an opt-in history,
people with applications or certifications, accounts by email) and leaves existing rows alone.
Dates are relative to the day of the first run, so the demo reads naturally on that day.
"""

import datetime
import hashlib
import random
from dataclasses import dataclass, field
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from certification import rules
from certification.models import (
    ApplicantProfile,
    Application,
    Certification,
    CertificationSpecialization,
    CodeOfEthicsVersion,
    Renewal,
)
from certification.services import next_certification_number
from continuing_ed import rules as ce_rules
from continuing_ed.models import CeCredit
from counties.models import County, CountyMembership, OptInPeriod, ProgramPolicy
from demo.demo_ethics import ETHICS_TEXT_EN, ETHICS_TEXT_ES, ETHICS_VERSION
from demo.demo_pdf import simple_pdf
from documents.models import Document
from exams.models import ExamAttempt
from training.models import Course, TrainingProvider, TrainingRecord

ETHICS_EFFECTIVE_ON = datetime.date(2022, 7, 1)

# (email, first name, last name, role): the accounts of README.md and the staff
# who act in the demo histories. `None` county: state staff or operator.
STAFF_ACCOUNTS = (
    ("alameda.admin@example.org", "Alicia", "Moreno", "alameda", "admin"),
    ("alameda.reviewer@example.org", "Raymond", "Cho", "alameda", "reviewer"),
    ("fresno.admin@example.org", "Felicia", "Haddad", "fresno", "admin"),
    ("la.admin@example.org", "Lorraine", "Washington", "los-angeles", "admin"),
    ("sandiego.admin@example.org", "Diego", "Castillo", "san-diego", "admin"),
    ("sacramento.admin@example.org", "Sandra", "Kowalski", "sacramento", "admin"),
)
STATE_ACCOUNT = ("dhcs.viewer@example.org", "Dana", "Hughes")
OPERATOR_ACCOUNT = ("operator@example.org", "Otis", "Operator")

# Name, approved, approved from/until, Spanish courses, website.
PROVIDERS = (
    ("Bay Area Peer Training Collaborative", True, datetime.date(2022, 1, 1), None, False),
    ("Central Valley Recovery Academy", True, datetime.date(2022, 6, 1), None, False),
    ("Instituto de Formación de Pares Latinos", True, datetime.date(2023, 1, 1), None, True),
    ("Southern California Peer Institute", True, datetime.date(2022, 3, 1), None, False),
    (
        "Golden State Peer Workforce Center",
        True,
        datetime.date(2022, 1, 1),
        datetime.date(2023, 12, 31),
        False,
    ),
    ("QuickCert Peer Online", False, None, None, False),
)
PROVIDER_FOR_COUNTY = {
    "alameda": "Bay Area Peer Training Collaborative",
    "fresno": "Central Valley Recovery Academy",
    "los-angeles": "Southern California Peer Institute",
    "san-diego": "Southern California Peer Institute",
    "sacramento": "Central Valley Recovery Academy",
}
LAPSED_PROVIDER = "Golden State Peer Workforce Center"
UNAPPROVED_PROVIDER = "QuickCert Peer Online"
SPANISH_PROVIDER = "Instituto de Formación de Pares Latinos"

# Opt-in spread: six counties never opted in; a few opted out first, then in; the counties of
# the demo histories are opted in for SMHS and DMC-ODS.
NEVER_OPTED_IN = ("alpine", "colusa", "modoc", "mono", "sierra", "trinity")
OPTED_OUT_THEN_IN = ("humboldt", "kern", "san-joaquin", "tulare")
DEMO_COUNTIES = ("alameda", "fresno", "los-angeles", "san-diego", "sacramento")
OPT_IN_SYSTEMS = (("smhs", 0.95), ("dmc_ods", 0.7), ("dmc", 0.4))
PLAN_START = datetime.date(2023, 1, 1)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass
class SeedSummary:
    """What one run created (all zeros on a second run)."""

    created: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, count: int = 1) -> None:
        self.created[label] = self.created.get(label, 0) + count

    def __str__(self) -> str:
        if not self.created:
            return "Demo data already present: nothing to add."
        parts = ", ".join(f"{count} {label}" for label, count in sorted(self.created.items()))
        return f"Demo data created: {parts}."


class DemoSeeder:
    """Creates the demo data; call `run()` inside a transaction."""

    def __init__(self, *, password: str, today: datetime.date | None = None) -> None:
        self.today = today or timezone.localdate()
        # One hash for every demo account: hashing is deliberately slow.
        self.password_hash = make_password(password)
        self.summary = SeedSummary()
        self.counties = {c.code: c for c in County.objects.all()}
        self.staff: dict[str, User] = {}
        self.providers: dict[str, TrainingProvider] = {}
        self.ethics: CodeOfEthicsVersion | None = None

    # -- reference data and accounts -------------------------------------------------------

    def run(self) -> SeedSummary:
        ProgramPolicy.current()
        self._ethics()
        self._providers()
        self._opt_ins()
        self._accounts()
        self._histories()
        return self.summary

    def _ethics(self) -> None:
        self.ethics, created = CodeOfEthicsVersion.objects.get_or_create(
            version=ETHICS_VERSION,
            defaults={
                "effective_on": ETHICS_EFFECTIVE_ON,
                "text_en": ETHICS_TEXT_EN,
                "text_es": ETHICS_TEXT_ES,
            },
        )
        if created:
            self.summary.add("Code of Ethics versions")

    def _providers(self) -> None:
        for name, approved, approved_from, approved_until, spanish in PROVIDERS:
            provider, created = TrainingProvider.objects.get_or_create(
                name=name,
                defaults={
                    "approved": approved,
                    "approved_from": approved_from,
                    "approved_until": approved_until,
                    "offers_spanish": spanish,
                },
            )
            self.providers[name] = provider
            if created:
                self.summary.add("training providers")

    def _opt_ins(self) -> None:
        seeded = set(OptInPeriod.objects.values_list("county__code", flat=True).distinct())
        periods: list[OptInPeriod] = []
        for code, county in sorted(self.counties.items()):
            if code not in seeded:
                periods += self._county_periods(county)
        OptInPeriod.objects.bulk_create(periods)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                verb="county_opt_in_change",
                object_type="counties.optinperiod",
                object_id=period.pk,
                county=period.county,
                to_state="opted_in" if period.opted_in else "opted_out",
                reason=period.reason,
                data={
                    "delivery_system": period.delivery_system,
                    "effective_from": period.effective_from.isoformat(),
                },
                created_at=_at(period.effective_from, 9),
            )
            for period in periods
        )
        if periods:
            self.summary.add("opt-in periods", len(periods))

    def _county_periods(self, county: County) -> list[OptInPeriod]:
        rng = random.Random(county.code)
        periods = []
        for system, share in OPT_IN_SYSTEMS:
            start = datetime.date(rng.randint(2023, 2025), rng.randint(1, 12), 1)
            opted_in = rng.random() < share
            if county.code in NEVER_OPTED_IN:
                start, opted_in = PLAN_START, False
            elif county.code in DEMO_COUNTIES and system != "dmc":
                opted_in = True
            if county.code in OPTED_OUT_THEN_IN and system == "smhs":
                start = datetime.date(2024, rng.randint(2, 12), 1)
                periods.append(
                    OptInPeriod(
                        county=county,
                        delivery_system=system,
                        opted_in=False,
                        effective_from=PLAN_START,
                        effective_to=start - datetime.timedelta(days=1),
                        reason="Not offering peer support services yet.",
                    )
                )
                opted_in = True
            periods.append(
                OptInPeriod(
                    county=county,
                    delivery_system=system,
                    opted_in=opted_in,
                    effective_from=start if opted_in else PLAN_START,
                    reason="Program plan approved by DHCS." if opted_in else "Not opted in.",
                )
            )
        return periods

    def _user(self, email: str, first: str, last: str, **extra) -> tuple[User, bool]:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "first_name": first,
                "last_name": last,
                "password": self.password_hash,
                "date_joined": _at(self.today - datetime.timedelta(days=800)),
                **extra,
            },
        )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if created:
            self.summary.add("accounts")
        return user, created

    def _accounts(self) -> None:
        for email, first, last, county_code, role in STAFF_ACCOUNTS:
            user, _created = self._user(email, first, last)
            _membership, created = CountyMembership.objects.get_or_create(
                user=user, county=self.counties[county_code], defaults={"role": role}
            )
            if created:
                self.summary.add("county memberships")
            self.staff.setdefault(county_code, user)
            self.staff[f"{county_code}:{role}"] = user
        self._user(*STATE_ACCOUNT, is_state_staff=True)
        self._user(*OPERATOR_ACCOUNT, is_staff=True, is_superuser=True)

    # -- building blocks -------------------------------------------------------------------

    def _audit(
        self,
        *,
        verb: str,
        obj: models.Model,
        subject: User,
        county: County,
        on: datetime.date,
        actor: User | None = None,
        from_state: str = "",
        to_state: str = "",
        reason: str = "",
        data: dict | None = None,
    ) -> None:
        AuditEvent.objects.create(
            actor=actor,
            verb=verb,
            object_type=obj._meta.label_lower,
            object_id=obj.pk,
            county=county,
            subject=subject,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data or {},
            created_at=_at(on, 11),
        )
        self.summary.add("audit events")

    def _person(
        self,
        email: str,
        first: str,
        last: str,
        county_code: str,
        *,
        born: datetime.date,
        language: str = "en",
        lived_experience: str = "consumer",
    ) -> User | None:
        """The person's account and profile, or None when their history is already seeded."""
        user, _created = self._user(email, first, last, preferred_language=language)
        if user.applications.exists() or user.certifications.exists():
            return None
        ApplicantProfile.objects.get_or_create(
            user=user,
            defaults={
                "legal_first_name": first,
                "legal_last_name": last,
                "date_of_birth": born,
                "phone": f"555-01{len(email) % 100:02d}",
                "address_line1": f"{100 + len(email) * 7} Main Street",
                "city": self.counties[county_code].name,
                "postal_code": "9" + str(4000 + len(email) * 37)[-4:],
                "county_of_residence": self.counties[county_code],
                "preferred_language": language,
                "lived_experience": lived_experience,
                "education": "high_school_diploma",
                "education_attested": True,
            },
        )
        return user

    def _document(
        self,
        owner: User,
        kind: str,
        title: str,
        lines: list[str],
        *,
        on: datetime.date,
        application: Application | None = None,
        reviewer: User | None = None,
        status: str = "pending",
        reason: str = "",
    ) -> Document:
        content = simple_pdf(title, [*lines, "Demo data: not a real document."])
        document = Document.objects.create(
            owner=owner,
            application=application,
            kind=kind,
            file=ContentFile(content, name=f"{kind}.pdf"),
            original_name=f"{kind.replace('_', '-')}-{owner.last_name.lower()}.pdf",
            content_type="application/pdf",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            review_status=status,
            review_reason=reason,
            reviewed_by=reviewer if status != "pending" else None,
            reviewed_at=_at(on, 14) if status != "pending" else None,
            created_at=_at(on, 9),
        )
        self.summary.add("documents")
        if status != "pending" and application is not None:
            self._audit(
                verb="document_review",
                obj=document,
                actor=reviewer,
                subject=owner,
                county=application.county,
                on=on,
                from_state="pending",
                to_state=status,
                reason=reason,
            )
        return document

    def _id_and_diploma(
        self,
        application: Application,
        *,
        on: datetime.date,
        reviewer: User | None = None,
        id_status: str = "pending",
        diploma_status: str = "pending",
        id_reason: str = "",
    ) -> None:
        person = application.applicant
        name = f"{person.first_name} {person.last_name}"
        self._document(
            person,
            "photo_id",
            "California Driver License (sample)",
            [name, "DL X" + str(1000000 + person.pk * 7919)[-7:]],
            on=on,
            application=application,
            reviewer=reviewer,
            status=id_status,
            reason=id_reason,
        )
        self._document(
            person,
            "diploma",
            "High School Diploma (sample)",
            [name, "has completed the course of study prescribed for graduation."],
            on=on,
            application=application,
            reviewer=reviewer,
            status=diploma_status,
        )

    def _training(
        self,
        person: User,
        provider_name: str,
        *,
        completed_on: datetime.date,
        course: str = "core_80",
        hours: int = 80,
        status: str = "pending",
        reviewer: User | None = None,
        county: County | None = None,
        reason: str = "",
    ) -> TrainingRecord:
        provider = self.providers[provider_name]
        certificate = self._document(
            person,
            "training_certificate",
            "Certificate of Completion",
            [
                f"{person.first_name} {person.last_name}",
                f"{Course(course).label}: {hours} hours",
                f"Completed {completed_on:%B %-d, %Y}",
                provider.name,
            ],
            on=completed_on + datetime.timedelta(days=3),
        )
        reviewed = status != "pending"
        reviewed_on = completed_on + datetime.timedelta(days=12)
        record = TrainingRecord.objects.create(
            person=person,
            provider=provider,
            course=course,
            hours=Decimal(hours),
            completed_on=completed_on,
            certificate=certificate,
            status=status,
            reviewed_by=reviewer if reviewed else None,
            reviewed_at=_at(reviewed_on, 15) if reviewed else None,
            reason=reason,
            created_at=_at(completed_on + datetime.timedelta(days=3)),
        )
        self.summary.add("training records")
        if reviewed:
            self._audit(
                verb=f"training_record_{'verify' if status == 'verified' else 'reject'}",
                obj=record,
                actor=reviewer,
                subject=person,
                county=county,
                on=reviewed_on,
                from_state="pending",
                to_state=status,
                reason=reason,
                data={"course": course, "hours": str(Decimal(hours))},
            )
        return record

    def _application(
        self,
        person: User,
        county_code: str,
        *,
        started_on: datetime.date,
        pathway: str = "standard",
        **fields,
    ) -> Application:
        county = self.counties[county_code]
        application = Application.objects.create(
            applicant=person,
            county=county,
            pathway=pathway,
            status="draft",
            ethics_version=self.ethics,
            ethics_signed_at=_at(started_on, 12),
            attest_share_experience=True,
            attest_recovery=True,
            created_at=_at(started_on, 9),
            **fields,
        )
        self.summary.add("applications")
        self._audit(
            verb="application_create",
            obj=application,
            actor=person,
            subject=person,
            county=county,
            on=started_on,
            to_state="draft",
            data={"pathway": pathway},
        )
        return application

    def _move(
        self,
        application: Application,
        to_state: str,
        *,
        verb: str,
        on: datetime.date,
        actor: User | None,
        reason: str = "",
        data: dict | None = None,
        **fields,
    ) -> None:
        """Apply one life-cycle step to `application` as its service would, and audit it."""
        from_state = application.status
        application.status = to_state
        application.version += 1
        for name, value in fields.items():
            setattr(application, name, value)
        application.save()
        self._audit(
            verb=verb,
            obj=application,
            actor=actor,
            subject=application.applicant,
            county=application.county,
            on=on,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
            data=data,
        )

    def _submit(self, application: Application, on: datetime.date) -> None:
        self._move(
            application,
            "submitted",
            verb="application_submit",
            on=on,
            actor=application.applicant,
            submitted_at=_at(on, 16),
        )

    def _approve(self, application: Application, on: datetime.date, staff: User) -> None:
        window_ends_on = rules.approval_window_end(on)
        self._move(
            application,
            "approved",
            verb="application_approve",
            on=on,
            actor=staff,
            data={"window_ends_on": window_ends_on.isoformat()},
            approved_on=on,
            window_ends_on=window_ends_on,
            decided_at=_at(on, 15),
            decided_by=staff,
        )

    def _reviewed_and_approved(
        self,
        person: User,
        county_code: str,
        *,
        approved_on: datetime.date,
        provider_name: str | None = None,
    ) -> Application:
        """An application taken from draft to approved around `approved_on`: documents and
        core training verified on the way."""
        county = self.counties[county_code]
        staff = self.staff[county_code]
        submitted_on = approved_on - datetime.timedelta(days=24)
        application = self._application(
            person, county_code, started_on=submitted_on - datetime.timedelta(days=6)
        )
        self._training(
            person,
            provider_name or PROVIDER_FOR_COUNTY[county_code],
            completed_on=submitted_on - datetime.timedelta(days=30),
            status="verified",
            reviewer=staff,
            county=county,
        )
        self._id_and_diploma(application, on=submitted_on - datetime.timedelta(days=1))
        self._submit(application, submitted_on)
        review_on = submitted_on + datetime.timedelta(days=9)
        self._move(
            application, "in_review", verb="application_start_review", on=review_on, actor=staff
        )
        for document in application.documents.all():
            document.review_status, document.reviewed_by = "verified", staff
            document.reviewed_at = _at(review_on, 14)
            document.save()
            self._audit(
                verb="document_review",
                obj=document,
                actor=staff,
                subject=person,
                county=county,
                on=review_on,
                from_state="pending",
                to_state="verified",
            )
        self._approve(application, approved_on, staff)
        return application

    def _exam(
        self,
        application: Application,
        *,
        taken_on: datetime.date,
        result: str,
        score: int | None,
        number: int,
    ) -> ExamAttempt:
        staff = self.staff[application.county.code]
        attempt = ExamAttempt.objects.create(
            application=application,
            taken_on=taken_on,
            result=result,
            scaled_score=score,
            source="import",
            vendor_reference=f"DEMO-{application.pk:05d}-{number}",
            recorded_by=staff,
            created_at=_at(taken_on + datetime.timedelta(days=2)),
        )
        self.summary.add("exam attempts")
        self._audit(
            verb="exam_attempt_record",
            obj=attempt,
            actor=staff,
            subject=application.applicant,
            county=application.county,
            on=taken_on + datetime.timedelta(days=2),
            to_state=result,
            data={
                "application_id": application.pk,
                "attempt_number": number,
                "source": "import",
                "vendor_reference": attempt.vendor_reference,
            },
        )
        return attempt

    def _certified(
        self,
        person: User,
        county_code: str,
        *,
        issued_on: datetime.date,
        provider_name: str | None = None,
    ) -> Certification:
        """A full standard-pathway history ending in an active certification issued on
        `issued_on`: application approved, exam passed, certification issued."""
        staff = self.staff[county_code]
        approved_on = issued_on - datetime.timedelta(days=50)
        application = self._reviewed_and_approved(
            person, county_code, approved_on=approved_on, provider_name=provider_name
        )
        self._exam(
            application,
            taken_on=issued_on - datetime.timedelta(days=7),
            result="passed",
            score=540 + person.pk % 60,
            number=1,
        )
        return self._issue(application, issued_on, staff)

    def _issue(
        self, application: Application, issued_on: datetime.date, staff: User
    ) -> Certification:
        person = application.applicant
        certification = Certification.objects.create(
            number=next_certification_number(),
            holder=person,
            issuing_county=application.county,
            application=application,
            first_name=person.first_name,
            last_name=person.last_name,
            status="active",
            issued_on=issued_on,
            expires_on=rules.certification_expiry(issued_on),
            created_at=_at(issued_on, 15),
            updated_at=_at(issued_on, 15),
        )
        self.summary.add("certifications")
        self._move(
            application,
            "certified",
            verb="certification_issue",
            on=issued_on,
            actor=staff,
            data={"certification_id": certification.pk, "number": certification.number},
        )
        self._audit(
            verb="certification_issue",
            obj=certification,
            actor=staff,
            subject=person,
            county=application.county,
            on=issued_on,
            to_state="active",
            data={"application_id": application.pk, "number": certification.number},
        )
        return certification

    def _set_status(
        self,
        certification: Certification,
        to_state: str,
        *,
        verb: str,
        on: datetime.date,
        actor: User | None,
        reason: str = "",
    ) -> None:
        from_state = certification.status
        certification.status = to_state
        certification.status_reason = reason
        certification.updated_at = _at(on, 16)
        certification.save()
        self._audit(
            verb=verb,
            obj=certification,
            actor=actor,
            subject=certification.holder,
            county=certification.issuing_county,
            on=on,
            from_state=from_state,
            to_state=to_state,
            reason=reason,
        )

    def _specialization(
        self, certification: Certification, code: str, *, added_on: datetime.date
    ) -> None:
        staff = self.staff[certification.issuing_county.code]
        record = self._training(
            certification.holder,
            PROVIDER_FOR_COUNTY.get(certification.issuing_county.code, SPANISH_PROVIDER),
            completed_on=added_on - datetime.timedelta(days=14),
            course=code,
            hours=40,
            status="verified",
            reviewer=staff,
            county=certification.issuing_county,
        )
        CertificationSpecialization.objects.create(
            certification=certification, code=code, added_on=added_on, training_record=record
        )
        self.summary.add("specializations")
        self._audit(
            verb="certification_add_specialization",
            obj=certification,
            actor=staff,
            subject=certification.holder,
            county=certification.issuing_county,
            on=added_on,
            from_state=certification.status,
            to_state=certification.status,
            data={"code": code, "training_record_id": record.pk},
        )

    def _ce(
        self,
        certification: Certification,
        title: str,
        hours: str,
        category: str,
        *,
        completed_on: datetime.date,
        status: str = "verified",
    ) -> None:
        staff = self.staff[certification.issuing_county.code]
        holder = certification.holder
        proof = self._document(
            holder,
            "ce_certificate",
            "Continuing Education Certificate",
            [f"{holder.first_name} {holder.last_name}", title, f"{hours} hours"],
            on=completed_on + datetime.timedelta(days=1),
        )
        reviewed = status != "pending"
        reviewed_on = completed_on + datetime.timedelta(days=10)
        credit = CeCredit.objects.create(
            certification=certification,
            title=title,
            provider_name=PROVIDER_FOR_COUNTY.get(
                certification.issuing_county.code, SPANISH_PROVIDER
            ),
            hours=Decimal(hours),
            category=category,
            completed_on=completed_on,
            document=proof,
            status=status,
            reviewed_by=staff if reviewed else None,
            reviewed_at=_at(reviewed_on) if reviewed else None,
            created_at=_at(completed_on + datetime.timedelta(days=1)),
        )
        self.summary.add("CE credits")
        if reviewed:
            self._audit(
                verb="ce_credit_verify",
                obj=credit,
                actor=staff,
                subject=holder,
                county=certification.issuing_county,
                on=reviewed_on,
                from_state="pending",
                to_state=status,
            )

    def _ce_for_cycle(self, certification: Certification, *, complete: bool) -> None:
        """CE credits inside the certification's current cycle, up to today: a compliant set
        (20 h, 6 of law and ethics) when `complete`, otherwise a partial one."""
        cycle_start, _cycle_end = ce_rules.cycle_bounds(certification.expires_on)
        start = max(cycle_start, certification.issued_on + _days(20))
        span = (min(self.today, certification.expires_on) - start).days - 15
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
            completed_on = start + datetime.timedelta(days=span * index // len(courses))
            self._ce(certification, title, hours, category, completed_on=completed_on)

    # -- the stories -----------------------------------------------------------------------

    def _histories(self) -> None:
        for story in (
            self._applicant,
            self._peer,
            self._submitted,
            self._in_review,
            self._changes_requested,
            self._approved_after_failed_exam,
            self._approved_recently,
            self._denied,
            self._withdrawn,
            self._expired_application,
            self._out_of_state,
            self._spanish_speaking_peer,
            self._expiring_soon,
            self._expired_certification,
            self._suspended,
            self._revoked,
            self._grandparented_and_renewed,
            self._peer_with_pending_ce,
        ):
            story()

    def _applicant(self) -> None:
        """applicant@example.org: a draft in Alameda with a photo ID uploaded."""
        person = self._person(
            "applicant@example.org", "Avery", "Jackson", "alameda", born=datetime.date(1994, 3, 8)
        )
        if person is None:
            return
        application = self._application(person, "alameda", started_on=self.today - _days(3))
        self._document(
            person,
            "photo_id",
            "California ID Card (sample)",
            ["Avery Jackson"],
            on=self.today - _days(2),
            application=application,
        )
        self._training(
            person, "Bay Area Peer Training Collaborative", completed_on=self.today - _days(40)
        )

    def _peer(self) -> None:
        """peer@example.org: an active Alameda certification with two specializations and CE."""
        person = self._person(
            "peer@example.org",
            "Jordan",
            "Ellis",
            "alameda",
            born=datetime.date(1986, 11, 2),
            lived_experience="family",
        )
        if person is None:
            return
        certification = self._certified(person, "alameda", issued_on=self.today - _days(380))
        self._specialization(certification, "crisis", added_on=self.today - _days(200))
        self._specialization(
            certification, "parent_caregiver_family", added_on=self.today - _days(120)
        )
        self._ce_for_cycle(certification, complete=False)
        self._ce(
            certification,
            "Suicide prevention for peers",
            "4",
            "general",
            completed_on=self.today - _days(12),
            status="pending",
        )

    def _submitted(self) -> None:
        """Two submitted applications waiting in the queues (one in Spanish)."""
        maria = self._person(
            "maria.lopez@example.org",
            "María",
            "López",
            "los-angeles",
            born=datetime.date(1979, 6, 21),
            language="es",
        )
        if maria is not None:
            application = self._application(maria, "los-angeles", started_on=self.today - _days(9))
            self._training(maria, SPANISH_PROVIDER, completed_on=self.today - _days(30))
            self._id_and_diploma(application, on=self.today - _days(6))
            self._submit(application, self.today - _days(5))
        sofia = self._person(
            "sofia.alvarez@example.org",
            "Sofia",
            "Alvarez",
            "alameda",
            born=datetime.date(1998, 1, 30),
        )
        if sofia is not None:
            application = self._application(sofia, "alameda", started_on=self.today - _days(6))
            self._training(
                sofia, "Bay Area Peer Training Collaborative", completed_on=self.today - _days(60)
            )
            self._id_and_diploma(application, on=self.today - _days(4))
            self._submit(application, self.today - _days(3))

    def _in_review(self) -> None:
        person = self._person(
            "david.nguyen@example.org",
            "David",
            "Nguyen",
            "san-diego",
            born=datetime.date(1990, 9, 14),
        )
        if person is None:
            return
        staff = self.staff["san-diego"]
        application = self._application(person, "san-diego", started_on=self.today - _days(25))
        self._training(
            person,
            "Southern California Peer Institute",
            completed_on=self.today - _days(70),
            status="verified",
            reviewer=staff,
            county=application.county,
        )
        self._id_and_diploma(
            application, on=self.today - _days(10), reviewer=staff, id_status="verified"
        )
        self._submit(application, self.today - _days(20))
        self._move(
            application,
            "in_review",
            verb="application_start_review",
            on=self.today - _days(10),
            actor=staff,
        )

    def _changes_requested(self) -> None:
        person = self._person(
            "keisha.johnson@example.org",
            "Keisha",
            "Johnson",
            "alameda",
            born=datetime.date(1983, 12, 5),
        )
        if person is None:
            return
        reviewer = self.staff["alameda:reviewer"]
        application = self._application(person, "alameda", started_on=self.today - _days(30))
        self._training(
            person,
            "Bay Area Peer Training Collaborative",
            completed_on=self.today - _days(90),
            status="verified",
            reviewer=reviewer,
            county=application.county,
        )
        blurry = "The photo ID is too blurry to read the name and the expiry date."
        self._id_and_diploma(
            application,
            on=self.today - _days(8),
            reviewer=reviewer,
            id_status="rejected",
            id_reason=blurry,
            diploma_status="verified",
        )
        self._submit(application, self.today - _days(25))
        self._move(
            application,
            "in_review",
            verb="application_start_review",
            on=self.today - _days(12),
            actor=reviewer,
        )
        message = (
            "Thank you for applying. We could not read the name on your photo ID. Please "
            "upload a clear photo or scan of the front of your ID, then resubmit."
        )
        self._move(
            application,
            "changes_requested",
            verb="application_request_changes",
            on=self.today - _days(8),
            actor=reviewer,
            reason=message,
            data={"parts": ["photo_id"]},
            changes_requested_message=message,
            changes_requested_parts=["photo_id"],
        )

    def _approved_after_failed_exam(self) -> None:
        person = self._person(
            "jose.hernandez@example.org",
            "José",
            "Hernández",
            "fresno",
            born=datetime.date(1975, 4, 27),
            language="es",
        )
        if person is None:
            return
        application = self._reviewed_and_approved(
            person, "fresno", approved_on=self.today - _days(120)
        )
        self._exam(
            application, taken_on=self.today - _days(45), result="failed", score=412, number=1
        )

    def _approved_recently(self) -> None:
        person = self._person(
            "linh.tran@example.org", "Linh", "Tran", "sacramento", born=datetime.date(1992, 7, 19)
        )
        if person is None:
            return
        application = self._reviewed_and_approved(
            person, "sacramento", approved_on=self.today - _days(14)
        )
        self._training(
            person,
            LAPSED_PROVIDER,
            completed_on=datetime.date(2024, 5, 10),
            course="crisis",
            hours=40,
            status="rejected",
            reviewer=self.staff["sacramento"],
            county=application.county,
            reason="This provider's approval ended on 2023-12-31, before the course was completed.",
        )

    def _denied(self) -> None:
        person = self._person(
            "robert.smith@example.org", "Robert", "Smith", "fresno", born=datetime.date(1969, 2, 11)
        )
        if person is None:
            return
        staff = self.staff["fresno"]
        application = self._application(person, "fresno", started_on=self.today - _days(75))
        self._id_and_diploma(
            application,
            on=self.today - _days(50),
            reviewer=staff,
            id_status="verified",
            diploma_status="rejected",
        )
        self._training(
            person,
            UNAPPROVED_PROVIDER,
            completed_on=self.today - _days(110),
            status="rejected",
            reviewer=staff,
            county=application.county,
            reason="QuickCert Peer Online is not an approved training provider.",
        )
        self._submit(application, self.today - _days(70))
        self._move(
            application,
            "in_review",
            verb="application_start_review",
            on=self.today - _days(55),
            actor=staff,
        )
        reason = (
            "The document provided is a certificate of attendance, not a high school diploma "
            "or equivalent. You may apply again once you have a diploma or equivalent."
        )
        self._move(
            application,
            "denied",
            verb="application_deny",
            on=self.today - _days(50),
            actor=staff,
            reason=reason,
            decision_reason=reason,
            decided_at=_at(self.today - _days(50), 15),
            decided_by=staff,
        )

    def _withdrawn(self) -> None:
        person = self._person(
            "aisha.rahman@example.org",
            "Aisha",
            "Rahman",
            "los-angeles",
            born=datetime.date(1988, 10, 3),
        )
        if person is None:
            return
        application = self._application(person, "los-angeles", started_on=self.today - _days(100))
        self._id_and_diploma(application, on=self.today - _days(95))
        self._submit(application, self.today - _days(94))
        self._move(
            application,
            "withdrawn",
            verb="application_withdraw",
            on=self.today - _days(80),
            actor=person,
            reason="I am moving out of state.",
        )

    def _expired_application(self) -> None:
        person = self._person(
            "tom.whitehorse@example.org",
            "Tom",
            "Whitehorse",
            "san-diego",
            born=datetime.date(1981, 8, 16),
        )
        if person is None:
            return
        approved_on = _years_before(self.today - _days(60), 1)
        application = self._reviewed_and_approved(person, "san-diego", approved_on=approved_on)
        self._exam(
            application, taken_on=approved_on + _days(90), result="no_show", score=None, number=1
        )
        self._move(
            application,
            "expired",
            verb="application_expire",
            on=application.window_ends_on + _days(1),
            actor=None,
        )

    def _out_of_state(self) -> None:
        person = self._person(
            "priya.shah@example.org", "Priya", "Shah", "sacramento", born=datetime.date(1985, 5, 9)
        )
        if person is None:
            return
        application = self._application(
            person,
            "sacramento",
            started_on=self.today - _days(12),
            pathway="out_of_state",
            other_state="AZ",
            other_state_certification_number="AZ-PSS-20417",
            peer_work_hours=2100,
            attest_no_pending_discipline=True,
        )
        self._id_and_diploma(application, on=self.today - _days(10))
        for number, writer in enumerate(("Dr. L. Begay", "M. Ortiz, LCSW", "K. Yazzie"), 1):
            self._document(
                person,
                "recommendation_letter",
                "Letter of Recommendation",
                [f"From {writer}", f"Letter {number} of 3 for Priya Shah"],
                on=self.today - _days(10),
                application=application,
            )
        self._submit(application, self.today - _days(9))

    def _spanish_speaking_peer(self) -> None:
        person = self._person(
            "guadalupe.ramirez@example.org",
            "Guadalupe",
            "Ramírez",
            "fresno",
            born=datetime.date(1972, 12, 12),
            language="es",
        )
        if person is None:
            return
        certification = self._certified(
            person, "fresno", issued_on=self.today - _days(240), provider_name=SPANISH_PROVIDER
        )
        self._specialization(certification, "unhoused", added_on=self.today - _days(90))
        self._ce_for_cycle(certification, complete=False)

    def _expiring_soon(self) -> None:
        """Expires within 30 days, CE complete: ready to renew."""
        person = self._person(
            "james.oconnor@example.org",
            "James",
            "O'Connor",
            "los-angeles",
            born=datetime.date(1977, 3, 22),
        )
        if person is None:
            return
        certification = self._certified(
            person, "los-angeles", issued_on=_years_before(self.today + _days(21), 2)
        )
        self._ce_for_cycle(certification, complete=True)

    def _expired_certification(self) -> None:
        person = self._person(
            "samantha.lee@example.org",
            "Samantha",
            "Lee",
            "sacramento",
            born=datetime.date(1991, 4, 1),
        )
        if person is None:
            return
        certification = self._certified(
            person, "sacramento", issued_on=_years_before(self.today - _days(45), 2)
        )
        self._ce_for_cycle(certification, complete=False)
        self._set_status(
            certification,
            "expired",
            verb="certification_expire",
            on=certification.expires_on + _days(1),
            actor=None,
        )

    def _suspended(self) -> None:
        person = self._person(
            "marcus.brown@example.org",
            "Marcus",
            "Brown",
            "alameda",
            born=datetime.date(1984, 1, 17),
        )
        if person is None:
            return
        certification = self._certified(person, "alameda", issued_on=self.today - _days(500))
        self._set_status(
            certification,
            "suspended",
            verb="certification_suspend",
            on=self.today - _days(20),
            actor=self.staff["alameda:admin"],
            reason="Suspended while a complaint about a boundary violation is investigated.",
        )

    def _revoked(self) -> None:
        person = self._person(
            "kevin.park@example.org", "Kevin", "Park", "san-diego", born=datetime.date(1987, 6, 6)
        )
        if person is None:
            return
        certification = self._certified(person, "san-diego", issued_on=self.today - _days(420))
        staff = self.staff["san-diego"]
        self._set_status(
            certification,
            "suspended",
            verb="certification_suspend",
            on=self.today - _days(100),
            actor=staff,
            reason="The training provider reported that the training certificate is not theirs.",
        )
        self._set_status(
            certification,
            "revoked",
            verb="certification_revoke",
            on=self.today - _days(60),
            actor=staff,
            reason="Falsified training certificate, confirmed by the provider.",
        )

    def _grandparented_and_renewed(self) -> None:
        """A grandparented peer (pathway closed 2022-12-31) renewed every cycle since."""
        person = self._person(
            "elena.garcia@example.org",
            "Elena",
            "García",
            "los-angeles",
            born=datetime.date(1968, 9, 30),
        )
        if person is None:
            return
        staff = self.staff["los-angeles"]
        application = self._application(
            person, "los-angeles", started_on=datetime.date(2022, 9, 1), pathway="grandparenting"
        )
        self._id_and_diploma(
            application,
            on=datetime.date(2022, 9, 1),
            reviewer=staff,
            id_status="verified",
            diploma_status="verified",
        )
        self._submit(application, datetime.date(2022, 9, 2))
        self._move(
            application,
            "in_review",
            verb="application_start_review",
            on=datetime.date(2022, 9, 20),
            actor=staff,
        )
        self._approve(application, datetime.date(2022, 10, 3), staff)
        self._exam(
            application, taken_on=datetime.date(2022, 11, 1), result="passed", score=575, number=1
        )
        certification = self._issue(application, datetime.date(2022, 11, 15), staff)
        self._specialization(certification, "justice_involved", added_on=datetime.date(2023, 6, 1))
        while certification.expires_on <= self.today:
            self._renew(certification, staff)
        self._ce_for_cycle(certification, complete=False)

    def _renew(self, certification: Certification, staff: User) -> None:
        previous = certification.expires_on
        cycle_start, cycle_end = ce_rules.cycle_bounds(previous)
        renewed_on = previous - datetime.timedelta(days=30)
        span = (renewed_on - cycle_start).days
        for index, (title, hours, category) in enumerate(
            (
                ("Ethics and boundaries refresher", "6", "law_and_ethics"),
                ("Cultural responsiveness in peer work", "7", "general"),
                ("Group facilitation skills", "7", "general"),
            )
        ):
            completed_on = cycle_start + datetime.timedelta(days=span * (index + 1) // 4)
            self._ce(certification, title, hours, category, completed_on=completed_on)
        renewal = Renewal.objects.create(
            certification=certification,
            cycle_start=cycle_start,
            cycle_end=cycle_end,
            ce_total_hours=Decimal("20"),
            ce_law_and_ethics_hours=Decimal("6"),
            ethics_version=self.ethics,
            ethics_affirmed_at=_at(renewed_on, 10),
            previous_expires_on=previous,
            new_expires_on=rules.certification_expiry(previous),
            fee_cents=ProgramPolicy.current().fee_renewal_cents,
            decided_by=staff,
            created_at=_at(renewed_on, 11),
        )
        self.summary.add("renewals")
        certification.expires_on = renewal.new_expires_on
        certification.updated_at = _at(renewed_on, 11)
        certification.save()
        self._audit(
            verb="certification_renew",
            obj=certification,
            actor=staff,
            subject=certification.holder,
            county=certification.issuing_county,
            on=renewed_on,
            from_state="active",
            to_state="active",
            data={
                "renewal_id": renewal.pk,
                "previous_expires_on": previous.isoformat(),
                "new_expires_on": renewal.new_expires_on.isoformat(),
            },
        )

    def _peer_with_pending_ce(self) -> None:
        """An Alameda peer whose latest CE credits wait for the county's review."""
        person = self._person(
            "wei.chen@example.org", "Wei", "Chen", "alameda", born=datetime.date(1995, 2, 24)
        )
        if person is None:
            return
        certification = self._certified(person, "alameda", issued_on=self.today - _days(190))
        self._ce(
            certification,
            "Law and ethics for peer support",
            "6",
            "law_and_ethics",
            completed_on=self.today - _days(20),
            status="pending",
        )
        self._ce(
            certification,
            "Co-occurring disorders: an introduction",
            "3.5",
            "general",
            completed_on=self.today - _days(9),
            status="pending",
        )
