"""A prepared data set for the program report of Alameda's fiscal year 2025-26
(2025-07-01 to 2026-06-30), with every row dated as the services date them (audit events
on the day of each step), and Fresno rows that must never count. Each figure the report
drafts from it is worked out by hand in tests/reports/test_figures.py (EXPECTED)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from audit.models import AuditEvent
from cases.models import Appeal, Case, CaseDecision
from ce_audits.models import CeAudit
from certification.models import Application, Certification, Renewal
from counties.models import County, OptInPeriod
from fees.models import FeeDue, FeePayment, FeeWaiver
from providers.models import CourseApproval, ProviderCourse, ProviderOrganisation
from tests.factories import (
    ApplicationFactory,
    CertificationFactory,
    EthicsVersionFactory,
    ExamAttemptFactory,
    ProfileFactory,
    ProviderFactory,
    SpecializationFactory,
    TrainingRecordFactory,
    UserFactory,
)

START = datetime.date(2025, 7, 1)
END = datetime.date(2026, 6, 30)
TZ = datetime.timezone(datetime.timedelta(hours=-7))  # Pacific daylight time, for the summer


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def event(verb, obj, county, subject, when, to_state="", from_state="") -> AuditEvent:
    return AuditEvent.objects.create(
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=obj.pk,
        county=county,
        subject=subject,
        from_state=from_state,
        to_state=to_state,
        created_at=when,
    )


@dataclass
class Dataset:
    county: County
    other_county: County
    applications: list[Application] = field(default_factory=list)
    certifications: list[Certification] = field(default_factory=list)
    fees: list[FeeDue] = field(default_factory=list)
    payments: list[FeePayment] = field(default_factory=list)


def _renewal(certification, kind, when, ethics):
    return Renewal.objects.create(
        certification=certification,
        kind=kind,
        cycle_start=certification.issued_on,
        cycle_end=when.date(),
        ce_total_hours=Decimal("20"),
        ce_law_and_ethics_hours=Decimal("6"),
        ethics_version=ethics,
        ethics_affirmed_at=when,
        previous_expires_on=certification.expires_on,
        new_expires_on=certification.expires_on + datetime.timedelta(days=730),
        created_at=when,
    )


def build(alameda: County, fresno: County) -> Dataset:
    data = Dataset(county=alameda, other_county=fresno)
    ethics = EthicsVersionFactory()
    provider = ProviderFactory(name="Bay Peer Academy")
    first = datetime.date(2025, 8, 1)
    # Twelve applications submitted in the period, the first 3 by Spanish speakers.
    for i in range(12):
        person = UserFactory()
        ProfileFactory(user=person, preferred_language="es" if i < 3 else "en")
        submitted = first + datetime.timedelta(days=i)
        application = ApplicationFactory(
            applicant=person, county=alameda, status="submitted", submitted_at=at(submitted)
        )
        event("application_submit", application, alameda, person, at(submitted), "submitted")
        # Review starts i + 1 days after submission: 1..12 days.
        event(
            "application_start_review",
            application,
            alameda,
            person,
            at(submitted + datetime.timedelta(days=i + 1)),
            "in_review",
        )
        TrainingRecordFactory(
            person=person, provider=provider, status="verified", completed_on=first
        )
        FeeDue.objects.create(
            county=alameda,
            person=person,
            kind="application",
            amount_cents=10000,
            application=application,
            created_at=at(submitted),
        )
        data.applications.append(application)
    # The first 11 approved 10..20 days after submission, certified 30 days after approval;
    # the last denied after 30 days.
    for i, application in enumerate(data.applications):
        submitted = application.submitted_at.date()
        person = application.applicant
        if i == 11:
            event(
                "application_deny",
                application,
                alameda,
                person,
                at(submitted + datetime.timedelta(days=30)),
                "denied",
            )
            Application.objects.filter(pk=application.pk).update(status="denied")
            continue
        approved = submitted + datetime.timedelta(days=10 + i)
        issued = approved + datetime.timedelta(days=30)
        event("application_approve", application, alameda, person, at(approved), "approved")
        Application.objects.filter(pk=application.pk).update(
            status="certified",
            approved_on=approved,
            window_ends_on=approved + datetime.timedelta(days=365),
        )
        # Exams: applications 0-3 fail once, then pass; application 4 misses one first.
        if i < 4:
            ExamAttemptFactory(
                application=application,
                taken_on=approved + datetime.timedelta(days=5),
                result="failed",
            )
        if i == 4:
            ExamAttemptFactory(
                application=application,
                taken_on=approved + datetime.timedelta(days=5),
                result="no_show",
            )
        ExamAttemptFactory(
            application=application,
            taken_on=approved + datetime.timedelta(days=20),
            result="passed",
        )
        certification = CertificationFactory(
            holder=person,
            issuing_county=alameda,
            application=application,
            issued_on=issued,
            expires_on=issued.replace(year=issued.year + 2),
        )
        event("certification_issue", application, alameda, person, at(issued), "certified")
        event("certification_issue", certification, alameda, person, at(issued), "active")
        SpecializationFactory(certification=certification, code="crisis", added_on=issued)
        data.certifications.append(certification)
    # One of the new certifications suspended, another revoked, in the period.
    suspended, revoked = data.certifications[0], data.certifications[1]
    event(
        "certification_suspend",
        suspended,
        alameda,
        suspended.holder,
        at(datetime.date(2026, 3, 2)),
        "suspended",
        "active",
    )
    event(
        "certification_revoke",
        revoked,
        alameda,
        revoked.holder,
        at(datetime.date(2026, 3, 3)),
        "revoked",
        "active",
    )
    SpecializationFactory(
        certification=data.certifications[2], code="unhoused", added_on=datetime.date(2026, 4, 1)
    )

    def old(status, issued_on, language="en", residence=alameda):
        person = UserFactory()
        ProfileFactory(user=person, preferred_language=language, county_of_residence=residence)
        certification = CertificationFactory(
            holder=person,
            issuing_county=alameda,
            status=status,
            issued_on=issued_on,
            expires_on=issued_on.replace(year=issued_on.year + 2),
        )
        event("certification_issue", certification, alameda, person, at(issued_on), "active")
        return certification

    # A: renewed on time in the period. B: expired, then renewed late, in the period.
    # C: expired in the period. D: vacated in the period. E: suspended after the period.
    a = old("active", datetime.date(2023, 9, 1), residence=fresno)
    a_renewal = _renewal(a, "renewal", at(datetime.date(2025, 8, 15)), ethics)
    event(
        "certification_renew",
        a,
        alameda,
        a.holder,
        at(datetime.date(2025, 8, 15)),
        "active",
        "active",
    )
    b = old("active", datetime.date(2023, 7, 20), residence=fresno)
    event(
        "certification_expire",
        b,
        alameda,
        b.holder,
        at(datetime.date(2025, 7, 20)),
        "expired",
        "active",
    )
    b_renewal = _renewal(b, "late_renewal", at(datetime.date(2025, 10, 1)), ethics)
    event(
        "certification_renew",
        b,
        alameda,
        b.holder,
        at(datetime.date(2025, 10, 1)),
        "active",
        "expired",
    )
    c = old("expired", datetime.date(2023, 12, 1))
    event(
        "certification_expire",
        c,
        alameda,
        c.holder,
        at(datetime.date(2025, 12, 1)),
        "expired",
        "active",
    )
    d = old("vacated", datetime.date(2019, 7, 1))
    event(
        "certification_expire",
        d,
        alameda,
        d.holder,
        at(datetime.date(2021, 7, 1)),
        "expired",
        "active",
    )
    event(
        "certification_vacate",
        d,
        alameda,
        d.holder,
        at(datetime.date(2025, 7, 1)),
        "vacated",
        "expired",
    )
    e = old("suspended", datetime.date(2024, 11, 1), residence=fresno)
    event(
        "certification_suspend",
        e,
        alameda,
        e.holder,
        at(datetime.date(2026, 8, 1)),
        "suspended",
        "active",
    )
    # Fees: the applications' (above), A's renewal fee waived, B's renewal and late fees
    # paid; applications 0-10 paid in full in the period, 11 in part after it.
    staff = UserFactory()
    a_fee = FeeDue.objects.create(
        county=alameda,
        person=a.holder,
        kind="renewal",
        amount_cents=8000,
        renewal=a_renewal,
        created_at=at(datetime.date(2025, 8, 15)),
    )
    FeeWaiver.objects.create(
        county=alameda,
        person=a.holder,
        reason="DHCS-funded waiver",
        granted_by=staff,
        granted_at=at(datetime.date(2025, 8, 1)),
        fee=a_fee,
        applied_at=at(datetime.date(2025, 8, 15)),
    )
    for kind, cents in (("renewal", 8000), ("late", 4000)):
        fee = FeeDue.objects.create(
            county=alameda,
            person=b.holder,
            kind=kind,
            amount_cents=cents,
            renewal=b_renewal,
            created_at=at(datetime.date(2025, 10, 1)),
        )
        data.fees.append(fee)
    for fee in FeeDue.objects.filter(county=alameda, kind="application").order_by("id"):
        data.fees.append(fee)
    for fee in data.fees:
        on = fee.created_at.date() + datetime.timedelta(days=3)
        last = fee.kind == "application" and fee.application_id == data.applications[11].pk
        payment = FeePayment.objects.create(
            fee=fee,
            county=alameda,
            person=fee.person,
            amount_cents=2500 if last else fee.amount_cents,
            method="check",
            paid_on=datetime.date(2026, 7, 5) if last else on,
            recorded_by=staff,
        )
        data.payments.append(payment)
    _cases(alameda, fresno, staff)
    _catalogue(alameda, fresno, provider, staff)
    # CE audits: two drawn in the period, one passed, one failed with hours to make up.
    CeAudit.objects.create(
        county=alameda,
        certification=a,
        cycle_start=datetime.date(2023, 9, 1),
        cycle_end=datetime.date(2025, 8, 15),
        drawn_at=at(datetime.date(2025, 9, 1)),
        outcome="passed",
        decided_at=at(datetime.date(2025, 10, 1)),
    )
    CeAudit.objects.create(
        county=alameda,
        certification=b,
        cycle_start=datetime.date(2023, 7, 20),
        cycle_end=datetime.date(2025, 7, 20),
        drawn_at=at(datetime.date(2025, 11, 1)),
        outcome="failed",
        decided_at=at(datetime.date(2025, 12, 1)),
        consequence="makeup",
        consequence_at=at(datetime.date(2025, 12, 2)),
        makeup_total_hours=Decimal("4"),
        makeup_law_and_ethics_hours=Decimal("0"),
        makeup_due_on=datetime.date(2026, 3, 2),
    )
    # The county opted in for DMC-ODS during the period.
    OptInPeriod.objects.create(
        county=alameda,
        delivery_system="dmc_ods",
        opted_in=True,
        effective_from=datetime.date(2025, 9, 1),
    )
    # Fresno: an application and a suspension in the period that must not count for Alameda.
    person = UserFactory()
    ProfileFactory(user=person, county_of_residence=fresno)
    application = ApplicationFactory(
        applicant=person, county=fresno, status="submitted", submitted_at=at(first)
    )
    event("application_submit", application, fresno, person, at(first), "submitted")
    fee = FeeDue.objects.create(
        county=fresno,
        person=person,
        kind="application",
        amount_cents=10000,
        application=application,
        created_at=at(first),
    )
    FeePayment.objects.create(
        fee=fee,
        county=fresno,
        person=person,
        amount_cents=10000,
        method="cash",
        paid_on=first,
        recorded_by=person,
    )
    certification = CertificationFactory(issuing_county=fresno, issued_on=datetime.date(2025, 9, 1))
    event(
        "certification_issue",
        certification,
        fresno,
        certification.holder,
        at(datetime.date(2025, 9, 1)),
        "active",
    )
    event(
        "certification_suspend",
        certification,
        fresno,
        certification.holder,
        at(datetime.date(2025, 10, 1)),
        "suspended",
    )
    # Before the period: an Alameda application submitted in June 2025 (not received in it).
    person = UserFactory()
    ProfileFactory(user=person)
    application = ApplicationFactory(
        applicant=person,
        county=alameda,
        status="submitted",
        submitted_at=at(datetime.date(2025, 6, 30)),
    )
    event(
        "application_submit",
        application,
        alameda,
        person,
        at(datetime.date(2025, 6, 30), hour=23),
        "submitted",
    )
    return data


def _case(county, i, received, category, **fields):
    return Case.objects.create(
        county=county,
        subject_name=f"Peer {i}",
        source="phone_letter",
        category=category,
        summary="A complaint.",
        received_on=received,
        acknowledgement_due=received + datetime.timedelta(days=7),
        resolution_due=received + datetime.timedelta(days=60),
        **fields,
    )


def _decide(case, outcome, when, staff, **fields):
    return CaseDecision.objects.create(
        case=case,
        county=case.county,
        outcome=outcome,
        findings="Found.",
        effective_on=when.date(),
        disclosure="none",
        decided_by=staff,
        decided_at=when,
        **fields,
    )


def _cases(alameda: County, fresno: County, staff) -> None:
    """Alameda's 25 cases received in the period (received on 2025-09-01 + i, each due to be
    acknowledged in 7 days and resolved in 60): 0-11 boundaries, dismissed after 30 days and
    closed the next day; 12-22 confidentiality, a warning after 40 days (22: after 70, late)
    and closed the next day; 23 integrity, never acknowledged, a warning on day 5 rescinded on
    day 15 (overturned), closed without a decision on day 20; 24 integrity, acknowledged late
    (day 10), decided only after the period (open at its end). One received before the period
    and closed in it on time; one of Fresno's. Appeals of 12's warning (upheld) and 13's
    (waiting at the end), and one of Fresno's."""
    day = datetime.timedelta(days=1)
    cases = []
    for i in range(25):
        received = datetime.date(2025, 9, 1) + i * day
        category = "boundaries" if i < 12 else "confidentiality" if i < 23 else "integrity"
        acknowledged = None if i == 23 else at(received + (10 if i == 24 else 2) * day)
        case = _case(alameda, i, received, category, acknowledged_at=acknowledged)
        if i < 12:
            _decide(case, "dismissed", at(received + 30 * day), staff)
            closed = at(received + 31 * day)
        elif i < 23:
            after = 70 if i == 22 else 40
            _decide(case, "warning", at(received + after * day), staff)
            closed = at(received + (after + 1) * day)
        elif i == 23:
            _decide(
                case,
                "warning",
                at(received + 5 * day),
                staff,
                rescinded_at=at(received + 15 * day),
            )
            closed = at(received + 20 * day)
        else:
            _decide(case, "warning", at(datetime.date(2026, 7, 10)), staff)
            closed = None
        Case.objects.filter(pk=case.pk).update(
            closed_at=closed, stage="closed" if closed else "decision"
        )
        cases.append(case)
    before = _case(alameda, 99, datetime.date(2025, 6, 1), "safety")
    Case.objects.filter(pk=before.pk).update(
        closed_at=at(datetime.date(2025, 7, 15)), stage="closed"
    )
    fresno_case = _case(fresno, 100, datetime.date(2025, 9, 1), "boundaries")
    appellant = UserFactory()
    for case, filed, status, decided in (
        (cases[12], 45, "upheld", 60),
        (cases[13], 50, "filed", None),
        (fresno_case, 10, "filed", None),
    ):
        Appeal.objects.create(
            appellant=appellant,
            county=case.county,
            kind="case_decision",
            case=case,
            decision_ref=f"case:{case.pk}",
            decision_on=case.received_on,
            statement="I disagree.",
            status=status,
            filed_at=at(case.received_on + filed * day),
            decided_by=staff if decided else None,
            decided_at=at(case.received_on + decided * day) if decided else None,
            outcome_reason="Reasons." if decided else "",
        )


def _catalogue(alameda: County, fresno: County, provider, staff) -> None:
    """Approved courses: Bay Peer Academy (serving Alameda) with a core course and a crisis
    course approved during the period and a CE course whose approval lapsed before it; an
    online provider serving the whole state with a CE course approved, and another withdrawn
    from the period's first day; a Fresno-only provider's core course; a provider serving
    Alameda whose listing is not approved. Counted for Alameda: 2 providers, 3 courses (a
    core, a specialization, a CE course)."""
    bay = ProviderOrganisation.objects.create(training_provider=provider)
    bay.counties.add(alameda)
    online = ProviderOrganisation.objects.create(
        training_provider=ProviderFactory(name="Statewide Online"), statewide=True
    )
    fresno_only = ProviderOrganisation.objects.create(
        training_provider=ProviderFactory(name="Valley Peers")
    )
    fresno_only.counties.add(fresno)
    unlisted = ProviderOrganisation.objects.create(
        training_provider=ProviderFactory(name="Not Listed", approved=False)
    )
    unlisted.counties.add(alameda)

    def course(org, title, kind, starts, ends, withdrawn=None, area=""):
        row = ProviderCourse.objects.create(
            provider=org, title=title, course_type=kind, area_code=area, hours=40
        )
        CourseApproval.objects.create(
            provider=org,
            training_provider=org.training_provider,
            course=row,
            course_code=area or kind,
            starts_on=starts,
            ends_on=ends,
            withdrawn_on=withdrawn,
            approved_by=staff,
        )

    d = datetime.date
    course(bay, "Core", "core_80", d(2024, 1, 1), d(2027, 12, 31))
    course(bay, "Crisis", "specialization", d(2026, 1, 1), d(2027, 12, 31), area="crisis")
    course(bay, "Old CE", "ce", d(2023, 1, 1), d(2025, 6, 30))
    course(online, "Ethics", "ce", d(2025, 1, 1), d(2026, 12, 31))
    course(online, "Withdrawn", "ce", d(2025, 1, 1), d(2026, 12, 31), withdrawn=d(2025, 7, 1))
    course(fresno_only, "Fresno core", "core_80", d(2025, 8, 1), d(2027, 7, 31))
    course(unlisted, "Unlisted core", "core_80", d(2025, 8, 1), d(2027, 7, 31))
