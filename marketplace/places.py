"""Finding places by name and tasks by distance (the browse page's `near` and `radius`).

A name is looked up whatever its case, optionally with its region ("Newport, Wales"); the
same name in several places means the most populous, the others offered as alternatives.
An unknown name gets close spellings: names starting like it, then difflib's close matches.
"""

import difflib
import math
from dataclasses import dataclass, field

from django.db.models import F, FloatField, Q, Subquery, Value
from django.db.models.functions import (
    ASin,
    Cos,
    Least,
    Lower,
    Power,
    Radians,
    Sin,
    Sqrt,
)

from .models import Place

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.09
SUGGESTIONS = 5
# A distance search's radius in miles: the default when a place comes without one, and
# the bounds the browse form (and anything storing a search) accepts.
DEFAULT_RADIUS, MIN_RADIUS, MAX_RADIUS = 10, 1, 100
REGIONS = {label.lower(): value for value, label in Place.Region.choices}


@dataclass
class PlaceMatch:
    """What a typed place name found: the place (None if unknown), the other places of the
    same name (most populous first) and, for an unknown name, close spellings."""

    typed: str
    place: Place | None = None
    alternatives: list[Place] = field(default_factory=list)
    suggestions: list[Place] = field(default_factory=list)


def _split_region(text: str) -> tuple[str, str | None]:
    """ "Newport, Wales" -> ("newport", "wales"); a trailing part that names no region is
    part of the name."""
    name, _, last = text.rpartition(",")
    if name and (region := REGIONS.get(last.strip().lower())):
        return name.strip().lower(), region
    return text.strip().lower(), None


def _named(key: str):
    return Place.objects.alias(name_lower=Lower("name")).filter(name_lower=key)


def place_find(text: str) -> PlaceMatch:
    """The place `text` ("Newport" or "Newport, Wales") names, whatever the case and
    spacing; one query when it is known, two or three when it is not."""
    typed = " ".join(text.split())
    key, region = _split_region(typed)
    if not key:
        return PlaceMatch(typed)
    same_name = list(_named(key).order_by("-population", "pk"))
    if region:
        in_region = [place for place in same_name if place.region == region]
        if in_region:  # picked by its region: the others of the name are not offered
            return PlaceMatch(typed, in_region[0])
    elif same_name:
        return PlaceMatch(typed, same_name[0], _other_regions(same_name, same_name[0]))
    return PlaceMatch(typed, suggestions=place_suggestions(key))


def _other_regions(same_name: list[Place], chosen: Place) -> list[Place]:
    """The most populous place of the same name in each other region: "Newport, England"
    is what a person can pick by name (several English Newports mean the largest)."""
    seen, others = {chosen.region}, []
    for place in same_name:
        if place.region not in seen:
            seen.add(place.region)
            others.append(place)
    return others


def place_suggestions(key: str) -> list[Place]:
    """Places spelled like `key` (lower case): names that start with it, largest first,
    else difflib's closest names."""
    after = key[:-1] + chr(ord(key[-1]) + 1)
    starting = list(
        Place.objects.alias(name_lower=Lower("name"))
        .filter(name_lower__gte=key, name_lower__lt=after, name_lower__startswith=key)
        .order_by("-population", "pk")[:SUGGESTIONS]
    )
    if starting:
        return starting
    names = {name.lower(): name for name in Place.objects.values_list("name", flat=True)}
    close = difflib.get_close_matches(key, names, n=SUGGESTIONS, cutoff=0.75)
    if not close:
        return []
    by_name = {}
    for place in _named_any(close).order_by("-population", "pk"):
        by_name.setdefault(place.name.lower(), place)  # the largest of each name
    return [by_name[name] for name in close if name in by_name]


def _named_any(keys: list[str]):
    return Place.objects.alias(name_lower=Lower("name")).filter(name_lower__in=keys)


def place_for_city(city: str) -> Place | None:
    """The place a task's city is matched to when it is saved (None if unknown)."""
    return place_find(city).place if city.strip() else None


@dataclass
class NamedPlace:
    """The place a name matches (as place_find picks it: the most populous of the name,
    in the region if one is given), as subqueries rather than a row: its coordinates go
    into a query the page runs anyway (the dashboard's figures), at no query of their own.
    NULL if unknown."""

    latitude: Subquery
    longitude: Subquery

    @classmethod
    def of(cls, text: str) -> "NamedPlace":
        key, region = _split_region(" ".join(text.split()))
        places = _named(key).filter(**({"region": region} if region else {}))
        first = places.order_by("-population", "pk")
        return cls(
            Subquery(first.values("latitude")[:1], output_field=FloatField()),
            Subquery(first.values("longitude")[:1], output_field=FloatField()),
        )


def _radians(degrees):
    if isinstance(degrees, int | float):
        return Value(math.radians(degrees))
    return Radians(degrees)


def bounding_box(place: Place, miles: float, prefix: str = "") -> Q:
    """Rows whose latitude/longitude (at `prefix`) lie in the square around `place` that
    holds its circle of `miles`: cheap on the indexed columns, exact filtering follows."""
    dlat = miles / MILES_PER_DEGREE_LATITUDE
    # A degree of longitude shrinks towards the poles; use the box's edge nearest a pole.
    far_lat = min(abs(place.latitude) + dlat, 89.0)
    dlon = miles / (MILES_PER_DEGREE_LATITUDE * math.cos(math.radians(far_lat)))
    return Q(
        **{
            f"{prefix}latitude__range": (place.latitude - dlat, place.latitude + dlat),
            f"{prefix}longitude__range": (place.longitude - dlon, place.longitude + dlon),
        }
    )


def distance_miles(place: Place | NamedPlace, prefix: str = ""):
    """The great-circle (haversine) distance in miles from `place` to the row's
    latitude/longitude at `prefix`, computed by the database (SQLite and PostgreSQL)."""
    lat1, lon1 = _radians(place.latitude), _radians(place.longitude)
    lat2, lon2 = Radians(F(f"{prefix}latitude")), Radians(F(f"{prefix}longitude"))
    half_chord = Power(Sin((lat2 - lat1) / 2), 2) + Cos(lat1) * Cos(lat2) * Power(
        Sin((lon2 - lon1) / 2), 2
    )
    # Least: rounding can push the square root a hair past 1, where ASIN is undefined.
    return Value(2 * EARTH_RADIUS_MILES) * ASin(
        Least(Sqrt(half_chord), Value(1.0)), output_field=FloatField()
    )
