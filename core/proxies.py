"""The client's address, behind as many trusted proxies as `settings.NUM_PROXIES` says.

Each proxy in front of the application (a load balancer, the nginx of docker-compose.yml)
appends the address it received the request from to `X-Forwarded-For`; whatever stands
before those entries was written by the client and proves nothing. So the client is the entry
the outermost trusted proxy appended: the `NUM_PROXIES`-th from the right. Without a proxy
(`NUM_PROXIES = 0`, the default) the header is ignored and the client is `REMOTE_ADDR`.

One setting drives every per-client limit: the public verification throttle
(`api.throttles.VerifyThrottle`), allauth's sign-in, sign-up and reset limits
(`accounts.adapter.AccountAdapter.get_client_ip`), and, in config/settings.py, DRF's own
`NUM_PROXIES`, allauth's `ALLAUTH_TRUSTED_PROXY_COUNT` and Django's trust in
`X-Forwarded-Proto` (`SECURE_PROXY_SSL_HEADER`, only behind a proxy).
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _is_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent `request` (see the module docstring). A forwarded
    value that is not an IP address (a misconfigured proxy) falls back to `REMOTE_ADDR`."""
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "NUM_PROXIES", 0) or 0
    if proxies <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if not forwarded:
        # Reached without the proxy (the container's own health check).
        return remote
    candidate = forwarded[-min(proxies, len(forwarded))]
    return candidate if _is_address(candidate) else remote
