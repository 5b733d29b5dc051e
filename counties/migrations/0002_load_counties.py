"""The 58 California counties (FIPS code, code, name), copied here from the state's list."""

from django.db import migrations

COUNTIES = [
    ("06001", "alameda", "Alameda"),
    ("06003", "alpine", "Alpine"),
    ("06005", "amador", "Amador"),
    ("06007", "butte", "Butte"),
    ("06009", "calaveras", "Calaveras"),
    ("06011", "colusa", "Colusa"),
    ("06013", "contra-costa", "Contra Costa"),
    ("06015", "del-norte", "Del Norte"),
    ("06017", "el-dorado", "El Dorado"),
    ("06019", "fresno", "Fresno"),
    ("06021", "glenn", "Glenn"),
    ("06023", "humboldt", "Humboldt"),
    ("06025", "imperial", "Imperial"),
    ("06027", "inyo", "Inyo"),
    ("06029", "kern", "Kern"),
    ("06031", "kings", "Kings"),
    ("06033", "lake", "Lake"),
    ("06035", "lassen", "Lassen"),
    ("06037", "los-angeles", "Los Angeles"),
    ("06039", "madera", "Madera"),
    ("06041", "marin", "Marin"),
    ("06043", "mariposa", "Mariposa"),
    ("06045", "mendocino", "Mendocino"),
    ("06047", "merced", "Merced"),
    ("06049", "modoc", "Modoc"),
    ("06051", "mono", "Mono"),
    ("06053", "monterey", "Monterey"),
    ("06055", "napa", "Napa"),
    ("06057", "nevada", "Nevada"),
    ("06059", "orange", "Orange"),
    ("06061", "placer", "Placer"),
    ("06063", "plumas", "Plumas"),
    ("06065", "riverside", "Riverside"),
    ("06067", "sacramento", "Sacramento"),
    ("06069", "san-benito", "San Benito"),
    ("06071", "san-bernardino", "San Bernardino"),
    ("06073", "san-diego", "San Diego"),
    ("06075", "san-francisco", "San Francisco"),
    ("06077", "san-joaquin", "San Joaquin"),
    ("06079", "san-luis-obispo", "San Luis Obispo"),
    ("06081", "san-mateo", "San Mateo"),
    ("06083", "santa-barbara", "Santa Barbara"),
    ("06085", "santa-clara", "Santa Clara"),
    ("06087", "santa-cruz", "Santa Cruz"),
    ("06089", "shasta", "Shasta"),
    ("06091", "sierra", "Sierra"),
    ("06093", "siskiyou", "Siskiyou"),
    ("06095", "solano", "Solano"),
    ("06097", "sonoma", "Sonoma"),
    ("06099", "stanislaus", "Stanislaus"),
    ("06101", "sutter", "Sutter"),
    ("06103", "tehama", "Tehama"),
    ("06105", "trinity", "Trinity"),
    ("06107", "tulare", "Tulare"),
    ("06109", "tuolumne", "Tuolumne"),
    ("06111", "ventura", "Ventura"),
    ("06113", "yolo", "Yolo"),
    ("06115", "yuba", "Yuba"),
]


def load_counties(apps, schema_editor):
    County = apps.get_model("counties", "County")
    for fips, code, name in COUNTIES:
        County.objects.update_or_create(code=code, defaults={"fips": fips, "name": name})


class Migration(migrations.Migration):
    dependencies = [("counties", "0001_initial")]

    operations = [migrations.RunPython(load_counties, migrations.RunPython.noop)]
