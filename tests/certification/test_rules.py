"""Boundaries of the certification rules: age, 29 February, the approval window, issue,
renewal and reinstatement windows, the vacate date, specializations.

Everything here uses unsaved model instances: no database needed.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from certification.models import (
    ApplicantProfile,
    Application,
    Certification,
    OutOfStateCeRecord,
)
from certification.rules import (
    FEES_OF_RENEWAL_KIND,
    LapseTier,
    age_on,
    application_expiry_problems,
    application_submission_problems,
    approval_window_end,
    birthday,
    certification_expiry,
    eligibility_problems,
    exam_authorization_problems,
    is_expiring_soon,
    issue_problems,
    lapse_tier,
    late_renewal_last_day,
    reinstatement_ce_bounds,
    reinstatement_problems,
    renewal_attestation_problems,
    renewal_kind_on,
    renewal_problems,
    renewal_window_opens,
    specialization_problems,
    suspension_problems,
    vacate_date,
)
from continuing_ed.models import CeCredit
from documents.models import Document
from exams.models import ExamAttempt
from training.models import TrainingProvider, TrainingRecord

D = datetime.date
DAY = datetime.timedelta(days=1)
PROVIDER = TrainingProvider(name="Hope Ed", approved=True, approved_from=D(2022, 1, 1))


def profile(**overrides) -> ApplicantProfile:
    fields = {
        "legal_first_name": "Ana",
        "legal_last_name": "Reyes",
        "date_of_birth": D(1985, 4, 12),
        "lived_experience": "consumer",
        "education": "high_school_diploma",
        "education_attested": True,
    }
    return ApplicantProfile(**(fields | overrides))


def application(**overrides) -> Application:
    fields = {
        "pathway": "standard",
        "status": "draft",
        "ethics_version_id": 1,
        "ethics_signed_at": timezone.now(),
        "attest_share_experience": True,
        "attest_recovery": True,
    }
    return Application(**(fields | overrides))


def document(kind, **overrides) -> Document:
    return Document(**({"kind": kind, "review_status": "pending"} | overrides))


DOCUMENTS = [document("photo_id"), document("diploma")]


def training(hours=80, *, course="core_80", status="verified", person_id=7) -> TrainingRecord:
    return TrainingRecord(
        person_id=person_id,
        provider=PROVIDER,
        course=course,
        hours=Decimal(str(hours)),
        completed_on=D(2024, 3, 1),
        status=status,
    )


def certification(**overrides) -> Certification:
    fields = {
        "holder_id": 7,
        "status": "active",
        "issued_on": D(2024, 3, 15),
        "expires_on": D(2026, 3, 15),
        "cycle_started_on": D(2024, 3, 15),
    }
    return Certification(**(fields | overrides))


def ce(hours, on, *, category="general", status="verified") -> CeCredit:
    return CeCredit(hours=Decimal(str(hours)), category=category, completed_on=on, status=status)


def full_ce(on) -> list[CeCredit]:
    return [ce(14, on), ce(6, on, category="law_and_ethics")]


# Age -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (D(2008, 11, 23), D(2026, 11, 22), 17),
        (D(2008, 11, 23), D(2026, 11, 23), 18),
        (D(2008, 11, 23), D(2026, 11, 24), 18),
        (D(2008, 2, 29), D(2026, 2, 28), 17),
        (D(2008, 2, 29), D(2026, 3, 1), 18),
        (D(2008, 2, 29), D(2028, 2, 28), 19),
        (D(2008, 2, 29), D(2028, 2, 29), 20),
        (D(2000, 1, 1), D(2000, 1, 1), 0),
        (D(1999, 12, 31), D(2017, 12, 31), 18),
    ],
)
def test_age_on(born, on, age):
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    ("born", "age", "expected"),
    [
        (D(2008, 11, 23), 18, D(2026, 11, 23)),
        (D(2008, 2, 29), 18, D(2026, 3, 1)),
        (D(2008, 2, 29), 20, D(2028, 2, 29)),
    ],
)
def test_birthday_of_29_february_is_1_march_in_a_common_year(born, age, expected):
    assert birthday(born, age) == expected
    assert age_on(born, expected) == age
    assert age_on(born, expected - DAY) == age - 1


def test_eligible_on_the_18th_birthday():
    assert eligibility_problems(profile(date_of_birth=D(2008, 11, 23)), on=D(2026, 11, 23)) == []


def test_not_eligible_the_day_before_the_18th_birthday():
    assert eligibility_problems(profile(date_of_birth=D(2008, 11, 23)), on=D(2026, 11, 22)) == [
        "You must be at least 18 years old on 2026-11-22; you turn 18 on 2026-11-23."
    ]


@pytest.mark.parametrize(("on", "eligible"), [(D(2026, 2, 28), False), (D(2026, 3, 1), True)])
def test_born_on_29_february_turns_18_on_1_march(on, eligible):
    problems = eligibility_problems(profile(date_of_birth=D(2008, 2, 29)), on=on)
    expected = (
        []
        if eligible
        else ["You must be at least 18 years old on 2026-02-28; you turn 18 on 2026-03-01."]
    )
    assert problems == expected


@pytest.mark.parametrize("education", ["high_school_diploma", "equivalent", "higher"])
def test_diploma_equivalent_or_higher_qualifies(education):
    assert eligibility_problems(profile(education=education), on=D(2026, 1, 1)) == []


@pytest.mark.parametrize("education", ["none", ""])
def test_no_diploma_is_not_eligible(education):
    assert eligibility_problems(profile(education=education), on=D(2026, 1, 1)) == [
        "A high school diploma or its equivalent (such as a GED) is required; work experience "
        "cannot replace it."
    ]


def test_education_must_be_attested():
    assert eligibility_problems(profile(education_attested=False), on=D(2026, 1, 1)) == [
        "Confirm that your education information is true."
    ]


@pytest.mark.parametrize("lived", ["consumer", "family"])
def test_either_kind_of_lived_experience_qualifies(lived):
    assert eligibility_problems(profile(lived_experience=lived), on=D(2026, 1, 1)) == []


def test_an_empty_profile_gives_every_reason():
    empty = profile(date_of_birth=None, lived_experience="", education="")
    assert eligibility_problems(empty, on=D(2026, 1, 1)) == [
        "Enter your date of birth.",
        "A high school diploma or its equivalent (such as a GED) is required; work experience "
        "cannot replace it.",
        "Tell us about your lived experience of recovery, as a consumer or as a parent, "
        "caregiver or family member of a consumer.",
    ]


# Submission ------------------------------------------------------------------------------------


def test_a_complete_standard_application_can_be_submitted():
    assert (
        application_submission_problems(application(), profile(), DOCUMENTS, on=D(2026, 1, 1)) == []
    )


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        (
            {"ethics_version_id": None, "ethics_signed_at": None},
            "Read and sign the Code of Ethics.",
        ),
        ({"ethics_signed_at": None}, "Read and sign the Code of Ethics."),
        (
            {"attest_share_experience": False},
            "Confirm that you are willing to share your lived experience.",
        ),
        ({"attest_recovery": False}, "Confirm that you are dedicated to recovery."),
    ],
)
def test_ethics_and_attestations_are_required(overrides, reason):
    assert application_submission_problems(
        application(**overrides), profile(), DOCUMENTS, on=D(2026, 1, 1)
    ) == [reason]


@pytest.mark.parametrize(
    ("documents", "reasons"),
    [
        (
            [],
            [
                "Upload a government photo ID.",
                "Upload proof of your high school diploma or its equivalent.",
            ],
        ),
        ([document("diploma")], ["Upload a government photo ID."]),
        (
            [document("photo_id"), document("diploma", removed_at=timezone.now())],
            ["Upload proof of your high school diploma or its equivalent."],
        ),
        (
            [document("photo_id", review_status="rejected"), document("diploma")],
            ["Upload a government photo ID."],
        ),
        (
            [
                document("photo_id", review_status="rejected"),
                document("photo_id", review_status="verified"),
                document("diploma"),
            ],
            [],
        ),
        (
            [document("photo_id"), document("training_certificate")],
            ["Upload proof of your high school diploma or its equivalent."],
        ),
    ],
    ids=["none", "no-id", "diploma-removed", "id-rejected", "id-replaced", "wrong-kind"],
)
def test_a_current_photo_id_and_diploma_are_required(documents, reasons):
    assert (
        application_submission_problems(application(), profile(), documents, on=D(2026, 1, 1))
        == reasons
    )


def test_submission_includes_eligibility():
    young = profile(date_of_birth=D(2010, 5, 5))
    assert application_submission_problems(application(), young, DOCUMENTS, on=D(2026, 1, 1)) == [
        "You must be at least 18 years old on 2026-01-01; you turn 18 on 2028-05-05."
    ]


def out_of_state(**overrides) -> Application:
    fields = {
        "pathway": "out_of_state",
        "other_state": "OR",
        "other_state_certification_number": "OR-123",
        "other_state_expires_on": D(2027, 6, 30),
        "peer_work_hours": 1550,
        "attest_no_pending_discipline": True,
    }
    return application(**(fields | overrides))


def letters(count=3, status="pending") -> list[Document]:
    return [document("recommendation_letter", review_status=status) for _ in range(count)]


CE_COMPLETED_ON = D(2025, 6, 1)


def ce_record(hours="14", category="general", completed_on=CE_COMPLETED_ON, status="pending"):
    proof = document("ce_certificate", review_status=status)
    return OutOfStateCeRecord(
        hours=Decimal(hours), category=category, completed_on=completed_on, document=proof
    )


def ce_records(status="pending") -> list[OutOfStateCeRecord]:
    """20 hours in the 2 years before 2026-01-01, 6 of them in law and ethics."""
    return [ce_record(status=status), ce_record("6", "law_and_ethics", status=status)]


OUT_OF_STATE_DOCUMENTS = DOCUMENTS + letters()


@pytest.mark.parametrize(
    ("overrides", "reasons"),
    [
        ({}, []),
        (
            {"peer_work_hours": 1549},
            ["At least 1550 hours of peer work are required; you entered 1549."],
        ),
        (
            {"peer_work_hours": None},
            ["At least 1550 hours of peer work are required; you entered 0."],
        ),
        ({"other_state": ""}, ["Enter the state that certified you."]),
        (
            {"other_state_certification_number": ""},
            ["Enter your certification number in that state."],
        ),
        (
            {"attest_no_pending_discipline": False},
            ["Confirm that you have no pending discipline in any state."],
        ),
    ],
    ids=["complete", "1549-hours", "no-hours", "no-state", "no-number", "no-attestation"],
)
def test_out_of_state_details(overrides, reasons):
    assert (
        application_submission_problems(
            out_of_state(**overrides),
            profile(),
            OUT_OF_STATE_DOCUMENTS,
            on=D(2026, 1, 1),
            ce_records=ce_records(),
        )
        == reasons
    )


def test_out_of_state_details_are_not_asked_of_the_standard_pathway():
    standard = application(peer_work_hours=None, other_state="")
    assert application_submission_problems(standard, profile(), DOCUMENTS, on=D(2026, 1, 1)) == []


@pytest.mark.parametrize(
    ("on", "reasons"),
    [
        (D(2022, 12, 31), []),
        (D(2023, 1, 1), ["The grandparenting pathway closed on 2022-12-31."]),
    ],
)
def test_grandparenting_closed_after_2022(on, reasons):
    grandparenting = application(pathway="grandparenting")
    assert application_submission_problems(grandparenting, profile(), DOCUMENTS, on=on) == reasons


# Approval window and issue ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approved_on", "last_day"),
    [
        (D(2025, 3, 15), D(2026, 3, 14)),
        (D(2024, 2, 29), D(2025, 2, 28)),
        (D(2024, 3, 1), D(2025, 2, 28)),
        (D(2024, 2, 28), D(2025, 2, 27)),
        (D(2023, 3, 1), D(2024, 2, 29)),
        (D(2025, 1, 1), D(2025, 12, 31)),
        (D(2024, 12, 31), D(2025, 12, 30)),
    ],
)
def test_approval_window_ends_the_day_before_the_anniversary(approved_on, last_day):
    assert approval_window_end(approved_on) == last_day


MARCH_15 = D(2025, 3, 15)


def approved(approved_on=MARCH_15, **overrides) -> Application:
    window = {"approved_on": approved_on, "window_ends_on": approval_window_end(approved_on)}
    return application(**({"status": "approved"} | window | overrides))


PASSED = [
    ExamAttempt(result="failed", taken_on=D(2025, 5, 1)),
    ExamAttempt(result="passed", taken_on=D(2025, 6, 1)),
]


NOT_PASSED = "The certification exam has not been passed yet."
FAILED = [ExamAttempt(result="failed", taken_on=D(2025, 5, 1))]


@pytest.mark.parametrize(
    ("on", "reasons"),
    [
        (D(2026, 3, 14), [NOT_PASSED]),
        (
            D(2026, 3, 15),
            ["The 12-month window of this application ended on 2026-03-14.", NOT_PASSED],
        ),
    ],
    ids=["last-day-of-window", "day-after"],
)
def test_without_a_pass_the_window_bounds_the_issue(on, reasons):
    assert issue_problems(approved(), [training()], FAILED, on=on) == reasons


@pytest.mark.parametrize(
    "on", [D(2026, 3, 14), D(2026, 3, 15), D(2027, 3, 15)], ids=["last-day", "day-after", "later"]
)
def test_an_exam_passed_inside_the_window_is_issued_after_it(on):
    assert issue_problems(approved(), [training()], PASSED, on=on) == []


@pytest.mark.parametrize(
    ("taken_on", "reasons"),
    [
        (D(2026, 3, 14), []),
        (D(2026, 3, 15), ["The 12-month window of this application ended on 2026-03-14."]),
    ],
    ids=["passed-on-the-last-day", "passed-the-day-after"],
)
def test_only_a_pass_inside_the_window_carries_the_issue_past_it(taken_on, reasons):
    passed = [ExamAttempt(result="passed", taken_on=taken_on)]
    assert issue_problems(approved(), [training()], passed, on=D(2026, 4, 1)) == reasons


@pytest.mark.parametrize(
    ("on", "reasons"),
    [
        (D(2025, 2, 28), [NOT_PASSED]),
        (
            D(2025, 3, 1),
            ["The 12-month window of this application ended on 2025-02-28.", NOT_PASSED],
        ),
    ],
)
def test_window_of_an_approval_on_29_february(on, reasons):
    assert issue_problems(approved(D(2024, 2, 29)), [training()], FAILED, on=on) == reasons


# The window ends 2026-03-14; with the default 30 days of grace, results may be recorded
# through 2026-04-13 and an application without a pass expires on 2026-04-14.
@pytest.mark.parametrize(
    ("on", "attempts", "reasons"),
    [
        (D(2026, 3, 14), [], ["This application's exam window is open until 2026-03-14."]),
        (
            D(2026, 3, 15),
            [],
            [
                "The results of exams taken by 2026-03-14 can still be recorded until "
                "2026-04-13; the application expires after that."
            ],
        ),
        (
            D(2026, 4, 13),
            FAILED,
            [
                "The results of exams taken by 2026-03-14 can still be recorded until "
                "2026-04-13; the application expires after that."
            ],
        ),
        (D(2026, 4, 14), [], []),
        (D(2026, 4, 14), FAILED, []),
        (
            D(2026, 4, 14),
            PASSED,
            ["This application has a passed exam on file: it can still be issued."],
        ),
        (
            D(2030, 1, 1),
            PASSED,
            ["This application has a passed exam on file: it can still be issued."],
        ),
    ],
    ids=[
        "last-day-of-window",
        "first-day-of-grace",
        "last-day-of-grace",
        "day-after-grace",
        "day-after-grace-failed",
        "passed-on-file",
        "passed-years-later",
    ],
)
def test_application_expiry_waits_for_the_grace_period_and_a_pass(on, attempts, reasons):
    assert application_expiry_problems(approved(), attempts, grace_days=30, on=on) == reasons


def test_the_grace_period_is_the_policy_value():
    assert application_expiry_problems(approved(), [], grace_days=0, on=D(2026, 3, 15)) == []
    assert application_expiry_problems(approved(), [], grace_days=1, on=D(2026, 3, 15)) != []


def test_only_an_approved_application_expires():
    assert application_expiry_problems(
        approved(status="certified"), [], grace_days=30, on=D(2027, 1, 1)
    ) == ["Only an approved application expires; this one is certified."]


def test_issue_needs_a_passed_exam():
    assert issue_problems(approved(), [training()], FAILED, on=D(2025, 9, 1)) == [NOT_PASSED]


# Exam authorized after the core training is verified --------------------------------------------

NOT_AUTHORIZED = (
    "The candidate's core training has not been verified: the 80-hour training certificate is "
    "verified before the candidate may sit the exam. Verify the training (completed on or "
    "before the exam date, {date}) first."
)
EXAM_DAY = D(2025, 9, 1)


CORE_DAY = D(2025, 3, 1)


def core(*, status="verified", hours="80", completed_on=CORE_DAY, course="core_80"):
    record = training(hours, course=course, status=status)
    record.completed_on = completed_on
    return record


def authorization(records, *, pathway="standard", on=EXAM_DAY):
    return exam_authorization_problems(approved(pathway=pathway), records, on=on)


def test_verified_core_training_authorizes_the_exam():
    assert authorization([core()]) == []


@pytest.mark.parametrize(
    "records",
    [
        [],
        [core(status="pending")],
        [core(status="rejected")],
        [core(hours="79.5")],
        [core(hours="40"), core(hours="40", completed_on=D(2025, 3, 2))],
        [core(course="crisis")],
        [core(completed_on=D(2022, 6, 30))],
    ],
    ids=[
        "none",
        "pending",
        "rejected",
        "79.5-hours",
        "two-partial",
        "specialization-only",
        "before-2022-07-01",
    ],
)
def test_without_verified_core_training_the_exam_is_not_authorized(records):
    assert authorization(records) == [NOT_AUTHORIZED.format(date="2025-09-01")]


@pytest.mark.parametrize(
    ("taken_on", "authorized"), [(D(2025, 3, 1), True), (D(2025, 2, 28), False)]
)
def test_the_training_is_completed_by_the_exam_date(taken_on, authorized):
    problems = authorization([core(completed_on=D(2025, 3, 1))], on=taken_on)
    assert problems == ([] if authorized else [NOT_AUTHORIZED.format(date="2025-02-28")])


@pytest.mark.parametrize("pathway", ["out_of_state", "grandparenting"])
def test_pathways_without_the_core_training_are_authorized_without_it(pathway):
    assert authorization([], pathway=pathway) == []


def test_issue_needs_sufficient_training_on_the_standard_pathway():
    assert issue_problems(approved(), [training("79.5")], PASSED, on=D(2025, 9, 1)) == [
        "No verified core training counts yet: one course of 80 hours from an approved "
        "training provider is required.",
        "The training completed on 2024-03-01 does not count: it has 79.5 hours, and the core "
        "training is one course of 80 hours (records are not added up).",
    ]


@pytest.mark.parametrize("pathway", ["out_of_state", "grandparenting"])
def test_other_pathways_need_no_core_training(pathway):
    app = approved(pathway=pathway) if pathway != "out_of_state" else approved_out_of_state()
    verified = {"documents": letters(status="verified"), "ce_records": ce_records("verified")}
    extra = verified if pathway == "out_of_state" else {}
    assert issue_problems(app, [], PASSED, on=D(2025, 9, 1), **extra) == []


def approved_out_of_state(**overrides) -> Application:
    """An out-of-state application submitted on 2025-03-01 (its CE counts from 2023-03-01)
    and approved on 2025-03-15."""
    app = out_of_state(**overrides)
    app.status = "approved"
    app.submitted_at = timezone.make_aware(datetime.datetime(2025, 3, 1, 12))
    app.approved_on = MARCH_15
    app.window_ends_on = approval_window_end(MARCH_15)
    return app


@pytest.mark.parametrize(
    ("status", "label"),
    [("in_review", "in review"), ("certified", "certified"), ("expired", "expired")],
)
def test_issue_needs_an_approved_application(status, label):
    app = approved(status=status)
    assert issue_problems(app, [training()], PASSED, on=D(2025, 9, 1)) == [
        f"Only an approved application leads to a certification; this one is {label}."
    ]


# Expiry, renewal, reinstatement, vacate ---------------------------------------------------------


@pytest.mark.parametrize(
    ("issued_on", "expires_on"),
    [
        (D(2024, 3, 15), D(2026, 3, 15)),
        (D(2024, 2, 29), D(2026, 2, 28)),
        (D(2024, 2, 28), D(2026, 2, 28)),
        (D(2026, 2, 28), D(2028, 2, 28)),
        (D(2025, 12, 31), D(2027, 12, 31)),
    ],
)
def test_certification_expiry_is_two_years_on(issued_on, expires_on):
    assert certification_expiry(issued_on) == expires_on


def test_renewal_window_opens_90_days_before_expiry():
    assert renewal_window_opens(D(2026, 3, 15)) == D(2025, 12, 15)


EXPIRES = D(2026, 3, 15)
# Expired 2026-03-15: late renewal through 2027-03-15 (12 months, the default), reinstatement
# from 2027-03-16 through 2030-03-14, vacated on 2030-03-15.
LATE_LAST_DAY = D(2027, 3, 15)
REINSTATE_ON = D(2027, 5, 1)
VACATED_ON = D(2030, 3, 15)


@pytest.mark.parametrize(
    ("days_before", "reasons"),
    [
        (
            91,
            ["Renewal opens on 2025-12-15, 90 days before the expiry date 2026-03-15."],
        ),
        (90, []),
        (1, []),
        (0, []),
        (-1, []),
    ],
    ids=["91-days-before", "90-days-before", "1-day-before", "on-expiry", "day-after-late"],
)
def test_renewal_window(days_before, reasons):
    on = EXPIRES - datetime.timedelta(days=days_before)
    assert renewal_problems(certification(), on=on) == reasons


def test_renewal_needs_no_logged_ce():
    """A renewal rests on the holder's attestation: no CE on record, or only pending CE, never
    blocks it (capeercertification.org, renewal)."""
    assert renewal_problems(certification(), on=EXPIRES) == []


@pytest.mark.parametrize(
    ("attest_ce", "attest_records", "reasons"),
    [
        (True, True, []),
        (
            False,
            True,
            [
                "Confirm that you completed 20 hours of continuing education in this "
                "certification period, at least 6 of them in law and ethics."
            ],
        ),
        (
            True,
            False,
            ["Confirm that you keep the records of your continuing education for 2 years."],
        ),
    ],
)
def test_renewal_attestation(attest_ce, attest_records, reasons):
    assert (
        renewal_attestation_problems(attest_ce=attest_ce, attest_records=attest_records) == reasons
    )


@pytest.mark.parametrize(("status", "label"), [("revoked", "revoked"), ("vacated", "vacated")])
def test_only_active_or_expired_certifications_renew(status, label):
    assert renewal_problems(certification(status=status), on=EXPIRES) == [
        f"Only an active or expired certification can be renewed; this one is {label}."
    ]


@pytest.mark.parametrize(
    ("on", "tier", "kind"),
    [
        (EXPIRES, LapseTier.IN_FORCE, "renewal"),
        (EXPIRES + DAY, LapseTier.LATE_RENEWAL, "late_renewal"),
        (LATE_LAST_DAY, LapseTier.LATE_RENEWAL, "late_renewal"),
        (LATE_LAST_DAY + DAY, LapseTier.REINSTATEMENT, "reinstatement"),
        (VACATED_ON - DAY, LapseTier.REINSTATEMENT, "reinstatement"),
        (VACATED_ON, LapseTier.VACATED, "reinstatement"),
    ],
    ids=[
        "expiry-date",
        "day-after-expiry",
        "expiry-plus-12-months",
        "day-after-12-months",
        "day-before-vacate",
        "vacate-date",
    ],
)
def test_lapse_tiers_at_their_boundaries(on, tier, kind):
    assert lapse_tier(EXPIRES, on=on) == tier
    assert renewal_kind_on(certification(status="expired"), on=on) == kind


@pytest.mark.parametrize(
    ("expires_on", "months", "last_day"),
    [
        (D(2026, 3, 15), 12, D(2027, 3, 15)),
        (D(2026, 3, 15), 6, D(2026, 9, 15)),
        (D(2028, 2, 29), 12, D(2029, 3, 1)),
        (D(2026, 8, 31), 6, D(2027, 3, 1)),
        (D(2026, 3, 15), 0, D(2026, 3, 15)),
    ],
)
def test_late_renewal_last_day(expires_on, months, last_day):
    assert late_renewal_last_day(expires_on, limit_months=months) == last_day


def test_late_renewal_through_the_last_day_then_reinstatement_only():
    expired = certification(status="expired")
    assert renewal_problems(expired, on=LATE_LAST_DAY) == []
    assert renewal_problems(expired, on=LATE_LAST_DAY + DAY) == [
        "This certification expired on 2026-03-15 and the late renewal period ended on "
        "2027-03-15; it can now only be reinstated (until 2030-03-14)."
    ]
    assert renewal_problems(expired, on=VACATED_ON) == [
        "A certification not renewed within 4 years of its expiry is vacated (this one on "
        "2030-03-15): apply again for a new certification."
    ]


def test_the_late_renewal_limit_is_the_programs():
    expired = certification(status="expired")
    on = D(2026, 10, 1)
    assert renewal_problems(expired, on=on, limit_months=6) != []
    assert renewal_problems(expired, on=on, limit_months=12) == []


def test_fees_of_each_kind_of_renewal():
    assert FEES_OF_RENEWAL_KIND == {
        "renewal": ("renewal",),
        "late_renewal": ("renewal", "late"),
        "reinstatement": ("reinstatement", "late"),
    }


@pytest.mark.parametrize(
    ("vacated_on", "expires_on"),
    [
        (D(2030, 3, 15), D(2026, 3, 15)),
        (D(2030, 2, 28), D(2026, 2, 28)),
        (D(2032, 2, 29), D(2028, 2, 29)),
    ],
)
def test_vacate_date_is_four_years_after_expiry(expires_on, vacated_on):
    assert vacate_date(expires_on) == vacated_on


@pytest.mark.parametrize(
    ("cycle_started_on", "on", "bounds"),
    [
        (D(2024, 3, 15), D(2027, 5, 1), (D(2025, 5, 1), D(2027, 5, 1))),
        (D(2024, 3, 15), D(2026, 3, 16), (D(2024, 3, 16), D(2026, 3, 16))),
        (D(2024, 3, 15), D(2026, 3, 14), (D(2024, 3, 15), D(2026, 3, 14))),
        (D(2024, 3, 15), D(2028, 2, 29), (D(2026, 2, 28), D(2028, 2, 29))),
    ],
    ids=["two-years-back", "two-years-back-exactly", "cycle-start-later", "leap-day"],
)
def test_reinstatement_ce_counts_within_the_2_years_before(cycle_started_on, on, bounds):
    assert reinstatement_ce_bounds(cycle_started_on, on=on) == bounds


def refresher(completed_on, *, hours=80, status="verified") -> TrainingRecord:
    record = training(hours, status=status)
    record.completed_on = completed_on
    return record


def passed_exam(taken_on, result="passed") -> ExamAttempt:
    return ExamAttempt(taken_on=taken_on, result=result)


REFRESHED = [refresher(D(2027, 4, 1))]
RECENT_CE = full_ce(D(2026, 9, 1))


def reinstate(cert=None, credits=RECENT_CE, *, on=REINSTATE_ON, training_records=REFRESHED, **kw):
    return reinstatement_problems(
        cert or certification(status="expired"),
        credits,
        on=on,
        training_records=training_records,
        **kw,
    )


@pytest.mark.parametrize(
    ("on", "reasons"),
    [
        (
            LATE_LAST_DAY,
            [
                "Until 2027-03-15 this certification can still be renewed late, with the late "
                "fee; reinstatement is for after that date."
            ],
        ),
        (LATE_LAST_DAY + DAY, []),
        (VACATED_ON - DAY, []),
        (
            VACATED_ON,
            [
                "A certification not renewed within 4 years of its expiry is vacated (this one "
                "on 2030-03-15): apply again for a new certification."
            ],
        ),
    ],
    ids=["last-day-of-late-renewal", "day-after", "day-before-vacate-date", "vacate-date"],
)
def test_reinstatement_between_the_late_period_and_the_vacate_date(on, reasons):
    before = on - datetime.timedelta(days=10)
    assert (
        reinstate(credits=full_ce(before), on=on, training_records=[refresher(before)]) == reasons
    )


REFRESHER_MISSING = (
    "Complete the 80-hour refresher course from an approved training provider after "
    "2026-03-15, the expiry date, and have it verified, or pass the certification exam again."
)


@pytest.mark.parametrize(
    ("training_records", "attempts", "ok"),
    [
        ([], [], False),
        ([refresher(D(2027, 4, 1))], [], True),
        ([refresher(EXPIRES)], [], False),
        ([refresher(EXPIRES + DAY)], [], True),
        ([refresher(D(2027, 4, 1), hours=79.5)], [], False),
        ([refresher(D(2027, 4, 1), status="pending")], [], False),
        ([refresher(REINSTATE_ON + DAY)], [], False),
        ([], [passed_exam(D(2027, 4, 1))], True),
        ([], [passed_exam(EXPIRES)], False),
        ([], [passed_exam(D(2027, 4, 1), "failed")], False),
    ],
    ids=[
        "nothing",
        "refresher",
        "refresher-on-expiry-date",
        "refresher-day-after-expiry",
        "refresher-short",
        "refresher-pending",
        "refresher-after-the-day",
        "exam-passed",
        "exam-on-expiry-date",
        "exam-failed",
    ],
)
def test_reinstatement_needs_the_refresher_course_or_the_exam(training_records, attempts, ok):
    problems = reinstate(training_records=training_records, exam_attempts=attempts)
    assert problems == ([] if ok else [REFRESHER_MISSING])


SUSPENDED_ON = D(2025, 9, 1)
LIFT_FIRST = (
    "This certification was suspended on 2025-09-01. The issuing program must lift the "
    "suspension before it can be renewed or reinstated."
)


def test_a_suspension_blocks_renewal_until_lifted():
    suspended = certification(status="suspended", suspended_on=SUSPENDED_ON)
    assert renewal_problems(suspended, on=EXPIRES) == [LIFT_FIRST]
    assert suspension_problems(suspended) == [LIFT_FIRST]
    lifted = certification(status="active", suspended_on=None)
    assert renewal_problems(lifted, on=EXPIRES) == []
    assert suspension_problems(lifted) == []


def test_a_suspension_on_record_blocks_late_renewal_and_reinstatement():
    expired = certification(status="expired", suspended_on=SUSPENDED_ON)
    assert renewal_problems(expired, on=EXPIRES + DAY) == [LIFT_FIRST]
    assert reinstate(expired) == [LIFT_FIRST]
    expired.suspended_on = None
    assert reinstate(expired) == []


@pytest.mark.parametrize("status", ["active", "revoked", "vacated"])
def test_only_expired_certifications_are_reinstated(status):
    assert reinstate(certification(status=status)) == [
        f"Only an expired certification can be reinstated; this one is {status}."
    ]


@pytest.mark.parametrize(
    ("completed_on", "counts"),
    [
        (D(2025, 4, 30), False),
        (D(2025, 5, 1), True),
        (D(2027, 4, 30), True),
        (REINSTATE_ON, True),
        (REINSTATE_ON + DAY, False),
    ],
    ids=["over-2-years-before", "2-years-before", "after-expiry", "on-the-day", "in-the-future"],
)
def test_reinstatement_counts_ce_within_the_2_years_before(completed_on, counts):
    problems = reinstate(credits=full_ce(completed_on))
    assert (problems == []) is counts


def test_reinstatement_with_pending_ce_only():
    credits = [ce(20, D(2027, 1, 1), status="pending"), ce(6, D(2027, 1, 1), status="rejected")]
    assert reinstate(credits=credits) == [
        "0 verified continuing-education hours were completed between 2025-05-01 and "
        "2027-05-01; 20 are required.",
        "0 verified hours in law and ethics were completed between 2025-05-01 and 2027-05-01; "
        "at least 6 are required.",
        "20 more hours are waiting for review.",
    ]


@pytest.mark.parametrize(
    ("days_left", "soon"), [(91, False), (90, True), (30, True), (0, True), (-1, False)]
)
def test_is_expiring_soon(days_left, soon):
    on = EXPIRES - datetime.timedelta(days=days_left)
    assert is_expiring_soon("active", EXPIRES, on=on) is soon


@pytest.mark.parametrize("status", ["suspended", "expired", "revoked", "vacated"])
def test_only_an_active_certification_is_expiring_soon(status):
    on = EXPIRES - datetime.timedelta(days=30)
    assert is_expiring_soon(status, EXPIRES, on=on) is False


# Specializations -------------------------------------------------------------------------------

AREAS = {
    "parent_caregiver_family": "Parent, Caregiver and Family Member",
    "crisis": "Crisis Services",
    "unhoused": "Unhoused",
    "justice_involved": "Justice-Involved",
}
CORE_DONE = D(2023, 6, 1)


def spec(certification, record, *, held_codes, area_names=AREAS, core_completed_on=CORE_DONE):
    return specialization_problems(
        certification,
        record,
        held_codes=held_codes,
        area_names=area_names,
        core_completed_on=core_completed_on,
    )


def dated(course="crisis", *, on, hours=40, provider=None):
    record = training(hours, course=course)
    record.completed_on = on
    if provider is not None:
        record.provider = provider
    return record


@pytest.mark.parametrize(
    ("completed_on", "ok"),
    [(D(2023, 5, 31), False), (D(2023, 6, 1), False), (D(2023, 6, 2), True)],
    ids=["day-before-core", "same-day-as-core", "day-after-core"],
)
def test_a_specialization_is_completed_after_the_core_training(completed_on, ok):
    """Same day (our choice): refused; one date cannot show the core course ended first."""
    problems = spec(certification(), dated(on=completed_on), held_codes=())
    assert problems == (
        []
        if ok
        else [
            "A specialization course counts only when it is completed after the core training "
            f"(completed on 2023-06-01); this one was completed on {completed_on.isoformat()}."
        ]
    )


def test_without_core_training_on_record_there_is_no_order_to_check():
    """A peer certified through another pathway (out of state, grandparenting)."""
    assert (
        spec(certification(), dated(on=D(2023, 1, 1)), held_codes=(), core_completed_on=None) == []
    )


@pytest.mark.parametrize(("completed_on", "ok"), [(D(2022, 6, 30), False), (D(2022, 7, 1), True)])
def test_a_specialization_is_completed_on_or_after_2022_07_01(completed_on, ok):
    record = dated(on=completed_on)
    problems = spec(certification(), record, held_codes=(), core_completed_on=D(2022, 1, 1))
    assert problems == (
        []
        if ok
        else [
            "Training completed on 2022-06-30 does not count: training must be completed on "
            "or after 2022-07-01."
        ]
    )


@pytest.mark.parametrize(
    ("approved_from", "approved_until", "ok"),
    [
        (D(2024, 3, 2), None, False),
        (D(2024, 3, 1), None, True),
        (D(2023, 1, 1), D(2024, 2, 29), False),
        (D(2023, 1, 1), D(2024, 3, 1), True),
    ],
    ids=["approved-the-day-after", "approved-that-day", "lapsed-the-day-before", "lapsed-that-day"],
)
def test_a_specialization_comes_from_a_provider_approved_on_its_completion_date(
    approved_from, approved_until, ok
):
    provider = TrainingProvider(
        name="Crisis Academy", approved_from=approved_from, approved_until=approved_until
    )
    record = dated(on=D(2024, 3, 1), provider=provider)
    assert spec(certification(), record, held_codes=()) == (
        []
        if ok
        else [
            "Crisis Academy was not an approved training provider on 2024-03-01, the "
            "completion date: training from it does not count."
        ]
    )


def test_an_area_the_operator_added_is_a_specialization():
    record = training(40, course="peer_workforce")
    areas = {**AREAS, "peer_workforce": "Peer Workforce"}
    assert spec(certification(), record, held_codes=(), area_names=areas) == []
    assert spec(certification(), record, held_codes={"peer_workforce"}, area_names=areas) == [
        "This certification already holds the Peer Workforce specialization."
    ]
    assert spec(certification(), record, held_codes=()) == [
        "This training is not a specialization course."
    ]


@pytest.mark.parametrize(
    ("hours", "ok"), [("39.5", False), ("39.99", False), (40, True), (48, True)]
)
def test_specialization_needs_40_hours(hours, ok):
    problems = spec(certification(), training(hours, course="crisis"), held_codes=())
    expected = (
        []
        if ok
        else [f"A specialization needs 40 hours of training or more; this record has {hours}."]
    )
    assert problems == expected


def test_a_specialization_is_held_once():
    problems = spec(
        certification(), training(40, course="crisis"), held_codes={"crisis", "unhoused"}
    )
    assert problems == ["This certification already holds the Crisis Services specialization."]


def test_a_different_specialization_may_be_added():
    record = training(40, course="justice_involved")
    assert spec(certification(), record, held_codes={"crisis"}) == []


def test_core_training_is_not_a_specialization():
    assert spec(certification(), training(80), held_codes=()) == [
        "This training is not a specialization course."
    ]


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_specialization_training_must_be_verified(status):
    record = training(40, course="unhoused", status=status)
    assert spec(certification(), record, held_codes=()) == [
        "The specialization training must be verified first."
    ]


def test_specialization_training_must_be_the_holders():
    record = training(40, course="unhoused", person_id=8)
    assert spec(certification(), record, held_codes=()) == [
        "This training record belongs to someone else."
    ]


@pytest.mark.parametrize("status", ["expired", "suspended", "revoked", "vacated"])
def test_specializations_are_added_to_active_certifications_only(status):
    record = training(40, course="parent_caregiver_family")
    assert spec(certification(status=status), record, held_codes=()) == [
        f"Specializations are added only to an active certification; this one is {status}."
    ]
