"""The portal's home, the profile page and the language switch."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from accounts.models import Language
from accounts.services import user_language_set
from cases.selectors import open_response_requests_for_peer
from certification import rules, services
from certification.models import ApplicantProfile
from certification.selectors import profile_of
from core.errors import DomainError
from portal.forms import ProfileForm
from portal.stash import portal_login_required, restore_into
from portal.summary import person_summary


@portal_login_required()
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Where the person stands: details, applications, certification, and what to do next;
    a program's request for their response to a complaint while it waits for them."""
    summary = person_summary(request.user, today=timezone.localdate())
    return render(
        request,
        "portal/home.html",
        {
            "summary": summary,
            "open_responses": list(open_response_requests_for_peer(request.user)),
        },
    )


@portal_login_required(stash=True)
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Personal details and eligibility, with the rules' reasons in plain words."""
    today = timezone.localdate()
    saved_profile = profile_of(request.user)
    instance = saved_profile or ApplicantProfile(
        user=request.user,
        legal_first_name=request.user.first_name,
        legal_last_name=request.user.last_name,
        preferred_language=request.LANGUAGE_CODE
        if request.LANGUAGE_CODE in Language.values
        else "en",
    )
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=instance)
        if form.is_valid():
            try:
                saved_profile = services.profile_save(user=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Your details were saved."))
                return redirect("portal:profile")
    else:
        form = ProfileForm(instance=instance)
        restore_into(request, form)
    problems = rules.eligibility_problems(saved_profile, on=today) if saved_profile else []
    return render(
        request,
        "portal/profile.html",
        {"form": form, "profile": saved_profile, "eligibility_problems": problems},
    )


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Django's `set_language` (the cookie), and for a signed-in person with a profile, the
    choice saved as their preferred language too."""
    choice = request.POST.get("language")
    if request.user.is_authenticated and choice in Language.values:
        user_language_set(user=request.user, language=choice)
        saved_profile = profile_of(request.user)
        if saved_profile is not None and saved_profile.preferred_language != choice:
            services.profile_save(user=request.user, preferred_language=choice)
    return set_language(request)
