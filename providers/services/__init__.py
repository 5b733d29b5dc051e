"""Every write of the provider services. Import from here:
`from providers.services import course_application_submit`."""

from providers.services.approvals import (
    approval_cycle_close,
    approval_cycle_open,
    approval_cycles_announce,
    approval_lapse_notices_send,
    completion_upload_errors_notify,
    course_application_approve,
    course_application_deny,
    course_application_request_changes,
    course_application_save,
    course_application_start,
    course_application_submit,
    course_application_withdraw,
    course_approval_withdraw,
)
from providers.services.organisations import (
    invitation_problem,
    provider_invitation_accept,
    provider_invitation_find,
    provider_invitation_revoke,
    provider_invite,
    provider_membership_remove,
    provider_profile_save,
    provider_register,
)

__all__ = [
    "approval_cycle_close",
    "approval_cycle_open",
    "approval_cycles_announce",
    "approval_lapse_notices_send",
    "completion_upload_errors_notify",
    "course_application_approve",
    "course_application_deny",
    "course_application_request_changes",
    "course_application_save",
    "course_application_start",
    "course_application_submit",
    "course_application_withdraw",
    "course_approval_withdraw",
    "invitation_problem",
    "provider_invitation_accept",
    "provider_invitation_find",
    "provider_invitation_revoke",
    "provider_invite",
    "provider_membership_remove",
    "provider_profile_save",
    "provider_register",
]
