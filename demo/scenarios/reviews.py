"""Applications under review: in review after a resubmission, waiting for the applicant's
changes, and denied."""

import datetime

from demo.story import Cast, Story


def in_review_after_changes(cast: Cast) -> None:
    """The diploma scan was cut off: changes requested, a new diploma uploaded, resubmitted,
    and back in review with the new diploma still to check."""
    clock = cast.clock
    story = Story.begin(
        cast,
        "david.nguyen@example.org",
        "David",
        "Nguyen",
        "san-diego",
        born=datetime.date(1990, 9, 14),
        joined_on=clock.days_ago(80),
    )
    if story is None:
        return
    staff = cast.reviewer("san-diego")
    record = story.add_training(
        clock.days_ago(68), "Southern California Peer Institute", completed_on=clock.days_ago(70)
    )
    story.apply(clock.days_ago(25))
    story.upload_id_and_diploma(clock.days_ago(21))
    story.submit(clock.days_ago(20))
    story.start_review(clock.days_ago(15), staff)
    story.review_document(clock.days_ago(15), staff, "photo_id")
    cut_off = "The scan is cut off: the school's name and the date are missing."
    story.review_document(clock.days_ago(15), staff, "diploma", verified=False, reason=cut_off)
    story.request_changes(
        clock.days_ago(15),
        staff,
        ["diploma"],
        "Please upload a complete scan of your diploma, showing the school and the date.",
    )
    story.upload_diploma(clock.days_ago(12))
    story.resubmit(clock.days_ago(12))
    story.verify_training(clock.days_ago(10), staff, record)


def changes_requested(cast: Cast) -> None:
    """The reviewer could not read the photo ID and sent it back."""
    clock = cast.clock
    story = Story.begin(
        cast,
        "keisha.johnson@example.org",
        "Keisha",
        "Johnson",
        "alameda",
        born=datetime.date(1983, 12, 5),
        joined_on=clock.days_ago(100),
    )
    if story is None:
        return
    reviewer = cast.reviewer("alameda")
    record = story.add_training(
        clock.days_ago(88), "Bay Area Peer Training Collaborative", completed_on=clock.days_ago(90)
    )
    story.apply(clock.days_ago(30))
    story.upload_id_and_diploma(clock.days_ago(27))
    story.submit(clock.days_ago(25))
    story.start_review(clock.days_ago(12), reviewer)
    story.verify_training(clock.days_ago(12), reviewer, record)
    blurry = "The photo ID is too blurry to read the name and the expiry date."
    story.review_document(clock.days_ago(8), reviewer, "photo_id", verified=False, reason=blurry)
    story.review_document(clock.days_ago(8), reviewer, "diploma")
    story.request_changes(
        clock.days_ago(8),
        reviewer,
        ["photo_id"],
        "Thank you for applying. We could not read the name on your photo ID. Please "
        "upload a clear photo or scan of the front of your ID, then resubmit.",
    )


def denied(cast: Cast) -> None:
    """No diploma or equivalent, and a training certificate without the provider's signature.
    (Training from a provider that is not approved cannot even be added: the Training page
    refuses it when it is entered.)"""
    clock = cast.clock
    story = Story.begin(
        cast,
        "robert.smith@example.org",
        "Robert",
        "Smith",
        "fresno",
        born=datetime.date(1969, 2, 11),
        joined_on=clock.days_ago(120),
    )
    if story is None:
        return
    staff = cast.admin("fresno")
    record = story.add_training(
        clock.days_ago(108), cast.provider_for_county["fresno"], completed_on=clock.days_ago(110)
    )
    story.apply(clock.days_ago(75))
    story.upload_photo_id(clock.days_ago(72), "California Driver License (sample)")
    story.upload_diploma(clock.days_ago(72), "Certificate of Attendance (sample)")
    story.submit(clock.days_ago(70))
    story.start_review(clock.days_ago(55), staff)
    story.review_document(clock.days_ago(50), staff, "photo_id")
    reason = (
        "The document provided is a certificate of attendance, not a high school diploma "
        "or equivalent. You may apply again once you have a diploma or equivalent."
    )
    story.review_document(clock.days_ago(50), staff, "diploma", verified=False, reason=reason)
    story.reject_training(
        clock.days_ago(50),
        staff,
        record,
        "The certificate of completion is not signed by the training provider.",
    )
    story.deny(clock.days_ago(50), staff, reason)


STORIES = (in_review_after_changes, changes_requested, denied)
