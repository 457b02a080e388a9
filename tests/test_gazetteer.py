"""The gazetteer: places.yaml checked with file:line problems, and places found in questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.gazetteer import Gazetteer
from index.knowledge import load_knowledge
from index.places_file import load_gazetteer, load_places
from tests.support.helpers import SHIPPED_KNOWLEDGE

PLACE = """\
- id: anderlecht
  kind: municipality
  names: [Anderlecht]
  postcodes: ["1070"]
  lat: 50.8333
  lon: 4.3333
  precision: municipality
  source: https://en.wikipedia.org/wiki/Anderlecht
- id: cureghem
  kind: neighbourhood
  names: [Cureghem, Kuregem]
  municipality: anderlecht
  lat: 50.84
  lon: 4.331
  precision: neighbourhood
  source: https://en.wikipedia.org/wiki/Cureghem
"""


@pytest.fixture(scope="module")
def shipped() -> Gazetteer:
    return load_gazetteer(SHIPPED_KNOWLEDGE / "places.yaml")


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "places.yaml"
    path.write_text(text, encoding="utf-8")
    return [str(p).removeprefix(f"{tmp_path}/") for p in load_places(path).problems]


def test_shipped_places_load_clean_with_the_19_municipalities(shipped: Gazetteer) -> None:
    loaded = load_places(SHIPPED_KNOWLEDGE / "places.yaml")
    assert loaded.problems == [], "\n".join(map(str, loaded.problems))
    assert len(shipped.municipalities) == 19
    codes = {code for place in shipped.municipalities for code in place.postcodes}
    assert codes == {
        "1000",
        "1030",
        "1040",
        "1050",
        "1060",
        "1070",
        "1080",
        "1081",
        "1082",
        "1083",
        "1090",
        "1140",
        "1150",
        "1160",
        "1170",
        "1180",
        "1190",
        "1200",
        "1210",
    }
    for code, place in [("1020", "laeken"), ("1120", "neder-over-heembeek"), ("1130", "haren")]:
        assert shipped.only_place(code).id == place  # type: ignore[union-attr]


def test_a_valid_file_has_no_problems(tmp_path: Path) -> None:
    assert _problems(tmp_path, PLACE) == []


def test_yaml_syntax_error_gives_its_line(tmp_path: Path) -> None:
    assert _problems(tmp_path, PLACE.replace("names: [Cureghem, Kuregem]", "names: [Cureghem, Kuregem")) == [
        "places.yaml:12: -: the fields are not valid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts on line 11)"
    ]


def test_unknown_and_missing_fields(tmp_path: Path) -> None:
    problems = _problems(tmp_path, PLACE.replace("  postcodes:", "  postcode:").replace("  precision: neighbourhood\n", ""))
    assert problems[0].startswith("places.yaml:4: postcode: unknown field (did you mean 'postcodes'?)")
    assert problems[1] == "places.yaml:9: -: give lat, lon, precision and source together (missing: precision); only an area may have none"


def test_duplicate_id_name_and_postcode(tmp_path: Path) -> None:
    text = PLACE + PLACE.split("- id: cureghem")[0].replace("names: [Anderlecht]", "names: [anderlécht]")
    assert _problems(tmp_path, text) == [
        "places.yaml:17: id: id 'anderlecht' is already used on line 1",
    ]
    text = PLACE + PLACE.split("- id: cureghem")[0].replace("id: anderlecht", "id: other")
    assert _problems(tmp_path, text) == [
        "places.yaml:19: names[1]: 'Anderlecht' also names the municipality 'anderlecht' (as 'Anderlecht'): "
        "a name or postcode may point at one municipality only",
        "places.yaml:20: postcodes[1]: '1070' also names the municipality 'anderlecht' (as '1070'): "
        "a name or postcode may point at one municipality only",
    ]


def test_unknown_municipality_coordinates_and_source(tmp_path: Path) -> None:
    text = (
        PLACE.replace("municipality: anderlecht", "municipality: anderlect")
        .replace("lat: 50.84", "lat: 4.331")
        .replace("lon: 4.331", "lon: 50.84")
        .replace("source: https://en.wikipedia.org/wiki/Cureghem", "source: wikipedia Cureghem")
    )
    assert _problems(tmp_path, text) == [
        "places.yaml:16: source: 'wikipedia Cureghem' is not a web address: it must start with https:// (or http://) and contain no spaces",
    ]
    text = text.replace("source: wikipedia Cureghem", "source: https://en.wikipedia.org/wiki/Cureghem")
    assert _problems(tmp_path, text) == [
        "places.yaml:12: municipality: no municipality has the id 'anderlect'",
        "places.yaml:13: lat: 4.331, 50.84 is outside the Brussels region: are lat and lon swapped?",
    ]


def test_places_file_is_validated_and_hashed_with_the_knowledge(tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "knowledge"
    shutil.copytree(SHIPPED_KNOWLEDGE, root)
    before = load_knowledge(root)
    assert before.errors == [] and len(before.gazetteer.places) == len(load_gazetteer(SHIPPED_KNOWLEDGE / "places.yaml").places)
    with (root / "places.yaml").open("a", encoding="utf-8") as file:
        file.write("- id: x\n  kind: town\n")
    after = load_knowledge(root)
    assert after.knowledge_hash != before.knowledge_hash
    assert any(str(p).startswith(f"{root}/places.yaml:") and "kind" in str(p) for p in after.errors)


@pytest.mark.parametrize(
    "text,place,said,municipality",
    [
        ("coding in Kuregem", "cureghem", "Kuregem", "anderlecht"),
        ("cours d'informatique à Cureghem ?", "cureghem", "Cureghem", "anderlecht"),
        ("waar kan ik leren programmeren bij het Zuidstation", "brussels-south", "Zuidstation", "saint-gilles"),
        ("a computer room near BeCentral?", "becentral", "BeCentral", "bruxelles"),
        ("1070", "anderlecht", "1070", "anderlecht"),
        ("formation à St-Gilles", "saint-gilles", "St-Gilles", "saint-gilles"),
        ("cursus in sint gillis", "saint-gilles", "sint gillis", "saint-gilles"),
        ("SAINT GILLES", "saint-gilles", "SAINT GILLES", "saint-gilles"),
        ("kurs w Molenbeek-Saint-Jean", "molenbeek-saint-jean", "Molenbeek-Saint-Jean", "molenbeek-saint-jean"),
        ("près de la gare de l’Ouest", "gare-de-l-ouest", "gare de l’Ouest", "molenbeek-saint-jean"),
        ("Matongé", "matonge", "Matongé", "ixelles"),
        ("Horaires de l'EPN de Berchem", "berchem-sainte-agathe", "Berchem", "berchem-sainte-agathe"),
    ],
)
def test_places_are_found_in_any_language(shipped: Gazetteer, text: str, place: str, said: str, municipality: str) -> None:
    (match,) = shipped.find(text)
    assert (match.place.id, match.text, text[match.start : match.end]) == (place, said, said)
    assert match.municipality is not None and match.municipality.id == municipality


def test_longest_name_wins_and_names_do_not_overlap(shipped: Gazetteer) -> None:
    matches = shipped.find("Saint-Gilles or Sint-Gillis, from Gare du Midi to Bruxelles-Central, 1080 not 10800")
    assert [m.place.id for m in matches] == ["saint-gilles", "saint-gilles", "brussels-south", "brussels-central", "molenbeek-saint-jean"]
    assert [m.text for m in matches][2:] == ["Gare du Midi", "Bruxelles-Central", "1080"]


def test_postcodes_are_whole_brussels_tokens_only(shipped: Gazetteer) -> None:
    assert [m.place.id for m in shipped.find("call 021070800 or 10700, or 9000 Gent")] == ["gent"]
    assert [m.text for m in shipped.find("B-1070 Anderlecht")] == ["1070", "Anderlecht"]


def test_areas_across_municipalities_have_no_single_municipality(shipped: Gazetteer) -> None:
    (match,) = shipped.find("jobs in de kanaalzone")
    assert match.place.id == "canal-zone" and match.municipality is None
    assert {m.id for m in match.municipalities} == {"anderlecht", "molenbeek-saint-jean", "bruxelles"}


@pytest.mark.parametrize(
    "text,found",
    [
        ("a documentary about the rain forest", False),
        ("the forest behind the school", False),
        ("coding class in Forest", True),
        ("coding class in forest", True),  # after a place preposition
        ("Forest: is there a computer room?", True),  # written with a capital
        ("une bourse pour étudier", False),
        ("rendez-vous à la Bourse", True),
        ("een opleiding met een beurs", False),
    ],
)
def test_ambiguous_names_need_a_capital_or_a_place_preposition(shipped: Gazetteer, text: str, found: bool) -> None:
    assert bool(shipped.find(text)) is found


@pytest.mark.parametrize(
    "text,place",
    [
        ("1070", "anderlecht"),
        ("in Kuregem", "cureghem"),
        ("à Schaerbeek", "schaerbeek"),
        ("bij het Zuidstation", "brussels-south"),
        ("près de la gare du Midi", "brussels-south"),
        ("near BeCentral", "becentral"),
        ("te Sint-Jans-Molenbeek", "molenbeek-saint-jean"),
        ("forest", "forest"),
        ("Bruxelles", "brussels-region"),
    ],
)
def test_only_place(shipped: Gazetteer, text: str, place: str) -> None:
    found = shipped.only_place(text)
    assert found is not None and found.id == place


@pytest.mark.parametrize("text", ["coding in Anderlecht", "1070 Anderlecht coding", "Antwerpen", "9000", "", "in"])
def test_questions_are_not_only_places(shipped: Gazetteer, text: str) -> None:
    assert shipped.only_place(text) is None


def test_place_words_leave_ordinary_words_out(shipped: Gazetteer) -> None:
    assert {"anderlecht", "kuregem", "saint-gilles", "sint-jans-molenbeek", "merode", "mérode", "forest"} <= shipped.words
    assert not {"gare", "station", "de", "node", "over", "bourse", "central", "midi"} & shipped.words


@pytest.mark.parametrize(
    "text,found",
    [
        ("coding school in Antwerp", "antwerpen"),
        ("formation informatique à Liège", "liege"),
        ("computerles in Gent", "gent"),
        ("cours d'informatique chaussée de Charleroi", None),  # a street in Saint-Gilles
        ("près de la porte de Namur", "porte-de-namur"),
        ("welke namen hebben de centra?", None),  # an ordinary Dutch word
        ("computerles in Vilvoorde", "vilvoorde"),  # just outside the region
        ("Gibt es IT-Kurse in Eupen?", "eupen"),
        ("salle informatique chaussée de Waterloo", None),  # a street in Saint-Gilles and Uccle
        ("we bergen de laptops op", None),  # an ordinary Dutch word, and Mons' Dutch name
        ("cours d'informatique bd de Waterloo", None),  # street words abbreviated
        ("salle info Chée de Mons", None),
        ("computerles Steenweg op Waterloo", None),
        ("comment arrêter les paris en ligne", None),  # bets, not the city
        ("computerlessen voor senioren in Antwerpen-Berchem?", "berchem-antwerpen"),  # not Berchem-Sainte-Agathe
        ("computer class in Berchem, Antwerp", "berchem-antwerpen"),
        ("Estoy en paro, ¿qué cursos de informática tienen?", None),  # Spanish "they have", not Tienen
        ("computerles in Tienen", "tienen"),
    ],
)
def test_cities_outside_brussels_are_elsewhere_but_not_as_street_names(shipped: Gazetteer, text: str, found: str | None) -> None:
    matches = shipped.find(text)
    assert [m.place.id for m in matches] == ([found] if found else [])
    assert all(m.place.kind == "elsewhere" for m in matches if m.place.id != "porte-de-namur")


def test_a_place_elsewhere_has_names_only(tmp_path: Path) -> None:
    problems = _problems(tmp_path, "- id: gent\n  kind: elsewhere\n  names: [Gent]\n  postcodes: ['1000']\n")
    assert problems == [
        "places.yaml:1: -: a place outside Brussels has only names (some of them ambiguous) and a source: no municipality, postcodes or coordinates"
    ]


SCRIPTS = PLACE.replace("names: [Anderlecht]", "names: [Anderlecht, Андерлехт, أندرلخت]").replace(
    "names: [Cureghem, Kuregem]", "names: [Cureghem, Kuregem, Кюрегем, Брюссель]"
)


@pytest.mark.parametrize(
    "text,place,said",
    [
        ("Живу в Андерлехте, где курсы?", "anderlecht", "Андерлехте"),
        ("курси у Андерлехті", "anderlecht", "Андерлехті"),
        ("в Брюсселе", "cureghem", "Брюсселе"),  # the soft sign drops when declined
        ("أسكن في أندرلخت", "anderlecht", "أندرلخت"),
        ("أسكن بأندرلخت", "anderlecht", "أندرلخت"),  # "in" written onto the name
    ],
)
def test_names_in_other_scripts_are_found_declined_or_prefixed(tmp_path: Path, text: str, place: str, said: str) -> None:
    path = tmp_path / "places.yaml"
    path.write_text(SCRIPTS, encoding="utf-8")
    (match,) = load_gazetteer(path).find(text)
    assert (match.place.id, match.text) == (place, said)


def test_declined_forms_stay_short(tmp_path: Path) -> None:
    path = tmp_path / "places.yaml"
    path.write_text(SCRIPTS, encoding="utf-8")
    assert load_gazetteer(path).find("Андерлехтского района") == []


@pytest.mark.parametrize(
    "text,name",
    [
        ("cursus in sint gillis", "Sint-Gillis"),
        ("formation à St-Gilles", "Saint-Gilles"),
        ("Живу в Схарбеке", "Schaerbeek"),  # a reply in French, Dutch or English names it in Latin script
        ("1030", "Schaerbeek"),
    ],
)
def test_a_match_is_named_as_the_learner_spelt_it_in_latin_script(shipped: Gazetteer, text: str, name: str) -> None:
    (match,) = shipped.find(text)
    assert match.name == name
