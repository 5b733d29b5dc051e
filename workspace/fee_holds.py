"""The program's fee holds as the workspace shows them (docs/domain.md#fees): why the exam or
the next renewal waits for fees, in the services' own words, and which of those fees this
county's staff may record a payment for (a link beside the hold)."""

from certification.models import Application, Certification
from counties.models import ProgramPolicy
from fees.models import FeeDue
from fees.rules import unpaid_fee_problems
from fees.selectors import unpaid_application_fees, unpaid_fees_of_certification, unpaid_lines
from workspace.access import CountyWorkspace


def exam_fee_hold(
    application: Application, exam_problems: list[str], workspace: CountyWorkspace
) -> tuple[list[str], list[FeeDue]]:
    """The exam's fee hold among `exam_problems` (under the program's policy the application
    fee is paid, covered or waived first) and the fees it waits for that this county's staff
    record (those charged in this county: after a transfer an older fee stays with its
    county)."""
    if not ProgramPolicy.current().unpaid_fees_hold_exam:
        return [], []
    fees = unpaid_application_fees([application.pk]).get(application.pk, [])
    hold = [p for p in unpaid_fee_problems(unpaid_lines(fees), step="exam") if p in exam_problems]
    return hold, ([fee for fee in fees if fee.county_id == workspace.county.pk] if hold else [])


def renewal_fee_hold(
    certification: Certification, workspace: CountyWorkspace
) -> tuple[list[str], list[FeeDue]]:
    """Why the next renewal or reinstatement of `certification` waits for fees (under the
    program's policy; the service refuses it in the same words) and the fees this county's
    staff record."""
    if not ProgramPolicy.current().unpaid_fees_hold_renewal:
        return [], []
    fees = unpaid_fees_of_certification(
        certification_id=certification.pk, application_id=certification.application_id
    )
    hold = unpaid_fee_problems(unpaid_lines(fees), step="renewal")
    return hold, ([fee for fee in fees if fee.county_id == workspace.county.pk] if hold else [])
