"""Places typed alone, and which centres are nearest to a point.

The places themselves (names, postcodes, coordinates from their Wikipedia pages) live in
knowledge/places.yaml and are read by index/gazetteer.py; coordinates only order centres by
distance, so "about 2 km" is as precise as the bot ever claims.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from index.gazetteer import Gazetteer, Place, PlaceMatch, fold
from index.places_file import load_gazetteer
from index.schema import Centre, Site

__all__ = ["NamedPoint", "Place", "distance_km", "find_place", "named_points", "nearest_centres"]


@dataclass(frozen=True)
class NamedPoint:
    """A place a learner named, with the coordinates we order centres by."""

    name: str
    lat: float
    lon: float
    area: frozenset[str] = frozenset()
    """For a municipality: its folded names and postcodes, so that a centre whose address is in it
    counts as in it wherever it lies (a municipality's point is only its centre)."""
    within: frozenset[str] = frozenset()
    """The folded names and postcodes of the municipalities the place lies in (itself, for one): a
    centre known only to the municipality (its location's precision) may be anywhere in it."""
    postcodes: frozenset[str] = frozenset()
    """The place's own postcodes, when it has any (Neder-Over-Heembeek: 1120): a centre known only to
    the municipality but whose address has another postcode (1000) is not in it."""


def find_place(text: str, gazetteer: Gazetteer | None = None) -> NamedPoint | None:
    """The place when `text` is only a Brussels place or postcode ("1070", "à Cureghem"), if it has coordinates."""
    place = (gazetteer or load_gazetteer()).only_place(text)
    return point_of(place) if place is not None else None


def point_of(place: Place, municipalities: tuple[Place, ...] = (), name: str | None = None) -> NamedPoint | None:
    """A place's name (`name`, else its first) and coordinates, with the `municipalities` it lies
    in; None for a place without one point (the canal zone)."""
    if place.lat is None or place.lon is None:
        return None
    area = _keys(place) if place.kind == "municipality" else frozenset()
    within = frozenset().union(area, *(_keys(m) for m in municipalities))
    return NamedPoint(name or place.name, place.lat, place.lon, area, within, frozenset(place.postcodes))


def named_points(matches: list[PlaceMatch]) -> list[NamedPoint]:
    """Places named in the question that say where (a municipality, a neighbourhood, a station),
    not "Brussels" as a whole, an area without one point or a city elsewhere."""
    points = (point_of(match.place, match.municipalities, match.name) for match in matches if match.place.precision != "region")
    return [point for point in points if point is not None]


def _keys(municipality: Place) -> frozenset[str]:
    return frozenset([*(fold(name) for name in municipality.names), *municipality.postcodes])


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    r = 6371.0
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Nearby:
    """A centre, or one of its sites when `site` is set, at `km` from the point asked about."""

    centre: Centre
    site: Site | None
    km: float


def nearest_centres(lat: float, lon: float, centres: list[Centre], limit: int = 3) -> list[Nearby]:
    """Places with a known location, nearest first, one per organisation.

    A centre's main place counts only for walk-in centres (not networks, outreach, training
    providers or services for groups); the sites any of them lists count for all, since a site is
    a place someone can go to."""
    nearest: list[Nearby] = []
    for centre in centres:
        places: list[Nearby] = []
        if centre.walk_in and centre.location is not None:
            places.append(Nearby(centre, None, distance_km(lat, lon, centre.location.lat, centre.location.lon)))
        for site in centre.sites or ():
            if site.location is not None:
                places.append(Nearby(centre, site, distance_km(lat, lon, site.location.lat, site.location.lon)))
        if places:
            nearest.append(min(places, key=lambda near: near.km))
    return sorted(nearest, key=lambda near: near.km)[:limit]
