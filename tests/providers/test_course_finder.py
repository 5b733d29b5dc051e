"""The public course finder at /courses/ (portal/views/courses.py): only the courses approved
today are listed (not a lapsed or withdrawn approval, not one starting tomorrow), each filter
narrows, a county also finds the providers serving the whole state, the page is complete in
Spanish, and hostile query strings are refused clearly (never a 500)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.models import CourseApproval, ProviderCourse, ProviderOrganisation
from providers.selectors import course_finder

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = datetime.timedelta(days=1)


def course(
    provider: ProviderOrganisation,
    title: str,
    *,
    approver,
    starts: int = -30,
    ends: int = 300,
    withdrawn: int | None = None,
    **fields,
) -> ProviderCourse:
    """A course of `provider` approved from `starts` to `ends` days from today."""
    values = {
        "course_type": "core_80",
        "hours": 80,
        "languages": ["en"],
        "delivery_modes": ["in_person"],
    } | fields
    row = ProviderCourse.objects.create(provider=provider, title=title, **values)
    code = row.area_code if row.course_type == "specialization" else row.course_type
    CourseApproval.objects.create(
        provider=provider,
        training_provider=provider.training_provider,
        course=row,
        course_code=code,
        starts_on=TODAY() + starts * DAY,
        ends_on=TODAY() + ends * DAY,
        withdrawn_on=None if withdrawn is None else TODAY() + withdrawn * DAY,
        approved_by=approver,
    )
    return row


@pytest.fixture
def catalogue(cast, providers):
    """Hope Works (Alameda, in person, English and Spanish) and Rival Training (the whole
    state, online), with courses approved today and others that are not."""
    p = providers
    hope, rival = p.hope, p.rival_org
    hope.counties.add(cast.county)
    hope.contact_phone = "510-555-0100"
    hope.save()
    rival.statewide = True
    rival.save()
    r = p.reviewer
    return {
        "core_es": course(hope, "Curso básico", approver=r, languages=["es", "en"]),
        "crisis": course(
            rival,
            "Crisis online",
            approver=r,
            course_type="specialization",
            area_code="crisis",
            hours=40,
            delivery_modes=["online_live"],
        ),
        "ethics": course(
            rival,
            "Ethics refresher",
            approver=r,
            course_type="ce",
            ce_category="law_ethics",
            hours=6,
            delivery_modes=["self_paced"],
        ),
        "lapsed": course(hope, "Lapsed course", approver=r, starts=-400, ends=-1),
        "tomorrow": course(hope, "Starts tomorrow", approver=r, starts=1),
        "withdrawn": course(hope, "Withdrawn course", approver=r, withdrawn=0),
    }


def _titles(response) -> list[str]:
    return [row["course"].title for row in response.context["rows"]]


def test_only_courses_approved_today_are_listed(client, catalogue):
    response = client.get(reverse("courses"))

    assert response.status_code == 200
    assert _titles(response) == ["Curso básico", "Crisis online", "Ethics refresher"]
    html = response.content.decode()
    for hidden in ("Lapsed course", "Starts tomorrow", "Withdrawn course"):
        assert hidden not in html
    assert "boss@hope.test" in html and "510-555-0100" in html
    assert "3 courses" in html


def test_the_selector_agrees_on_each_day(catalogue):
    assert set(course_finder(on=TODAY() + DAY)) == {
        catalogue["core_es"],
        catalogue["crisis"],
        catalogue["ethics"],
        catalogue["tomorrow"],
    }
    yesterday = course_finder(on=TODAY() - DAY)
    assert catalogue["lapsed"] in yesterday and catalogue["withdrawn"] in yesterday


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"course": "core_80"}, ["Curso básico"]),
        ({"course": "specialization"}, ["Crisis online"]),
        ({"course": "area:crisis"}, ["Crisis online"]),
        ({"course": "area:unhoused"}, []),
        ({"course": "ce"}, ["Ethics refresher"]),
        ({"course": "ce:law_ethics"}, ["Ethics refresher"]),
        ({"course": "ce:general"}, []),
        ({"language": "es"}, ["Curso básico"]),
        ({"mode": "self_paced"}, ["Ethics refresher"]),
        # Alameda: Hope Works serves it, Rival Training serves the whole state.
        ({"county": "alameda"}, ["Curso básico", "Crisis online", "Ethics refresher"]),
        ({"county": "fresno"}, ["Crisis online", "Ethics refresher"]),
        ({"county": "fresno", "language": "es"}, []),
    ],
)
def test_each_filter_narrows(client, catalogue, query, expected):
    response = client.get(reverse("courses"), query)

    assert response.status_code == 200
    assert _titles(response) == expected
    if not expected:
        assert "No approved course matches these filters" in response.content.decode()


def test_the_empty_catalogue_says_whom_to_ask(client, db):
    response = client.get(reverse("courses"))

    assert response.status_code == 200
    assert "No course is approved at the moment" in response.content.decode()
    assert reverse("programs") in response.content.decode()


def test_pages_of_twenty(client, providers, cast):
    for n in range(25):
        course(providers.hope, f"Course {n:02d}", approver=providers.reviewer)

    first = client.get(reverse("courses"), {"language": "en"})
    second = client.get(reverse("courses"), {"language": "en", "page": "2"})
    beyond = client.get(reverse("courses"), {"page": "99999999999999999999"})

    assert len(first.context["rows"]) == 20
    assert "language=en&amp;page=2" in first.content.decode()
    assert len(second.context["rows"]) == 5
    assert beyond.status_code == 200 and len(beyond.context["rows"]) == 5


def test_the_page_in_spanish(client, catalogue):
    client.cookies["peercert_language"] = "es"

    response = client.get(reverse("courses"), {"county": "fresno"})

    html = response.content.decode()
    assert "Buscar un curso aprobado" in html
    assert "Especialización: Servicios de crisis" in html
    assert "En línea, en vivo" in html
    assert "Ley y ética" in html
    assert "Find an approved course" not in html
    assert "How it is taught" not in html


def test_an_unknown_value_is_refused_at_its_field(client, catalogue):
    response = client.get(reverse("courses"), {"course": "area:'; drop table", "mode": "x"})

    assert response.status_code == 400
    assert response.context["rows"] == []
    assert "usa-form-group--error" in response.content.decode()


@pytest.mark.parametrize("name", ["course", "county", "language", "mode", "page"])
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=st.text(max_size=60))
def test_hostile_query_strings_never_fail(client, catalogue, name, value):
    response = client.get(reverse("courses"), {name: value})

    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "template", ["portal/training.html", "portal/specializations.html", "portal/ce_log.html"]
)
def test_the_applicant_pages_link_to_the_finder(template):
    from django.conf import settings as django_settings

    path = django_settings.BASE_DIR / "templates" / template
    assert "{% url 'courses' %}" in path.read_text()
