"""A credential the product issues, checked by an independent verifier (Digital Bazaar's
`vc` library in Node with the eddsa-rdfc-2022 cryptosuite and Bitstring Status List): it
verifies, then fails after a revocation, after a suspension, and after one changed byte; a
retired key still verifies what it signed."""

import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from certification import services
from tests.credentials.conftest import download, key_config, node_verify
from tests.factories import CertificationFactory, SpecializationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def certification(cast):
    certification = CertificationFactory(holder=cast.applicant, issuing_county=cast.county)
    SpecializationFactory(certification=certification, code="crisis")
    SpecializationFactory(certification=certification, code="unhoused")
    return certification


def test_a_credential_verifies_then_fails_after_a_suspension_and_verifies_once_lifted(
    cast, certification, tmp_path
):
    credential = download(cast.applicant)
    verdict = node_verify(credential, tmp_path)
    assert verdict == {
        "verified": True,
        "signature": True,
        "statuses": [
            {"purpose": "revocation", "set": False},
            {"purpose": "suspension", "set": False},
        ],
        "error": None,
    }

    services.certification_suspend(actor=cast.admin, certification=certification, reason="x")
    verdict = node_verify(credential, tmp_path)
    assert verdict["verified"] is False and verdict["signature"] is True
    assert verdict["statuses"] == [
        {"purpose": "revocation", "set": False},
        {"purpose": "suspension", "set": True},
    ]

    services.certification_lift_suspension(actor=cast.admin, certification=certification)
    assert node_verify(credential, tmp_path)["verified"] is True


def test_a_credential_fails_after_a_revocation(cast, certification, tmp_path):
    credential = download(cast.applicant)
    services.certification_revoke(actor=cast.admin, certification=certification, reason="x")
    verdict = node_verify(credential, tmp_path)
    assert verdict["verified"] is False
    assert {"purpose": "revocation", "set": True} in verdict["statuses"]


@pytest.mark.parametrize(
    "path",
    [
        ("credentialSubject", "licenseNumber"),
        ("credentialSubject", "name"),
        ("validUntil",),
        ("credentialSubject", "achievement", "specialization"),
    ],
)
def test_one_changed_byte_fails(cast, certification, tmp_path, path):
    credential = download(cast.applicant)
    tampered = copy.deepcopy(credential)
    holder = tampered
    for key in path[:-1]:
        holder = holder[key]
    value = holder[path[-1]]
    holder[path[-1]] = value[:-1] + ("8" if value[-1] != "8" else "9")
    verdict = node_verify(tampered, tmp_path)
    assert verdict["verified"] is False and verdict["signature"] is False
    assert node_verify(credential, tmp_path)["verified"] is True


def test_a_changed_byte_in_the_serialized_file_fails(cast, certification, tmp_path):
    text = json.dumps(download(cast.applicant))
    number = certification.number
    tampered = json.loads(text.replace(number, number[:-1] + chr(ord(number[-1]) ^ 1)))
    assert node_verify(tampered, tmp_path)["signature"] is False


def test_a_name_with_control_characters_verifies(cast, tmp_path):
    """RDFC-1.0 escapes control characters in literals (\\b, \\f, \\u0001) unlike PyLD's
    own N-Quads writer: the product's canonical form must match the Node verifier's."""
    holder = UserFactory()
    CertificationFactory(holder=holder, first_name="Ana\bMar\x01ía", last_name='O"Neil\f\\')
    assert node_verify(download(holder), tmp_path)["verified"] is True


def test_a_retired_key_still_verifies_what_it_signed(
    cast, certification, tmp_path, settings, first_key
):
    old_credential = download(cast.applicant)
    second_key = Ed25519PrivateKey.generate()
    settings.VC_ISSUER_KEYS = key_config(
        "key-2", ("key-2", second_key, True), ("key-1", first_key, False)
    )
    new_credential = download(cast.applicant)
    assert new_credential["proof"]["verificationMethod"].endswith("#key-2")
    assert old_credential["proof"]["verificationMethod"].endswith("#key-1")
    assert node_verify(old_credential, tmp_path)["verified"] is True
    assert node_verify(new_credential, tmp_path)["verified"] is True

    # Once the old key is dropped from the configuration, what it signed no longer verifies.
    settings.VC_ISSUER_KEYS = key_config("key-2", ("key-2", second_key, True))
    assert node_verify(old_credential, tmp_path)["verified"] is False
