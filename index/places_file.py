"""Reading knowledge/places.yaml: each entry checked as staff wrote it, then the places checked
against each other, every problem reported as `places.yaml:LINE: field: message` and the valid
places kept, so one wrong entry never takes the others down. Matching lives in index/gazetteer.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from index import frontmatter
from index.gazetteer import Gazetteer, Kind, Place, fold, name_variants
from index.problems import Problem
from index.schema import BRUSSELS_BOUNDS, Id, Strict, Url
from index.yaml_list import read_list

PLACES_FILE = "places.yaml"
"""The places file, at the top of the knowledge folder."""

DEFAULT_PLACES = Path(__file__).resolve().parent.parent / "knowledge" / PLACES_FILE
"""The shipped places, for callers that have no settings (tests, the default of detect_language)."""

_POSTCODE = re.compile(r"^1[0-2]\d\d$")


class PlaceRecord(Strict):
    """One entry of places.yaml, as staff write it."""

    id: Id
    kind: Kind
    names: list[str] = Field(min_length=1)
    ambiguous: list[str] = Field(default_factory=list)
    postcodes: list[str] = Field(default_factory=list)
    municipality: Id | None = None
    municipalities: list[Id] = Field(default_factory=list)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    precision: Literal["region", "municipality", "neighbourhood", "landmark"] | None = None
    source: Url | None = None

    @field_validator("postcodes", mode="before")
    @classmethod
    def _numbers_as_text(cls, value: object) -> object:
        return [str(code) if isinstance(code, int) else code for code in value] if isinstance(value, list) else value

    @field_validator("postcodes")
    @classmethod
    def _brussels_postcodes(cls, value: list[str]) -> list[str]:
        for code in value:
            if not _POSTCODE.match(code):
                raise ValueError(f'{code!r} is not a Brussels postcode (four digits from 1000 to 1299, e.g. "1070")')
        return value

    @field_validator("names")
    @classmethod
    def _names_have_letters(cls, value: list[str]) -> list[str]:
        for name in value:
            if not fold(name):
                raise ValueError(f"{name!r} is not a name: it has no letters")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> PlaceRecord:
        unknown = [name for name in self.ambiguous if name not in self.names]
        if unknown:
            raise ValueError(f"ambiguous names must also be in names: {', '.join(map(repr, unknown))}")
        if self.kind == "municipality" and (self.municipality or self.municipalities):
            raise ValueError("a municipality does not lie in a municipality: remove 'municipality'")
        if self.municipality and self.municipalities:
            raise ValueError("give either 'municipality' (one) or 'municipalities' (several), not both")
        if self.kind in ("neighbourhood", "station", "landmark") and not (self.municipality or self.municipalities):
            raise ValueError(f"a {self.kind} needs 'municipality': the id of the municipality it lies in")
        located = [name for name in ("lat", "lon", "precision", "source") if getattr(self, name) is not None]
        if self.kind == "elsewhere" and (self.municipality or self.municipalities or self.postcodes or self.lat is not None):
            raise ValueError(
                "a place outside Brussels has only names (some of them ambiguous) and a source: no municipality, postcodes or coordinates"
            )
        if (located and len(located) < 4 and self.kind != "elsewhere") or (not located and self.kind not in ("area", "elsewhere")):
            missing = [name for name in ("lat", "lon", "precision", "source") if getattr(self, name) is None]
            raise ValueError(f"give lat, lon, precision and source together (missing: {', '.join(missing)}); only an area may have none")
        return self


@dataclass
class PlacesFile:
    """What loading places.yaml gave: the gazetteer of its valid places, the problems, the hash."""

    gazetteer: Gazetteer
    problems: list[Problem]
    sha256: str | None


def load_places(path: Path) -> PlacesFile:
    """Read and check places.yaml; never raises for bad content (problems are returned)."""
    read = read_list(path, PlaceRecord, "places", "id")
    records, problems = read.entries, read.problems
    if read.parsed is None or not records:
        return PlacesFile(Gazetteer(), problems, read.sha256)
    shown, parsed, sha = str(path), read.parsed, read.sha256
    _check_places(records, parsed, shown, problems)
    places = {
        r.id: Place(
            r.id,
            r.kind,
            tuple(r.names),
            tuple(r.postcodes),
            (r.municipality,) if r.municipality else tuple(r.municipalities),
            r.lat,
            r.lon,
            r.precision,
            r.source,
        )
        for _, r in records
    }
    ambiguous = frozenset(v for _, r in records for name in r.ambiguous for v in name_variants(name))
    return PlacesFile(Gazetteer(places, ambiguous), problems, sha)


def _check_places(records: list[tuple[int, PlaceRecord]], parsed: frontmatter.FrontMatter, shown: str, problems: list[Problem]) -> None:
    """Checks across places: ids, names and postcodes used twice, municipalities that do not exist."""
    ids: dict[str, int] = {}
    names: dict[tuple[str, str], tuple[str, str]] = {}
    municipalities = {r.id for _, r in records if r.kind == "municipality"}
    (lat_lo, lat_hi), (lon_lo, lon_hi) = BRUSSELS_BOUNDS
    for index, record in records:
        line = parsed.line_of((index, "id"))
        if record.id in ids:
            problems.append(Problem(shown, line, "id", f"id {record.id!r} is already used on line {ids[record.id]}"))
            continue
        ids[record.id] = line
        keyed = [("names", n, i, v) for i, n in enumerate(record.names) for v in sorted(name_variants(n))]
        keyed += [("postcodes", c, i, c) for i, c in enumerate(record.postcodes)]
        for field_key, written, position, key in keyed:
            other = names.get((record.kind, key))
            if other is not None and other[0] != record.id:
                problems.append(
                    Problem(
                        shown,
                        parsed.line_of((index, field_key, position)),
                        f"{field_key}[{position + 1}]",
                        f"{written!r} also names the {record.kind} {other[0]!r} (as {other[1]!r}): a name or postcode may point at one {record.kind} only",
                    )
                )
            names.setdefault((record.kind, key), (record.id, written))
        for position, municipality in enumerate([record.municipality] if record.municipality else record.municipalities):
            if municipality not in municipalities:
                field_key = "municipality" if record.municipality else f"municipalities[{position + 1}]"
                loc = (index, "municipality") if record.municipality else (index, "municipalities", position)
                problems.append(Problem(shown, parsed.line_of(loc), field_key, f"no municipality has the id {municipality!r}"))
        if record.lat is not None and record.lon is not None and not (lat_lo <= record.lat <= lat_hi and lon_lo <= record.lon <= lon_hi):
            problems.append(
                Problem(
                    shown,
                    parsed.line_of((index, "lat")),
                    "lat",
                    f"{record.lat}, {record.lon} is outside the Brussels region: are lat and lon swapped?",
                )
            )


@lru_cache(maxsize=8)
def load_gazetteer(path: Path = DEFAULT_PLACES) -> Gazetteer:
    """The places of `path`, loaded once per path; the valid places even when others have errors."""
    return load_places(path).gazetteer
