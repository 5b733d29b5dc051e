"""The completions upload in the provider pages (issue 15 item 4): preview with row-level
errors and nothing written; commit; the same file again changes nothing; a large file is
committed in the background; refused rows email the staff; another provider sees nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jobs.models import OutboxMessage
from providers import imports
from providers.models import Completion
from tests.providers.completions_data import row
from training.models import TrainingRecord

pytestmark = pytest.mark.django_db


def _csv(rows) -> bytes:
    lines = [",".join(imports.COLUMNS)]
    lines += [",".join(str(r[c]) for c in imports.COLUMNS) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _upload(client, provider, data: bytes, name="roster.csv"):
    return client.post(
        reverse("providers_portal:completions_upload", args=[provider.pk]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def _state():
    return (
        list(Completion.objects.order_by("pk").values()),
        list(TrainingRecord.objects.order_by("pk").values()),
    )


def test_preview_commit_and_the_same_file_again(client, cast, providers, courses):
    p = providers
    data = _csv(
        [
            row(courses["core"]),
            row(courses["core"], completion_id="HW-2", email="someone@example.org"),
            row(courses["core"], completion_id="HW-3", hours="12"),
            row(courses["core"], completion_id="HW-4", completed_on="not a date"),
        ]
    )
    client.force_login(p.clerk)
    response = _upload(client, p.hope, data)
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert "Ready to report" in page and "Refused" in page
    assert "not a date" in page
    assert "Report 2 completions" in page
    assert not Completion.objects.exists()  # the preview writes nothing

    client.post(preview_url)
    assert Completion.objects.count() == 2
    assert TrainingRecord.objects.get().person == cast.applicant
    done = client.get(preview_url).content.decode()
    assert "In the learner&#x27;s record" in done or "In the learner's record" in done
    assert "Waiting for the learner" in done
    # Two refused rows: the staff are told where to read them.
    emails = OutboxMessage.objects.filter(kwargs__kind="provider_completions_errors")
    assert emails.count() == 2  # boss and clerk
    before = _state()

    again = _upload(client, p.hope, data)["Location"]
    page = client.get(again).content.decode()
    assert "Reported before: unchanged" in page
    assert "No new completion to report" in page
    client.post(again)
    assert _state() == before
    client.post(preview_url)  # committing the first upload twice does nothing either
    assert _state() == before

    listing = client.get(reverse("providers_portal:completions", args=[p.hope.pk]))
    assert "HW-2" in listing.content.decode()


def test_a_large_file_is_committed_in_the_background(client, providers, courses, monkeypatch):
    p = providers
    monkeypatch.setattr(imports, "BACKGROUND_THRESHOLD_ROWS", 2)
    monkeypatch.setattr(imports, "BACKGROUND_CHUNK_ROWS", 2)
    rows = [
        row(courses["core"], completion_id=f"L-{n}", email=f"l{n}@example.org") for n in range(5)
    ]
    client.force_login(p.clerk)
    url = _upload(client, p.hope, _csv(rows))["Location"]
    client.post(url)
    assert "Reporting in progress" in client.get(url).content.decode()
    token = url.rstrip("/").rsplit("/", 1)[-1]
    queued = OutboxMessage.objects.filter(task_name=imports.IMPORT_TASK)
    assert queued.count() == 1
    steps = 0
    while imports.commit_in_background(token=token, user_id=p.clerk.pk, provider_id=p.hope.pk):
        steps += 1
        if imports.load_file(token=token, user=p.clerk, provider=p.hope).committed:
            break
    assert steps == 3
    assert Completion.objects.count() == 5
    assert "Completions reported" in client.get(url).content.decode()


def test_another_provider_sees_nothing(client, providers, courses):
    p = providers
    client.force_login(p.clerk)
    url = _upload(client, p.hope, _csv([row(courses["core"])]))["Location"]
    client.post(url)
    client.force_login(p.rival)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    for name in ("completions", "completions_upload", "completions_template", "api_keys"):
        assert client.get(reverse(f"providers_portal:{name}", args=[p.hope.pk])).status_code == 404
    rival_url = reverse(
        "providers_portal:completions_preview",
        args=[p.rival_org.pk, url.rstrip("/").rsplit("/", 1)[-1]],
    )
    assert client.get(rival_url).status_code == 404  # the token is bound to its provider
    assert (
        "HW-1"
        not in client.get(
            reverse("providers_portal:completions", args=[p.rival_org.pk])
        ).content.decode()
    )
    assert Completion.objects.count() == 1


def test_a_file_that_is_not_a_completions_csv_is_refused_at_the_field(client, providers):
    client.force_login(providers.clerk)
    response = _upload(client, providers.hope, b"name,email\nAna,a@b.org\n")
    assert response.status_code == 200
    assert "Columns missing from the header" in response.content.decode()
    template = client.get(
        reverse("providers_portal:completions_template", args=[providers.hope.pk])
    )
    assert template.content.decode().splitlines()[0] == ",".join(imports.COLUMNS)


def test_api_keys_page_shows_a_new_key_once_and_revokes(client, providers):
    p = providers
    client.force_login(p.clerk)
    url = reverse("providers_portal:api_keys", args=[p.hope.pk])
    assert client.get(url).status_code == 403
    client.force_login(p.boss)
    response = client.post(url, {"name": "Our LMS"})
    page = response.content.decode()
    key = page.split('id="new-api-key">')[1].split("<")[0]
    assert key.startswith("pk_")
    assert response["Cache-Control"] == "no-store"
    assert key not in client.get(url).content.decode()
    api_key = p.hope.api_keys.get()
    client.post(reverse("providers_portal:api_key_revoke", args=[p.hope.pk, api_key.pk]))
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None


def test_hours_not_those_of_the_approved_course_are_refused_row_by_row(client, providers, courses):
    """Issue 15: more hours than the approved course has are refused, and the core course's
    completion must report its full approved hours (here 80); CE may report fewer."""
    p = providers
    data = _csv(
        [
            row(courses["core"], completion_id="CORE-OVER", hours="96"),
            row(courses["core"], completion_id="CORE-SHORT", hours="79.5"),
            row(courses["ce"], completion_id="CE-OVER", hours="8"),
            row(courses["ce"], completion_id="CE-PART", hours="3", email="later@example.org"),
            row(courses["core"], completion_id="CORE-FULL", email="else@example.org"),
        ]
    )
    client.force_login(p.clerk)
    preview_url = _upload(client, p.hope, data)["Location"]
    page = client.get(preview_url).content.decode()
    assert "is approved for 80 hours; a completion cannot report more (96)" in page
    assert "is approved for 80 hours and is completed only in full" in page
    assert "is approved for 6 hours; a completion cannot report more (8)" in page
    assert "Report 2 completions" in page
    client.post(preview_url)
    assert sorted(Completion.objects.values_list("completion_id", flat=True)) == [
        "CE-PART",
        "CORE-FULL",
    ]
