"""Fixtures for the API tests: an API client that authenticates with a real token, and fast
bulk creation of certifications for pagination and query-count tests."""

import datetime
import uuid
from collections.abc import Callable

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.services import api_token_create
from certification.models import Certification, CertificationSpecialization
from counties.models import County


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def token_for(user: User) -> str:
    """A fresh key for `user`, marked as just used so that authentication writes nothing
    (keeps query counts exact)."""
    token, key = api_token_create(user=user, days=30, name="test")
    token.last_used_at = timezone.now()
    token.save(update_fields=["last_used_at"])
    return key


@pytest.fixture
def client_for(api) -> Callable[[User], APIClient]:
    """`client_for(user)`: an API client sending `Authorization: Token <key>` for `user`."""

    def make(user: User) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
        return client

    return make


def bulk_certifications(
    count: int,
    county: County,
    *,
    prefix: str = "PSS-B",
    status: str = "active",
    issued_on: datetime.date | None = None,
    specializations: tuple[str, ...] = (),
) -> list[Certification]:
    """`count` certifications of `county`, each with its own holder, in a few statements."""
    tag = uuid.uuid4().hex[:8]
    holders = User.objects.bulk_create(
        User(email=f"bulk-{tag}-{n}@example.org", password="!") for n in range(count)
    )
    issued = issued_on or timezone.localdate() - datetime.timedelta(days=100)
    now = timezone.now()
    certifications = Certification.objects.bulk_create(
        Certification(
            number=f"{prefix}{tag[:4].upper()}{n:06d}",
            holder=holder,
            issuing_county=county,
            first_name=f"First{n}",
            last_name=f"Last{n}",
            status=status,
            issued_on=issued,
            expires_on=issued.replace(year=issued.year + 2),
            cycle_started_on=issued,
            suspended_on=issued if status == "suspended" else None,
            updated_at=now,
        )
        for n, holder in enumerate(holders)
    )
    CertificationSpecialization.objects.bulk_create(
        CertificationSpecialization(certification=cert, code=code, added_on=issued)
        for cert in certifications
        for code in specializations
    )
    return certifications
