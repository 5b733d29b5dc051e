"""The areas of specialization are data an operator extends (DOMAIN.md: DHCS may add areas):
seeded with the four published ones, kept in the Django admin (never deleted), offered on the
Training form, named everywhere from the cache, and walled like other public reference data
(anyone reads; only operators and the system write; nobody deletes)."""

import pytest
from django.db import IntegrityError, ProgrammingError, transaction
from django.urls import reverse
from django.utils import translation

from portal.forms import TrainingRecordForm
from tests.factories import UserFactory
from tests.security.test_rls import acting
from training.models import SpecializationArea, TrainingProvider
from training.selectors import course_choices, course_label, specialization_area_label

pytestmark = pytest.mark.django_db

SEEDED = [
    ("parent_caregiver_family", "Parent, Caregiver and Family Member"),
    ("crisis", "Crisis Services"),
    ("unhoused", "Unhoused"),
    ("justice_involved", "Justice-Involved"),
]


@pytest.fixture
def operator(client):
    user = UserFactory(email="ops@example.org", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_four_published_areas_are_seeded_with_their_codes():
    assert list(SpecializationArea.objects.values_list("code", "name")) == SEEDED
    assert course_choices()[1:] == [(code, f"Specialization: {name}") for code, name in SEEDED]
    with translation.override("es"):
        assert specialization_area_label("crisis") == "Servicios de crisis"
        assert course_label("unhoused") == "Especialización: Personas sin vivienda"


def test_an_operator_adds_an_area_and_the_training_form_offers_it(client, operator):
    response = client.post(
        reverse("admin:training_specializationarea_add"),
        {
            "code": "peer_workforce",
            "name": "Peer Workforce",
            "name_es": "Fuerza laboral de pares",
            "offered": "on",
            "position": "50",
        },
    )
    assert response.status_code == 302
    form = TrainingRecordForm(providers=TrainingProvider.objects.all())
    assert ("peer_workforce", "Specialization: Peer Workforce") in form.fields["course"].choices


def test_a_retired_area_is_not_offered_but_keeps_its_name(client, operator):
    crisis = SpecializationArea.objects.get(code="crisis")
    course_choices()  # cached before the change: the save drops the cache
    response = client.post(
        reverse("admin:training_specializationarea_change", args=[crisis.pk]),
        {"name": "Crisis Services", "name_es": "Servicios de crisis", "position": "20"},
    )
    assert response.status_code == 302
    assert SpecializationArea.objects.get(code="crisis").offered is False
    assert "crisis" not in dict(course_choices())
    assert specialization_area_label("crisis") == "Crisis Services"


def test_areas_are_never_deleted_and_their_code_never_changes(client, operator):
    crisis = SpecializationArea.objects.get(code="crisis")
    delete = reverse("admin:training_specializationarea_delete", args=[crisis.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = client.get(reverse("admin:training_specializationarea_change", args=[crisis.pk]))
    assert 'name="code"' not in change.content.decode()
    assert SpecializationArea.objects.filter(code="crisis").exists()


def test_the_core_courses_code_names_no_area():
    with pytest.raises(IntegrityError), transaction.atomic():
        SpecializationArea.objects.create(code="core_80", name="Core", name_es="Básica")


def test_anyone_reads_the_areas_and_only_operators_write_them():
    staff = UserFactory(email="ops.sql@example.org", is_staff=True, is_superuser=True)
    with acting() as cursor:
        cursor.execute("SELECT count(*) FROM training_specializationarea")
        assert cursor.fetchone()[0] == 4
        cursor.execute("UPDATE training_specializationarea SET name = 'Changed'")
        assert cursor.rowcount == 0
    with acting() as cursor, pytest.raises(ProgrammingError, match="row-level security"):
        cursor.execute(
            "INSERT INTO training_specializationarea (code, name, name_es, offered, position) "
            "VALUES ('sneaky', 'Sneaky', 'Sneaky', true, 0)"
        )
    with acting(user_id=staff.pk, operator=True) as cursor:
        cursor.execute(
            "INSERT INTO training_specializationarea (code, name, name_es, offered, position) "
            "VALUES ('peer_workforce', 'Peer Workforce', 'Fuerza laboral', true, 50)"
        )
        assert cursor.rowcount == 1
    assert not SpecializationArea.objects.filter(code__in=["sneaky", "peer_workforce"]).exists()
    assert not SpecializationArea.objects.filter(name="Changed").exists()


@pytest.mark.parametrize("operator_context", [False, True])
def test_no_one_deletes_an_area(operator_context):
    with (
        acting(operator=operator_context) as cursor,
        pytest.raises(ProgrammingError, match="denied"),
    ):
        cursor.execute("DELETE FROM training_specializationarea")
    assert SpecializationArea.objects.count() == 4
