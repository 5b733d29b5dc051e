"""Training and CE providers as users (issue 15 item 7): three provider organisations with their
staff, the approval cycles the state's provider reviewer opened, and their courses of every type
applied for, reviewed and approved through the services.

- Bay Area Peer Training Collaborative: the core 80-hour course (English), a 40-hour course in
  crisis services, and a general CE course; approved.
- Instituto de Formación de Pares Latinos: the Spanish track, a core 80-hour course in Spanish
  (sent back once for its Spanish participant materials, then approved) and a law and ethics CE
  course in Spanish and English.
- Golden State Peer Workforce Center: its core course was approved three years ago for the
  program's 24 months and lapsed a year ago (with the listed provider's own approval); it has
  applied for nothing since.

A month ago the Bay Area reported two completions of its core course and the Spanish track one:
the learners had no account, so each waited; one of them signed up ten days ago and the
completion attached itself to their log as verified core training, reported by the provider.
The two others still wait (unmatched).

The reviewer is state staff holding the reviewer's permission through the "Provider reviewers"
group, as an operator gives it in the Django admin; the state viewer (dhcs.viewer) reads the
review pages and changes nothing.
"""

import datetime

from django.contrib.auth.models import Group, Permission

from accounts.models import User
from demo.clock import Timeline
from demo.scenarios.counties_and_staff import LAPSED_PROVIDER, SPANISH_PROVIDER
from demo.story import Cast, Story, account
from providers import services
from providers.models import (
    ApprovalCycle,
    Completion,
    CourseApplication,
    ProviderCourse,
    ProviderOrganisation,
)
from providers.rules import COMPETENCY_CODES

BAY_AREA = "Bay Area Peer Training Collaborative"
REVIEWER_ACCOUNT = ("providers.reviewer@example.org", "Priya", "Raman")
REVIEWERS_GROUP = "Provider reviewers"
# (listed provider, first administrator's email, first name, last name, language, profile)
PROVIDER_ADMINS = (
    (
        BAY_AREA,
        "bayarea.provider@example.org",
        "Bianca",
        "Torres",
        "en",
        {"languages": ["en"], "delivery_modes": ["in_person", "online_live"]},
    ),
    (
        SPANISH_PROVIDER,
        "instituto.provider@example.org",
        "Lucía",
        "Fernández",
        "es",
        {
            "languages": ["es", "en"],
            "delivery_modes": ["in_person", "online_live"],
            "statewide": True,
        },
    ),
    (
        LAPSED_PROVIDER,
        "goldenstate.provider@example.org",
        "Grant",
        "Mitchell",
        "en",
        {"languages": ["en"], "delivery_modes": ["in_person"]},
    ),
)
PROVIDER_PHONES = {
    BAY_AREA: "(510) 555-0190",
    SPANISH_PROVIDER: "(559) 555-0123",
    LAPSED_PROVIDER: "(916) 555-0177",
}
PROVIDER_COUNTIES = {
    BAY_AREA: ["alameda"],
    SPANISH_PROVIDER: ["fresno", "los-angeles"],
    LAPSED_PROVIDER: ["sacramento"],
}


def _coverage(course_title: str) -> dict[str, str]:
    """A curriculum mapped to every core competency, in the provider's words."""
    return {
        code: f"{course_title}: module on {code.replace('_', ' ')}" for code in COMPETENCY_CODES
    }


def _reviewer(cast: Cast):
    """The state's provider reviewer, given the reviewer's permission through the group an
    operator keeps in the Django admin."""
    reviewer, _created = account(cast, *REVIEWER_ACCOUNT, is_state_staff=True)
    group, _created = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    group.permissions.add(Permission.objects.get(codename="review_providers"))
    reviewer.groups.add(group)
    return type(reviewer).objects.get(pk=reviewer.pk)  # permissions read afresh


def _cycle(timeline: Timeline, reviewer, opens_on: datetime.date, **fields) -> ApprovalCycle:
    with timeline.step(opens_on):
        return services.approval_cycle_open(
            actor=reviewer,
            opens_on=opens_on,
            closes_on=opens_on + datetime.timedelta(days=30),
            **fields,
        )


def _apply(
    timeline: Timeline,
    admin,
    provider: ProviderOrganisation,
    cycle: ApprovalCycle,
    day: datetime.date,
    *,
    title: str,
    hours,
    languages: list[str],
    delivery_modes: list[str],
) -> CourseApplication:
    """The provider's administrator starts, maps and submits an application on `day`."""
    with timeline.step(day):
        application = services.course_application_start(
            actor=admin,
            provider=provider,
            cycle=cycle,
            title=title,
            hours=hours,
            languages=languages,
            delivery_modes=delivery_modes,
        )
        services.course_application_save(
            actor=admin,
            application=application,
            hours=hours,
            languages=languages,
            delivery_modes=delivery_modes,
            coverage=_coverage(title) if cycle.course_type == "core_80" else {},
        )
        return services.course_application_submit(actor=admin, application=application)


def provider_approvals(cast: Cast) -> None:
    """The three providers, registered by the reviewer three years and two months ago, their
    administrators joining the next day, and their courses through the cycles since."""
    if ProviderOrganisation.objects.filter(training_provider__name=BAY_AREA).exists():
        return
    clock = cast.clock
    timeline = Timeline(clock)
    registered_on = clock.years_ago(3, days=60)
    with timeline.step(registered_on):
        reviewer = _reviewer(cast)
        organisations, tokens = {}, {}
        for name, email, _first, _last, _language, _profile in PROVIDER_ADMINS:
            organisations[name] = services.provider_register(
                actor=reviewer,
                training_provider=cast.providers[name],
                contact_name="",
                contact_email=email,
            )
            _invitation, tokens[name] = services.provider_invite(
                actor=reviewer, provider=organisations[name], email=email, role="admin"
            )
    admins = {}
    with timeline.step(registered_on + datetime.timedelta(days=1)):
        for name, email, first, last, language, profile in PROVIDER_ADMINS:
            admin, _created = account(cast, email, first, last, preferred_language=language)
            services.provider_invitation_accept(user=admin, token=tokens[name])
            services.provider_profile_save(
                actor=admin,
                provider=organisations[name],
                contact_name=f"{first} {last}",
                contact_email=email,
                contact_phone=PROVIDER_PHONES[name],
                county_ids=[cast.counties[code].pk for code in PROVIDER_COUNTIES[name]],
                **profile,
            )
            admins[name] = admin

    # Three years ago: Golden State's core course, approved until its listed approval ended.
    old_core = _cycle(timeline, reviewer, clock.years_ago(3), course_type="core_80")
    golden = _apply(
        timeline,
        admins[LAPSED_PROVIDER],
        organisations[LAPSED_PROVIDER],
        old_core,
        clock.years_ago(3, days=-3),
        title="Golden State Peer Support Core Training",
        hours=80,
        languages=["en"],
        delivery_modes=["in_person"],
    )
    with timeline.step(clock.years_ago(3, days=-20)) as today:
        services.course_application_approve(
            actor=reviewer,
            application=golden,
            starts_on=today,
            ends_on=cast.providers[LAPSED_PROVIDER].approved_until or clock.years_ago(1),
        )

    # Fourteen months ago: the core courses of the Bay Area and of the Spanish track.
    core = _cycle(timeline, reviewer, clock.days_ago(430), course_type="core_80")
    bay_core = _apply(
        timeline,
        admins[BAY_AREA],
        organisations[BAY_AREA],
        core,
        clock.days_ago(425),
        title="Peer Support Specialist Core Training",
        hours=80,
        languages=["en"],
        delivery_modes=["in_person", "online_live"],
    )
    spanish_core = _apply(
        timeline,
        admins[SPANISH_PROVIDER],
        organisations[SPANISH_PROVIDER],
        core,
        clock.days_ago(424),
        title="Formación básica de especialistas de apoyo entre pares",
        hours=80,
        languages=["es"],
        delivery_modes=["in_person", "online_live"],
    )
    with timeline.step(clock.days_ago(415)):
        services.course_application_request_changes(
            actor=reviewer,
            application=spanish_core,
            note=(
                "Attach the Spanish versions of the participant materials (refund policy, "
                "evaluations) and submit again."
            ),
        )
    with timeline.step(clock.days_ago(412)):
        services.course_application_submit(actor=admins[SPANISH_PROVIDER], application=spanish_core)
    with timeline.step(clock.days_ago(405)):
        services.course_application_approve(actor=reviewer, application=bay_core)
        services.course_application_approve(actor=reviewer, application=spanish_core)

    # CE cycles (general, and law and ethics), then a crisis services specialization cycle.
    ce_general = _cycle(
        timeline,
        reviewer,
        clock.days_ago(350),
        course_type="ce",
        ce_category="general",
        ce_hours=3,
    )
    ce_ethics = _cycle(
        timeline,
        reviewer,
        clock.days_ago(350),
        course_type="ce",
        ce_category="law_ethics",
        ce_hours=6,
    )
    bay_ce = _apply(
        timeline,
        admins[BAY_AREA],
        organisations[BAY_AREA],
        ce_general,
        clock.days_ago(340),
        title="Co-occurring disorders: an introduction",
        hours=3,
        languages=["en"],
        delivery_modes=["online_live"],
    )
    spanish_ce = _apply(
        timeline,
        admins[SPANISH_PROVIDER],
        organisations[SPANISH_PROVIDER],
        ce_ethics,
        clock.days_ago(338),
        title="Ley y ética en el apoyo entre pares",
        hours=6,
        languages=["es", "en"],
        delivery_modes=["online_live"],
    )
    with timeline.step(clock.days_ago(320)):
        services.course_application_approve(actor=reviewer, application=bay_ce)
        services.course_application_approve(actor=reviewer, application=spanish_ce)
    crisis = _cycle(
        timeline, reviewer, clock.days_ago(300), course_type="specialization", area_code="crisis"
    )
    bay_crisis = _apply(
        timeline,
        admins[BAY_AREA],
        organisations[BAY_AREA],
        crisis,
        clock.days_ago(295),
        title="Peer Services in Crisis Care",
        hours=40,
        languages=["en"],
        delivery_modes=["in_person"],
    )
    with timeline.step(clock.days_ago(280)):
        services.course_application_approve(actor=reviewer, application=bay_crisis)


# (email, legal first name, last name, date of birth): the learners the providers reported.
# Jordan signs up after the report and the completion attaches itself; the others have no
# account yet and wait.
JOINS_LATER = ("jordan.rivera@example.org", "Jordan", "Rivera", datetime.date(1992, 8, 14))
WAITING = (
    ("samuel.okoye@example.net", "Samuel", "Okoye", datetime.date(1987, 2, 3)),
    ("guadalupe.garcia@example.net", "Guadalupe", "García", datetime.date(1990, 11, 19)),
)


def _row(completion_id: str, course: ProviderCourse, learner, completed_on: datetime.date) -> dict:
    email, first, last, born = learner
    return {
        "completion_id": completion_id,
        "course_id": course.pk,
        "email": email,
        "legal_first_name": first,
        "legal_last_name": last,
        "date_of_birth": born.isoformat(),
        "hours": str(course.hours),
        "completed_on": completed_on.isoformat(),
    }


def reported_completions(cast: Cast) -> None:
    """The Bay Area reports two completions of its core course and the Spanish track one of its
    Spanish core course, a month ago; none of the learners has an account yet, so each waits.
    Ten days ago Jordan signs up: the completion finds them and becomes a verified core
    training record in their log, reported by the provider (no certificate to upload, no
    county review). The two others still wait."""
    if Completion.objects.exists():
        return
    clock = cast.clock
    timeline = Timeline(clock)
    courses = {
        name: ProviderCourse.objects.get(
            provider__training_provider__name=name, course_type="core_80"
        )
        for name in (BAY_AREA, SPANISH_PROVIDER)
    }
    admins = {name: User.objects.get(email=email) for name, email, *_rest in PROVIDER_ADMINS}
    with timeline.step(clock.days_ago(30)) as today:
        services.completions_report(
            provider=courses[BAY_AREA].provider,
            rows=[
                _row("BA-2024-0117", courses[BAY_AREA], JOINS_LATER, clock.days_ago(33)),
                _row("BA-2024-0118", courses[BAY_AREA], WAITING[0], clock.days_ago(33)),
            ],
            source="upload",
            actor=admins[BAY_AREA],
            today=today,
        )
    with timeline.step(clock.days_ago(28)) as today:
        services.completions_report(
            provider=courses[SPANISH_PROVIDER].provider,
            rows=[_row("IFPL-0042", courses[SPANISH_PROVIDER], WAITING[1], clock.days_ago(31))],
            source="upload",
            actor=admins[SPANISH_PROVIDER],
            today=today,
        )
    email, first, last, born = JOINS_LATER
    Story.begin(cast, email, first, last, "alameda", born=born, joined_on=clock.days_ago(10))


STORIES = (provider_approvals, reported_completions)
