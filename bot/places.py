"""Brussels municipalities and postcodes, and which centres are nearest to a point.

Coordinates are the municipalities' public Wikipedia coordinates (rounded to the arc minute,
https://en.wikipedia.org/wiki/Municipalities_of_the_Brussels-Capital_Region); they only order
centres by distance, so "about 2 km" is as precise as the bot ever claims.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from index.schema import Centre, Site


@dataclass(frozen=True)
class Place:
    name: str
    lat: float
    lon: float


# name variants (FR / NL / EN), postcodes, coordinates
_MUNICIPALITIES: list[tuple[tuple[str, ...], tuple[str, ...], float, float]] = [
    (("Anderlecht", "Cureghem", "Kuregem"), ("1070",), 50.8333, 4.3000),
    (("Auderghem", "Oudergem"), ("1160",), 50.8167, 4.4333),
    (("Berchem-Sainte-Agathe", "Sint-Agatha-Berchem"), ("1082",), 50.8667, 4.2917),
    (("Bruxelles", "Brussel", "Brussels", "Bruxelles-Ville", "Brussel-Stad", "City of Brussels"), ("1000",), 50.8467, 4.3525),
    (("Laeken", "Laken"), ("1020",), 50.8833, 4.3500),
    (("Neder-Over-Heembeek",), ("1120",), 50.9000, 4.3833),
    (("Haren",), ("1130",), 50.8833, 4.4167),
    (("Etterbeek",), ("1040",), 50.8333, 4.3833),
    (("Evere",), ("1140",), 50.8667, 4.4000),
    (("Forest", "Vorst"), ("1190",), 50.8167, 4.3167),
    (("Ganshoren",), ("1083",), 50.8667, 4.3167),
    (("Ixelles", "Elsene"), ("1050",), 50.8333, 4.3667),
    (("Jette",), ("1090",), 50.8833, 4.3333),
    (("Koekelberg",), ("1081",), 50.8667, 4.3333),
    (("Molenbeek-Saint-Jean", "Sint-Jans-Molenbeek", "Molenbeek"), ("1080",), 50.8500, 4.3333),
    (("Saint-Gilles", "Sint-Gillis"), ("1060",), 50.8333, 4.3500),
    (("Saint-Josse-ten-Noode", "Sint-Joost-ten-Node", "Saint-Josse", "Sint-Joost"), ("1210",), 50.8500, 4.3667),
    (("Schaerbeek", "Schaarbeek"), ("1030",), 50.8667, 4.3833),
    (("Uccle", "Ukkel"), ("1180",), 50.8000, 4.3333),
    (("Watermael-Boitsfort", "Watermaal-Bosvoorde"), ("1170",), 50.8000, 4.4167),
    (("Woluwe-Saint-Lambert", "Sint-Lambrechts-Woluwe"), ("1200",), 50.8500, 4.4167),
    (("Woluwe-Saint-Pierre", "Sint-Pieters-Woluwe"), ("1150",), 50.8333, 4.4333),
]


def _key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return re.sub(r"[^a-z0-9]+", " ", "".join(c for c in folded if not unicodedata.combining(c))).strip()


_PLACES: dict[str, Place] = {}
for _names, _codes, _lat, _lon in _MUNICIPALITIES:
    for _alias in (*_names, *_codes):
        _PLACES[_key(_alias)] = Place(_names[0], _lat, _lon)


def find_place(text: str) -> Place | None:
    """The municipality when `text` is only a Brussels municipality name or postcode ("1070", "anderlecht")."""
    key = _key(text)
    for prefix in ("in ", "a ", "te ", "near ", "pres de ", "bij "):
        if key.startswith(prefix) and key[len(prefix) :] in _PLACES:
            key = key[len(prefix) :]
    return _PLACES.get(key)


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
