"""Secrets never reach access logs (issue 18, item 8): no query string, and no reset,
confirmation or invitation secret in the path, in gunicorn's log (a real gunicorn) and in
nginx's format (docker-compose.yml)."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from core.access_log import loggable_path

ROOT = Path(__file__).resolve().parents[2]

SECRET_URLS = [
    (
        "/accounts/password/reset/key/3-cbv3zy-0123456789abcdef/",
        "/accounts/password/reset/key/[redacted]/",
    ),
    ("/accounts/confirm-email/MTU:1tV2zB:abcdefSECRET/", "/accounts/confirm-email/[redacted]/"),
    ("/county/invitations/Zm9vYmFyYmF6cXV4SECRET/", "/county/invitations/[redacted]/"),
    ("/employer/invitations/Zm9vYmFyYmF6cXV4SECRET/", "/employer/invitations/[redacted]/"),
    ("/me/?q=Ana+Reyes&code=SECRET", "/me/"),
]
KEPT = [
    "/accounts/password/reset/key/done/",
    "/county/invitations/accept/",
    "/employer/invitations/accept/",
    "/county/alameda/roster/",
]


@pytest.mark.parametrize(("url", "logged"), SECRET_URLS)
def test_secrets_and_query_strings_are_dropped(url, logged):
    assert loggable_path(url) == logged


@pytest.mark.parametrize("url", KEPT)
def test_other_paths_stay(url):
    assert loggable_path(url) == url


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_real_gunicorn_logs_no_secret(tmp_path):
    """gunicorn with the production settings file serves a tiny WSGI app (the log does not
    depend on the app) and its access log holds none of the secrets (before: gunicorn's
    default logger wrote the whole request line)."""
    (tmp_path / "echo_app.py").write_text(
        "def app(environ, start_response):\n"
        "    start_response('200 OK', [('Content-Type', 'text/plain')])\n"
        "    return [b'ok']\n"
    )
    port = _free_port()
    log = tmp_path / "access.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "config" / "gunicorn.conf.py"),
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", str(log),
         "--chdir", str(tmp_path), "echo_app:app"],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{ROOT}:{tmp_path}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        for url, _logged in SECRET_URLS:
            urllib.request.urlopen(
                urllib.request.Request(
                    f"http://127.0.0.1:{port}{url}",
                    headers={"Referer": f"http://127.0.0.1{url}", "Cookie": "sessionid=SECRET"},
                ),
                timeout=5,
            )
        deadline = time.monotonic() + 10
        while log.read_text().count("\n") < len(SECRET_URLS) + 1 and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    text = log.read_text()
    assert text.count("\n") == len(SECRET_URLS) + 1, text
    assert "SECRET" not in text and "Ana" not in text and "cbv3zy" not in text, text
    for _url, logged in SECRET_URLS:
        assert f'"GET {logged} HTTP/1.1"' in text, text


def test_nginx_logs_with_the_redacting_format_only():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    nginx = compose["configs"]["nginx"]["content"].replace("$$", "$")
    log_format = re.search(r"log_format redacted (.*?);", nginx, re.S).group(1)
    for variable in ("$request ", "$request_uri", "$args", "$query_string", "$http_referer",
                     "$uri", "$http_cookie"):  # fmt: skip
        assert variable not in log_format + " ", variable
    assert "$loggable_path" in log_format
    server = nginx[nginx.index("server {") :]
    assert re.search(r"access_log \S+ redacted;", server)  # replaces the image's `main` log
    # The map's rules are core.access_log's.
    rules = re.findall(r'"~\^\(\?<prefix>([^)]*(?:\([^)]*\))?[^)]*)\)', nginx)
    assert len(rules) == 3
    web = compose["services"]["web"]["command"]
    assert "--config=config/gunicorn.conf.py" in web
    assert not any(arg.startswith("--access-logformat") for arg in web)
