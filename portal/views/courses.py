"""The public course finder (no account; docs/domain.md#providers, issue 15 item 3): the courses
approved today, filterable by course, county, language and delivery mode, each with its
provider's contact, in English and Spanish. Linked from the applicant's training, specialization
and CE pages.

Courses have no scheduled sessions in the model (a provider's approval covers the course, not
dates of classes), so the finder shows until when each course is approved, not upcoming dates.
Any query string is read safely: an unknown value is refused with the form's message (400),
never a 500.
"""

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from counties.models import County
from providers.models import CeCourseCategory, CourseLanguage, CourseType, DeliveryMode
from providers.selectors import course_finder
from training.selectors import specialization_area_label, specialization_areas

PAGE_SIZE = 20


def _course_choices() -> list[tuple[str, object]]:
    """One list of what a person looks for: the core course, a specialization (any, or one
    area still offered), CE (any, or one category)."""
    choices: list[tuple[str, object]] = [
        ("", _("Any course")),
        (CourseType.CORE.value, CourseType.CORE.label),
        (CourseType.SPECIALIZATION.value, _("Any specialization course")),
    ]
    choices += [
        (f"area:{area.code}", _("Specialization: %(name)s") % {"name": area.label})
        for area in specialization_areas()
        if area.offered
    ]
    choices += [(CourseType.CE.value, _("Any continuing education course"))]
    choices += [
        (
            f"ce:{category.value}",
            _("Continuing education: %(category)s") % {"category": category.label},
        )
        for category in CeCourseCategory
    ]
    return choices


class CourseFinderForm(forms.Form):
    course = forms.ChoiceField(label=_("Course"), required=False)
    county = forms.ChoiceField(label=_("County"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("Any language")), *CourseLanguage.choices],
    )
    mode = forms.ChoiceField(
        label=_("How it is taught"),
        required=False,
        choices=[("", _("Any way")), *DeliveryMode.choices],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].choices = _course_choices()
        self.fields["county"].choices = [("", _("Any county"))] + list(
            County.objects.order_by("name").values_list("code", "name")
        )

    def selector_filters(self) -> dict[str, str]:
        data = self.cleaned_data
        course = data.get("course", "")
        filters = {
            "county_code": data.get("county", ""),
            "language": data.get("language", ""),
            "delivery_mode": data.get("mode", ""),
        }
        if course.startswith("area:"):
            filters |= {"course_type": CourseType.SPECIALIZATION, "area_code": course[5:]}
        elif course.startswith("ce:"):
            filters |= {"course_type": CourseType.CE, "ce_category": course[3:]}
        else:
            filters["course_type"] = course
        return filters


def _course_row(course) -> dict:
    provider = course.provider
    if course.course_type == CourseType.SPECIALIZATION:
        kind = _("Specialization: %(name)s") % {"name": specialization_area_label(course.area_code)}
    elif course.course_type == CourseType.CE and course.ce_category:
        kind = _("Continuing education: %(category)s") % {
            "category": CeCourseCategory(course.ce_category).label
        }
    else:
        kind = CourseType(course.course_type).label
    return {
        "course": course,
        "kind": kind,
        "languages": [CourseLanguage(code).label for code in course.languages],
        "modes": [DeliveryMode(code).label for code in course.delivery_modes],
        "provider": provider,
        "counties": [county.name for county in provider.counties.all()],
    }


@require_safe
def courses(request: HttpRequest) -> HttpResponse:
    """Public: the approved courses, filtered and paginated."""
    form = CourseFinderForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "page": None, "rows": [], "filtered": True}
        return render(request, "courses.html", context, status=400)
    filters = form.selector_filters()
    paginator = Paginator(course_finder(**filters), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [_course_row(course) for course in page.object_list],
        "filtered": any(filters.values()),
        "query": query.urlencode(),
    }
    return render(request, "courses.html", context)
