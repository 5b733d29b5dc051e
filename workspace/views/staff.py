"""The county's staff: members and their roles, pending invitations, inviting someone
(county administrators only; state staff may look)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import CountyMembership, StaffInvitation
from counties.selectors import county_memberships, staff_invitations_for
from counties.services import invitations as invitation_services
from counties.services import membership_remove, membership_set
from workspace.access import CountyWorkspace, workspace_view
from workspace.forms import ConfirmForm, InviteForm, MembershipRoleForm
from workspace.views.common import run_action


def _staff_url(workspace: CountyWorkspace) -> str:
    return reverse("workspace:staff", args=[workspace.county.code])


def _membership(workspace: CountyWorkspace, pk: int) -> CountyMembership:
    membership = county_memberships(workspace.county).filter(pk=pk).first()
    if membership is None:
        raise Http404("No such staff member in this county.")
    return membership


def _invitation(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> StaffInvitation:
    invitation = staff_invitations_for(request.user, workspace.county).filter(pk=pk).first()
    if invitation is None:
        raise Http404("No such pending invitation in this county.")
    return invitation


@workspace_view(admin_only=True)
def staff(request: HttpRequest, workspace: CountyWorkspace) -> HttpResponse:
    """The list, and the invitation form (POST invites)."""
    return run_action(
        request,
        workspace,
        form_class=InviteForm,
        perform=lambda data: invitation_services.staff_invite(
            actor=request.user, county=workspace.county, email=data["email"], role=data["role"]
        ),
        success_message=_("Invitation sent. The link in it works for a limited time."),
        done_url=_staff_url(workspace),
        template="workspace/staff.html",
        context={
            "nav": "staff",
            "memberships": county_memberships(workspace.county),
            "invitations": staff_invitations_for(request.user, workspace.county),
            "now": timezone.now(),
        },
    )


@workspace_view(admin_only=True)
def membership_role(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    membership = _membership(workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=MembershipRoleForm,
        initial={"role": membership.role},
        perform=lambda data: membership_set(
            actor=request.user, county=workspace.county, user=membership.user, role=data["role"]
        ),
        success_message=_("Role changed."),
        done_url=_staff_url(workspace),
        context={
            "nav": "staff",
            "title": _("Change a staff member's role"),
            "subject": membership.user.get_full_name(),
            "intro": _("Administrators manage staff and opt-in settings; reviewers do not."),
            "submit_label": _("Change the role"),
        },
    )


@workspace_view(admin_only=True)
def membership_delete(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    membership = _membership(workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=ConfirmForm,
        perform=lambda data: membership_remove(
            actor=request.user, county=workspace.county, user=membership.user
        ),
        success_message=_("Removed from the county's staff."),
        done_url=_staff_url(workspace),
        context={
            "nav": "staff",
            "title": _("Remove from the staff"),
            "subject": membership.user.get_full_name(),
            "intro": _("They lose access to this county's workspace at once."),
            "submit_label": _("Remove"),
            "danger": True,
        },
    )


@workspace_view(admin_only=True)
def invitation_revoke(request: HttpRequest, workspace: CountyWorkspace, pk: int) -> HttpResponse:
    invitation = _invitation(request, workspace, pk)
    return run_action(
        request,
        workspace,
        form_class=ConfirmForm,
        perform=lambda data: invitation_services.staff_invitation_revoke(
            actor=request.user, invitation=invitation
        ),
        success_message=_("Invitation withdrawn. Its link no longer works."),
        done_url=_staff_url(workspace),
        context={
            "nav": "staff",
            "title": _("Withdraw an invitation"),
            "subject": invitation.email,
            "intro": _("The link sent by email stops working."),
            "submit_label": _("Withdraw"),
            "danger": True,
        },
    )
