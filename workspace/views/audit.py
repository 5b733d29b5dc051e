"""The county's audit trail: its audit events, newest first, filtered by action and date
range, 25 a page; and who opened which document in the county's workspace.

County administrators read their county's trail, state staff every county's (read-only);
reviewers get 403 and everyone else 404 (`workspace_view(admin_only=True)`). Rows come from
the access layer (`audit_events_for`, `document_views_for`), narrowed to this county.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.apps import apps
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from audit.models import AuditEvent
from audit.selectors import audit_events_for
from core.forms import DateInput
from documents.models import DocumentView
from documents.selectors import document_views_for
from workspace.access import CountyWorkspace, workspace_view
from workspace.timeline import STATE_LABELS, VERB_LABELS
from workspace.views.common import PAGE_SIZE, paginate, querystring_without_page

# The county-administration actions, beside the application and certification ones the
# timeline names.
AUDIT_VERB_LABELS = {
    **VERB_LABELS,
    "county_opt_in_change": _("Opt-in status changed"),
    "membership_set": _("Staff role set"),
    "membership_remove": _("Staff member removed"),
    "staff_invite": _("Staff member invited"),
    "staff_invitation_accept": _("Staff invitation accepted"),
    "staff_invitation_revoke": _("Staff invitation withdrawn"),
}
VIEWS_PAGE_PARAM = "views_page"
# Objects with a workspace page of their own: the event links to it.
OBJECT_PAGES = {
    "certification.application": "workspace:application",
    "certification.certification": "workspace:certification",
}


@dataclass(frozen=True)
class AuditRow:
    """An audit event as the page shows it: labels in the reader's language, and the
    object's workspace page when it has one."""

    event: AuditEvent
    label: str
    from_state: str
    to_state: str
    object_url: str | None
    object_label: str


OBJECT_LABELS = {
    "certification.application": _("Application"),
    "certification.certification": _("Certification"),
    "documents.document": _("Document"),
    "certification.applicantprofile": _("Applicant profile"),
    "ce_audits.ceaudit": _("CE audit"),
    "training.trainingrecord": _("Training record"),
    "exams.examattempt": _("Exam attempt"),
    "continuing_ed.cecredit": _("CE credit"),
    "counties.optinperiod": _("Opt-in status"),
    "counties.countymembership": _("Staff membership"),
    "counties.staffinvitation": _("Staff invitation"),
    "accounts.user": _("Account"),
    # Events written before these models moved app keep the label of their time.
    "certification.document": _("Document"),
    "certification.ceaudit": _("CE audit"),
}


def _object_label(object_type: str) -> str:
    """What kind of record an event is about, in the reader's language."""
    if object_type in OBJECT_LABELS:
        return str(OBJECT_LABELS[object_type])
    try:
        return str(apps.get_model(object_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return object_type


def audit_rows(events, workspace: CountyWorkspace) -> list[AuditRow]:
    """The page's rows for `events` (already loaded with actor and subject: no query)."""
    rows = []
    for event in events:
        page_name = OBJECT_PAGES.get(event.object_type)
        url = (
            reverse(page_name, args=[workspace.county.code, event.object_id]) if page_name else None
        )
        rows.append(
            AuditRow(
                event=event,
                label=str(AUDIT_VERB_LABELS.get(event.verb, event.verb)),
                from_state=str(STATE_LABELS.get(event.from_state, event.from_state)),
                to_state=str(STATE_LABELS.get(event.to_state, event.to_state)),
                object_url=url,
                object_label=_object_label(event.object_type),
            )
        )
    return rows


class AuditFilterForm(forms.Form):
    verb = forms.ChoiceField(label=_("Action"), required=False)
    start = forms.DateField(label=_("From (date)"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To (date)"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labelled = sorted(AUDIT_VERB_LABELS.items(), key=lambda item: str(item[1]))
        self.fields["verb"].choices = [("", _("Any action")), *labelled]

    def clean(self) -> dict:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date must be on or after the start date."))
        return cleaned

    def values(self) -> dict:
        """The valid filters (no filter at all while the form has errors)."""
        if self.is_valid():
            return self.cleaned_data
        return {"verb": "", "start": None, "end": None}


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _in_range(rows: QuerySet, field: str, filters: dict) -> QuerySet:
    """`rows` whose `field` falls on a local calendar day in [start, end]: compared as
    timestamps so the (county, time) indexes serve the range."""
    if filters.get("start"):
        rows = rows.filter(**{f"{field}__gte": _day_start(filters["start"])})
    # The last day a date field accepts (9999-12-31) has no next day: no upper bound then.
    if filters.get("end") and filters["end"] < datetime.date.max:
        next_day = filters["end"] + datetime.timedelta(days=1)
        rows = rows.filter(**{f"{field}__lt": _day_start(next_day)})
    return rows


def county_audit_events(user, workspace: CountyWorkspace, filters: dict) -> QuerySet[AuditEvent]:
    """The audit events of the workspace's county that `user` may read, matching `filters`."""
    events = audit_events_for(user).filter(county=workspace.county)
    if filters.get("verb"):
        events = events.filter(verb=filters["verb"])
    return _in_range(events, "created_at", filters)


def county_document_views(
    user, workspace: CountyWorkspace, filters: dict
) -> QuerySet[DocumentView]:
    """The document views made in the workspace's county that `user` may read, in the date
    range of `filters`."""
    views = document_views_for(user).filter(county=workspace.county)
    return _in_range(views, "viewed_at", filters)


def _views_page(request: HttpRequest, views: QuerySet[DocumentView]) -> Page:
    return Paginator(views, PAGE_SIZE).get_page(request.GET.get(VIEWS_PAGE_PARAM))


def _querystring_without(request: HttpRequest, name: str) -> str:
    params = request.GET.copy()
    params.pop(name, None)
    encoded = params.urlencode()
    return f"{encoded}&" if encoded else ""


@workspace_view(admin_only=True)
@require_safe
def audit_trail(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    filter_form = AuditFilterForm(request.GET)
    filters = filter_form.values()
    page = paginate(request, county_audit_events(request.user, workspace, filters))
    views_page = _views_page(request, county_document_views(request.user, workspace, filters))
    return render(
        request,
        "workspace/audit.html",
        {
            "workspace": workspace,
            "nav": "audit",
            "filter_form": filter_form,
            "page_obj": page,
            "rows": audit_rows(page.object_list, workspace),
            "querystring": querystring_without_page(request),
            "views_page": views_page,
            "views_querystring": _querystring_without(request, VIEWS_PAGE_PARAM),
        },
    )
