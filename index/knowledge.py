"""Load the knowledge folder and report every problem in it as `file:line: field: message`.

Staff are not programmers: nothing here raises on bad content. Each problem becomes a `Problem`
and loading carries on, so one run of `telecentre validate` lists everything to fix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from pydantic import ValidationError

from index import frontmatter
from index.gazetteer import Gazetteer, elsewhere_named
from index.off_topic import OFF_TOPIC_FILE, load_off_topic
from index.places_file import PLACES_FILE, load_places
from index.problems import Problem, pydantic_message
from index.problems import field_name as _field_name
from index.references import check_references
from index.schema import BRUSSELS_BOUNDS, LANGUAGES, RECORD_TYPES, Centre, Faq, Location, Programme, Record

MAX_PASSAGE_CHARS = 2000
"""A passage longer than this cannot be sent with its directions inside one Telegram message."""

LONG_PASSAGE_CHARS = 1200
"""Beyond about this length the embedding model stops reading; search then misses the end."""

_LANGUAGE_HEADINGS = {
    "en": "en",
    "english": "en",
    "anglais": "en",
    "engels": "en",
    "fr": "fr",
    "french": "fr",
    "français": "fr",
    "francais": "fr",
    "frans": "fr",
    "nl": "nl",
    "dutch": "nl",
    "néerlandais": "nl",
    "neerlandais": "nl",
    "nederlands": "nl",
}
_SOURCE_LINE = re.compile(r"^\s*(?:source|bron)\s*:\s*(\S+)\s*$", re.IGNORECASE)
_H1 = re.compile(r"^#\s+(.*?)\s*#*\s*$")
_H2 = re.compile(r"^##\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Section:
    """A piece of body text in one language: the intro (no heading) or a `##` section.

    A last line `Source: https://…` names the source of this section (it must be listed in the
    file's `sources`); otherwise the file's first source stands for it.
    """

    lang: str
    index: int
    heading: str | None
    text: str
    line: int
    source: str | None = None


@dataclass
class Document:
    """One valid knowledge file."""

    path: str
    record: Record
    sha256: str
    sections: dict[str, list[Section]] = field(default_factory=dict)
    field_lines: dict[tuple[str | int, ...], int] = field(default_factory=dict, repr=False)

    def line_of(self, name: str) -> int:
        return self.field_lines.get((name,), 1)

    def line_at(self, path: tuple[str | int, ...]) -> int:
        """Line of the nested field at `path` (e.g. `("sites", 0, "id")`), or of its closest parent."""
        for end in range(len(path), 0, -1):
            line = self.field_lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return 1


@dataclass
class Knowledge:
    """Everything loaded from a knowledge folder, with the problems found on the way."""

    root: Path
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    file_hashes: dict[str, str] = field(default_factory=dict)
    broken_ids: set[str] = field(default_factory=set)
    """Ids of files that failed validation: references to them are not reported again."""
    gazetteer: Gazetteer = field(default_factory=Gazetteer)
    """The places of places.yaml (empty when it is missing or broken)."""
    off_topic: list[str] = field(default_factory=list)
    """Example questions the bot must refuse, from off-topic.yaml, but those naming only a place
    outside Brussels (see `load_knowledge`)."""
    off_topic_elsewhere: int = 0
    """How many of those were left aside."""

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def records(self, kind: type[Record]) -> dict[str, Record]:
        return {d.record.id: d.record for d in self.documents if isinstance(d.record, kind)}

    @property
    def centres(self) -> dict[str, Centre]:
        return self.records(Centre)  # type: ignore[return-value]

    @property
    def programmes(self) -> dict[str, Programme]:
        return self.records(Programme)  # type: ignore[return-value]

    @property
    def knowledge_hash(self) -> str:
        """One hash over every file's path and content: equal hashes, equal knowledge."""
        digest = hashlib.sha256()
        for path in sorted(self.file_hashes):
            digest.update(f"{path}\0{self.file_hashes[path]}\n".encode())
        return digest.hexdigest()

    def summary(self) -> str:
        counts = {name: sum(1 for path in self.file_hashes if path.split("/")[0] == name) for name in RECORD_TYPES}
        return (
            f"{counts['centres']} centres, {counts['programmes']} programmes, {counts['faq']} FAQ files, "
            f"{len(self.gazetteer.places)} places, {len(self.off_topic)} off-topic examples"
            f"{f' (and {self.off_topic_elsewhere} about a place outside Brussels, refused for that)' if self.off_topic_elsewhere else ''}; "
            f"{len(self.errors)} errors, {len(self.warnings)} warnings"
        )


def load_knowledge(root: Path) -> Knowledge:
    """Read and check every file under `root`; never raises for bad content."""
    knowledge = Knowledge(root=root)
    if not root.is_dir():
        knowledge.problems.append(Problem(str(root), 0, "-", "the knowledge folder does not exist"))
        return knowledge
    for folder, kind in RECORD_TYPES.items():
        for path in sorted((root / folder).glob("**/*")):
            if path.is_dir():
                continue
            shown = str(path)
            if path.suffix.lower() != ".md":
                knowledge.problems.append(Problem(shown, 0, "-", "only .md files are read here: this file is ignored", "warning"))
                continue
            document = _load_file(path, shown, kind, knowledge)
            if document is not None:
                knowledge.documents.append(document)
    for stray in sorted(root.glob("*/")):
        if stray.is_dir() and stray.name not in RECORD_TYPES and not stray.name.startswith("."):
            knowledge.problems.append(Problem(str(stray), 0, "-", f"folder is not read: put files in {', '.join(RECORD_TYPES)}", "warning"))
    check_references(knowledge)
    places = _load_top_file(knowledge, PLACES_FILE, load_places, "no places file: place names in questions are not recognised")
    if places is not None:
        knowledge.gazetteer = places.gazetteer
    examples = _load_top_file(
        knowledge, OFF_TOPIC_FILE, load_off_topic, "no off-topic examples: questions about other things are harder to refuse"
    )
    if examples is not None:
        # One naming only a place outside Brussels is refused by that place, whatever it asks; as an
        # example it would teach that its question is ours to refuse in Brussels too ("cours de
        # python le soir à Mons" made "cours de python" off-topic).
        knowledge.off_topic = [q for q in examples.examples if elsewhere_named(knowledge.gazetteer.find(q)) is None]
        knowledge.off_topic_elsewhere = len(examples.examples) - len(knowledge.off_topic)
    if not knowledge.documents and not knowledge.errors:
        knowledge.problems.append(Problem(str(root), 0, "-", "no knowledge files found (expected centres/*.md, programmes/*.md, faq/*.md)"))
    return knowledge


class _TopFile(Protocol):
    problems: list[Problem]
    sha256: str | None


TopFile = TypeVar("TopFile", bound=_TopFile)


def _load_top_file(knowledge: Knowledge, name: str, load: Callable[[Path], TopFile], missing: str) -> TopFile | None:
    """Load a YAML file at the top of the folder (places, off-topic examples) into `knowledge`'s
    problems and hashes; None, with a warning saying `missing`, when there is none."""
    path = knowledge.root / name
    if not path.exists():
        knowledge.problems.append(Problem(str(path), 0, "-", missing, "warning"))
        return None
    loaded = load(path)
    knowledge.problems.extend(loaded.problems)
    if loaded.sha256:
        knowledge.file_hashes[name] = loaded.sha256
    return loaded


def _load_file(path: Path, shown: str, kind: type[Record], knowledge: Knowledge) -> Document | None:
    try:
        raw = path.read_bytes()
    except OSError as error:  # a broken link, a file removed meanwhile, no permission
        knowledge.problems.append(Problem(shown, 0, "-", f"the file cannot be read ({error.strerror or type(error).__name__})"))
        return None
    sha = hashlib.sha256(raw).hexdigest()
    knowledge.file_hashes[path.relative_to(knowledge.root).as_posix()] = sha
    problems = knowledge.problems
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(shown, line, "-", f"the file is not UTF-8 text (byte 0x{raw[error.start]:02x}): save it as UTF-8 in your editor")
        )
        return None
    if "\x00" in text:
        problems.append(
            Problem(shown, text[: text.index("\x00")].count("\n") + 1, "-", "the file contains a NUL byte: is it really a text file?")
        )
        return None
    try:
        front = frontmatter.split(text)
    except frontmatter.FrontMatterError as error:
        problems.append(Problem(shown, error.line, "-", error.message))
        return None
    for dup_path, line in front.duplicates:
        problems.append(Problem(shown, line, _field_name(dup_path), "this field is given twice: keep one"))
    try:
        record = kind.model_validate(front.data)
    except ValidationError as error:
        if isinstance(front.data.get("id"), str):
            knowledge.broken_ids.add(front.data["id"])
        for detail in error.errors(include_url=False):
            loc = tuple(detail["loc"])
            problems.append(Problem(shown, front.line_of(loc), _field_name(loc) or "-", pydantic_message(detail, kind, loc)))
        return None
    if record.id != path.stem:
        problems.append(
            Problem(shown, front.line_of(("id",)), "id", f"id {record.id!r} differs from the file name {path.stem!r}: make them the same")
        )
    document = Document(path=shown, record=record, sha256=sha, field_lines=front.lines)
    document.sections = _parse_body(front.body, front.body_line, shown, problems)
    _check_record(document, front, problems)
    return document


def _parse_body(body: str, first_line: int, shown: str, problems: list[Problem]) -> dict[str, list[Section]]:
    """Cut the Markdown body into language sections and `##` passages."""
    sections: dict[str, list[Section]] = {}
    lang: str | None = None
    heading: str | None = None
    start = first_line
    buffer: list[str] = []

    def flush() -> None:
        text = "\n".join(buffer).strip()
        source = None
        *rest, last = text.splitlines() or [""]
        match = _SOURCE_LINE.match(last)
        if match:
            source, text = match.group(1), "\n".join(rest).strip()
        if lang is not None and (text or heading is not None):
            if not text:
                problems.append(Problem(shown, start, f"# {lang}", f"the section '## {heading}' has no text"))
            items = sections.setdefault(lang, [])
            items.append(Section(lang, len(items), heading, text, start, source))

    for number, line in enumerate(body.splitlines(), start=first_line):
        h2 = _H2.match(line)
        h1 = None if h2 else _H1.match(line)
        if h1:
            flush()
            code = _LANGUAGE_HEADINGS.get(h1.group(1).strip().lower())
            if code is None:
                problems.append(Problem(shown, number, "-", f"'{line.strip()}' is not a language heading: use # en, # fr or # nl"))
            elif code in sections:
                problems.append(Problem(shown, number, "-", f"language '{code}' appears twice in this file"))
            lang, heading, start, buffer = code, None, number, []
            if code is not None:
                sections.setdefault(code, [])
        elif h2 and lang is not None:
            flush()
            heading, start, buffer = h2.group(1), number, []
        elif lang is None:
            if line.strip():
                problems.append(Problem(shown, number, "-", "text before the first language heading (# en, # fr or # nl) is not read"))
        else:
            if not buffer and not line.strip():
                start = number + 1 if heading is None else start
            buffer.append(line)
    flush()
    return sections


_ELSEWHERE_IN_TEXT = re.compile(r"(?<!\w)(?:[Aa]bove|[Bb]elow|[Cc]i-dessus|[Cc]i-dessous|[Hh]ierboven|[Hh]ieronder)(?!\w)(?!\s+[A-Z])")
"""Words pointing at another part of the file ("the address above"); not "above Brussels-Central station"."""


def _check_record(document: Document, front: frontmatter.FrontMatter, problems: list[Problem]) -> None:
    record, shown = document.record, document.path
    counts = {lang: len(items) for lang, items in document.sections.items()}
    if len(set(counts.values())) > 1:
        counted = ", ".join(f"{lang} has {count}" for lang, count in counts.items())
        problems.append(
            Problem(
                shown,
                front.body_line,
                "-",
                f"languages have different numbers of sections ({counted}): keep the same ## sections, in the same order, in every language",
            )
        )
    for items in document.sections.values():
        for section in items:
            if pointer := _ELSEWHERE_IN_TEXT.search(section.text):
                line = section.line + 1 + section.text[: pointer.start()].count("\n")
                problems.append(
                    Problem(
                        shown,
                        line,
                        f"# {section.lang}",
                        f'a reply shows one section on its own, so "{pointer.group(0)}" points at text the learner may not see: '
                        'name what you mean ("the Brogniez address")',
                        "warning",
                    )
                )
            length = len(section.text) + len(section.heading or "")
            if length > MAX_PASSAGE_CHARS:
                problems.append(
                    Problem(
                        shown,
                        section.line,
                        f"# {section.lang}",
                        f"this passage has {length} characters, more than {MAX_PASSAGE_CHARS} fit in a reply: split it with ## headings",
                    )
                )
            elif length > LONG_PASSAGE_CHARS:
                problems.append(
                    Problem(
                        shown,
                        section.line,
                        f"# {section.lang}",
                        f"this passage has {length} characters; search reads about the first {LONG_PASSAGE_CHARS}: consider splitting it",
                        "warning",
                    )
                )
    listed = {source.url for source in record.sources}
    for items in document.sections.values():
        for section in items:
            if section.source is not None and section.source not in listed:
                problems.append(
                    Problem(
                        shown,
                        section.line,
                        f"# {section.lang}",
                        f"the source {section.source} is not in this file's sources: add it there with its date",
                    )
                )
    missing = [lang for lang in LANGUAGES if document.sections and lang not in document.sections]
    if missing:
        problems.append(
            Problem(shown, front.body_line, "-", f"no text in {', '.join(missing)}: learners writing in it get another language", "warning")
        )
    if isinstance(record, Faq) and not any(s.heading for items in document.sections.values() for s in items):
        problems.append(Problem(shown, front.body_line, "-", "an FAQ file needs at least one '## Question?' heading with its answer"))
    if isinstance(record, Centre):
        located: list[tuple[tuple[str | int, ...], Location | None]] = [(("location",), record.location)]
        located += [(("sites", n, "location"), site.location) for n, site in enumerate(record.sites or ())]
        (lat_lo, lat_hi), (lon_lo, lon_hi) = BRUSSELS_BOUNDS
        for path, location in located:
            if location is not None and not (lat_lo <= location.lat <= lat_hi and lon_lo <= location.lon <= lon_hi):
                problems.append(
                    Problem(
                        shown,
                        front.line_of(path),
                        _field_name(path),
                        "these coordinates are outside the Brussels region: are lat and lon swapped?",
                        "warning",
                    )
                )


def stale_entries(knowledge: Knowledge, max_age_days: int, today: dt.date) -> list[Problem]:
    """A warning for each file whose `verified` date is more than `max_age_days` old."""
    problems = []
    for document in knowledge.documents:
        age = (today - document.record.verified).days
        if age > max_age_days:
            problems.append(
                Problem(
                    document.path,
                    document.line_of("verified"),
                    "verified",
                    f"last verified on {document.record.verified} ({age} days ago, more than {max_age_days}): "
                    "check the facts against the sources again, then update this date",
                    "warning",
                )
            )
    return problems
