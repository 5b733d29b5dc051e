"""The status page of one application: a timeline from the audit trail, the exam attempts
with their results and the attempts left, and one clear next step."""

import datetime
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from audit.models import AuditEvent
from certification.models import ApplicationPart, ApplicationStatus
from certification.selectors import application_timeline
from counties.models import ProgramPolicy
from exams.models import ExamResult
from exams.rules import attempts_left
from fees.models import FeeKind
from fees.rules import dollars, unpaid_fee_problems
from fees.selectors import (
    fee_lines_of,
    fee_lines_to_come,
    fees_due_for,
    unpaid_application_fees,
    unpaid_lines,
)
from portal.stash import portal_login_required
from portal.summary import application_next_step, approved_details
from portal.views.common import own_application
from portal.views.transfer import needs_transfer, transfer_county_names

# What each audit verb means to the applicant (queries.TIMELINE_VERBS).
VERB_TITLES = {
    "application_create": _("Application started"),
    "application_sign_ethics": _("Code of Ethics signed"),
    "application_submit": _("Application submitted"),
    "application_start_review": _("Review started"),
    "application_request_changes": _("Changes requested"),
    "application_resubmit": _("Changes sent back for review"),
    "application_approve": _("Application approved"),
    "application_deny": _("Application denied"),
    "application_reopen_on_appeal": _("Denial overturned on appeal: back in review"),
    "application_withdraw": _("Application withdrawn"),
    "application_expire": _("Application expired"),
    "application_transfer": _("Application moved to another county program"),
    "exam_attempt_record": _("Exam result recorded"),
    "certification_issue": _("Certified"),
}


@dataclass(frozen=True)
class TimelineEntry:
    event: AuditEvent
    title: str
    detail: str


def _detail(event: AuditEvent, county_names: dict[str, str]) -> str:
    """The words under an entry: only what is meant for the applicant (the reviewer's
    message, the reason of a denial, the exam result, the window's end, the number)."""
    data = event.data or {}
    if event.verb == "application_request_changes":
        labels = dict(ApplicationPart.choices)
        parts = ", ".join(str(labels.get(p, p)) for p in data.get("parts", []))
        return _("Parts to change: %(parts)s. Message: %(message)s") % {
            "parts": parts,
            "message": event.reason,
        }
    if event.verb in ("application_deny", "application_reopen_on_appeal"):
        return _("Reason: %(reason)s") % {"reason": event.reason}
    if event.verb == "application_approve" and data.get("window_ends_on"):
        window_end = datetime.date.fromisoformat(data["window_ends_on"])
        return _("You may take the exam until %(date)s.") % {"date": date_format(window_end)}
    if event.verb == "exam_attempt_record" and event.to_state in ExamResult.values:
        return str(ExamResult(event.to_state).label)
    if event.verb == "application_transfer" and data.get("to_county"):
        return _("From %(from)s to %(to)s.") % {
            "from": county_names.get(data.get("from_county"), data.get("from_county")),
            "to": county_names.get(data["to_county"], data["to_county"]),
        }
    if event.verb == "certification_issue" and data.get("number"):
        return _("Certification number %(number)s.") % {"number": data["number"]}
    return ""


@portal_login_required()
@require_GET
def application_status(request: HttpRequest, pk: int) -> HttpResponse:
    application = own_application(request, pk)
    today = timezone.localdate()
    events = list(application_timeline(request.user, application))
    county_names = transfer_county_names(events)
    timeline = [
        TimelineEntry(
            event=event, title=VERB_TITLES[event.verb], detail=_detail(event, county_names)
        )
        for event in events
    ]
    progress = None
    if application.status in (ApplicationStatus.APPROVED, ApplicationStatus.CERTIFIED):
        progress = approved_details(request.user, application, today=today)
    attempts = progress.attempts if progress else []
    stranded = needs_transfer(application)
    next_step = application_next_step(application, progress=progress, stranded=stranded)
    fees = fee_lines_of(fees_due_for(request.user).filter(application=application))
    if application.status == ApplicationStatus.DRAFT:
        fees = fee_lines_to_come(application.county, [FeeKind.APPLICATION])
    return render(
        request,
        "portal/status.html",
        {
            "application": application,
            "timeline": timeline,
            "attempts": attempts,
            "attempts_left": attempts_left(attempts),
            "exam_passed": any(a.result == ExamResult.PASSED for a in attempts),
            "show_exam": application.status
            in (ApplicationStatus.APPROVED, ApplicationStatus.CERTIFIED),
            "next_step": next_step,
            "fees": fees,
            "fees_total": dollars(sum(fee.amount_cents for fee in fees)),
            "fees_heading": _("Fees due when you submit")
            if application.status == ApplicationStatus.DRAFT
            else _("Fees due on this application"),
            "county": application.county,
            "fee_holds": _exam_fee_holds(application),
        },
    )


def _exam_fee_holds(application) -> list[str]:
    """Why the exam waits for the application fee (the program's policy), once approved."""
    if application.status != ApplicationStatus.APPROVED:
        return []
    if not ProgramPolicy.current().unpaid_fees_hold_exam:
        return []
    unpaid = unpaid_application_fees([application.pk]).get(application.pk, [])
    return unpaid_fee_problems(unpaid_lines(unpaid), step="exam")
