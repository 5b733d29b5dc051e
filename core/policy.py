"""Certification policy values, each with its public source; docs/domain.md states the rules
they belong to (the section is named beside each value).

Fixed rules from statute and DHCS standards live here as named constants. Values a program may
set itself (fees, reminder days, the wait between exam attempts, the CE audit sample) live in
the `counties.ProgramPolicy` row, editable by operators in the Django admin without a code change.
"""

import datetime
from decimal import Decimal

# W&I §14045.15(a): applicants must be at least 18 years old (docs/domain.md#eligibility).
MINIMUM_AGE_YEARS = 18

# BHIN 21-041 / W&I §14045.13(c): 80 hours of core training from an approved provider...
CORE_TRAINING_HOURS = Decimal("80")
# ...completed on or after 2022-07-01 (capeercertification.org/certification-initial/;
# docs/domain.md#training).
TRAINING_EARLIEST_COMPLETION = datetime.date(2022, 7, 1)

# Areas of specialization: each a 40-hour course after the core training
# (capeercertification.org/specialization-training/; docs/domain.md#specializations).
SPECIALIZATION_TRAINING_HOURS = Decimal("40")

# An approved application is valid for 12 months from approval (capeercertification.org;
# docs/domain.md#application).
APPROVAL_WINDOW_MONTHS = 12

# Up to 3 exam attempts per approved application (capeercertification.org/certification-exam/;
# docs/domain.md#exam).
MAX_EXAM_ATTEMPTS = 3

# A certification is valid for 2 years from issue; renewal extends it by 2 years (BHIN 21-041;
# docs/domain.md#certification).
CERTIFICATION_VALIDITY_YEARS = 2

# Renewal: 20 CE hours per 2-year cycle, at least 6 of them in law and ethics (BHIN 21-041;
# docs/domain.md#renewal).
CE_HOURS_REQUIRED = Decimal("20")
CE_LAW_AND_ETHICS_HOURS_REQUIRED = Decimal("6")

# Reinstatement between expiry and vacated needs the same 20 CE hours (capeercertification.org;
# docs/domain.md#late-renewal-and-reinstatement)...
REINSTATEMENT_CE_HOURS_REQUIRED = Decimal("20")
# ...completed within the 2 years before the reinstatement, and the 80-hour refresher course
# (the core course again, after the expiry date) or passing the exam again (DHCS FAQ, BHIN
# 25-010 era; docs/domain.md#late-renewal-and-reinstatement).
REINSTATEMENT_CE_LOOKBACK_YEARS = 2
REINSTATEMENT_REFRESHER_HOURS = CORE_TRAINING_HOURS

# A renewal can be filed no earlier than 90 days before expiry (capeercertification.org;
# docs/domain.md#renewal).
RENEWAL_WINDOW_DAYS = 90

# "Expiring soon" is derived: within 90 days of expiry (our choice, docs/domain.md#expiring-soon).
EXPIRING_SOON_DAYS = 90

# Not renewed within 4 years of expiry: the certification is vacated (capeercertification.org;
# docs/domain.md#late-renewal-and-reinstatement).
VACATE_AFTER_EXPIRY_YEARS = 4

# Uploads (docs/domain.md#uploaded-documents): PDF, JPEG or PNG, judged by content, 10 MB at most.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# Images larger than this many pixels are refused as decompression bombs (our choice).
UPLOAD_MAX_IMAGE_PIXELS = 50_000_000

# Grandparenting closed on 2022-12-31 (capeercertification.org); only historic records exist
# (docs/domain.md#other-pathways).
GRANDPARENTING_CLOSED_ON = datetime.date(2022, 12, 31)

# Out-of-state reciprocity: 1,550 hours of peer work (capeercertification.org;
# docs/domain.md#other-pathways).
OUT_OF_STATE_PEER_WORK_HOURS = 1550
# ...three letters of recommendation, and 20 CE hours completed in the past 2 years, at least
# 6 of them in law and ethics (same source; the 2 years end on the day the application is
# submitted: our reading, docs/domain.md#other-pathways).
OUT_OF_STATE_RECOMMENDATION_LETTERS = 3
OUT_OF_STATE_CE_HOURS = Decimal("20")
OUT_OF_STATE_CE_LAW_AND_ETHICS_HOURS = Decimal("6")
OUT_OF_STATE_CE_YEARS = 2

# Defaults of the operator-editable values (counties.ProgramPolicy), our choice unless noted:
# reminders (docs/domain.md#renewal), the wait between exam attempts (docs/domain.md#exam), the
# CE audit sample (docs/domain.md#ce-audits).
DEFAULT_REMINDER_DAYS = (90, 60, 30, 7)
DEFAULT_EXAM_MIN_WAIT_DAYS = 0
DEFAULT_CE_AUDIT_SAMPLE_PERCENT = 10
# Fees (capeercertification.org/fee-schedule/; docs/domain.md#fees), in US cents.
DEFAULT_FEE_APPLICATION_CENTS = 10000
DEFAULT_FEE_EXAM_CENTS = 15000
DEFAULT_FEE_RENEWAL_CENTS = 8000
DEFAULT_FEE_REINSTATEMENT_CENTS = 8000
# The late renewal fee (DHCS FAQ: a late renewal costs a late fee) is not published: our choice.
DEFAULT_FEE_LATE_CENTS = 4000
# Whether an unpaid fee holds the next step (issue 17: "our choice, default: exam authorization
# and renewal wait for payment or waiver"; docs/domain.md#fees): the exam waits for the
# application fee, a renewal or reinstatement for the fees owed on the certification before
# (its application's and earlier renewals'), each paid, covered by a scholarship or waived. An
# operator may turn either off in Program policy.
DEFAULT_UNPAID_FEES_HOLD_EXAM = True
DEFAULT_UNPAID_FEES_HOLD_RENEWAL = True
# Exam results of an attempt taken inside the application's 12-month window may still be
# recorded or imported this many days after the window ends: vendor results lag (our choice;
# docs/domain.md#exam).
DEFAULT_EXAM_RESULT_GRACE_DAYS = 30
# After expiry a certification may be renewed late, with the late fee, up to a limit (DHCS
# FAQ); the limit is not published: our choice, 12 months after the expiry date
# (ProgramPolicy.late_renewal_limit_months; docs/domain.md#late-renewal-and-reinstatement).
DEFAULT_LATE_RENEWAL_LIMIT_MONTHS = 12
# A failed CE audit: the county may require the missing hours by a deadline this many days
# after the failure (our choice; ProgramPolicy.ce_audit_makeup_days; docs/domain.md#ce-audits).
DEFAULT_CE_AUDIT_MAKEUP_DAYS = 90

# The certification exam (capeercertification.org/certification-exam/; docs/domain.md#exam):
# delivered by a testing vendor (Pearson VUE), online or at a test centre; accommodation
# requests need at least 30 days' notice. Defaults of the ProgramPolicy values an operator
# keeps current (the vendor's booking page and phone are the program's to set).
DEFAULT_EXAM_VENDOR_NAME = "Pearson VUE"
DEFAULT_EXAM_BOOKING_URL = "https://home.pearsonvue.com/"
DEFAULT_EXAM_ACCOMMODATION_NOTICE_DAYS = 30
# The exam itself: 120 multiple-choice items in 2.5 hours (same source).
EXAM_QUESTIONS = 120
EXAM_DURATION_HOURS = Decimal("2.5")

# County staff invitations (workspace): the emailed link works for this many days (our choice;
# docs/domain.md#staff-accounts).
STAFF_INVITATION_VALID_DAYS = 14

# CE audits draw from certifications whose renewal window is open or that were renewed within
# this many days (our choice; the sample share itself is ProgramPolicy.ce_audit_sample_percent;
# docs/domain.md#ce-audits).
CE_AUDIT_RECENT_RENEWAL_DAYS = 180

# The county workspace flags a case's deadline as due soon this many calendar days ahead (our
# choice; docs/domain.md#complaints-and-cases).
CASE_DUE_SOON_DAYS = 7
# A person may appeal a denial, a suspension, a revocation, a refused renewal or
# reinstatement, or a case decision this many days after it (issue 14 item 5; our choice;
# ProgramPolicy.appeal_days; docs/domain.md#appeals).
DEFAULT_APPEAL_DAYS = 30
# The daily case deadline scan emails the investigator (or the handling program's
# administrators) this many business days before an acknowledgement or resolution deadline
# (our choice; docs/domain.md#complaints-and-cases).
CASE_DEADLINE_WARNING_BUSINESS_DAYS = 2
# Ethics complaints must be filed within 3 years of the incident (DOMAIN.md, "Complaints and
# discipline"; docs/domain.md#complaints-and-cases). A later one is accepted, and flagged out
# of time for staff with the reason.
ETHICS_COMPLAINT_LIMIT_YEARS = 3
# Files a complainant may attach to one complaint, and a peer to one response (our choice;
# ProgramPolicy.case_upload_max_files; docs/domain.md#complaints-and-cases). Each file is at
# most UPLOAD_MAX_BYTES; the complaint form's rate limit bounds how much one client stores.
DEFAULT_CASE_UPLOAD_MAX_FILES = 5
# Days a peer is given to respond to a complaint, offered as the due date (our choice;
# ProgramPolicy.case_response_days; docs/domain.md#complaints-and-cases).
DEFAULT_CASE_RESPONSE_DAYS = 21

# The county's annual program report to DHCS (W&I §14045.14(a)(3); docs/domain.md#program-reports).
# Counts from 1 to 10 are shown as "fewer than 11", as public health data practice does, and
# so are the medians and rates computed from fewer than 11 cases (our choice; operators change
# it in `reports.ReportPolicy`).
DEFAULT_REPORT_SMALL_COUNT_THRESHOLD = 11
# The statute sets no date: a report is due this many days after its period ends (our choice,
# 90 days: 2026-09-28 for the fiscal year ending 2026-06-30; `reports.ReportPolicy`).
DEFAULT_REPORT_DUE_DAYS = 90

# Training providers (docs/domain.md#providers). Who providers write to about their approvals:
# the certifying entity's published peer certification contact (CalMHSA: "Questions and comments
# related to Peer Certification may be submitted by email to PeerCertification@calmhsa.org or by
# calling (279) 234-0699", californiapeers.org/peercertification and calmhsa.org/peer-certification)
# and its page for training providers. Defaults of `providers.ProviderPolicy`, which operators edit.
DEFAULT_PROVIDER_CONTACT_EMAIL = "PeerCertification@calmhsa.org"
DEFAULT_PROVIDER_CONTACT_PHONE = "(279) 234-0699"
DEFAULT_PROVIDER_CONTACT_URL = "https://www.capeercertification.org/become-a-training-provider/"
# A course's outcomes (issue 15 item 5): its exam pass rates are shown only when at least this many
# of its learners sat the exam, its median days to certification only when at least this many were
# certified, so that no person can be singled out (our choice, 10;
# `providers.ProviderPolicy.outcomes_min_group`).
DEFAULT_PROVIDER_OUTCOMES_MIN_GROUP = 10
