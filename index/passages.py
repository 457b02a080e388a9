"""Cut validated knowledge into passages: the units that are embedded, searched and shown.

Each centre and programme gets a generated "card" passage per language (name, summary, who it is
for, where), and each body section becomes a passage. Passages of the same section in different
languages share a `group`, so a hit in one language can be shown in the learner's.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import cached_property

from index.knowledge import Document, Knowledge
from index.schema import LANGUAGES, Centre, Faq, Programme

CARD = "card"
_BULLET = re.compile(r"^[-*+]\s")
_NUMBERED = re.compile(r"^(\d{1,9})[.)]\s")


@dataclass(frozen=True)
class Passage:
    """A searchable piece of knowledge in one language, with where it came from."""

    id: str
    group: str
    kind: str
    centre: str | None
    programme: str | None
    lang: str
    title: str
    text: str
    source: str
    source_date: str
    path: str
    line: int
    extra: str = ""
    """Searchable text that is not shown (e.g. who a programme is for, shown elsewhere)."""

    @cached_property  # ranking asks for both a hundred times per question
    def target(self) -> str:
        """The id of the file this passage comes from: a centre, a programme or an FAQ."""
        return target_of(self.id)

    @cached_property
    def answerer(self) -> str:
        """Who answers a learner with this passage: its centre, or the FAQ itself when it belongs to
        none (the classes of the centre classifier, bot/centre_prior.py)."""
        return self.centre if self.centre is not None else self.target

    @property
    def search_text(self) -> str:
        """What the embedder and the lexical index read: title, text, then the extra words."""
        return "\n".join(part for part in (self.title, self.text, self.extra) if part)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def of(cls, record_id: str, key: str | int, lang: str, **fields: object) -> Passage:
        """The passage `key` (a section number, or CARD) of a file, in `lang`."""
        return cls(id=f"{record_id}#{key}:{lang}", group=f"{record_id}#{key}", lang=lang, **fields)  # type: ignore[arg-type]


def target_of(passage_id: str) -> str:
    """The file id in a passage id `<file id>#<key>:<lang>` (also accepts a bare group `<file id>#<key>`)."""
    return passage_id.split("#", 1)[0]


def unwrap(text: str) -> str:
    """Join the lines of each paragraph (Markdown wraps them for editing); keep list items apart.

    As in CommonMark, a numbered line starts a list inside a paragraph only from "1." (or after
    another item): "since September\n2020. The facts…" is one sentence wrapped before a year."""
    paragraphs = []
    for block in text.split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        out: list[str] = []
        in_list = False
        for line in lines:
            numbered = _NUMBERED.match(line)
            item = bool(_BULLET.match(line) or (numbered and (in_list or not out or numbered.group(1) == "1")))
            if out and not item:
                out[-1] += " " + line
            else:
                out.append(line)
                in_list = item
        if out:
            paragraphs.append("\n".join(out))
    return "\n\n".join(paragraphs)


def make_passages(knowledge: Knowledge) -> list[Passage]:
    """Every passage of `knowledge`, in a stable order (by file, then section, then language)."""
    centres = knowledge.centres
    passages: list[Passage] = []
    for document in sorted(knowledge.documents, key=lambda d: d.path):
        record = document.record
        centre_id: str | None
        programme_id: str | None
        if isinstance(record, Centre):
            centre_id, programme_id, kind = record.id, None, "centre"
        elif isinstance(record, Programme):
            centre_id, programme_id, kind = record.centre, record.id, "programme"
        else:
            assert isinstance(record, Faq)
            centre_id, programme_id, kind = record.centre, record.programme, "faq"
        centre = centres.get(centre_id) if centre_id else None
        common = {"kind": kind, "centre": centre_id, "programme": programme_id, "path": document.path}
        passages.extend(_cards(document, centre, common))
        passages.extend(_sections(document, centre, common))
    return passages


def _context(document: Document, centre: Centre | None, lang: str) -> str:
    record = document.record
    parts: list[str] = []
    if centre is not None:
        parts.append(centre.name.get(lang))
    if isinstance(record, Programme):
        parts.append(record.title.get(lang))
    return " — ".join(parts)


def _cards(document: Document, centre: Centre | None, common: dict) -> list[Passage]:
    record = document.record
    cards: list[Passage] = []
    for lang in LANGUAGES:
        if isinstance(record, Centre):
            if not (record.name.has(lang) or record.summary.has(lang)):
                continue
            extra = [record.address.municipality.get(lang)] if record.address and record.address.municipality else []
            for site in record.sites or ():  # a learner may name a branch or its municipality
                where = site.address.municipality.get(lang) if site.address and site.address.municipality else None
                extra.append(f"{site.name.get(lang)}, {where}" if where else site.name.get(lang))
            title = record.name.get(lang)
        elif isinstance(record, Programme):
            if not record.summary.has(lang):
                continue
            extra = [record.for_whom.get(lang)]
            extra += [field.get(lang) for field in (record.duration, record.cost) if field is not None]
            title = _context(document, centre, lang)
        else:
            continue
        first = record.sources[0]
        cards.append(
            Passage.of(
                record.id,
                CARD,
                lang,
                title=title,
                text=record.summary.get(lang),
                source=first.url,
                source_date=first.date,
                line=1,
                extra="\n".join(extra),
                **common,
            )
        )
    return cards


def _sections(document: Document, centre: Centre | None, common: dict) -> list[Passage]:
    record = document.record
    out: list[Passage] = []
    for lang, sections in document.sections.items():
        context = _context(document, centre, lang)
        for section in sections:
            if not section.text:
                continue
            source = next((s for s in record.sources if s.url == section.source), record.sources[0])
            title = " — ".join(part for part in (context, section.heading) if part)
            out.append(
                Passage.of(
                    record.id,
                    section.index,
                    lang,
                    title=title or record.id,
                    text=unwrap(section.text),
                    source=source.url,
                    source_date=source.date,
                    line=section.line,
                    **common,
                )
            )
    return out
