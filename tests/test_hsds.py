"""The Open Referral HSDS 3.0 export: what maps to what, stable ids, each record once, and the
strict schema check (`make hsds-check` runs it against the real HSDS 3.0 schema, which this
repository may not hold)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.hsds import export_organizations, is_dated
from bot.hsds_attributes import hsds_id
from bot.hsds_check import schema_problems
from bot.timing import BRUSSELS
from index.knowledge import load_knowledge
from index.schema import LANGUAGES
from tests.support.helpers import SHIPPED_KNOWLEDGE

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=BRUSSELS)

SOURCES = """\
sources:
  - url: https://{id}.example.org/about
    date: 2026-05-01
    about: everything
verified: 2026-11-01
"""

CENTRES = {
    "alpha": """\
id: alpha
name:
  en: Alpha centre
  fr: Centre Alpha
  nl: Centrum Alpha
summary: {en: Alpha teaches coding., fr: Alpha enseigne le code., nl: Alpha leert programmeren.}
website: https://alpha.example.org
phone: "+32 2 000 00 00"
email: info@alpha.example.org
address:
  street: {fr: Rue Exemple 1, nl: Voorbeeldstraat 1}
  postcode: "1070"
  municipality: Anderlecht
  as_of: "2024"
  source: https://alpha.example.org/contact
location: {lat: 50.84, lon: 4.31, precision: street, source: https://alpha.example.org/map}
hours:
  - {days: [mon, tue], opens: "09:00", closes: "12:00"}
  - {days: [thu], opens: "13:30", closes: "17:00"}
hours_note: {en: Closed in August., fr: Fermé en août.}
transport: {en: Metro Clemenceau.}
accessibility: {en: Step-free entrance.}
languages: [fr, nl]
""",
    "beta": """\
id: beta
name: Beta
summary: {en: Beta has a computer room.}
address:
  street: Rue Ancienne 9
  postcode: "1210"
  municipality: Saint-Josse-ten-Noode
  status: unverified
  as_of: "2012"
  source: https://beta.example.org/old
location: {lat: 50.85, lon: 4.37, precision: municipality, source: https://en.wikipedia.org/wiki/Saint-Josse-ten-Noode}
""",
    "gamma": """\
id: gamma
kind: network
name: Gamma network
summary: {en: A network of centres.}
website: https://gamma.example.org
""",
}

PROGRAMMES = {
    "alpha-code": """\
id: alpha-code
centre: alpha
title: {en: Coding for women, fr: Code pour femmes, nl: Programmeren voor vrouwen}
summary: {en: Six months of coding.}
for_whom: {en: Young women looking for work., fr: Jeunes femmes qui cherchent un emploi.}
eligibility:
  gender: women
  age_min: 18
  age_max: 30
  jobseeker: required
  jobseeker_agency: [actiris]
  residence: brussels-region
  prerequisites: {en: Basic French.}
instruction_languages: [fr]
duration: {en: Six months.}
cost: {en: Free.}
how_to_apply: {en: Come to an information session.}
sessions:
  - {kind: info-session, date: 2026-01-10, time: "10:00", source: https://alpha.example.org/past}
  - {kind: info-session, date: 2027-01-15, time: "14:00", place: {en: Room 2}, source: https://alpha.example.org/next}
  - {kind: registration, date: 2026-11-01, end: 2026-12-20, source: https://alpha.example.org/register}
""",
    "alpha-old": """\
id: alpha-old
centre: alpha
title: Office course
summary: {en: An office course.}
for_whom: {en: Job seekers.}
as_of: "2013-2015"
""",
    "beta-room": """\
id: beta-room
centre: beta
title: Computer room
summary: {en: Free computers.}
for_whom: {en: Anyone.}
as_of: "2017"
""",
    "gamma-list": """\
id: gamma-list
centre: gamma
title: List of computer rooms
summary: {en: The network lists rooms.}
for_whom: {en: Anyone.}
""",
}


def _write(root: Path, folder: str, records: dict[str, str]) -> None:
    (root / folder).mkdir(parents=True, exist_ok=True)
    for id, front in records.items():
        body = f"---\n{front}{SOURCES.format(id=id.split('-')[0])}---\n# en\nAbout {id}.\n"
        (root / folder / f"{id}.md").write_text(body, encoding="utf-8")


@pytest.fixture
def hsds_knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    _write(root, "centres", CENTRES)
    _write(root, "programmes", PROGRAMMES)
    return root


def _export(root: Path, lang: str = "en") -> list[dict[str, Any]]:
    knowledge = load_knowledge(root)
    assert not knowledge.errors, [str(p) for p in knowledge.errors]
    return export_organizations(knowledge, lang, NOW)


def _by_name(documents: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(d for d in documents if d["name"] == name)


def _attrs(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(a["taxonomy_term"]["code"], a["value"]) for a in record.get("attributes", [])]


def test_centre_maps_to_organization_location_address_schedule_and_phone(hsds_knowledge: Path) -> None:
    alpha = _by_name(_export(hsds_knowledge), "Alpha centre")
    assert (
        alpha["id"]
        == hsds_id("organization", "alpha")
        == str(uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "urn:telecentre-bot:hsds"), "organization/alpha"))
    )
    assert alpha["alternate_name"] == "Centre Alpha / Centrum Alpha"
    assert (alpha["description"], alpha["website"], alpha["email"]) == (
        "Alpha teaches coding.",
        "https://alpha.example.org",
        "info@alpha.example.org",
    )
    assert [p["number"] for p in alpha["phones"]] == ["+32 2 000 00 00"]
    assert ("kind", "centre") in _attrs(alpha) and ("verified", "2026-11-01") in _attrs(alpha)
    assert ("source", "https://alpha.example.org/about (2026-05-01: everything)") in _attrs(alpha)
    [place] = alpha["locations"]
    assert (place["latitude"], place["longitude"], place["transportation"]) == (50.84, 4.31, "Metro Clemenceau.")
    assert ("coordinates-precision", "street") in _attrs(place) and ("source", "https://alpha.example.org/map") in _attrs(place)
    [address] = place["addresses"]
    assert {k: address[k] for k in ("address_1", "city", "postal_code", "country", "state_province", "location_id")} == {
        "address_1": "Rue Exemple 1",
        "city": "Anderlecht",
        "postal_code": "1070",
        "country": "BE",
        "state_province": "Brussels-Capital Region",
        "location_id": place["id"],
    }
    assert ("as-of", "2024") in _attrs(address) and ("source", "https://alpha.example.org/contact") in _attrs(address)
    assert [(s["byday"], s["opens_at"], s["closes_at"], s["notes"]) for s in place["schedules"]] == [
        ("MO,TU", "09:00:00", "12:00:00", "Closed in August."),
        ("TH", "13:30:00", "17:00:00", "Closed in August."),
    ]
    assert [(lang["code"], lang["name"]) for lang in place["languages"]] == [("fr", "French"), ("nl", "Dutch")]
    assert place["accessibility"][0]["description"] == "Step-free entrance."
    nl = _by_name(_export(hsds_knowledge, "nl"), "Centrum Alpha")
    assert nl["locations"][0]["addresses"][0]["address_1"] == "Voorbeeldstraat 1"
    assert nl["locations"][0]["addresses"][0]["state_province"] == "Brussels Hoofdstedelijk Gewest"


def test_unconfirmed_old_address_and_municipality_coordinates_are_not_given_as_current(hsds_knowledge: Path) -> None:
    [place] = _by_name(_export(hsds_knowledge), "Beta")["locations"]
    assert "addresses" not in place and "latitude" not in place
    assert ("dated-address", "Rue Ancienne 9, 1210 Saint-Josse-ten-Noode (unverified, 2012)") in _attrs(place)
    assert is_dated("2013-2017", dt.date(2026, 1, 1)) is False and is_dated("2012", dt.date(2026, 1, 1)) is True


def test_programme_maps_to_service_with_eligibility_sessions_and_place(hsds_knowledge: Path) -> None:
    alpha = _by_name(_export(hsds_knowledge), "Alpha centre")
    code = next(s for s in alpha["services"] if s["name"] == "Coding for women")
    assert code["id"] == hsds_id("service", "alpha-code") and code["organization_id"] == alpha["id"]
    assert (code["status"], code["minimum_age"], code["maximum_age"], code["assured_date"]) == ("active", 18, 30, "2026-11-01")
    assert (code["eligibility_description"], code["fees_description"], code["application_process"]) == (
        "Young women looking for work.",
        "Free.",
        "Come to an information session.",
    )
    assert "alert" not in code
    assert {
        ("gender", "women"),
        ("jobseeker", "required"),
        ("jobseeker-agency", "actiris"),
        ("residence", "brussels-region"),
        ("prerequisites", "Basic French."),
        ("duration", "Six months."),
    } <= set(_attrs(code))
    assert {a["link_type"] for a in code["attributes"] if a["taxonomy_term"]["code"] == "gender"} == {"eligibility"}
    assert [(lang["code"], lang["service_id"]) for lang in code["languages"]] == [("fr", code["id"])]
    assert [s["location_id"] for s in code["service_at_locations"]] == [alpha["locations"][0]["id"]]
    # the past session is left out; the open registration window and the next session stay
    assert [(s["valid_from"], s["valid_to"], s.get("opens_at"), s.get("notes"), s["schedule_link"]) for s in code["schedules"]] == [
        ("2026-11-01", "2026-12-20", None, None, "https://alpha.example.org/register"),
        ("2027-01-15", "2027-01-15", "14:00:00", "Room 2", "https://alpha.example.org/next"),
    ]
    assert code["schedules"][1]["count"] == 1 and "2027" in code["schedules"][1]["description"]


def test_dated_programmes_carry_an_alert_and_ten_year_old_ones_are_not_active(hsds_knowledge: Path) -> None:
    documents = _export(hsds_knowledge)
    old = next(s for s in _by_name(documents, "Alpha centre")["services"] if s["name"] == "Office course")
    room = _by_name(documents, "Beta")["services"][0]
    assert (old["status"], room["status"]) == ("inactive", "active")
    assert old["alert"].startswith("This information dates from 2013-2015") and "2017" in room["alert"]
    assert ("as-of", "2017") in _attrs(room)


def test_a_network_without_a_place_has_no_location_and_its_service_no_place(hsds_knowledge: Path) -> None:
    gamma = _by_name(_export(hsds_knowledge), "Gamma network")
    assert "locations" not in gamma and ("kind", "network") in _attrs(gamma)
    assert "service_at_locations" not in gamma["services"][0]


def test_export_is_deterministic(hsds_knowledge: Path) -> None:
    assert json.dumps(_export(hsds_knowledge)) == json.dumps(_export(hsds_knowledge))


def _records(node: Any, parent: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object with an id and the field it sits under, except the taxonomy terms that each
    attribute repeats (HSDS nests the term in every attribute that uses it)."""
    if isinstance(node, dict):
        if "id" in node and parent not in ("taxonomy_term", "taxonomy_detail"):
            yield parent, node
        for key, value in node.items():
            yield from _records(value, key)
    elif isinstance(node, list):
        for item in node:
            yield from _records(item, parent)


def _assert_each_record_once(root: Path) -> None:
    knowledge = load_knowledge(root)
    assert not knowledge.errors, [str(p) for p in knowledge.errors]
    for lang in LANGUAGES:
        documents = export_organizations(knowledge, lang, NOW)
        found = list(_records(documents, "organizations"))
        ids = Counter(record["id"] for _, record in found)
        assert [id for id, n in ids.items() if n > 1] == []
        by_field = {field: sorted(r["id"] for f, r in found if f == field) for field in ("organizations", "services", "locations")}
        assert by_field["organizations"] == sorted(hsds_id("organization", id) for id in knowledge.centres)
        assert by_field["services"] == sorted(hsds_id("service", id) for id in knowledge.programmes)
        sites = [f"{c.id}/{s.id}" for c in knowledge.centres.values() for s in getattr(c, "sites", None) or []]
        own = [hsds_id("location", c.id) for c in knowledge.centres.values() if hsds_id("location", c.id) in ids]
        assert by_field["locations"] == sorted([*own, *(hsds_id("location", key) for key in sites)])
        for field, record in found:
            assert len(set(_attrs(record))) == len(_attrs(record)), record["id"]
            if field == "service_at_locations":
                assert ids[record["location_id"]] == 1 and ids[record["service_id"]] == 1


def test_every_organisation_site_and_programme_appears_exactly_once(hsds_knowledge: Path) -> None:
    _assert_each_record_once(hsds_knowledge)
    _assert_each_record_once(SHIPPED_KNOWLEDGE)


STAND_IN_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "name"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "email": {"type": ["string", "null"], "format": "email"},
        "services": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "format": "uuid"},
                    "status": {"enum": ["active", "inactive", "defunct", "temporarily closed"]},
                },
            },
        },
        "locations": {"type": "array"},
    },
}
"""A small schema of the same shape as HSDS 3.0's organization.json (which this repository may not
hold): enough to prove the strict check catches unknown fields, bad formats and bad values."""


def test_schema_check_is_strict_and_names_each_problem(hsds_knowledge: Path) -> None:
    documents = _export(hsds_knowledge, "en")
    trimmed = [{key: d[key] for key in ("id", "name", "email", "services", "locations") if key in d} for d in documents]
    for document in trimmed:
        document["services"] = [{"id": s["id"], "status": s["status"]} for s in document["services"]]
    assert schema_problems(trimmed, STAND_IN_SCHEMA) == []
    broken = copy.deepcopy(trimmed[0])
    broken["services"] = [{"id": "not-a-uuid", "status": "open"}]
    broken["colour"] = "blue"
    problems = schema_problems([broken], STAND_IN_SCHEMA)
    assert len(problems) == 3, problems
    assert (
        any("colour" in p for p in problems)
        and any("services/0/status" in p for p in problems)
        and any("services/0/id" in p for p in problems)
    )
    assert schema_problems(documents, STAND_IN_SCHEMA)  # the full documents have fields this small schema lacks


def test_cli_writes_organizations_json_and_refuses_broken_knowledge(
    hsds_knowledge: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "hsds"
    assert main(["export", "--hsds", str(out), "--knowledge", str(hsds_knowledge), "--lang", "fr"]) == 0
    written = json.loads((out / "organizations.json").read_text(encoding="utf-8"))
    assert [d["name"] for d in written] == ["Centre Alpha", "Beta", "Gamma network"]
    assert "3 organizations, 4 services, 2 locations" in capsys.readouterr().out
    (hsds_knowledge / "programmes" / "alpha-code.md").write_text("---\nid: alpha-code\n---\n", encoding="utf-8")
    (out / "organizations.json").unlink()
    assert main(["export", "--hsds", str(out), "--knowledge", str(hsds_knowledge)]) == 1
    assert "nothing was exported" in capsys.readouterr().err
    assert not (out / "organizations.json").exists()


SITES = """\
members: [alpha]
sites:
  - id: north
    name: {en: Gamma North room, fr: Salle Gamma Nord}
    address: {street: Rue du Nord 5, postcode: "1030", municipality: Schaerbeek, source: https://gamma.example.org/north}
    location: {lat: 50.867, lon: 4.377, precision: street, source: https://gamma.example.org/north}
    hours: [{days: [wed], opens: "10:00", closes: "16:00"}]
    phone: "+32 2 111 11 11"
    email: north@gamma.example.org
    as_of: "2025"
    source: https://gamma.example.org/north
  - id: south
    name: Gamma South room
    source: https://gamma.example.org/south
"""


def test_sites_members_and_kinds_become_locations_and_links(hsds_knowledge: Path) -> None:
    """Centres' `sites`, networks' `members` and programmes' `sites` (in the schema from issue 10)."""
    gamma = hsds_knowledge / "centres" / "gamma.md"
    gamma.write_text(gamma.read_text(encoding="utf-8").replace("website:", SITES + "website:"), encoding="utf-8")
    listing = hsds_knowledge / "programmes" / "gamma-list.md"
    listing.write_text(listing.read_text(encoding="utf-8").replace("for_whom:", "sites: [north]\nfor_whom:"), encoding="utf-8")
    knowledge = load_knowledge(hsds_knowledge)
    assert knowledge.errors == []
    _assert_each_record_once(hsds_knowledge)
    documents = export_organizations(knowledge, "en", NOW)
    network, alpha = _by_name(documents, "Gamma network"), _by_name(documents, "Alpha centre")
    assert alpha["parent_organization_id"] == network["id"] and ("network-member", alpha["id"]) in _attrs(network)
    north, south = network["locations"]
    assert (north["id"], south["id"]) == (hsds_id("location", "gamma/north"), hsds_id("location", "gamma/south"))
    assert (north["name"], north["alternate_name"], north["latitude"]) == ("Gamma North room", "Salle Gamma Nord", 50.867)
    assert north["addresses"][0]["address_1"] == "Rue du Nord 5" and north["schedules"][0]["byday"] == "WE"
    assert (north["phones"][0]["number"], north["contacts"][0]["email"]) == ("+32 2 111 11 11", "north@gamma.example.org")
    assert {("as-of", "2025"), ("source", "https://gamma.example.org/north")} <= set(_attrs(north))
    assert ("source", "https://gamma.example.org/south") in _attrs(south) and "addresses" not in south
    assert [s["location_id"] for s in network["services"][0]["service_at_locations"]] == [north["id"]]


def test_aliases_follow_the_other_languages_in_alternate_name() -> None:
    from bot.hsds import _alternate
    from index.schema import LocalText

    name = LocalText(en="Interface3", fr="Interface3", nl="Interface3")
    assert _alternate(name, "en", ["Interface 3"]) == "Interface 3"
    assert _alternate(LocalText(en="A", fr="B"), "en", ["A", "C"]) == "B / C"
