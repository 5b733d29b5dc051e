"""What the certification services announce when a certification's public registry entry
changes: one event per change on the topic `certification.changed`, published in the
service's transaction through the outbox (`jobs.events`), so subscribers (employers' notices
and webhooks; anything else above) hear of a change exactly when it commits.

Events carry public registry facts only: number, status before and after, expiry date and
what changed. Types (`certification.<kind>`): suspended, suspension_lifted, reinstated,
revoked, expired, vacated, renewed, specialization_added; `public_action` is reserved for
the public actions of a disciplinary case (docs/CONTRACTS.md).
"""

from typing import Any

from jobs.events import event_new, event_publish

TOPIC = "certification.changed"

# The audit verb of a status transition → the kind announced.
KIND_OF_VERB = {
    "certification_suspend": "suspended",
    "certification_lift_suspension": "suspension_lifted",
    "certification_reinstate": "reinstated",
    "certification_revoke": "revoked",
    "certification_expire": "expired",
    "certification_vacate": "vacated",
    "certification_renew": "renewed",
    "certification_add_specialization": "specialization_added",
}


def certification_event(
    *,
    certification_id: int,
    number: str,
    kind: str,
    previous_status: str,
    status: str,
    expires_on,
    occurred_at=None,
    **data: Any,
) -> dict[str, Any]:
    return event_new(
        f"certification.{kind}",
        occurred_at=occurred_at,
        certification_id=certification_id,
        number=number,
        kind=kind,
        previous_status=previous_status,
        status=status,
        expires_on=expires_on.isoformat(),
        **data,
    )


def certification_changed(certification, *, verb: str, previous_status: str, **data) -> None:
    """Announce (on commit) that `certification` changed by the transition `verb`."""
    kind = KIND_OF_VERB.get(verb)
    if kind is None:
        return
    event = certification_event(
        certification_id=certification.pk,
        number=certification.number,
        kind=kind,
        previous_status=previous_status,
        status=certification.status,
        expires_on=certification.expires_on,
        occurred_at=certification.updated_at,
        **data,
    )
    event_publish(TOPIC, [event])


def certifications_changed(events: list[dict[str, Any]]) -> int:
    """Announce many changes at once (the expiry scan): a few outbox messages in all."""
    return event_publish(TOPIC, events) if events else 0
