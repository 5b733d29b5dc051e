"""Reads of training reference data. A person's training records are private until shared by
applying: their access layer is `certification.selectors.training_records_for`."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from training.models import Course, SpecializationArea, TrainingProvider, TrainingRecord


def training_providers_approved() -> QuerySet[TrainingProvider]:
    """The approved list of training providers, by name: those listed by an operator, and
    those approved through the approval cycles that hold at least one course approval (any:
    a lapsed approval still covers training taken before it lapsed)."""
    return (
        TrainingProvider.objects.filter(approved=True)
        .filter(Q(approved_by_cycles=False) | Q(course_approvals__isnull=False))
        .distinct()
        .order_by("name")
    )


def core_training_records_of(person_ids: Iterable[int]) -> QuerySet[TrainingRecord]:
    """The core-training records of the people `person_ids`, with their provider, for a
    service that has already checked its caller may see them (the exam service, for an
    applicant of the county its staff record results in; the rows are behind row-level
    security all the same)."""
    return (
        TrainingRecord.objects.filter(person_id__in=list(person_ids), course=Course.CORE_80)
        .select_related("provider")
        .prefetch_related("provider__course_approvals")
    )


# Areas of specialization ----------------------------------------------------------------------

# The areas are read on many pages (labels of training records and certifications) and change
# rarely, by an operator in the Django admin: kept in the shared cache, dropped whenever an
# area is saved (`training.apps`), and read again at the latest after this long.
AREAS_CACHE_KEY = "training:specialization-areas:v1"
AREAS_CACHE_SECONDS = 600


@dataclass(frozen=True)
class Area:
    """An area of specialization as read from `SpecializationArea`."""

    code: str
    name: str
    name_es: str
    offered: bool

    @property
    def label(self) -> str:
        """The area's name in the active language (Spanish when there is one)."""
        language = translation.get_language() or ""
        return self.name_es if language.startswith("es") and self.name_es else self.name


def specialization_areas() -> list[Area]:
    """Every area of specialization, in list order, retired ones included (certifications may
    hold them). Reference data, readable by anyone."""
    areas = cache.get(AREAS_CACHE_KEY)
    if areas is None:
        areas = [
            Area(code=a.code, name=a.name, name_es=a.name_es, offered=a.offered)
            for a in SpecializationArea.objects.order_by("position", "name")
        ]
        cache.set(AREAS_CACHE_KEY, areas, AREAS_CACHE_SECONDS)
    return areas


def specialization_areas_changed(**_kwargs: object) -> None:
    """Forget the cached areas (an area was saved or deleted)."""
    cache.delete(AREAS_CACHE_KEY)


def specialization_area_names() -> dict[str, str]:
    """Each area's code and its name in the active language, retired areas included."""
    return {area.code: area.label for area in specialization_areas()}


def specialization_area_label(code: str) -> str:
    """The name of the area `code` in the active language (the code itself if unknown)."""
    return specialization_area_names().get(code, code)


def specialization_area_choices() -> list[tuple[str, str]]:
    """(code, name) of every area, for filters over what certifications hold."""
    return list(specialization_area_names().items())


def course_choices() -> list[tuple[str, str]]:
    """The courses a person can add: the core course, then each area still offered."""
    return [(Course.CORE_80.value, str(Course.CORE_80.label))] + [
        (area.code, _("Specialization: %(name)s") % {"name": area.label})
        for area in specialization_areas()
        if area.offered
    ]


def course_label(course: str) -> str:
    """The name of `course` in the active language: the core course, or the area's."""
    if course == Course.CORE_80:
        return str(Course.CORE_80.label)
    return _("Specialization: %(name)s") % {"name": specialization_area_label(course)}
