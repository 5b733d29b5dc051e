"""The analytics' figures equal the rows they summarise: a prepared set of certifications,
applications, exams, renewals and CE audits in two counties, refreshed on a fixed day, and
every stored series compared with a count written independently here (the ORM, one question
per figure), for each county and for the state."""

import datetime
import statistics
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Q
from django.utils import timezone

from analytics.models import Chart, FigureSnapshot
from analytics.selectors import active_over_time_points, month_start
from analytics.services import figures_refresh
from ce_audits.models import CeAudit
from certification.models import Application, Certification, Renewal
from exams.models import ExamAttempt
from tests.factories import (
    ApplicationFactory,
    CertificationFactory,
    EthicsVersionFactory,
    ExamAttemptFactory,
    ProfileFactory,
    ProviderFactory,
    TrainingRecordFactory,
    UserFactory,
    county,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)
CA = ZoneInfo("America/Los_Angeles")


def _day(days_ago: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days_ago)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 30), tzinfo=CA)


@pytest.fixture
def data():
    alameda, fresno = county("alameda"), county("fresno")
    ethics = EthicsVersionFactory()
    bay = ProviderFactory(name="Bay Provider")
    valley = ProviderFactory(name="Valley Provider")
    # Certifications: active, expired, suspended, revoked, vacated, renewed, future expiries.
    certs = []
    for place, status, issued, expires, extra in [
        (alameda, "active", 900, -200, {}),
        (alameda, "active", 300, -400, {}),
        (alameda, "active", 20, -710, {}),
        (alameda, "expired", 800, 70, {}),
        (alameda, "suspended", 500, -230, {"suspended_on": _day(40)}),
        (alameda, "revoked", 600, -130, {"updated_at": _at(_day(100))}),
        (fresno, "active", 1000, -95, {}),
        (fresno, "expired", 760, 30, {}),
        (fresno, "vacated", 2200, 1470, {}),
        (fresno, "active", 400, -330, {}),
    ]:
        certs.append(
            CertificationFactory(
                issuing_county=place,
                status=status,
                issued_on=_day(issued),
                expires_on=_day(expires),
                **extra,
            )
        )
    # Renewals: on time and late, whose previous cycle ended in the last 12 months.
    for cert, kind, ended in [
        (certs[0], "renewal", _day(100)),
        (certs[1], "late_renewal", _day(200)),
        (certs[6], "reinstatement", _day(60)),
        (certs[9], "renewal", _day(400)),  # before the window
    ]:
        Renewal.objects.create(
            certification=cert,
            kind=kind,
            cycle_start=ended - datetime.timedelta(days=730),
            cycle_end=ended,
            ce_total_hours=20,
            ce_law_and_ethics_hours=2,
            ethics_version=ethics,
            ethics_affirmed_at=timezone.now(),
            previous_expires_on=ended,
            new_expires_on=ended + datetime.timedelta(days=730),
        )
    # Applications through the pipeline, with exams (by provider and language).
    for place, language, provider, submitted, approved, exams, issued in [
        (alameda, "en", bay, 200, 170, [("failed", 150), ("passed", 120)], 110),
        (alameda, "es", bay, 150, 140, [("passed", 100)], 95),
        (alameda, "en", None, 90, 60, [("failed", 40), ("no_show", 30)], None),
        (alameda, "en", valley, 30, None, [], None),
        (fresno, "es", valley, 300, 250, [("failed", 240), ("failed", 200), ("passed", 180)], 170),
        (fresno, "en", valley, 60, 20, [("passed", 10)], None),
    ]:
        person = UserFactory()
        ProfileFactory(user=person, preferred_language=language)
        if provider is not None:
            TrainingRecordFactory(person=person, provider=provider, status="verified")
        status = "certified" if issued else "approved" if approved else "in_review"
        application = ApplicationFactory(
            applicant=person,
            county=place,
            status=status,
            ethics_version=ethics,
            submitted_at=_at(_day(submitted)),
            approved_on=_day(approved) if approved else None,
            window_ends_on=_day(approved) + datetime.timedelta(days=365) if approved else None,
        )
        for result, taken in exams:
            ExamAttemptFactory(application=application, result=result, taken_on=_day(taken))
        if issued:
            CertificationFactory(
                holder=person,
                issuing_county=place,
                application=application,
                issued_on=_day(issued),
                expires_on=_day(issued) + datetime.timedelta(days=730),
            )
    ApplicationFactory(county=alameda, status="draft")  # counted nowhere
    # CE audits: passed, failed with make-up hours, failed with a suspension, pending.
    for cert, outcome, consequence in [
        (certs[0], "passed", ""),
        (certs[1], "failed", "makeup"),
        (certs[4], "failed", "suspension"),
        (certs[6], "pending", ""),
    ]:
        CeAudit.objects.create(
            county=cert.issuing_county,
            certification=cert,
            cycle_start=_day(900),
            cycle_end=_day(170),
            outcome=outcome,
            decided_at=None if outcome == "pending" else timezone.now(),
            consequence=consequence,
            consequence_at=timezone.now() if consequence else None,
            makeup_total_hours=4 if consequence == "makeup" else None,
            makeup_law_and_ethics_hours=1 if consequence == "makeup" else None,
            makeup_due_on=_day(-60) if consequence == "makeup" else None,
        )
    figures_refresh(today=TODAY)
    return {None: Q(), alameda.pk: Q(pk__in=[alameda.pk]), fresno.pk: Q(pk__in=[fresno.pk])}


def _series(chart: str, county_id: int | None) -> list[dict]:
    return FigureSnapshot.objects.get(chart=chart, county_id=county_id).rows


def _scopes(data):
    return [(None, {}), *((pk, {"pk": pk}) for pk in data if pk is not None)]


def _certs(county_id):
    rows = Certification.objects.all()
    return rows if county_id is None else rows.filter(issuing_county_id=county_id)


def _apps(county_id):
    rows = Application.objects.exclude(status="draft")
    return rows if county_id is None else rows.filter(county_id=county_id)


def test_active_certifications(data):
    for county_id, _ in _scopes(data):
        assert _series(Chart.ACTIVE, county_id) == [
            {"active": _certs(county_id).filter(status="active").count()}
        ]


def _end_of_force(cert: Certification) -> datetime.date:
    if cert.status == "suspended" and cert.suspended_on:
        end = cert.suspended_on
    elif cert.status == "revoked":
        end = timezone.localtime(cert.updated_at).date()
    else:
        end = cert.expires_on
    return max(end, cert.issued_on)


def test_active_over_time(data):
    points = active_over_time_points(TODAY)
    assert len(points) == 24 and points[-1] == TODAY and points[0] == datetime.date(2024, 7, 31)
    for county_id, _ in _scopes(data):
        expected = [
            {
                "date": point.isoformat(),
                "active": sum(
                    1
                    for cert in _certs(county_id)
                    if cert.issued_on <= point and _end_of_force(cert) > point
                ),
            }
            for point in points
        ]
        assert _series(Chart.ACTIVE_OVER_TIME, county_id) == expected


def _median(values):
    values = [v for v in values if v is not None]
    return round(float(statistics.median(values)), 1) if values else None


def test_funnel_counts_and_median_days(data):
    for county_id, _ in _scopes(data):
        apps = list(_apps(county_id))
        first_pass = {
            app.pk: min(
                (e.taken_on for e in ExamAttempt.objects.filter(application=app, result="passed")),
                default=None,
            )
            for app in apps
        }
        issued = {
            c.application_id: c.issued_on
            for c in Certification.objects.filter(application__in=apps)
        }
        submitted_day = {a.pk: timezone.localtime(a.submitted_at).date() for a in apps}
        expected = [
            {"step": "submitted", "count": len(apps), "median_days": None},
            {
                "step": "approved",
                "count": sum(1 for a in apps if a.approved_on),
                "median_days": _median(
                    (a.approved_on - submitted_day[a.pk]).days for a in apps if a.approved_on
                ),
            },
            {
                "step": "exam_passed",
                "count": sum(1 for a in apps if first_pass[a.pk]),
                "median_days": _median(
                    (first_pass[a.pk] - a.approved_on).days for a in apps if first_pass[a.pk]
                ),
            },
            {
                "step": "certified",
                "count": len(issued),
                "median_days": _median(
                    (issued[a.pk] - (first_pass[a.pk] or a.approved_on)).days
                    for a in apps
                    if a.pk in issued
                ),
            },
            {
                "step": "total",
                "count": len(issued),
                "median_days": _median(
                    (issued[a.pk] - submitted_day[a.pk]).days for a in apps if a.pk in issued
                ),
            },
        ]
        assert _series(Chart.FUNNEL, county_id) == expected
    assert _series(Chart.FUNNEL, None)[1] == {"step": "approved", "count": 5, "median_days": 30.0}


def _exam_rows(county_id, key_of):
    attempts = ExamAttempt.objects.filter(result__in=["passed", "failed"]).select_related(
        "application__applicant__applicant_profile"
    )
    if county_id is not None:
        attempts = attempts.filter(application__county_id=county_id)
    found: dict[str, list[int]] = {}
    for attempt in attempts:
        key = key_of(attempt) or "not_recorded"
        counts = found.setdefault(key, [0, 0])
        counts[0] += 1
        counts[1] += attempt.result == "passed"
    return sorted(
        (
            {
                "key": key,
                "attempts": n,
                "passed": p,
                "rate": round(100 * p / n, 1),
            }
            for key, (n, p) in found.items()
        ),
        key=lambda row: (row["key"] == "not_recorded", row["key"]),
    )


def _provider_of(attempt):
    from training.models import TrainingRecord

    record = (
        TrainingRecord.objects.filter(
            person=attempt.application.applicant, course="core_80", status="verified"
        )
        .order_by("-completed_on", "-id")
        .first()
    )
    return record.provider.name if record else None


def test_exam_pass_rates_by_provider_and_language(data):
    for county_id, _ in _scopes(data):
        assert _series(Chart.EXAM_BY_PROVIDER, county_id) == _exam_rows(county_id, _provider_of)
        assert _series(Chart.EXAM_BY_LANGUAGE, county_id) == _exam_rows(
            county_id, lambda a: a.application.applicant.applicant_profile.preferred_language
        )
    assert _series(Chart.EXAM_BY_LANGUAGE, None) == [
        {"key": "en", "attempts": 4, "passed": 2, "rate": 50.0},
        {"key": "es", "attempts": 4, "passed": 2, "rate": 50.0},
    ]


def test_expirations_ahead_by_month(data):
    for county_id, _ in _scopes(data):
        expected = []
        for shift in range(12):
            first = month_start(TODAY, shift)
            expected.append(
                {
                    "month": f"{first:%Y-%m}",
                    "expiring": _certs(county_id)
                    .filter(
                        status="active",
                        expires_on__gte=max(first, TODAY),
                        expires_on__lt=month_start(TODAY, shift + 1),
                    )
                    .count(),
                }
            )
        assert _series(Chart.EXPIRATIONS, county_id) == expected
    assert sum(row["expiring"] for row in _series(Chart.EXPIRATIONS, None)) == 3


def test_renewal_rate(data):
    for county_id, _ in _scopes(data):
        expected = []
        for shift in range(-11, 1):
            first, after = month_start(TODAY, shift), month_start(TODAY, shift + 1)
            window = Q(previous_expires_on__gte=first, previous_expires_on__lt=min(after, TODAY))
            renewals = Renewal.objects.filter(window)
            if county_id is not None:
                renewals = renewals.filter(certification__issuing_county_id=county_id)
            still = (
                _certs(county_id)
                .filter(expires_on__gte=first, expires_on__lt=min(after, TODAY))
                .exclude(status="revoked")
                .count()
            )
            on_time = renewals.filter(kind="renewal").count()
            late = renewals.exclude(kind="renewal").count()
            due = renewals.count() + still
            expected.append(
                {
                    "month": f"{first:%Y-%m}",
                    "due": due,
                    "on_time": on_time,
                    "late": late,
                    "rate": round(100 * (on_time + late) / due, 1) if due else None,
                }
            )
        assert _series(Chart.RENEWALS, county_id) == expected
    state = _series(Chart.RENEWALS, None)
    assert sum(r["due"] for r in state) == 5  # 3 renewed, 2 expired without a renewal


def test_ce_audit_results(data):
    for county_id, _ in _scopes(data):
        audits = CeAudit.objects.all()
        if county_id is not None:
            audits = audits.filter(county_id=county_id)
        assert _series(Chart.CE_AUDITS, county_id) == [
            {
                "outcome": outcome,
                "count": audits.filter(outcome=outcome).count(),
                "makeup": audits.filter(outcome=outcome, consequence="makeup").count(),
                "suspension": audits.filter(outcome=outcome, consequence="suspension").count(),
            }
            for outcome in ("pending", "passed", "failed")
        ]


def test_a_refresh_overwrites_and_a_county_without_rows_keeps_no_stale_series(data):
    fresno = county("fresno")
    CeAudit.objects.filter(county=fresno).delete()
    Renewal.objects.filter(certification__issuing_county=fresno).delete()
    ExamAttempt.objects.filter(application__county=fresno).delete()
    Certification.objects.filter(issuing_county=fresno).delete()
    Application.objects.filter(county=fresno).delete()

    figures_refresh(today=TODAY)
    figures_refresh(today=TODAY)  # twice: the same rows, updated in place

    assert _series(Chart.ACTIVE, fresno.pk) == []
    assert _series(Chart.CE_AUDITS, fresno.pk) == []
    assert FigureSnapshot.objects.filter(chart=Chart.ACTIVE, county_id=fresno.pk).count() == 1
    assert _series(Chart.ACTIVE, None) == [
        {"active": Certification.objects.filter(status="active").count()}
    ]
