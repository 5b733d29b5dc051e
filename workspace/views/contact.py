"""The county program's contact details: how applicants and peers reach it. County
administrators change them; state staff may look."""

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from counties.models import COUNTY_CONTACT_FIELDS
from counties.services import county_contact_update
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import CountyContactForm
from workspace.views.common import run_action


@workspace_view(admin_only=True)
def county_contact(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    county = workspace.county
    return run_action(
        request,
        workspace,
        form_class=CountyContactForm,
        initial={name: getattr(county, name) for name in COUNTY_CONTACT_FIELDS},
        perform=lambda data: county_contact_update(
            actor=request.user,
            county=county,
            fields={name: data[name] for name in COUNTY_CONTACT_FIELDS},
        ),
        success_message=_("Contact details saved. Applicants and peers see them at once."),
        done_url=reverse("workspace:contact", args=[county.code]),
        template="workspace/contact.html",
        context={"nav": "contact"},
    )
