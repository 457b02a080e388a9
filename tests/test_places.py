"""Municipalities, postcodes and nearest centres."""

from __future__ import annotations

import pytest

from bot.places import distance_km, find_place, nearest_centres
from index.schema import Centre


@pytest.mark.parametrize(
    "text,name",
    [
        ("1070", "Anderlecht"),
        ("anderlecht", "Anderlecht"),
        ("Kuregem", "Cureghem"),
        ("à Schaerbeek", "Schaerbeek"),
        ("Schaarbeek", "Schaerbeek"),
        ("Sint-Jans-Molenbeek", "Molenbeek-Saint-Jean"),
        ("1210", "Saint-Josse-ten-Noode"),
    ],
)
def test_municipality_or_postcode_alone(text: str, name: str) -> None:
    place = find_place(text)
    assert place is not None and place.name == name


@pytest.mark.parametrize("text", ["coding in Anderlecht", "1070 Anderlecht coding", "Antwerpen", "9000", ""])
def test_questions_are_not_places(text: str) -> None:
    assert find_place(text) is None


def test_distance_between_brussels_and_antwerp_is_about_40_km() -> None:
    assert distance_km(50.8467, 4.3525, 51.2194, 4.4025) == pytest.approx(41.7, abs=1.0)


def _centre(id: str, lat: float, lon: float, kind: str = "centre", sites: list[tuple[str, float, float]] = ()) -> Centre:
    located = {"precision": "street", "source": "https://x.example.org"}
    return Centre.model_validate(
        {
            "id": id,
            "kind": kind,
            "name": id,
            "summary": "s",
            "verified": "2026-11-01",
            "sources": [{"url": "https://x.example.org", "date": "undated"}],
            "location": {"lat": lat, "lon": lon, **located},
            "sites": [
                {"id": name, "name": name, "source": "https://x.example.org", "location": {"lat": s_lat, "lon": s_lon, **located}}
                for name, s_lat, s_lon in sites
            ]
            or None,
        }
    )


def test_nearest_first_and_networks_left_out() -> None:
    centres = [_centre("far", 50.90, 4.40), _centre("near", 50.84, 4.31), _centre("net", 50.8333, 4.3, kind="network")]
    places = nearest_centres(50.8333, 4.3, centres)
    assert [near.centre.id for near in places] == ["near", "far"]
    assert places[0].km < places[1].km
    assert places[0].site is None


@pytest.mark.parametrize("kind", ["outreach", "training", "for-groups"])
def test_only_walk_in_centres_count_by_their_main_place(kind: str) -> None:
    places = nearest_centres(50.8333, 4.3, [_centre("far", 50.90, 4.40), _centre("other", 50.8333, 4.3, kind=kind)])
    assert [near.centre.id for near in places] == ["far"]


def test_sites_count_for_every_kind_once_per_organisation() -> None:
    network = _centre("net", 50.8333, 4.3, kind="network", sites=[("north", 50.88, 4.35), ("south", 50.835, 4.301)])
    school = _centre("school", 50.90, 4.40, kind="training", sites=[("campus", 50.86, 4.33)])
    walk_in = _centre("room", 50.84, 4.31, sites=[("annex", 50.8334, 4.3001)])
    places = nearest_centres(50.8333, 4.3, [network, school, walk_in, _centre("far", 50.91, 4.41)])
    assert [(near.centre.id, near.site.id if near.site else None) for near in places] == [
        ("room", "annex"),
        ("net", "south"),
        ("school", "campus"),
    ]
