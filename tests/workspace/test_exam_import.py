"""Importing the vendor's exam results: every row's outcome in the preview, nothing saved
before the commit, only valid rows recorded, the same file twice changes nothing, and a
10,000-row file."""

import datetime
import sys
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from certification.models import Application
from exams import imports as exam_import
from exams import tasks
from exams.imports import RowOutcome
from exams.models import ExamAttempt
from jobs.models import OutboxMessage
from tests.factories import ProviderFactory, TrainingRecordFactory
from tests.workspace.conftest import approved_application, person
from training.models import TrainingRecord

HEADER = "application_id,email,exam_date,result,scaled_score,vendor_reference"


def _upload(client, user, text: str, name: str = "results.csv"):
    client.force_login(user)
    return client.post(
        reverse("workspace:exam_import", args=["alameda"]),
        {"file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")},
    )


def _outcomes(plan) -> list[str]:
    return [row.outcome for row in plan.rows]


@pytest.fixture
def candidates(cast, world):
    """Three approved Alameda applications and one approved Fresno one."""
    alameda = [world.approved] + [
        approved_application(
            person(f"cand{n}@example.org", "Cand", f"N{n}", cast.county), cast.county
        )
        for n in range(2)
    ]
    fresno = approved_application(
        person("fresno.cand@example.org", "Fay", "Cand", cast.other_county), cast.other_county
    )
    return alameda, fresno


def _mixed_file(world, candidates) -> str:
    (a, b, c), fresno = candidates
    today = timezone.localdate().isoformat()
    lines = [
        HEADER,
        f"{a.pk},{a.applicant.email},{today},passed,520,PV-1",  # ok
        f"{b.pk},{b.applicant.email.upper()},{today},Fail,401,PV-2",  # ok (case-insensitive)
        f"999999,nobody@example.org,{today},passed,500,PV-3",  # unknown candidate
        f"{fresno.pk},{fresno.applicant.email},{today},passed,500,PV-4",  # other county
        f"{c.pk},wrong@example.org,{today},passed,500,PV-5",  # email mismatch
        f"{world.submitted.pk},{world.submitted.applicant.email},{today},passed,500,PV-6",
        f"{c.pk},{c.applicant.email},{today},passed,500,PV-1",  # duplicate in file
        f"{c.pk},{c.applicant.email},2025-13-45,passed,500,PV-7",  # malformed date
        f"{c.pk},{c.applicant.email},{today},maybe,500,PV-8",  # bad result
        f"{c.pk},{c.applicant.email},{today},passed,abc,PV-9",  # bad score
        f"{c.pk},{c.applicant.email},{today},passed,500,",  # missing reference
        f"{c.pk},{c.applicant.email},2099-01-01,passed,500,PV-10",  # future date
        f"{c.pk},{c.applicant.email},{today},passed",  # malformed row
        f"abc,{c.applicant.email},{today},passed,500,PV-11",  # not a number
    ]
    return "\n".join(lines) + "\n"


EXPECTED = [
    RowOutcome.OK,
    RowOutcome.OK,
    RowOutcome.UNKNOWN_CANDIDATE,
    RowOutcome.UNKNOWN_CANDIDATE,
    RowOutcome.EMAIL_MISMATCH,
    RowOutcome.NOT_ELIGIBLE,
    RowOutcome.DUPLICATE_IN_FILE,
    RowOutcome.MALFORMED_DATE,
    RowOutcome.BAD_RESULT,
    RowOutcome.BAD_SCORE,
    RowOutcome.MISSING_REFERENCE,
    RowOutcome.FUTURE_DATE,
    RowOutcome.MALFORMED_ROW,
    RowOutcome.UNKNOWN_CANDIDATE,
]


def test_preview_commit_and_reimport(cast, world, candidates, client):
    text = _mixed_file(world, candidates)
    events = AuditEvent.objects.count()
    response = _upload(client, cast.reviewer, text)
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert _outcomes(preview.context["plan"]) == EXPECTED
    assert preview.context["plan"].ok_count == 2
    assert b"Import 2 valid rows" in preview.content
    # Nothing is saved by the preview.
    assert ExamAttempt.objects.count() == 0
    assert AuditEvent.objects.count() == events

    committed = client.post(response["Location"])
    assert committed.status_code == 302
    attempts = ExamAttempt.objects.order_by("vendor_reference")
    (a, b, _c), _fresno = candidates
    assert [
        (x.application_id, x.result, x.scaled_score, x.source, x.vendor_reference) for x in attempts
    ] == [
        (a.pk, "passed", 520, "import", "PV-1"),
        (b.pk, "failed", 401, "import", "PV-2"),
    ]
    result = client.get(committed["Location"])
    assert result.status_code == 200
    assert ("Recorded", 2) in result.context["result_summary"]

    # A second commit of the same upload, and the same file uploaded again, change nothing.
    client.post(response["Location"])
    again = _upload(client, cast.reviewer, text)
    plan = client.get(again["Location"]).context["plan"]
    assert plan.ok_count == 0
    assert _outcomes(plan)[:2] == [RowOutcome.ALREADY_IMPORTED, RowOutcome.ALREADY_IMPORTED]
    client.post(again["Location"])
    assert ExamAttempt.objects.count() == 2


def test_candidate_id_column_and_us_dates(cast, world, candidates):
    (a, _b, _c), _fresno = candidates
    today = timezone.localdate()
    text = (
        "Candidate_ID,Email,Exam_Date,Result,Vendor_Reference\n"
        f"{a.pk},{a.applicant.email},{today:%m/%d/%Y},No Show,VR-1\n"
    )
    parsed = exam_import.parse_file(text.encode())
    plan = exam_import.plan_import(cast.reviewer, cast.county, parsed)
    assert _outcomes(plan) == [RowOutcome.OK]
    assert (plan.rows[0].taken_on, plan.rows[0].result) == (today, "no_show")


def test_rows_after_the_third_attempt_are_not_eligible(cast, world, candidates):
    (a, _b, _c), _fresno = candidates
    day = timezone.localdate()
    rows = [HEADER] + [
        f"{a.pk},{a.applicant.email},{day - datetime.timedelta(days=n)},failed,300,F-{n}"
        for n in range(4, 0, -1)
    ]
    plan = exam_import.plan_import(
        cast.reviewer, cast.county, exam_import.parse_file("\n".join(rows).encode())
    )
    assert _outcomes(plan) == [RowOutcome.OK] * 3 + [RowOutcome.NOT_ELIGIBLE]


def test_a_row_of_a_candidate_without_verified_core_training_is_not_eligible(cast, client):
    """The training certificate is verified before the candidate may sit the exam: the row
    says so in the preview, and the commit records nothing for it."""
    untrained = approved_application(
        person("untrained@example.org", "Una", "Trained", cast.county), cast.county, trained=False
    )
    TrainingRecordFactory(person=untrained.applicant, status="pending")
    today = timezone.localdate()
    text = f"{HEADER}\n{untrained.pk},untrained@example.org,{today},passed,520,UT-1\n"
    response = _upload(client, cast.reviewer, text)
    preview = client.get(response["Location"])
    (row,) = preview.context["plan"].rows
    assert row.outcome == RowOutcome.NOT_ELIGIBLE
    assert row.message == (
        "The candidate's core training has not been verified: the 80-hour training "
        "certificate is verified before the candidate may sit the exam. Verify the training "
        f"(completed on or before the exam date, {today.isoformat()}) first."
    )
    assert "core training has not been verified" in preview.content.decode()
    client.post(response["Location"])
    assert not ExamAttempt.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"email,exam_date\nx@y.z,2025-01-01\n", "Columns missing"),
        (HEADER.encode() + b"\n", "no rows"),
        (b"\xff\xfe\x00bad", "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused_on_the_form(content, message, cast, client):
    client.force_login(cast.reviewer)
    response = client.post(
        reverse("workspace:exam_import", args=["alameda"]),
        {"file": SimpleUploadedFile("bad.csv", content)},
    )
    assert response.status_code == 200
    assert message in str(response.context["form"].errors["file"])


def test_a_preview_belongs_to_who_uploaded_it(cast, world, candidates, client):
    response = _upload(client, cast.reviewer, _mixed_file(world, candidates))
    client.force_login(cast.admin)
    assert client.get(response["Location"]).status_code == 404
    assert client.post(response["Location"]).status_code == 404
    assert ExamAttempt.objects.count() == 0


def test_template_download(cast, client):
    client.force_login(cast.reviewer)
    response = client.get(reverse("workspace:exam_import_template", args=["alameda"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="exam-results-template.csv"'
    assert response.content.decode().splitlines()[0] == HEADER


def _bulk_candidates(county, count: int) -> list[Application]:
    """`count` approved applications, created in bulk (the factories are too slow for this)."""
    users = User.objects.bulk_create(
        [
            User(email=f"bulk{n}@example.org", first_name="Bulk", last_name=f"N{n}")
            for n in range(count)
        ]
    )
    approved_on = timezone.localdate() - datetime.timedelta(days=30)
    window_ends_on = approved_on + datetime.timedelta(days=300)
    provider = ProviderFactory()
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(
                person=user,
                provider=provider,
                course="core_80",
                hours=80,
                completed_on=datetime.date(2024, 3, 1),
                status="verified",
            )
            for user in users
        ]
    )
    return Application.objects.bulk_create(
        [
            Application(
                applicant=user,
                county=county,
                status="approved",
                submitted_at=timezone.now(),
                approved_on=approved_on,
                window_ends_on=window_ends_on,
            )
            for user in users
        ]
    )


VALID_ROWS = 500
TOTAL_ROWS = 10_000


def _run_queued_import_tasks() -> int:
    """Play the worker: run every queued import step (steps queue the next one) until none
    is left. Returns the number of steps run."""
    steps = 0
    while True:
        queued = list(
            OutboxMessage.objects.filter(task_name=IMPORT_TASK, sent_at__isnull=True).order_by("pk")
        )
        if not queued:
            return steps
        for message in queued:
            OutboxMessage.objects.filter(pk=message.pk).update(sent_at=timezone.now())
            tasks.exam_import_commit(**message.kwargs)
            steps += 1


IMPORT_TASK = "exams.tasks.exam_import_commit"


def test_a_10000_row_file_previews_and_commits_in_the_background(cast, client, capsys, monkeypatch):
    """10,000 rows: 500 valid, the rest unknown candidates, duplicates and malformed dates.
    The preview is paginated; the commit goes to the background worker in chunks; the times
    are reported."""
    monkeypatch.setattr(exam_import, "BACKGROUND_CHUNK_ROWS", 200)
    applications = _bulk_candidates(cast.county, VALID_ROWS)
    today = timezone.localdate().isoformat()
    lines = [HEADER]
    for n in range(TOTAL_ROWS):
        if n < VALID_ROWS:
            application = applications[n]
            lines.append(f"{application.pk},bulk{n}@example.org,{today},passed,500,BIG-{n}")
        elif n % 3 == 0:
            lines.append(f"{9_000_000 + n},x{n}@example.org,{today},passed,500,BIG-{n}")
        elif n % 3 == 1:
            lines.append(f"{applications[0].pk},bulk0@example.org,{today},passed,500,BIG-0")
        else:
            lines.append(f"{applications[1].pk},bulk1@example.org,31/31/2025,passed,500,BIG-{n}")
    text = "\n".join(lines) + "\n"

    started = time.monotonic()
    response = _upload(client, cast.reviewer, text)
    preview = client.get(response["Location"])
    preview_seconds = time.monotonic() - started
    plan = preview.context["plan"]
    assert len(plan.rows) == TOTAL_ROWS
    assert plan.ok_count == VALID_ROWS
    assert len(preview.context["page_obj"].object_list) == 100
    assert preview.context["page_obj"].paginator.num_pages == TOTAL_ROWS // 100

    started = time.monotonic()
    client.post(response["Location"])
    progress = client.get(response["Location"])
    assert b"0 of 500 valid rows handled so far." in progress.content
    assert ExamAttempt.objects.count() == 0
    assert _run_queued_import_tasks() == 3  # 200 + 200 + 100 rows
    commit_seconds = time.monotonic() - started
    assert ExamAttempt.objects.filter(source="import").count() == VALID_ROWS
    result = client.get(response["Location"])
    assert ("Recorded", VALID_ROWS) in result.context["result_summary"]

    started = time.monotonic()
    again = _upload(client, cast.reviewer, text)
    assert client.get(again["Location"]).context["plan"].ok_count == 0
    client.post(again["Location"])
    reimport_seconds = time.monotonic() - started
    assert ExamAttempt.objects.filter(source="import").count() == VALID_ROWS
    with capsys.disabled():
        sys.stdout.write(
            f"\n10,000-row exam import: upload+preview {preview_seconds:.1f}s, "
            f"commit of {VALID_ROWS} valid rows {commit_seconds:.1f}s, "
            f"re-import (no-op) {reimport_seconds:.1f}s\n"
        )


def test_background_steps_are_safe_to_run_twice(cast, world, candidates, monkeypatch):
    monkeypatch.setattr(exam_import, "BACKGROUND_CHUNK_ROWS", 1)
    stored = exam_import.store_file(
        user=cast.reviewer,
        county=cast.county,
        filename="r.csv",
        data=_mixed_file(world, candidates).encode(),
    )
    exam_import.commit_queue(stored=stored, ok_count=2)
    kwargs = {"token": stored.token, "user_id": cast.reviewer.pk, "county_id": cast.county.pk}
    # A step for another user or county does nothing.
    assert tasks.exam_import_commit(**{**kwargs, "user_id": cast.admin.pk}) == 0
    assert _run_queued_import_tasks() == 2
    assert ExamAttempt.objects.count() == 2
    # A redelivered message after the end records nothing more.
    assert tasks.exam_import_commit(**kwargs) == 0
    assert ExamAttempt.objects.count() == 2
    done = exam_import.load_file(token=stored.token, user=cast.reviewer, county=cast.county)
    assert done.committed
    assert done.result_counts[RowOutcome.RECORDED] == 2
    assert done.result_counts[RowOutcome.UNKNOWN_CANDIDATE] == 3


def test_a_commit_already_running_is_not_started_twice(cast, world, candidates):
    stored = exam_import.store_file(
        user=cast.reviewer,
        county=cast.county,
        filename="r.csv",
        data=_mixed_file(world, candidates).encode(),
    )
    with exam_import._claim(stored.token) as claimed:
        assert claimed
        exam_import.commit_file(user=cast.reviewer, county=cast.county, stored=stored)
    assert ExamAttempt.objects.count() == 0
    exam_import.commit_file(user=cast.reviewer, county=cast.county, stored=stored)
    assert ExamAttempt.objects.count() == 2


def test_the_preview_does_not_reveal_another_countys_vendor_references(
    cast, world, candidates, client
):
    """Issue 18, item 8: a reference Fresno recorded was 'imported before' in Alameda's preview
    (or refused at the commit), telling Alameda which references Fresno holds."""
    from exams.services import exam_attempt_record
    from tests.factories import MembershipFactory, UserFactory

    (a, _b, _c), fresno = candidates
    fresno_reviewer = UserFactory(email="rev@fresno.test")
    MembershipFactory(user=fresno_reviewer, county=cast.other_county, role="reviewer")
    exam_attempt_record(
        actor=fresno_reviewer,
        application=fresno,
        taken_on=timezone.localdate(),
        result="passed",
        source="import",
        vendor_reference="PV-FRESNO",
    )
    today = timezone.localdate().isoformat()
    response = _upload(
        client,
        cast.reviewer,
        f"{HEADER}\n{a.pk},{a.applicant.email},{today},passed,520,PV-FRESNO\n",
    )
    plan = client.get(response["Location"]).context["plan"]
    assert _outcomes(plan) == [RowOutcome.OK]
    client.post(response["Location"])
    assert ExamAttempt.objects.filter(vendor_reference="PV-FRESNO").count() == 2
    assert ExamAttempt.objects.get(application=a).vendor_reference == "PV-FRESNO"
