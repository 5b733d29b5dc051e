"""Out-of-state reciprocity at each boundary (docs/domain.md#other-pathways): a current
certification from another state (its expiry date on the submission or issue date is still
current, the day after is not), no pending discipline, 1,550 hours, 20 CE hours in the past 2
years (6 in law and ethics) with proof, 3 letters of recommendation, a passed exam, and no
80 hours. Unsaved model instances: no database."""

import datetime

import pytest
from django.utils import timezone

from certification.rules import (
    application_submission_problems,
    issue_problems,
    out_of_state_ce_window,
    out_of_state_checklist,
    out_of_state_problems,
)
from exams.models import ExamAttempt
from tests.certification.test_rules import (
    DOCUMENTS,
    approved_out_of_state,
    ce_record,
    ce_records,
    letters,
    out_of_state,
    profile,
)

D = datetime.date
PASSED = [ExamAttempt(result="passed", taken_on=D(2025, 6, 1))]
SUBMIT_ON = D(2026, 1, 1)
ISSUE_ON = D(2025, 9, 1)
VERIFIED = {"documents": letters(status="verified"), "ce_records": ce_records("verified")}


def submission(app=None, documents=None, records=None, on=SUBMIT_ON):
    return application_submission_problems(
        app or out_of_state(),
        profile(),
        DOCUMENTS + (letters() if documents is None else documents),
        on=on,
        ce_records=ce_records() if records is None else records,
    )


def issue(app=None, on=ISSUE_ON, attempts=PASSED, **overrides):
    values = VERIFIED | overrides
    return issue_problems(app or approved_out_of_state(), [], attempts, on=on, **values)


# The other state's certification: current on the day of submission and of issue.

EXPIRED_ON_SUBMISSION = (
    "The certification from OR expired on 2025-12-31; a current certification from another "
    "state is required (on 2026-01-01)."
)


@pytest.mark.parametrize(
    ("expires_on", "reasons"),
    [(D(2026, 1, 1), []), (D(2025, 12, 31), [EXPIRED_ON_SUBMISSION])],
    ids=["expires-on-the-day", "expired-the-day-before"],
)
def test_the_other_certification_must_be_current_at_submission(expires_on, reasons):
    assert submission(out_of_state(other_state_expires_on=expires_on)) == reasons


def test_the_expiry_date_of_the_other_certification_is_asked():
    assert submission(out_of_state(other_state_expires_on=None)) == [
        "Enter the expiry date of your certification in that state."
    ]


@pytest.mark.parametrize(
    ("expires_on", "reasons"),
    [
        (D(2025, 9, 1), []),
        (
            D(2025, 8, 31),
            [
                "The certification from OR expired on 2025-08-31; a current certification "
                "from another state is required (on 2025-09-01)."
            ],
        ),
    ],
    ids=["expires-on-the-issue-day", "expired-the-day-before-issue"],
)
def test_the_other_certification_must_still_be_current_at_issue(expires_on, reasons):
    assert issue(approved_out_of_state(other_state_expires_on=expires_on)) == reasons


# Peer work and discipline: at the line.


@pytest.mark.parametrize(("hours", "met"), [(1550, True), (1549, False)])
def test_1550_hours_of_peer_work(hours, met):
    expected = [] if met else ["At least 1550 hours of peer work are required; you entered 1549."]
    assert submission(out_of_state(peer_work_hours=hours)) == expected
    assert issue(approved_out_of_state(peer_work_hours=hours)) == expected


def test_no_pending_discipline_is_attested_before_issue_too():
    assert issue(approved_out_of_state(attest_no_pending_discipline=False)) == [
        "Confirm that you have no pending discipline in any state."
    ]


# Letters of recommendation: three, documents of their own kind, each verified before issue.


@pytest.mark.parametrize(
    ("documents", "reasons"),
    [
        (letters(3), []),
        (letters(2), ["3 letters of recommendation are required; 2 are uploaded."]),
        (
            letters(2) + letters(1, status="rejected"),
            ["3 letters of recommendation are required; 2 are uploaded."],
        ),
    ],
    ids=["three", "two", "two-and-a-rejected-one"],
)
def test_three_letters_are_uploaded_before_submission(documents, reasons):
    assert submission(documents=documents) == reasons


def test_a_removed_letter_does_not_count():
    removed = letters(1)
    removed[0].removed_at = timezone.now()
    assert submission(documents=letters(2) + removed) == [
        "3 letters of recommendation are required; 2 are uploaded."
    ]


def test_a_photo_id_is_not_a_letter():
    assert submission(documents=letters(2) + DOCUMENTS[:1]) == [
        "3 letters of recommendation are required; 2 are uploaded."
    ]


@pytest.mark.parametrize(
    ("documents", "reasons"),
    [
        (letters(3, status="verified"), []),
        (
            letters(2, status="verified") + letters(1),
            ["3 letters of recommendation are required; 2 are verified."],
        ),
        (letters(3), ["3 letters of recommendation are required; 0 are verified."]),
    ],
    ids=["three-verified", "two-verified", "none-verified"],
)
def test_each_letter_is_verified_before_issue(documents, reasons):
    assert issue(documents=documents) == reasons


# CE: 20 hours in the 2 years before submission (or since), 6 in law and ethics, with proof.


def test_the_ce_window_reaches_back_2_years_from_submission():
    assert out_of_state_ce_window(D(2026, 12, 7), on=D(2026, 12, 7)) == (
        D(2024, 12, 7),
        D(2026, 12, 7),
    )
    assert out_of_state_ce_window(D(2024, 2, 29), on=D(2024, 3, 10)) == (
        D(2022, 2, 28),
        D(2024, 3, 10),
    )


@pytest.mark.parametrize(
    ("completed_on", "counted"),
    [(D(2024, 1, 1), True), (D(2023, 12, 31), False), (D(2026, 1, 1), True)],
    ids=["first-day-of-window", "day-before-window", "submission-day"],
)
def test_ce_counts_from_2_years_before_submission(completed_on, counted):
    records = [ce_record("14", completed_on=completed_on), ce_record("6", "law_and_ethics")]
    expected = (
        []
        if counted
        else [
            "6 hours of continuing education completed between 2024-01-01 and 2026-01-01 are "
            "entered with proof; 20 are required."
        ]
    )
    assert submission(records=records) == expected


@pytest.mark.parametrize(
    ("general", "ethics", "reasons"),
    [
        ("14", "6", []),
        (
            "13.75",
            "6",
            [
                "19.75 hours of continuing education completed between 2024-01-01 and "
                "2026-01-01 are entered with proof; 20 are required."
            ],
        ),
        (
            "14.25",
            "5.75",
            ["5.75 of those hours are in law and ethics; at least 6 are required."],
        ),
    ],
    ids=["20-with-6-ethics", "19.75", "5.75-ethics"],
)
def test_20_hours_with_6_in_law_and_ethics(general, ethics, reasons):
    records = [ce_record(general), ce_record(ethics, "law_and_ethics")]
    assert submission(records=records) == reasons


def test_ce_with_rejected_or_removed_proof_does_not_count():
    rejected = ce_record("14", status="rejected")
    removed = ce_record("14")
    removed.document.removed_at = timezone.now()
    problems = submission(records=[rejected, removed, ce_record("6", "law_and_ethics")])
    assert problems == [
        "6 hours of continuing education completed between 2024-01-01 and 2026-01-01 are "
        "entered with proof; 20 are required."
    ]


def test_ce_proof_is_verified_before_issue():
    pending = [ce_record("14", status="verified"), ce_record("6", "law_and_ethics")]
    assert issue(ce_records=pending) == [
        "14 hours of continuing education completed between 2023-03-01 and 2025-09-01 have "
        "verified proof; 20 are required.",
        "0 of those hours are in law and ethics; at least 6 are required.",
        "The proof of 6 more hours waits for review.",
    ]


def test_ce_finished_after_submission_counts_for_the_issue():
    after = [
        ce_record("14", completed_on=D(2025, 5, 1), status="verified"),
        ce_record("6", "law_and_ethics", completed_on=D(2025, 5, 2), status="verified"),
    ]
    assert issue(ce_records=after) == []


def test_ce_from_before_the_window_does_not_count_at_issue():
    old = [
        ce_record("14", completed_on=D(2023, 2, 28), status="verified"),
        ce_record("6", "law_and_ethics", completed_on=D(2023, 3, 1), status="verified"),
    ]
    assert issue(ce_records=old)[0].startswith("6 hours of continuing education")


# The exam, and no 80 hours.


def test_a_passed_california_exam_is_needed():
    failed = [ExamAttempt(result="failed", taken_on=D(2025, 6, 1))]
    assert issue(attempts=failed) == ["The certification exam has not been passed yet."]


def test_no_80_hours_of_training_are_needed():
    assert issue() == []


def test_everything_missing_is_named_at_once():
    empty = approved_out_of_state(
        other_state="",
        other_state_certification_number="",
        other_state_expires_on=None,
        peer_work_hours=None,
        attest_no_pending_discipline=False,
    )
    assert out_of_state_problems(empty, [], [], on=D(2025, 9, 1), verified=True) == [
        "Enter the state that certified you.",
        "Enter your certification number in that state.",
        "Enter the expiry date of your certification in that state.",
        "Confirm that you have no pending discipline in any state.",
        "At least 1550 hours of peer work are required; you entered 0.",
        "0 hours of continuing education completed between 2023-03-01 and 2025-09-01 have "
        "verified proof; 20 are required.",
        "0 of those hours are in law and ethics; at least 6 are required.",
        "3 letters of recommendation are required; 0 are verified.",
    ]


def test_the_checklist_has_a_line_for_each_requirement():
    lines = out_of_state_checklist(
        approved_out_of_state(),
        letters(2, status="verified"),
        ce_records("verified"),
        on=D(2025, 9, 1),
        verified=True,
        exam_attempts=[],
    )
    assert [(line.label, line.met) for line in lines] == [
        ("A current certification from another state", True),
        ("No pending discipline in any state (attested)", True),
        ("1,550 hours of peer work", True),
        ("20 CE hours in the past 2 years, 6 in law and ethics", True),
        ("3 letters of recommendation", False),
        ("A passed California certification exam", False),
    ]
    assert lines[0].on_file == "OR OR-123 expires 2027-06-30"
    assert lines[3].on_file == "20 hours, 6 in law and ethics (2023-03-01 to 2025-09-01)"
    assert lines[4].why == ("3 letters of recommendation are required; 2 are verified.",)
    assert lines[5].why == ("The certification exam has not been passed yet.",)
