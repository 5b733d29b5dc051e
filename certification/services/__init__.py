"""Every write that matters in certification: the life cycles of
docs/architecture.md#life-cycles, with transaction, row locks, audit and on-commit follow-up
work. Import from here:
`from certification.services import application_submit`."""

from certification.services.appeals import (
    application_reopen_on_appeal,
    certification_renew_on_appeal,
    certification_restore_on_appeal,
    require_appeal_decider,
)
from certification.services.applications import (
    application_approval_problems,
    application_approve,
    application_create,
    application_deny,
    application_expire,
    application_request_changes,
    application_resubmit,
    application_sign_ethics,
    application_start_review,
    application_submit,
    application_update,
    application_withdraw,
)
from certification.services.certifications import (
    certification_add_specialization,
    certification_expire,
    certification_issue,
    certification_lift_suspension,
    certification_reinstate,
    certification_renew,
    certification_revoke,
    certification_suspend,
    certification_suspension_end,
    certification_vacate,
    next_certification_number,
)
from certification.services.documents import (
    document_remove,
    document_review,
    document_upload,
    out_of_state_ce_add,
)
from certification.services.profiles import profile_save
from certification.services.transfers import (
    application_participation_problems,
    application_transfer,
    application_transfer_problems,
    transfer_counties,
)

__all__ = [
    "application_reopen_on_appeal",
    "certification_renew_on_appeal",
    "certification_restore_on_appeal",
    "require_appeal_decider",
    "application_approval_problems",
    "application_approve",
    "application_create",
    "application_participation_problems",
    "application_deny",
    "application_expire",
    "application_request_changes",
    "application_resubmit",
    "application_sign_ethics",
    "application_start_review",
    "application_submit",
    "application_transfer",
    "application_transfer_problems",
    "application_update",
    "application_withdraw",
    "certification_add_specialization",
    "certification_expire",
    "certification_issue",
    "certification_lift_suspension",
    "certification_suspension_end",
    "certification_reinstate",
    "certification_renew",
    "certification_revoke",
    "certification_suspend",
    "certification_vacate",
    "document_remove",
    "document_review",
    "document_upload",
    "next_certification_number",
    "out_of_state_ce_add",
    "profile_save",
    "transfer_counties",
]
