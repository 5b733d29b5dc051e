"""Nothing typed is lost when a session expires in the middle of a form.

When a form is posted by someone who is no longer signed in, the posted fields (never the
files, never the CSRF token) are kept in the browser's own session under a one-time token, and
the person is sent to sign in with `next` pointing back at the form and the token. Django keeps
an anonymous session's data when its owner signs in (`django.contrib.auth.login` cycles the key
without clearing it), so the form can show the kept values again; the token is popped on first
use and only works on the page that was posted.

The stash lives in the session rather than in a shared cache so that only the browser that
typed the values can get them back.
"""

import secrets
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.translation import gettext as _

SESSION_KEY = "portal_stash"
RESTORE_PARAM = "restore"
# A stash older than this is dropped (seconds; our choice: a long lunch).
STASH_MAX_AGE = 6 * 3600
# At most this many stashes per session, and this many characters of posted text in one.
STASH_MAX_ENTRIES = 5
STASH_MAX_CHARS = 50_000
_NEVER_STASHED = {"csrfmiddlewaretoken", "version"}


def _posted_fields(request: HttpRequest) -> dict[str, list[str]]:
    return {name: request.POST.getlist(name) for name in request.POST if name not in _NEVER_STASHED}


def stash_post(request: HttpRequest) -> str | None:
    """Keep the posted fields of `request` for its path; return the one-time token, or None
    when there was nothing worth keeping (or too much to keep)."""
    fields = _posted_fields(request)
    if not fields or sum(len(v) for values in fields.values() for v in values) > STASH_MAX_CHARS:
        return None
    now = time.time()
    stashes = {
        token: entry
        for token, entry in request.session.get(SESSION_KEY, {}).items()
        if now - entry["at"] < STASH_MAX_AGE
    }
    while len(stashes) >= STASH_MAX_ENTRIES:
        stashes.pop(min(stashes, key=lambda t: stashes[t]["at"]))
    token = secrets.token_urlsafe(16)
    stashes[token] = {"path": request.path, "fields": fields, "at": now}
    request.session[SESSION_KEY] = stashes
    return token


def pop_stash(request: HttpRequest) -> QueryDict | None:
    """The fields stashed for this page under the token in the query string, removed from the
    session; None when there is no such stash (wrong page, used, expired or never made)."""
    token = request.GET.get(RESTORE_PARAM)
    stashes = request.session.get(SESSION_KEY) or {}
    if not token or token not in stashes:
        return None
    entry = stashes.pop(token)
    request.session[SESSION_KEY] = stashes
    if entry["path"] != request.path or time.time() - entry["at"] >= STASH_MAX_AGE:
        return None
    data = QueryDict(mutable=True)
    for name, values in entry["fields"].items():
        data.setlist(name, values)
    return data


def initial_from(form: forms.Form, data: QueryDict) -> dict[str, Any]:
    """The values of `data` as initial values for `form`'s visible fields (files and hidden
    fields excluded): the form shows them without validating them."""
    initial = {}
    for name, field in form.fields.items():
        if field.widget.is_hidden or isinstance(field, forms.FileField):
            continue
        initial[name] = field.widget.value_from_datadict(data, {}, form.add_prefix(name))
    return initial


def restore_into(request: HttpRequest, form: forms.Form) -> bool:
    """Put the stashed values for this page (if any) into the unbound `form`; True if done."""
    data = pop_stash(request)
    if data is None:
        return False
    restored = initial_from(form, data)
    form.initial.update(restored)
    for name, value in restored.items():
        form.fields[name].initial = value
    messages.info(
        request,
        _(
            "We kept what you typed before you were signed out. Check it, then save it: it "
            "is not saved yet."
        ),
    )
    return True


def portal_login_required(*, stash: bool = False) -> Callable:
    """Like `login_required`; with `stash`, a form posted by someone signed out is kept
    (`stash_post`) and shown again after they sign in."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated:
                return view(request, *args, **kwargs)
            next_url = request.get_full_path()
            if stash and request.method == "POST":
                token = stash_post(request)
                if token is not None:
                    next_url = f"{request.path}?{urlencode({RESTORE_PARAM: token})}"
                messages.warning(
                    request,
                    _(
                        "Your session ended, so your changes were not saved yet. Sign in "
                        "again to continue where you stopped."
                    ),
                )
            return redirect_to_login(next_url)

        return wrapped

    return decorator
