"""What the application role could write to the credentials tables cannot change what a
verifier concludes (SECURITY.md, "Digital credentials"): it cannot move a certification's
status position, and a signed status list it puts back (an older copy, from before a
suspension), changes or moves to another purpose is not served: the list is signed again
from the committed statuses.
The writes run as the application role in the system's context, the widest it has."""

import json
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import IntegrityError, ProgrammingError, connection, transaction

from certification import services
from core import rls
from credentials.models import CredentialStatusEntry, SignedStatusList
from credentials.services import status_list_current
from tests.credentials.conftest import download, node_verify
from tests.factories import CertificationFactory
from tests.security.test_rls import APP_ROLE, set_context

pytestmark = pytest.mark.django_db


@contextmanager
def as_application_role() -> Iterator:
    """A cursor acting as the application role for the system; what it writes stays (unlike
    tests.security.test_rls.acting, which rolls back)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        set_context(cursor, rls.Context(is_system=True))
        try:
            yield cursor
        finally:
            cursor.execute("RESET ROLE")


def _refused(cursor, sql: str, params: list) -> None:
    with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
        cursor.execute(sql, params)


@pytest.fixture
def certification(cast):
    return CertificationFactory(holder=cast.applicant, issuing_county=cast.county)


def _list(purpose: str, credential: dict) -> tuple[str, int]:
    (entry,) = [e for e in credential["credentialStatus"] if e["statusPurpose"] == purpose]
    return purpose, int(entry["statusListCredential"].rsplit("/", 1)[1])


def test_a_status_position_is_never_moved_nor_deleted(cast, certification):
    download(cast.applicant)
    entry = CredentialStatusEntry.objects.get(certification=certification)
    other = CertificationFactory(issuing_county=cast.county)
    with as_application_role() as cursor:
        _refused(
            cursor,
            "UPDATE credentials_credentialstatusentry SET index = index + 1 WHERE id = %s",
            [entry.pk],
        )
        _refused(cursor, "DELETE FROM credentials_credentialstatusentry WHERE id = %s", [entry.pk])
        # Another certification onto the same bits: the position is taken.
        with pytest.raises(IntegrityError), transaction.atomic():
            cursor.execute(
                "INSERT INTO credentials_credentialstatusentry "
                "(certification_id, list_number, index, created_at) VALUES (%s, %s, %s, now())",
                [other.pk, entry.list_number, entry.index],
            )
    assert CredentialStatusEntry.objects.get(pk=entry.pk).index == entry.index
    assert not CredentialStatusEntry.objects.filter(certification=other).exists()


def test_a_signed_list_moved_to_another_purpose_is_not_served(cast, certification, tmp_path):
    """The suspension list (bit set) relabelled as the revocation list: the revocation list
    served is signed anew from the statuses, and the verifier sees a suspension, not a
    revocation. Signed lists are never deleted."""
    credential = download(cast.applicant)
    purpose, number = _list("suspension", credential)
    services.certification_suspend(actor=cast.admin, certification=certification, reason="x")
    status_list_current(purpose=purpose, list_number=number)
    signed = SignedStatusList.objects.get(purpose=purpose, list_number=number)
    with as_application_role() as cursor:
        _refused(cursor, "DELETE FROM credentials_signedstatuslist WHERE id = %s", [signed.pk])
        cursor.execute(
            "UPDATE credentials_signedstatuslist SET purpose = 'revocation' WHERE id = %s",
            [signed.pk],
        )
        assert cursor.rowcount == 1
    verdict = node_verify(credential, tmp_path)
    assert verdict["verified"] is False and verdict["signature"] is True
    assert verdict["statuses"] == [
        {"purpose": "revocation", "set": False},
        {"purpose": "suspension", "set": True},
    ]


def test_an_older_signed_list_put_back_is_not_served(cast, certification, tmp_path):
    """The list signed before a suspension, written back with its own seal: the independent
    verifier, reading the lists as the site serves them, still sees the suspension."""
    credential = download(cast.applicant)
    purpose, number = _list("suspension", credential)
    status_list_current(purpose=purpose, list_number=number)
    before = SignedStatusList.objects.get(purpose=purpose, list_number=number)
    services.certification_suspend(actor=cast.admin, certification=certification, reason="x")
    assert node_verify(credential, tmp_path)["verified"] is False
    with as_application_role() as cursor:
        cursor.execute(
            "UPDATE credentials_signedstatuslist SET credential = %s, seal = %s, "
            "signed_at = now() WHERE id = %s",
            [json.dumps(before.credential), before.seal, before.pk],
        )
        assert cursor.rowcount == 1
    verdict = node_verify(credential, tmp_path)
    assert verdict["verified"] is False and verdict["signature"] is True
    assert {"purpose": "suspension", "set": True} in verdict["statuses"]
    served = status_list_current(purpose=purpose, list_number=number)
    assert (
        served["credentialSubject"]["encodedList"]
        != (before.credential["credentialSubject"]["encodedList"])
    )


def test_a_changed_signed_list_is_signed_again(cast, certification, tmp_path):
    """A byte changed in the stored copy (its signature broken, or its validity cut short):
    the served list is a freshly signed one, and the credential still verifies as current."""
    credential = download(cast.applicant)
    purpose, number = _list("revocation", credential)
    status_list_current(purpose=purpose, list_number=number)
    signed = SignedStatusList.objects.get(purpose=purpose, list_number=number)
    tampered = json.loads(json.dumps(signed.credential))
    tampered["validFrom"] = "2001-01-01T00:00:00Z"
    tampered["proof"]["proofValue"] = "z" + "1" * 86
    with as_application_role() as cursor:
        cursor.execute(
            "UPDATE credentials_signedstatuslist SET credential = %s WHERE id = %s",
            [json.dumps(tampered), signed.pk],
        )
    served = status_list_current(purpose=purpose, list_number=number)
    assert served["proof"]["proofValue"] != tampered["proof"]["proofValue"]
    assert served["validFrom"] != tampered["validFrom"]
    assert node_verify(credential, tmp_path)["verified"] is True
