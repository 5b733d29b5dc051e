"""Who may open which employer's pages (/employer/<id>/...).

A member of the employer's staff works there; administrators alone manage the staff,
the settings and the webhooks (members get 403 there); anyone else gets 404, as if the
employer did not exist. Which rows a page shows is the selectors' decision, and whether an
action is allowed the services' (they check the role again)."""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from employers.models import Employer, EmployerRole
from employers.selectors import employer_get, employer_role


@dataclass(frozen=True)
class EmployerPage:
    employer: Employer
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == EmployerRole.ADMIN


View = Callable[..., HttpResponse]


def employer_view(*, admin_only: bool = False) -> Callable[[View], View]:
    """Decorate a view taking `(request, page, **kwargs)` mounted under `<int:employer_id>/`.
    Anonymous visitors go to the sign-in page; outsiders get 404; with `admin_only`,
    members get 403."""

    def decorator(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, employer_id: int, **kwargs) -> HttpResponse:
            employer = employer_get(request.user, employer_id)
            page = EmployerPage(employer=employer, role=employer_role(request.user, employer))
            if admin_only and not page.is_admin:
                raise PermissionDenied
            return view(request, page, **kwargs)

        return wrapped

    return decorator
