"""Fixtures of the credential tests: issuer keys from configuration (as in production), the
documents a verifier fetches, and the independent verifier in Node."""

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client, override_settings
from django.urls import reverse

from credentials.keys import IssuerKey, issuer_did, secret_key_multibase

VERIFIER = Path(__file__).resolve().parent / "verify_credential.mjs"
REPO = Path(__file__).resolve().parents[2]


def key_config(current: str, *entries: tuple[str, Ed25519PrivateKey, bool]) -> str:
    """`VC_ISSUER_KEYS` text: (id, key, with its secret) per key."""
    keys = []
    for key_id, private, with_secret in entries:
        if with_secret:
            keys.append({"id": key_id, "secretKeyMultibase": secret_key_multibase(private)})
        else:
            public = IssuerKey(key_id, private.public_key(), None).public_key_multibase
            keys.append({"id": key_id, "publicKeyMultibase": public})
    return json.dumps({"current": current, "keys": keys})


@pytest.fixture
def first_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(autouse=True)
def issuer_keys_configured(settings, first_key):
    settings.VC_ISSUER_KEYS = key_config("key-1", ("key-1", first_key, True))
    settings.VC_ISSUER_KEYS_FILE = ""
    return first_key


def served_documents(credential: dict) -> dict:
    """What a verifier fetches for `credential`, as the site serves it now: the DID document
    and each status list credential."""
    client = Client()
    documents = {issuer_did(): json.loads(client.get("/.well-known/did.json").content)}
    for entry in credential["credentialStatus"]:
        url = entry["statusListCredential"]
        path = url.split("/credentials/", 1)[1]
        response = client.get(f"/credentials/{path}")
        assert response.status_code == 200, response.content
        documents[url] = json.loads(response.content)
    return documents


def node_verify(credential: dict, tmp_path: Path, *, documents: dict | None = None) -> dict:
    """The independent verifier's verdict (Node, Digital Bazaar's `vc`)."""
    source = tmp_path / "input.json"
    source.write_text(
        json.dumps(
            {
                "credential": credential,
                "documents": documents if documents is not None else served_documents(credential),
            }
        )
    )
    completed = subprocess.run(
        ["node", str(VERIFIER), str(source)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def download(user) -> dict:
    """The holder's credential, through the portal's download button."""
    client = Client()
    client.force_login(user)
    response = client.post(reverse("portal:credential"))
    assert response.status_code == 200, response.content
    return json.loads(response.content)


@pytest.fixture(scope="session")
def live_server(live_server_media_url, live_server):
    """pytest-django's live server (for the wallet client), started after
    `live_server_media_url`, as in tests/browser/conftest.py."""
    return live_server


@pytest.fixture(scope="session")
def live_server_media_url() -> Iterator[None]:
    """The live server wraps the site in a handler serving MEDIA_URL, which the settings leave
    unset; give it a prefix no page links to (tests/browser/conftest.py)."""
    with override_settings(MEDIA_URL="/uploads-are-not-served-here/"):
        yield
