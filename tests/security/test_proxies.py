"""Proxy-aware limits (SECURITY.md, "Client addresses behind proxies"): one setting,
`NUM_PROXIES`, says how many proxies in front of the application append to
`X-Forwarded-For`; the public verification throttle (DRF), allauth's sign-in limits and
Django's trust in `X-Forwarded-Proto` all follow it. Without a proxy the header is the
client's own words and is ignored; behind one, each client is counted by the address the proxy
saw, whatever the client wrote before it.
"""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from rest_framework.settings import api_settings

from core.proxies import client_address
from tests.factories import CertificationFactory, UserFactory
from tests.security.test_hardening import run_in_production

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
VERIFY = "/api/v1/verify/{}/"


@pytest.fixture
def verify_three_a_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "verify_anon": "3/min",
        },
    }
    assert api_settings.DEFAULT_THROTTLE_RATES["verify_anon"] == "3/min"


@pytest.fixture
def number() -> str:
    return CertificationFactory().number


def _verify(client, number: str, **headers):
    return client.get(VERIFY.format(number), **headers).status_code


def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_verify_limit(
    client, settings, verify_three_a_minute, number
):
    settings.NUM_PROXIES = 0
    codes = [
        _verify(client, number, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}", REMOTE_ADDR="198.51.100.9")
        for n in range(5)
    ]

    assert codes == [200, 200, 200, 429, 429]
    # Another client (another address) has its own budget.
    assert _verify(client, number, REMOTE_ADDR="198.51.100.10") == 200


def test_behind_one_proxy_each_client_is_counted_by_the_address_the_proxy_saw(
    client, settings, verify_three_a_minute, number
):
    settings.NUM_PROXIES = 1
    alice = [
        _verify(client, number, HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR=PROXY)
        for _ in range(3)
    ]
    # Alice writes addresses of her own before the one the proxy appended: still Alice.
    forged = _verify(
        client, number, HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1", REMOTE_ADDR=PROXY
    )
    bob = _verify(client, number, HTTP_X_FORWARDED_FOR="198.51.100.2", REMOTE_ADDR=PROXY)

    assert alice == [200, 200, 200]
    assert forged == 429
    assert bob == 200


def _fail_sign_in(client, email: str, **headers) -> str:
    response = client.post(
        reverse("account_login"), {"login": email, "password": "wrong-password"}, **headers
    )
    return response.content.decode()


TOO_MANY = "Too many failed login attempts. Try again later."


def test_behind_one_proxy_one_clients_failed_sign_ins_do_not_lock_out_everyone(client, settings):
    settings.NUM_PROXIES = 1
    user = UserFactory(email="peer@example.org", password="correct-horse-battery")
    # Ten failed sign-ins in a minute from one client (each for another account, so that the
    # per-account limit does not count): the per-address limit is reached, for that client.
    for n in range(10):
        _fail_sign_in(
            client, f"nobody{n}@example.org", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR=PROXY
        )
    assert TOO_MANY in _fail_sign_in(
        client, "nobody@example.org", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR=PROXY
    )

    response = client.post(
        reverse("account_login"),
        {"login": user.email, "password": "correct-horse-battery"},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
        REMOTE_ADDR=PROXY,
    )

    assert response.status_code == 302, response.content.decode()[:500]
    assert client.session["_auth_user_id"] == str(user.pk)


def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_sign_in_limit(client, settings):
    settings.NUM_PROXIES = 0
    for n in range(10):
        _fail_sign_in(
            client,
            f"nobody{n}@example.org",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
            REMOTE_ADDR="198.51.100.9",
        )

    assert TOO_MANY in _fail_sign_in(
        client, "nobody@example.org", HTTP_X_FORWARDED_FOR="192.0.2.99", REMOTE_ADDR="198.51.100.9"
    )


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "192.0.2.1", "198.51.100.9"),
        (1, None, "198.51.100.9"),  # reached directly (the container's health check)
        (1, "192.0.2.1", "192.0.2.1"),
        (1, "203.0.113.5, 192.0.2.1", "192.0.2.1"),
        (2, "203.0.113.5, 192.0.2.1, 10.0.0.1", "192.0.2.1"),
        (2, "192.0.2.1", "192.0.2.1"),  # fewer entries than proxies: the leftmost
        (1, "not-an-address", "198.51.100.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address(rf, settings, proxies, forwarded, expected):
    settings.NUM_PROXIES = proxies
    headers = {"REMOTE_ADDR": "198.51.100.9"}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_address(rf.get("/", **headers)) == expected


def test_one_setting_drives_django_drf_and_allauth():
    script = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.NUM_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'], "
        "s.ALLAUTH_TRUSTED_PROXY_COUNT, s.SECURE_PROXY_SSL_HEADER]))"
    )
    key = "x" * 60
    behind = run_in_production(["-c", script], secret_key=key, extra={"NUM_PROXIES": "1"})
    direct = run_in_production(["-c", script], secret_key=key, extra={"NUM_PROXIES": ""})

    assert behind.stdout.strip() == '[1, 1, 1, ["HTTP_X_FORWARDED_PROTO", "https"]]', behind.stderr
    assert direct.stdout.strip() == "[0, 0, 0, null]", direct.stderr


def test_docker_compose_sets_the_proxy_count_for_its_nginx():
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())

    assert compose["x-app"]["environment"]["NUM_PROXIES"] == "${NUM_PROXIES:-1}"
    nginx = compose["configs"]["nginx"]["content"]
    assert "proxy_set_header X-Forwarded-For $$proxy_add_x_forwarded_for;" in nginx
