"""Places: the towns and villages of Great Britain and Northern Ireland, from GeoNames.

Loaded once by migration 0012 from marketplace/data/gb_places.csv (see docs/design.md,
"Search by distance"). A task's city is matched to one when the task is saved.
"""

from django.db import models
from django.db.models import F
from django.db.models.functions import Lower


class Place(models.Model):
    class Region(models.TextChoices):
        ENGLAND = "england", "England"
        SCOTLAND = "scotland", "Scotland"
        WALES = "wales", "Wales"
        NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"

    # GeoNames' own id: stable across reloads of the gazetteer, so a task's link survives.
    geonameid = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(max_length=100)
    region = models.CharField(max_length=20, choices=Region.choices)
    population = models.PositiveIntegerField(default=0)
    # Degrees (WGS84). Each indexed for the bounding box a distance search starts with.
    latitude = models.FloatField(db_index=True)
    longitude = models.FloatField(db_index=True)

    class Meta:
        ordering = ["name", "-population", "geonameid"]
        indexes = [
            # A place is looked up by its name whatever the case (places.place_find), and
            # close spellings by a prefix of it.
            models.Index(Lower("name"), F("population").desc(), name="place_name_lower"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.get_region_display()}"
