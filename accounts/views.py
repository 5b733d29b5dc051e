from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import roles, services
from accounts.forms import ApiTokenCreateForm


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """Staff list, create and revoke their own API keys. A new key is shown once."""
    if not roles.is_program_staff(request.user):
        raise PermissionDenied
    new_key = None
    form = ApiTokenCreateForm()
    if request.method == "POST":
        if "revoke" in request.POST:
            try:
                token_id = int(request.POST["revoke"])
            except ValueError:
                token_id = 0
            if services.api_token_revoke(user=request.user, token_id=token_id):
                messages.success(request, _("The key was revoked. It no longer works."))
            else:
                messages.error(request, _("That key was already revoked or does not exist."))
            return redirect("api_tokens")
        form = ApiTokenCreateForm(request.POST)
        if form.is_valid():
            _token, new_key = services.api_token_create(
                user=request.user, days=form.cleaned_data["days"], name=form.cleaned_data["name"]
            )
            form = ApiTokenCreateForm()
    tokens = request.user.api_tokens.all()
    return render(
        request, "accounts/api_tokens.html", {"tokens": tokens, "form": form, "new_key": new_key}
    )
