"""Municipalities, postcodes and nearest centres."""

from __future__ import annotations

import pytest

from bot.places import distance_km, find_place, nearest_centres
from index.schema import Centre


@pytest.mark.parametrize(
    "text,name",
    [("1070", "Anderlecht"), ("anderlecht", "Anderlecht"), ("Kuregem", "Cureghem"), ("à Schaerbeek", "Schaerbeek"),
     ("Schaarbeek", "Schaerbeek"), ("Sint-Jans-Molenbeek", "Molenbeek-Saint-Jean"), ("1210", "Saint-Josse-ten-Noode")],
)
def test_municipality_or_postcode_alone(text: str, name: str) -> None:
    place = find_place(text)
    assert place is not None and place.name == name


@pytest.mark.parametrize("text", ["coding in Anderlecht", "1070 Anderlecht coding", "Antwerpen", "9000", ""])
def test_questions_are_not_places(text: str) -> None:
    assert find_place(text) is None


def test_distance_between_brussels_and_antwerp_is_about_40_km() -> None:
    assert distance_km(50.8467, 4.3525, 51.2194, 4.4025) == pytest.approx(41.7, abs=1.0)


def _centre(id: str, lat: float, lon: float, kind: str = "centre") -> Centre:
    return Centre.model_validate(
        {"id": id, "kind": kind, "name": id, "summary": "s", "verified": "2026-11-01",
         "sources": [{"url": "https://x.example.org", "date": "undated"}],
         "location": {"lat": lat, "lon": lon, "precision": "street", "source": "https://x.example.org"}}
    )


def test_nearest_first_and_networks_left_out() -> None:
    centres = [_centre("far", 50.90, 4.40), _centre("near", 50.84, 4.31), _centre("net", 50.8333, 4.3, kind="network")]
    pairs = nearest_centres(50.8333, 4.3, centres)
    assert [c.id for c, _ in pairs] == ["near", "far"]
    assert pairs[0][1] < pairs[1][1]
