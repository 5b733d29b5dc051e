"""Every write of the employer services. Import from here:
`from employers.services import watch_add`."""

from employers.services.organisations import (
    employer_invitation_accept,
    employer_invitation_find,
    employer_invitation_revoke,
    employer_invite,
    employer_membership_remove,
    employer_register,
    employer_settings_save,
    invitation_problem,
)
from employers.services.watchlists import (
    TEMPLATE_CSV,
    watch_add,
    watch_remove,
    watch_upload_commit,
    watch_upload_get,
    watch_upload_plan,
    watch_upload_store,
)

__all__ = [
    "TEMPLATE_CSV",
    "employer_invitation_accept",
    "employer_invitation_find",
    "employer_invitation_revoke",
    "employer_invite",
    "employer_membership_remove",
    "employer_register",
    "employer_settings_save",
    "invitation_problem",
    "watch_add",
    "watch_remove",
    "watch_upload_commit",
    "watch_upload_get",
    "watch_upload_plan",
    "watch_upload_store",
]
