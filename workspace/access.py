"""Who may open which county's workspace, and what they may do there.

Every workspace page lives under /county/<code>/. A member of that county (reviewer or admin)
works there; state staff read every county's pages and change nothing (any POST answers 403),
except the transfer of an application whose county stopped participating (county staff get
403 there); anyone else gets a 404, as if the county's workspace did not exist. Staff and opt-in
management is for the county's administrators (reviewers get 403), and state staff may look.

State staff also have a workspace of their own, under /county/state/ (`StateWorkspace`,
`state_workspace_view`): the complaint cases no county handles (a complaint naming no
certified peer) and the appeals of their decisions. There state staff act; everyone else gets
a 404, as if it did not exist.

This decides which *pages* open. Which *rows* a page shows is decided by the selectors, and
whether an *action* is allowed by the services (which check the actor's role again).
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse

from accounts import roles
from counties.models import County, StaffRole
from counties.selectors import staff_role


@dataclass(frozen=True)
class CountyWorkspace:
    """The county a workspace page is about and the visitor's standing in it."""

    county: County
    role: str | None
    is_state = False

    def url(self, name: str, *args) -> str:
        """The path of this county's page `name` (a `workspace:` URL name) with `args`."""
        return reverse(f"workspace:{name}", args=[self.county.code, *args])

    @property
    def read_only(self) -> bool:
        """State staff (no role here): they see every page and may act on none."""
        return self.role is None

    @property
    def is_admin(self) -> bool:
        return self.role == StaffRole.ADMIN

    @property
    def can_act(self) -> bool:
        return not self.read_only

    @property
    def sees_management(self) -> bool:
        """Whether the staff and opt-in pages open: admins, and state staff read-only."""
        return self.is_admin or self.read_only


@dataclass(frozen=True)
class StateWorkspace:
    """State staff's own workspace: the cases no county handles and the appeals of their
    decisions. State staff act here as a county's administrators act in theirs (every state
    staff member alike: there are no state roles); no county, so no county pages."""

    county: None = None
    role: None = None
    is_state = True
    read_only = False
    is_admin = True
    can_act = True
    sees_management = False

    def url(self, name: str, *args) -> str:
        """The path of the state page of `name` (`workspace:state_<name>`) with `args`."""
        return reverse(f"workspace:state_{name}", args=list(args))


Workspace = CountyWorkspace | StateWorkspace


def county_workspace(user, code: str) -> CountyWorkspace:
    """The workspace of county `code` for `user`, or Http404 when `user` is neither a member
    of that county nor state staff (an unknown code answers the same)."""
    county = County.objects.filter(code=code).first()
    if county is None:
        raise Http404("No such county workspace.")
    if roles.is_state_staff(user):
        return CountyWorkspace(county=county, role=None)
    role = staff_role(user, county)
    if role is None:
        raise Http404("No such county workspace.")
    return CountyWorkspace(county=county, role=role)


View = Callable[..., HttpResponse]


def workspace_view(
    *, admin_only: bool = False, state_only: bool = False, state_may_act: bool = False
) -> Callable[[View], View]:
    """Decorate a view taking `(request, workspace, **kwargs)` and mounted under `<code>/`.

    Anonymous visitors go to the sign-in page; outsiders get 404; state staff get 403 on any
    method other than GET/HEAD; with `admin_only`, reviewers get 403 on every method. With
    `state_only` (the one thing state staff do in a county's workspace: move an application
    whose county stopped participating to another county's program), it is the other way
    round: state staff may act, the county's own staff get 403 on every method. With
    `state_may_act` (deciding an appeal, which state staff do as well as the county's
    administrators), state staff may post too.
    """

    def decorator(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, code: str, **kwargs) -> HttpResponse:
            workspace = county_workspace(request.user, code)
            if state_only:
                if not workspace.read_only:
                    raise PermissionDenied
                return view(request, workspace, **kwargs)
            if workspace.read_only and not state_may_act and request.method not in ("GET", "HEAD"):
                raise PermissionDenied
            if admin_only and not workspace.sees_management:
                raise PermissionDenied
            return view(request, workspace, **kwargs)

        return wrapped

    return decorator


def state_workspace_view() -> Callable[[View], View]:
    """Decorate a view taking `(request, workspace, **kwargs)` for the state's own workspace
    (/county/state/...): anonymous visitors go to the sign-in page; anyone but active state
    staff gets 404 on every method (county staff included: the state's cases are not theirs);
    state staff get `StateWorkspace()`."""

    def decorator(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
            if not roles.is_state_staff(request.user):
                raise Http404("No such page.")
            return view(request, StateWorkspace(), **kwargs)

        return wrapped

    return decorator
