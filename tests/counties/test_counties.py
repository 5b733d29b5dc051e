import pytest

from counties.models import County

pytestmark = pytest.mark.django_db


def test_all_58_counties_are_loaded_with_fips_codes():
    assert County.objects.count() == 58
    slo = County.objects.get(code="san-luis-obispo")
    assert (slo.name, slo.fips) == ("San Luis Obispo", "06079")
    assert County.objects.get(code="alameda").fips == "06001"
    assert County.objects.filter(fips__regex=r"^06[0-9]{3}$").count() == 58
