"""Policy values of the employer services (docs/domain.md#employers), each with its source.
Kept beside the app rather than in `core.policy` because nothing below uses them."""

import datetime

# An invitation to an employer's staff is valid this long, like a county's (our choice,
# `core.policy.STAFF_INVITATION_VALID_DAYS`).
INVITATION_VALID_DAYS = 14

# A CSV upload of the watchlist: technical limits of one file, far above an employer's staff.
WATCHLIST_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
WATCHLIST_UPLOAD_MAX_ROWS = 5_000
# How long a previewed upload waits for its confirmation.
WATCHLIST_PREVIEW_TTL_SECONDS = 6 * 3600

# Employers are told this many days before a watched certification expires (the issue's
# choice: 60 and 30 days; docs/domain.md#employers).
EXPIRY_NOTICE_DAYS = (60, 30)

# Webhooks: Standard Webhooks (standardwebhooks.com) recommends retrying with a growing delay
# for about a day and more; ours (seconds after the previous attempt, with up to 10% jitter):
WEBHOOK_RETRY_DELAYS = (5, 60, 300, 1800, 7200, 18000, 36000, 36000, 36000, 36000, 36000, 36000)
# An endpoint failing without a single success for this long is disabled and its owner
# emailed (the issue: 3 days).
WEBHOOK_DISABLE_AFTER = datetime.timedelta(days=3)
# One delivery waits this long for an answer (connect and read).
WEBHOOK_TIMEOUT_SECONDS = 10
# The part of a receiver's answer kept in the delivery log.
WEBHOOK_RESPONSE_KEEP_CHARS = 500
