"""The figures a program report drafts from the records, pinned on a prepared data set
(tests/reports/dataset.py): every number worked out by hand, small counts suppressed, other
counties' rows never counted, and nobody outside the county and state staff reads them."""

import datetime

import pytest
from django.http import Http404

from reports import rules
from reports.models import ReportPolicy
from reports.selectors import report_figures, report_figures_raw
from tests.reports import dataset

pytestmark = pytest.mark.django_db

S = rules.SUPPRESSED
N = rules.NOT_RECORDED

# section -> [(key, value shown, n shown for days and rates)]
EXPECTED = {
    "applications": [
        ("received", 12),
        ("approved", 11),
        ("denied", S),  # 1
        ("withdrawn", 0),
        ("expired", 0),
    ],
    "step_days": [
        ("submitted_to_review_median", 6.5, 12),  # 1..12 days
        ("submitted_to_review_p90", 10.9, 12),
        ("submitted_to_decision_median", 15.5, 12),  # 10..20 and 30 days
        ("submitted_to_decision_p90", 19.9, 12),
        ("approved_to_certified_median", 30.0, 11),
        ("approved_to_certified_p90", 30.0, 11),
        ("submitted_to_certified_median", 45.0, 11),  # 40..50 days
        ("submitted_to_certified_p90", 49.0, 11),
    ],
    "exams": [
        ("attempts", S),  # 16 = 1 no-show + 15 sat: hidden to protect the no-show
        ("no_shows", S),  # 1
        ("sat", 15),
        ("passed", 11),
        ("pass_rate", 73.3, 15),  # 11 of 15
        ("first_attempts", 11),
        ("first_attempt_pass_rate", 63.6, 11),  # 7 of 11
    ],
    "certifications": [
        ("issued", 11),
        ("renewed_on_time", S),  # 1
        ("renewed_late", S),  # 1
        ("reinstated", 0),
        ("expired", S),  # 2
        ("suspended", S),  # 1 (the one suspended after the period does not count)
        ("revoked", S),  # 1
        ("vacated", S),  # 1
        ("active_at_end", 12),  # 9 new + renewed, renewed late, suspended after the period
        ("active_per_100k", N),
    ],
    "specializations": [("crisis", 11), ("unhoused", S)],
    "ce_audits": [
        ("drawn", S),
        ("passed", S),
        ("failed", S),
        ("pending_at_end", 0),
        ("makeup_required", S),
        ("suspended", 0),
        ("makeup_met", 0),
        ("makeup_overdue", 0),
    ],
    "complaints": [
        ("received", 25),
        ("acknowledged_on_time", 23),  # not 23 (never) nor 24 (late)
        ("closed", 25),  # 0-23 and the one received before the period
        ("closed_on_time", 24),  # not 22 (closed after 71 days)
        ("resolved", 25),  # 0-22 decided, 23 closed (its warning rescinded), the one before
        ("resolved_on_time", 24),  # not 22 (decided after 70 days)
        ("open_at_end", S),  # 24
        ("appeals_filed", S),  # 2
        ("appeals_upheld", S),  # 1
        ("appeals_overturned", 0),
        ("appeals_modified", 0),
        ("appeals_open_at_end", S),  # 1
        ("appeals_days_median", S, S),  # 15 days, from 1 appeal
    ],
    "complaints_category": [
        ("total", 25),
        ("boundaries", 12),
        ("confidentiality", S),  # 11, hidden to protect integrity's 2 (25 - 12 - 11)
        ("respect", 0),
        ("integrity", S),  # 2
        ("safety", 0),  # the one received before the period does not count
        ("other_ethics", 0),
        ("application_fraud", 0),
        ("exclusion", 0),
    ],
    "complaints_outcome": [
        ("total", 25),
        ("dismissed", 12),
        ("warning", S),  # 11 (24's came after the period), hidden to protect the two ones
        ("corrective_action", 0),
        ("suspension", 0),
        ("revocation", 0),
        ("closed_without_decision", S),  # 23: its warning was rescinded
        ("undecided", S),  # 24
    ],
    "training": [
        ("providers_approved", 2),  # catalogue counts: never suppressed
        ("courses_approved", 3),
        ("core_courses_approved", 1),
        ("specialization_courses_approved", 1),
        ("ce_courses_approved", 1),
        ("providers", S),  # 1
        ("learners", 12),
        ("core_completed", 12),
        ("specialization_completed", 0),
    ],
    "fees": [
        ("charged_count", 15),  # 12 application fees, A's renewal, B's renewal and late fee
        ("charged_cents", 140000, 15),
        ("collected_cents", 122000, 13),  # 11 application fees and B's two (not 11's part)
        ("waived_cents", S, S),  # A's renewal fee: 8,000 behind 1 waiver
        ("covered_cents", 0, 0),
    ],
    "opt_in": [("dmc_ods", "in")],
    # 15 = 12 + 3: the 12 hidden too, or the 3 would be 15 - 12.
    "people_language": [("total", 15), ("en", S), ("es", S)],
    "people_residence": [("total", 15), ("alameda", S), ("fresno", S)],
}

RAW_SUPPRESSED = {
    ("applications", "denied"): 1,
    ("exams", "no_shows"): 1,
    ("certifications", "expired"): 2,
    ("certifications", "vacated"): 1,
    ("ce_audits", "drawn"): 2,
    ("people_language", "es"): 3,
    ("people_residence", "fresno"): 3,
    ("training", "providers"): 1,
    ("complaints", "appeals_filed"): 2,
    ("complaints", "appeals_days_median"): 15.0,
    ("complaints_category", "integrity"): 2,
    ("complaints_outcome", "closed_without_decision"): 1,
    ("complaints_outcome", "undecided"): 1,
    ("fees", "waived_cents"): 8000,
    ("exams", "attempts"): 16,
    ("complaints_category", "confidentiality"): 11,
    ("complaints_outcome", "warning"): 11,
    ("people_language", "en"): 12,
    ("people_residence", "alameda"): 12,
}


def _shown(figures):
    found = {}
    for section in figures["sections"]:
        rows = []
        for row in section["rows"]:
            if "n" in row:
                rows.append((row["key"], row["value"], row["n"]))
            else:
                rows.append((row["key"], row["value"]))
        found[section["key"]] = rows
    return found


@pytest.fixture
def data(cast):
    return dataset.build(cast.county, cast.other_county)


def test_every_figure_of_the_prepared_year(cast, data):
    figures = report_figures(cast.admin, cast.county, dataset.START, dataset.END)
    assert figures["county"] == {"code": "alameda", "name": "Alameda"}
    assert figures["period"] == {"start": "2025-07-01", "end": "2026-06-30"}
    assert figures["small_count_threshold"] == 11
    assert _shown(figures) == EXPECTED
    opt_in = next(s for s in figures["sections"] if s["key"] == "opt_in")["rows"][0]
    assert opt_in["on"] == "2025-09-01"


def test_the_suppressed_counts_are_counted_before_suppression(cast, data):
    raw = report_figures_raw(cast.admin, cast.county, dataset.START, dataset.END)
    values = {
        (section["key"], row["key"]): row["value"]
        for section in raw["sections"]
        for row in section["rows"]
    }
    for key, value in RAW_SUPPRESSED.items():
        assert values[key] == value, key


def test_the_threshold_is_the_policys(cast, data):
    ReportPolicy.objects.update_or_create(pk=1, defaults={"small_count_threshold": 2})
    figures = _shown(report_figures(cast.admin, cast.county, dataset.START, dataset.END))
    assert ("denied", S) in figures["applications"]
    assert ("expired", 2) in figures["certifications"]
    assert ("es", 3) in figures["people_language"]
    assert ("charged_cents", 140000, 15) in figures["fees"]
    assert ("waived_cents", S, S) in figures["fees"]  # 1 waiver


def test_state_staff_and_the_countys_reviewer_read_the_same_figures(cast, data):
    mine = _shown(report_figures(cast.admin, cast.county, dataset.START, dataset.END))
    assert _shown(report_figures(cast.state, cast.county, dataset.START, dataset.END)) == mine
    assert _shown(report_figures(cast.reviewer, cast.county, dataset.START, dataset.END)) == mine


@pytest.mark.parametrize("who", ["anonymous", "applicant", "other_applicant", "other_admin"])
def test_nobody_else_reads_a_countys_figures(cast, data, who):
    with pytest.raises(Http404):
        report_figures(cast.everyone[who], cast.county, dataset.START, dataset.END)


def test_another_countys_figures_count_only_its_rows(cast, data):
    figures = _shown(
        report_figures(cast.other_admin, cast.other_county, dataset.START, dataset.END)
    )
    assert figures["applications"][0] == ("received", S)  # 1
    assert figures["certifications"][0] == ("issued", S)
    assert figures["people_language"][0] == ("total", S)  # 1 applicant (the holder is suspended)


@pytest.mark.parametrize("who", ["admin", "reviewer", "state"])
def test_row_level_security_lets_the_countys_staff_count_every_row(cast, data, who):
    """The figures run in the asker's row-level security context in a request: the wall hides
    none of the rows they count."""
    from tests.security.test_rls import acting_as

    ReportPolicy.current()
    expected = _shown(report_figures(cast.admin, cast.county, dataset.START, dataset.END))
    with acting_as(cast.everyone[who]):
        walled = _shown(report_figures(cast.everyone[who], cast.county, dataset.START, dataset.END))
    assert walled == expected


def test_active_per_100000_medi_cal_members_of_the_last_month_of_the_period(cast, data):
    from analytics.models import MediCalEnrollment, MediCalEnrollmentLoad

    load = MediCalEnrollmentLoad.objects.create(
        source="DHCS, Medi-Cal certified eligibles", file_name="e.csv", file_sha256="0" * 64
    )
    for month, members in ((dataset.START, 30_000), (dataset.END.replace(day=1), 40_000)):
        MediCalEnrollment.objects.create(
            load=load, county=cast.county, month=month, certified_eligibles=members
        )
    MediCalEnrollment.objects.create(
        load=load, county=cast.county, month=datetime.date(2026, 7, 1), certified_eligibles=1
    )
    figures = report_figures(cast.admin, cast.county, dataset.START, dataset.END)
    row = figures["sections"][3]["rows"][-1]
    assert row == {
        "key": "active_per_100k",
        "kind": "per_100k",
        "value": 30.0,  # 12 active of 40,000 members in June 2026
        "n": 12,
        "source": "DHCS, Medi-Cal certified eligibles",
        "demo": False,
        "month": "2026-06-01",
    }
    assert "30.0 (Medi-Cal members of 2026-06: DHCS" in rules.value_text(row, 11)


def test_fees_are_the_fee_apps_totals_behind_their_counts(cast, data):
    """Charged, collected, waived and covered read from fees.selectors.fee_report_totals:
    an amount is shown with the number of rows it sums, and suppressed behind a small one."""
    ReportPolicy.objects.update_or_create(pk=1, defaults={"small_count_threshold": 1})
    figures = _shown(report_figures(cast.admin, cast.county, dataset.START, dataset.END))
    assert figures["fees"] == [
        ("charged_count", 15),
        ("charged_cents", 140000, 15),
        ("collected_cents", 122000, 13),
        ("waived_cents", 8000, 1),
        ("covered_cents", 0, 0),
    ]
    from fees.selectors import fees_collected_cents, fees_waived_cents

    assert fees_collected_cents(cast.county, dataset.START, dataset.END) == 122000
    assert fees_waived_cents(cast.county, dataset.START, dataset.END) == 8000
    # Fresno's fee and payment count for Fresno only.
    other = _shown(report_figures(cast.other_admin, cast.other_county, dataset.START, dataset.END))
    assert other["fees"][:3] == [
        ("charged_count", 1),
        ("charged_cents", 10000, 1),
        ("collected_cents", 10000, 1),
    ]


def test_no_hidden_count_of_a_breakdown_can_be_worked_out(cast, data):
    """Each breakdown's total minus the parts shown is the sum of at least two hidden parts,
    at least the threshold; every hidden part of a breakdown reads "not shown"."""
    figures = report_figures(cast.admin, cast.county, dataset.START, dataset.END)
    sections = {s["key"]: s["rows"] for s in figures["sections"]}
    for key in ("people_language", "people_residence", "complaints_category", "complaints_outcome"):
        total, *parts = sections[key]
        hidden = [row for row in parts if row["value"] == S]
        rest = total["value"] - sum(row["value"] for row in parts if row["value"] != S)
        assert len(hidden) >= 2 and rest >= 11, key
        assert all(row["protected"] for row in hidden)
        assert rules.value_text(hidden[0], 11) == "Not shown (protects a small count)"
    exams = {row["key"]: row for row in sections["exams"]}
    assert exams["attempts"]["value"] == exams["no_shows"]["value"] == S
    assert exams["sat"]["value"] == 15 and exams["pass_rate"]["n"] == 15
    # A plain small count outside a breakdown still reads "fewer than 11".
    denied = next(row for row in sections["applications"] if row["key"] == "denied")
    assert "protected" not in denied and rules.value_text(denied, 11) == "Fewer than 11"
