"""Technical limits of the employer services. The values an operator may change (invitation
validity, the expiry notice days, the time of the daily run, webhook retries, disabling and
timeout) are named settings, `EMPLOYER_*` in config/settings.py, set in the environment and
documented in docs/domain.md#employers."""

# A CSV upload of the watchlist: technical limits of one file, far above an employer's staff.
WATCHLIST_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
WATCHLIST_UPLOAD_MAX_ROWS = 5_000
# How long a previewed upload waits for its confirmation.
WATCHLIST_PREVIEW_TTL_SECONDS = 6 * 3600

# The part of a receiver's answer kept in the delivery log.
WEBHOOK_RESPONSE_KEEP_CHARS = 500
