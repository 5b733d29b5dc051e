"""Who may open which provider pages (/provider/...).

- /provider/<id>/...: a member of the provider's staff works there; administrators alone manage
  the staff and the profile (members get 403 there); anyone else gets 404, as if the provider
  did not exist (state staff included: they use the review pages).
- /provider/review/...: state staff read the review pages; only those holding the reviewer's
  permission (`providers.review_providers`) act there (others get 403); anyone else gets 404.

Which rows a page shows is the selectors' decision, and whether an action is allowed the
services' (they check again)."""

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from providers.models import ProviderOrganisation, ProviderRole
from providers.selectors import is_reviewer, provider_ids, provider_role, reads_every_provider


@dataclass(frozen=True)
class ProviderPage:
    provider: ProviderOrganisation
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == ProviderRole.ADMIN


View = Callable[..., HttpResponse]


def provider_view(*, admin_only: bool = False) -> Callable[[View], View]:
    """Decorate a view taking `(request, page, **kwargs)` mounted under `<int:provider_id>/`."""

    def decorator(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, provider_id: int, **kwargs) -> HttpResponse:
            if provider_id not in provider_ids(request.user):
                raise Http404("No such provider.")
            provider = ProviderOrganisation.objects.select_related("training_provider").get(
                pk=provider_id
            )
            role = provider_role(request.user, provider) or ""
            page = ProviderPage(provider=provider, role=role)
            if admin_only and not page.is_admin:
                raise PermissionDenied
            return view(request, page, **kwargs)

        return wrapped

    return decorator


def review_view(*, acts: bool = False) -> Callable[[View], View]:
    """Decorate a review page: state staff only (404 for others); with `acts`, reviewers only
    (403 for other state staff)."""

    def decorator(view: View) -> View:
        @login_required
        @functools.wraps(view)
        def wrapped(request: HttpRequest, **kwargs) -> HttpResponse:
            if not reads_every_provider(request.user):
                raise Http404("No such page.")
            if acts and not is_reviewer(request.user):
                raise PermissionDenied
            return view(request, **kwargs)

        return wrapped

    return decorator
