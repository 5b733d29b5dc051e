"""The demo's stories, by scenario: each module's `STORIES` are functions of the `Cast`
(demo/story.py) that tell one person's history, or one county's, through the services.

`demo.scenarios.counties_and_staff.prepare_cast` runs first; the stories follow in this
order (the CE audit draws from the certifications the renewals made; the employer watches
certified peers, so it comes after them; the training providers' approvals and the completions
they reported come after the learners; the Medi-Cal enrollment figures of the analytics
come last).
"""

from demo.scenarios import (
    analytics,
    applicants,
    cases,
    ce,
    certifications,
    employers,
    exams,
    fees,
    providers,
    renewals,
    reviews,
)

STORIES = (
    *applicants.STORIES,
    *reviews.STORIES,
    *exams.STORIES,
    *certifications.STORIES,
    *renewals.STORIES,
    *cases.STORIES,
    *ce.STORIES,
    *employers.STORIES,
    *fees.STORIES,
    *providers.STORIES,
    *analytics.STORIES,
)
