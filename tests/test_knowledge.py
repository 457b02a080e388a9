"""Validation of the knowledge folder: every problem reported as file:line: field: message."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.knowledge import MAX_PASSAGE_CHARS, load_knowledge
from tests.support.helpers import CENTRE, PROGRAMME, SHIPPED_KNOWLEDGE


def _centre(**replace: str) -> str:
    text = CENTRE.format(id="gamma", name="Gamma", topic="coding", town="Ixelles")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def _problems(root: Path) -> list[str]:
    return [str(p) for p in load_knowledge(root).problems]


def _one(root: Path, name: str, content: str | bytes) -> list[str]:
    path = root / "centres" / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return [p for p in _problems(root) if p.startswith(str(path))]


def test_shipped_knowledge_is_valid() -> None:
    knowledge = load_knowledge(SHIPPED_KNOWLEDGE)
    assert knowledge.errors == [], "\n".join(map(str, knowledge.errors))
    assert {"interface3", "maks", "becode", "molengeek", "caban"} <= set(knowledge.centres)


def test_clean_folder_has_no_problems(knowledge_dir: Path) -> None:
    knowledge = load_knowledge(knowledge_dir)
    assert knowledge.problems == []
    assert set(knowledge.centres) == {"alpha", "beta"}
    assert knowledge.summary().startswith("2 centres, 2 programmes, 0 FAQ files")


def test_yaml_syntax_error_gives_its_line(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"website: https://gamma.example.org": "website: [unclosed"}))
    assert problems == [
        f"{knowledge_dir}/centres/gamma.md:12: -: the fields are not valid YAML: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts on line 11)"
    ]


def test_unknown_field_suggests_the_right_one(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"website:": "webiste:"}))
    assert f"{knowledge_dir}/centres/gamma.md:11: webiste: unknown field (did you mean 'website'?)" in problems[0]


def test_missing_field_is_named(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"verified: 2026-11-01\n": ""}))
    assert problems == [f"{knowledge_dir}/centres/gamma.md:2: verified: this field is required but missing"]


def test_wrong_type_and_nested_field_line(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{'opens: "09:00"': 'opens: "9h"'}))
    assert problems == [
        f"{knowledge_dir}/centres/gamma.md:23: hours[1].opens: '9h' is not a time: write it as HH:MM in quotes, e.g. \"09:00\""
    ]


def test_coordinates_out_of_range(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"lat: 50.85": "lat: 95"}))
    assert problems == [f"{knowledge_dir}/centres/gamma.md:17: location.lat: 95 should be less than or equal to 90"]


def test_coordinates_outside_brussels_is_a_warning(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"lat: 50.85": "lat: 4.35", "lon: 4.35": "lon: 50.85"}))
    assert problems == [
        f"{knowledge_dir}/centres/gamma.md:16: location: warning: these coordinates are outside the Brussels region: are lat and lon swapped?"
    ]
    assert load_knowledge(knowledge_dir).errors == []


def test_a_section_pointing_above_or_below_is_a_warning(knowledge_dir: Path) -> None:
    """A reply shows one section on its own: "the address above" may point at nothing."""
    text = _centre(
        **{
            "We run coding courses for adults.": "We run coding courses for adults.\nUse the address above.",
            "apprendre coding.": "apprendre coding au-dessus de la gare.",
        }
    )
    problems = _one(knowledge_dir, "gamma.md", text)
    line = text.splitlines().index("Use the address above.") + 1
    assert problems == [
        f'{knowledge_dir}/centres/gamma.md:{line}: # en: warning: a reply shows one section on its own, so "above" points at '
        'text the learner may not see: name what you mean ("the Brogniez address")'
    ]


def test_bad_url(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"website: https://gamma.example.org": "website: gamma dot org"}))
    assert problems == [
        f"{knowledge_dir}/centres/gamma.md:11: website: 'gamma dot org' is not a web address: it must start with https:// (or http://) and contain no spaces"
    ]


def test_bad_source_date(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"date: 2024-05-01": "date: last spring"}))
    assert problems == [
        f"{knowledge_dir}/centres/gamma.md:27: sources[1].date: 'last spring' is not a date: write 2017-02-13, 2017-02, 2017 or undated"
    ]


def test_an_as_of_the_answer_cannot_translate(knowledge_dir: Path) -> None:
    problems = _one(
        knowledge_dir, "gamma.md", _centre(**{'postcode: "1000"': 'postcode: "1000"\n  status: unverified\n  as_of: after 2013'})
    )
    assert problems == [
        f"{knowledge_dir}/centres/gamma.md:16: address.as_of: 'after 2013' is not a date the answer can show in every language: "
        'write a year, a month, a date or two years in quotes, e.g. "2013", "2013-09", "2013-09-06" or "2013-2017"'
    ]


def test_duplicate_key(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"website:": "website: https://a.example.org\nwebsite:"}))
    assert problems == [f"{knowledge_dir}/centres/gamma.md:12: website: this field is given twice: keep one"]


def test_empty_passage(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"We run coding courses for adults.\n": ""}))
    assert problems == [f"{knowledge_dir}/centres/gamma.md:34: # en: the section '## Courses' has no text"]


def test_passage_too_long(knowledge_dir: Path) -> None:
    long_text = "Coding for everyone. " * (MAX_PASSAGE_CHARS // 20 + 5)
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"We run coding courses for adults.": long_text}))
    assert len(problems) == 1
    assert problems[0].startswith(f"{knowledge_dir}/centres/gamma.md:34: # en: this passage has ")
    assert f"more than {MAX_PASSAGE_CHARS} fit in a reply" in problems[0]


def test_languages_must_have_the_same_sections(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"## Cursussen\n": ""}))
    assert problems == [
        f"{knowledge_dir}/centres/gamma.md:31: -: languages have different numbers of sections (en has 2, fr has 2, nl has 1): "
        "keep the same ## sections, in the same order, in every language"
    ]


def test_unknown_language_heading(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"# nl\n": "# de\n"}))
    assert f"{knowledge_dir}/centres/gamma.md:43: -: '# de' is not a language heading: use # en, # fr or # nl" in problems


def test_encoding_problem_gives_line(knowledge_dir: Path) -> None:
    content = _centre().encode("utf-8").replace(b"Rue de l'Exemple", "Rue de l'\xc9cole".encode("latin-1"))
    problems = _one(knowledge_dir, "gamma.md", content)
    assert problems == [f"{knowledge_dir}/centres/gamma.md:13: -: the file is not UTF-8 text (byte 0xc9): save it as UTF-8 in your editor"]


def test_byte_order_mark_is_fine(knowledge_dir: Path) -> None:
    assert _one(knowledge_dir, "gamma.md", b"\xef\xbb\xbf" + _centre().encode("utf-8")) == []


def test_missing_front_matter(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", "# en\nJust text\n")
    assert problems == [
        f"{knowledge_dir}/centres/gamma.md:1: -: the file must start with a line '---', then the fields, then another '---'"
    ]


def test_id_must_match_file_name(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "delta.md", _centre())
    assert problems == [f"{knowledge_dir}/centres/delta.md:2: id: id 'gamma' differs from the file name 'delta': make them the same"]


def test_duplicate_ids_across_folders(knowledge_dir: Path) -> None:
    (knowledge_dir / "faq" / "alpha.md").write_text(
        "---\nid: alpha\nsources:\n  - url: https://a.example.org\n    date: undated\nverified: 2026-01-01\n---\n# en\n## Q?\nA.\n",
        encoding="utf-8",
    )
    problems = _problems(knowledge_dir)
    assert f"{knowledge_dir}/faq/alpha.md:2: id: id 'alpha' is already used by {knowledge_dir}/centres/alpha.md" in problems


def test_programme_pointing_at_unknown_centre(knowledge_dir: Path) -> None:
    (knowledge_dir / "programmes" / "alpha-coding.md").write_text(
        PROGRAMME.format(id="alpha-coding", centre="alhpa", topic="coding"), encoding="utf-8"
    )
    assert f"{knowledge_dir}/programmes/alpha-coding.md:3: centre: no centre has the id 'alhpa' (did you mean 'alpha'?)" in _problems(
        knowledge_dir
    )


def test_every_problem_is_reported_not_only_the_first(knowledge_dir: Path) -> None:
    _one(knowledge_dir, "gamma.md", _centre(**{"website:": "webiste:", "lat: 50.85": "lat: 95", 'opens: "09:00"': 'opens: "9h"'}))
    (knowledge_dir / "programmes" / "alpha-coding.md").write_text(
        PROGRAMME.format(id="alpha-coding", centre="nowhere", topic="coding"), encoding="utf-8"
    )
    knowledge = load_knowledge(knowledge_dir)
    fields = sorted(p.field for p in knowledge.errors)
    assert fields == ["centre", "hours[1].opens", "location.lat", "webiste"]


def test_missing_folder(tmp_path: Path) -> None:
    knowledge = load_knowledge(tmp_path / "nope")
    assert [str(p) for p in knowledge.errors] == [f"{tmp_path / 'nope'}:0: -: the knowledge folder does not exist"]


@pytest.mark.parametrize("name", ["notes.txt", "photo.png"])
def test_other_files_are_warned_about(knowledge_dir: Path, name: str) -> None:
    (knowledge_dir / "centres" / name).write_bytes(b"\x89PNG")
    knowledge = load_knowledge(knowledge_dir)
    assert knowledge.errors == []
    assert [p.message for p in knowledge.warnings] == ["only .md files are read here: this file is ignored"]


def test_knowledge_hash_changes_with_content(knowledge_dir: Path) -> None:
    before = load_knowledge(knowledge_dir).knowledge_hash
    path = knowledge_dir / "centres" / "alpha.md"
    path.write_text(path.read_text(encoding="utf-8").replace("adults", "everyone"), encoding="utf-8")
    assert load_knowledge(knowledge_dir).knowledge_hash != before


def test_a_section_can_name_its_own_source(knowledge_dir: Path) -> None:
    from index.passages import make_passages

    text = _centre(
        **{
            "    about: everything\n": "    about: everything\n  - url: https://gamma.example.org/courses\n    date: 2023-04\n",
            "We run coding courses for adults.\n": "We run coding courses for adults.\nSource: https://gamma.example.org/courses\n",
        }
    )
    assert _one(knowledge_dir, "gamma.md", text) == []
    passages = {p.id: p for p in make_passages(load_knowledge(knowledge_dir))}
    courses = passages["gamma#1:en"]
    assert (courses.source, courses.source_date) == ("https://gamma.example.org/courses", "2023-04")
    assert "Source:" not in courses.text
    assert passages["gamma#1:fr"].source == "https://gamma.example.org/about"


def test_a_section_source_must_be_listed(knowledge_dir: Path) -> None:
    text = _centre(**{"We run coding courses for adults.\n": "We run coding courses for adults.\nSource: https://elsewhere.example.org\n"})
    assert _one(knowledge_dir, "gamma.md", text) == [
        f"{knowledge_dir}/centres/gamma.md:34: # en: the source https://elsewhere.example.org is not in this file's sources: add it there with its date"
    ]


_SITES = """\
sites:
  - id: main-room
    name: Main room
    source: https://gamma.example.org/rooms
  - id: library
    name:
      fr: Bibliothèque
      nl: Bibliotheek
    address:
      municipality: Ixelles
    location:
      lat: 50.8333
      lon: 4.3667
      precision: municipality
      source: https://en.wikipedia.org/wiki/Ixelles
    source: https://gamma.example.org/rooms
"""


def test_network_members_must_exist(knowledge_dir: Path) -> None:
    text = _centre(**{"sources:\n": "kind: network\nmembers:\n  - alpha\n  - alhpa\n  - gamma\nsources:\n"})
    assert _one(knowledge_dir, "gamma.md", text) == [
        f"{knowledge_dir}/centres/gamma.md:28: members[2]: no centre has the id 'alhpa' (did you mean 'alpha'?)",
        f"{knowledge_dir}/centres/gamma.md:29: members[3]: a network cannot be its own member",
    ]


def test_members_only_on_a_network(knowledge_dir: Path) -> None:
    text = _centre(**{"sources:\n": "members: [alpha, beta]\nsources:\n"})
    assert _one(knowledge_dir, "gamma.md", text) == [
        f"{knowledge_dir}/centres/gamma.md:25: members: only a network lists members, but this file's kind is 'centre': "
        "set 'kind: network' or remove 'members'"
    ]


def test_unknown_kind_lists_the_kinds(knowledge_dir: Path) -> None:
    problems = _one(knowledge_dir, "gamma.md", _centre(**{"sources:\n": "kind: school\nsources:\n"}))
    assert problems == [
        f"{knowledge_dir}/centres/gamma.md:25: kind: 'school' should be 'centre', 'network', 'outreach', 'training' or 'for-groups'"
    ]


def test_sites_are_read_and_checked(knowledge_dir: Path) -> None:
    assert _one(knowledge_dir, "gamma.md", _centre(**{"sources:\n": _SITES + "sources:\n"})) == []
    gamma = load_knowledge(knowledge_dir).centres["gamma"]
    assert [site.id for site in gamma.sites] == ["main-room", "library"]
    assert gamma.sites[1].name.get("en") == "Bibliothèque"
    from index.passages import make_passages

    card = next(p for p in make_passages(load_knowledge(knowledge_dir)) if p.id == "gamma#card:nl")
    assert card.extra.splitlines() == ["Ixelles", "Main room", "Bibliotheek, Ixelles"]


def test_duplicate_site_ids(knowledge_dir: Path) -> None:
    text = _centre(**{"sources:\n": _SITES.replace("id: library", "id: main-room") + "sources:\n"})
    assert _one(knowledge_dir, "gamma.md", text) == [
        f"{knowledge_dir}/centres/gamma.md:29: sites[2].id: site id 'main-room' is already used by sites[1]: give each site its own id"
    ]


def test_a_site_needs_a_source_and_a_valid_location(knowledge_dir: Path) -> None:
    text = _centre(
        **{
            "sources:\n": _SITES.replace("    source: https://gamma.example.org/rooms\n", "", 1)
            .replace("lat: 50.8333", "lat: 4.3667")
            .replace("lon: 4.3667", "lon: 50.8333")
            + "sources:\n"
        }
    )
    assert _one(knowledge_dir, "gamma.md", text) == [
        f"{knowledge_dir}/centres/gamma.md:26: sites[1].source: this field is required but missing"
    ]
    text = _centre(**{"sources:\n": _SITES.replace("lat: 50.8333", "lat: 4.3667").replace("lon: 4.3667", "lon: 50.8333") + "sources:\n"})
    assert _one(knowledge_dir, "gamma.md", text) == [
        f"{knowledge_dir}/centres/gamma.md:35: sites[2].location: warning: these coordinates are outside the Brussels region: are lat and lon swapped?"
    ]


def test_programme_sites_must_belong_to_its_centre(knowledge_dir: Path) -> None:
    _one(knowledge_dir, "gamma.md", _centre(**{"sources:\n": _SITES + "sources:\n"}))
    path = knowledge_dir / "programmes" / "gamma-coding.md"
    programme = PROGRAMME.format(id="gamma-coding", centre="gamma", topic="coding")
    path.write_text(programme.replace("sources:\n", "sites: [library, libary, annex]\nsources:\n", 1), encoding="utf-8")
    problems = [p for p in _problems(knowledge_dir) if p.startswith(str(path))]
    assert problems == [
        f"{path}:20: sites[2]: centre 'gamma' has no site 'libary' (did you mean 'library'?); its sites are: main-room, library",
        f"{path}:20: sites[3]: centre 'gamma' has no site 'annex'; its sites are: main-room, library",
    ]
    path.write_text(
        PROGRAMME.format(id="alpha-coding", centre="alpha", topic="coding").replace("sources:\n", "sites:\n  - library\nsources:\n", 1),
        encoding="utf-8",
    )
    path.rename(knowledge_dir / "programmes" / "alpha-coding.md")
    assert f"{knowledge_dir}/programmes/alpha-coding.md:21: sites[1]: centre 'alpha' has no site 'library'; it lists no sites" in _problems(
        knowledge_dir
    )
