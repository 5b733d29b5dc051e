"""A record a provider reported (issue 15 item 4): the learner disputes it, with a reason the
provider and the county program read (`providers.services.completion_dispute`)."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from portal.forms import DisputeForm
from portal.stash import portal_login_required
from providers.selectors import reported_completions_of
from providers.services import completion_dispute


@portal_login_required()
@require_http_methods(["GET", "POST"])
def reported_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    completion = reported_completions_of(request.user).filter(pk=pk).first()
    if completion is None:
        raise Http404("No such record.")
    back = "portal:ce_log" if completion.ce_credit_id else "portal:training"
    form = DisputeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            completion_dispute(
                person=request.user, completion=completion, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _(
                    "Your dispute was sent. The provider and the county program will see it; "
                    "the record stays as it is until they act."
                ),
            )
            return redirect(back)
    return render(
        request,
        "portal/reported_dispute.html",
        {"completion": completion, "form": form, "back": back},
    )
