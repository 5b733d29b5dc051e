"""The application wizard. Every step is its own form that saves through a service, so leaving
at any point loses nothing; opening the application again resumes at the first step still to
do (`steps.resume_step`). A form posted after the session ended is kept and shown again after
signing in (`stash`)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certification import rules, services
from certification.models import (
    OPEN_APPLICATION_STATUSES,
    ApplicantProfile,
    Application,
    ApplicationPart,
    ApplicationStatus,
    CodeOfEthicsVersion,
    Pathway,
)
from certification.selectors import (
    applications_for,
    documents_for,
    ethics_version_current,
    out_of_state_ce_records_for,
    profile_of,
)
from core import policy
from core.errors import DomainError
from core.units import hours_text
from counties.selectors import counties_taking_applications
from portal import steps
from portal.forms import (
    AttestationsForm,
    EthicsSignForm,
    NewApplicationForm,
    OutOfStateAttestationsForm,
    PathwayForm,
    ProfileForm,
)
from portal.stash import portal_login_required, restore_into
from portal.views.common import own_application
from portal.views.transfer import needs_transfer

EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED)


class WizardState:
    """What every step page shows: the application, the person's profile and current
    documents, and each step's state."""

    def __init__(self, request: HttpRequest, application: Application, current: steps.Step) -> None:
        self.today = timezone.localdate()
        self.application = application
        self.current = current
        self.profile = profile_of(request.user)
        self.all_documents = list(
            documents_for(request.user).filter(application=application, owner=request.user)
        )
        self.documents = steps.current_documents(self.all_documents)
        self.editable = steps.step_editable(current, application)
        self.ce_records = (
            list(out_of_state_ce_records_for(request.user).filter(application=application))
            if application.pathway == Pathway.OUT_OF_STATE
            else []
        )
        # An out-of-state application's letters and CE records (docs/domain.md#other-pathways).
        self.proof_lines = steps.out_of_state_proof_lines(
            application, self.all_documents, self.ce_records, today=self.today
        )
        self.proof_ready = all(line.met for line in self.proof_lines)

    def next_url(self) -> str:
        index = steps.STEPS.index(self.current)
        return steps.step_url(steps.STEPS[min(index + 1, len(steps.STEPS) - 1)], self.application)

    def context(self, **extra: Any) -> dict[str, Any]:
        labels = dict(ApplicationPart.choices)
        return {
            "application": self.application,
            "profile": self.profile,
            "documents": self.documents,
            "step": self.current,
            "editable": self.editable,
            "step_states": steps.step_states(
                self.application,
                self.profile,
                self.documents,
                today=self.today,
                current=self.current,
                proof_ready=self.proof_ready,
            ),
            "proof_lines": self.proof_lines,
            "step_number": steps.STEPS.index(self.current) + 1,
            "step_total": len(steps.STEPS),
            "next_url": self.next_url(),
            "requested_parts": [
                labels[p] for p in sorted(steps.requested_parts(self.application)) if p in labels
            ],
            **extra,
        }


def _after_save(request: HttpRequest, state: WizardState) -> HttpResponse:
    """Where a saved step goes: on to the next step, or home when the person chose to
    finish later."""
    messages.success(request, _("Saved."))
    if request.POST.get("then") == "later":
        return redirect("portal:home")
    return redirect(state.next_url())


@portal_login_required()
@require_http_methods(["GET"])
def application_resume(request: HttpRequest, pk: int) -> HttpResponse:
    """Open an application where the person stopped: the first step still to do, the review
    page, or (once submitted and not sent back) its status page."""
    application = own_application(request, pk)
    if application.status not in EDITABLE_STATUSES:
        return redirect("portal:application_status", pk=application.pk)
    state = WizardState(request, application, steps.PROGRAM)
    step = steps.resume_step(
        application,
        state.profile,
        state.documents,
        today=state.today,
        proof_ready=state.proof_ready,
    )
    return redirect(steps.step_url(step, application))


@portal_login_required(stash=True)
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest) -> HttpResponse:
    """Step 1 of a new application: choose a county program and a pathway."""
    today = timezone.localdate()
    counties = counties_taking_applications()
    profile = profile_of(request.user)
    form_kwargs = {"counties": counties, "today": today}
    if request.method == "POST":
        form = NewApplicationForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                application = services.application_create(
                    applicant=request.user,
                    county=form.cleaned_data["county"],
                    pathway=form.cleaned_data["pathway"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(request, _("Your application was started and saved."))
                if request.POST.get("then") == "later":
                    return redirect("portal:home")
                return redirect("portal:application_details", pk=application.pk)
    else:
        initial = {"pathway": Pathway.STANDARD}
        if profile is not None and profile.county_of_residence_id:
            initial["county"] = profile.county_of_residence_id
        form = NewApplicationForm(initial=initial, **form_kwargs)
        restore_into(request, form)
    open_applications = applications_for(request.user).filter(
        applicant=request.user, status__in=OPEN_APPLICATION_STATUSES
    )
    return render(
        request,
        "portal/wizard/new.html",
        {
            "form": form,
            "counties": counties,
            "open_applications": open_applications,
            "step_total": len(steps.STEPS),
            "steps": steps.STEPS,
        },
    )


@portal_login_required(stash=True)
@require_http_methods(["GET", "POST"])
def application_program(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 1 of an existing application: the county (fixed) and the pathway (a draft's)."""
    application = own_application(request, pk)
    state = WizardState(request, application, steps.PROGRAM)
    today = state.today
    editable = application.status == ApplicationStatus.DRAFT
    if request.method == "POST" and editable:
        form = PathwayForm(request.POST, today=today)
        if form.is_valid():
            try:
                services.application_update(
                    actor=request.user,
                    application=application,
                    fields={"pathway": form.cleaned_data["pathway"]},
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return _after_save(request, state)
    else:
        form = PathwayForm(
            initial={"pathway": application.pathway, "version": application.version}, today=today
        )
        if request.method == "GET":
            restore_into(request, form)
    county_program = counties_taking_applications().filter(pk=application.county_id).first()
    return render(
        request,
        "portal/wizard/program.html",
        state.context(form=form, editable=editable, county_program=county_program),
    )


@portal_login_required(stash=True)
@require_http_methods(["GET", "POST"])
def application_details(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2: personal details and eligibility (the applicant's profile)."""
    application = own_application(request, pk)
    state = WizardState(request, application, steps.DETAILS)
    profile = state.profile or ApplicantProfile(user=request.user)
    if request.method == "POST" and state.editable:
        form = ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            try:
                services.profile_save(user=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return _after_save(request, state)
    else:
        form = ProfileForm(instance=profile)
        if request.method == "GET":
            restore_into(request, form)
    problems = rules.eligibility_problems(state.profile, on=state.today) if state.profile else []
    return render(
        request,
        "portal/wizard/details.html",
        state.context(form=form, eligibility_problems=problems),
    )


@portal_login_required(stash=True)
@require_http_methods(["GET", "POST"])
def application_ethics(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: read the Code of Ethics in effect, in the person's language, and sign it.

    Once the version in effect is signed, coming back shows it signed and "Save and
    continue" moves on without signing again, unless the reviewer asked for a new signature.
    """
    application = own_application(request, pk)
    state = WizardState(request, application, steps.ETHICS)
    current = ethics_version_current(state.today)
    signed_current = (
        current is not None
        and application.ethics_version_id == current.pk
        and application.ethics_signed_at is not None
    )
    sign_again = ApplicationPart.ETHICS in steps.requested_parts(application)
    already_signed = signed_current and not sign_again
    form = EthicsSignForm(
        initial={
            "ethics_version": current.pk if current else None,
            "version": application.version,
        }
    )
    if request.method == "POST" and state.editable and already_signed:
        return _after_save(request, state)
    if request.method == "POST" and state.editable and current is not None:
        form = EthicsSignForm(request.POST)
        if form.is_valid():
            signed = CodeOfEthicsVersion.objects.filter(
                pk=form.cleaned_data["ethics_version"]
            ).first()
            try:
                if signed is None:
                    raise DomainError(_("Sign the Code of Ethics shown on this page."))
                services.application_sign_ethics(
                    actor=request.user, application=application, ethics_version=signed
                )
            except DomainError as error:
                form.add_domain_error(error, field_map={"ethics_version": "agree"})
            else:
                return _after_save(request, state)
    elif request.method == "GET":
        restore_into(request, form)
    return render(
        request,
        "portal/wizard/ethics.html",
        state.context(
            form=form,
            ethics=current,
            ethics_text=current.text_for(request.LANGUAGE_CODE) if current else "",
            signed_current=signed_current,
            already_signed=already_signed,
        ),
    )


@portal_login_required(stash=True)
@require_http_methods(["GET", "POST"])
def application_attestations(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 4: the attestations, and the out-of-state answers for that pathway."""
    application = own_application(request, pk)
    state = WizardState(request, application, steps.ATTESTATIONS)
    form_class = (
        OutOfStateAttestationsForm
        if application.pathway == Pathway.OUT_OF_STATE
        else AttestationsForm
    )
    editable_fields = rules.application_editable_fields(application)
    initial = {
        name: getattr(application, name) for name in form_class.base_fields if name != "version"
    }
    initial["version"] = application.version
    if request.method == "POST" and state.editable:
        form = form_class(request.POST, initial=initial)
    else:
        form = form_class(initial=initial)
    for name, field in form.fields.items():
        if name != "version" and name not in editable_fields:
            field.disabled = True
    if request.method == "POST" and state.editable:
        if form.is_valid():
            fields = {
                name: value for name, value in form.cleaned_data.items() if name in editable_fields
            }
            try:
                services.application_update(
                    actor=request.user,
                    application=application,
                    fields=fields,
                    expected_version=form.cleaned_data["version"],
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                return _after_save(request, state)
    elif request.method == "GET":
        restore_into(request, form)
    return render(request, "portal/wizard/attestations.html", state.context(form=form))


@portal_login_required()
@require_http_methods(["GET", "POST"])
def application_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 6: everything in one page, what is still missing (the rules' reasons), and
    Submit (or Resubmit after changes were requested)."""
    application = own_application(request, pk)
    state = WizardState(request, application, steps.REVIEW)
    error = None
    if request.method == "POST" and state.editable:
        submit = (
            services.application_resubmit
            if application.status == ApplicationStatus.CHANGES_REQUESTED
            else services.application_submit
        )
        try:
            submit(actor=request.user, application=application)
        except DomainError as refused:
            error = refused.message
        else:
            messages.success(
                request,
                _("Your application was sent to %(county)s. We will email you about each step.")
                % {"county": application.county.name},
            )
            return redirect("portal:application_status", pk=application.pk)
    if state.profile is None:
        problems = [_("Fill in your personal details.")]
    else:
        problems = rules.application_submission_problems(
            application,
            state.profile,
            state.all_documents,
            on=state.today,
            ce_records=state.ce_records,
        )
    stranded = state.editable and needs_transfer(application)
    if stranded:
        problems = [
            *services.application_participation_problems(application, "submit"),
            *problems,
        ]
    return render(
        request,
        "portal/wizard/review.html",
        state.context(
            problems=problems,
            submit_error=error,
            can_submit=state.editable and not problems,
            needs_transfer=stranded,
            ethics=application.ethics_version,
            core_hours=hours_text(policy.CORE_TRAINING_HOURS),
        ),
    )
