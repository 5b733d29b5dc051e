"""The steps of the application wizard: their order, which are filled in, which may be edited.

This is navigation, not policy: what may be submitted is decided by
`certification.rules.application_submission_problems` (shown on the review page) and what may be
changed by the services, which refuse anything else. The portal only mirrors those decisions to
show read-only pages and to resume at the first step still to do.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from certification import rules
from certification.models import (
    ApplicantProfile,
    Application,
    ApplicationPart,
    ApplicationStatus,
    OutOfStateCeRecord,
    Pathway,
)
from documents.models import Document


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    url_name: str
    # The parts a reviewer can send back that make this step editable again.
    parts: tuple[str, ...]


PROGRAM = Step("program", _("County program"), "portal:application_program", ())
DETAILS = Step(
    "details", _("Personal details"), "portal:application_details", (ApplicationPart.PROFILE,)
)
ETHICS = Step("ethics", _("Code of Ethics"), "portal:application_ethics", (ApplicationPart.ETHICS,))
ATTESTATIONS = Step(
    "attestations",
    _("Attestations"),
    "portal:application_attestations",
    (ApplicationPart.ATTESTATIONS, ApplicationPart.OUT_OF_STATE),
)
DOCUMENTS = Step(
    "documents",
    _("Documents"),
    "portal:application_documents",
    # The out-of-state part: its letters of recommendation and CE records with their proof
    # are on this page too.
    (
        *(rules.PART_OF_KIND[kind] for kind in rules.APPLICATION_DOCUMENTS),
        ApplicationPart.OUT_OF_STATE,
    ),
)
REVIEW = Step("review", _("Review and submit"), "portal:application_review", ())
STEPS = (PROGRAM, DETAILS, ETHICS, ATTESTATIONS, DOCUMENTS, REVIEW)


def step_url(step: Step, application: Application) -> str:
    return reverse(step.url_name, args=[application.pk])


def current_documents(documents: Iterable[Document]) -> dict[str, Document]:
    """The newest document of each wizard kind that still stands (not removed)."""
    current: dict[str, Document] = {}
    for document in sorted(documents, key=lambda d: (d.created_at, d.pk), reverse=True):
        if document.removed_at is None and document.kind in rules.APPLICATION_DOCUMENTS:
            current.setdefault(document.kind, document)
    return current


def step_done(
    step: Step,
    application: Application,
    profile: ApplicantProfile | None,
    documents: dict[str, Document],
    *,
    today: datetime.date,
    proof_ready: bool = True,
) -> bool:
    """Whether `step` has been filled in (not whether it satisfies every rule).
    `proof_ready`: an out-of-state application's letters and CE records are all there
    (`out_of_state_proof_ready`)."""
    if step is PROGRAM:
        return True
    if step is DETAILS:
        return profile is not None and not rules.eligibility_problems(profile, on=today)
    if step is ETHICS:
        return application.ethics_signed_at is not None
    if step is ATTESTATIONS:
        done = application.attest_share_experience and application.attest_recovery
        if application.pathway == Pathway.OUT_OF_STATE:
            done = done and bool(
                application.other_state
                and application.other_state_certification_number
                and application.other_state_expires_on is not None
                and application.peer_work_hours is not None
                and application.attest_no_pending_discipline
            )
        return bool(done)
    if step is DOCUMENTS:
        return proof_ready and all(kind in documents for kind in rules.APPLICATION_DOCUMENTS)
    return False


def requested_parts(application: Application) -> set[str]:
    if application.status != ApplicationStatus.CHANGES_REQUESTED:
        return set()
    return set(application.changes_requested_parts)


def step_editable(step: Step, application: Application) -> bool:
    """Whether the applicant may change this step now: anything in a draft (the county
    excepted); only the requested parts while changes are requested; nothing otherwise."""
    if step is REVIEW:
        return application.status in (ApplicationStatus.DRAFT, ApplicationStatus.CHANGES_REQUESTED)
    if application.status == ApplicationStatus.DRAFT:
        return True
    return bool(requested_parts(application) & set(step.parts))


def document_kind_editable(kind: str, application: Application) -> bool:
    if application.status == ApplicationStatus.DRAFT:
        return True
    return rules.PART_OF_KIND.get(kind) in requested_parts(application)


@dataclass(frozen=True)
class StepState:
    step: Step
    url: str
    done: bool
    editable: bool
    current: bool


def step_states(
    application: Application,
    profile: ApplicantProfile | None,
    documents: dict[str, Document],
    *,
    today: datetime.date,
    current: Step | None = None,
    proof_ready: bool = True,
) -> list[StepState]:
    return [
        StepState(
            step=step,
            url=step_url(step, application),
            done=step_done(
                step, application, profile, documents, today=today, proof_ready=proof_ready
            ),
            editable=step_editable(step, application),
            current=step is current,
        )
        for step in STEPS
    ]


def resume_step(
    application: Application,
    profile: ApplicantProfile | None,
    documents: dict[str, Document],
    *,
    today: datetime.date,
    proof_ready: bool = True,
) -> Step:
    """Where to take the person: the first editable step not yet done, else the review page
    (which, while changes are requested, shows the reviewer's message and the parts to
    change)."""
    for step in STEPS[:-1]:
        if step_editable(step, application) and not step_done(
            step, application, profile, documents, today=today, proof_ready=proof_ready
        ):
            return step
    return REVIEW


def out_of_state_proof_lines(
    application: Application,
    all_documents: Iterable[Document],
    ce_records: Iterable[OutOfStateCeRecord],
    *,
    today: datetime.date,
) -> list[rules.ChecklistLine]:
    """The letters and CE lines of an out-of-state application as submission counts them
    (`certification.rules.out_of_state_checklist`); none for another pathway."""
    if application.pathway != Pathway.OUT_OF_STATE:
        return []
    return [
        rules.recommendation_letters_line(all_documents, verified=False),
        rules.out_of_state_ce_line(
            ce_records,
            submitted=rules.submitted_on(application, on=today),
            on=today,
            verified=False,
        ),
    ]
