"""Checks across files: every id one file names (centre, programme, network member, site) exists.

Kept apart from loading (index/knowledge.py) so each stays readable; problems use the same
`file:line: field: message` form, with the line of the field that names the missing id.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TYPE_CHECKING

from index.problems import Problem
from index.schema import Centre, Programme

if TYPE_CHECKING:
    from index.knowledge import Document, Knowledge


def check_references(knowledge: Knowledge) -> None:
    """Append to `knowledge.problems` every id used twice and every reference that leads nowhere."""
    seen: dict[str, Document] = {}
    for document in knowledge.documents:
        other = seen.get(document.record.id)
        if other is not None:
            knowledge.problems.append(
                Problem(document.path, document.line_of("id"), "id", f"id {document.record.id!r} is already used by {other.path}")
            )
        else:
            seen[document.record.id] = document
    centres = knowledge.centres
    programmes = knowledge.programmes
    for document in knowledge.documents:
        record = document.record
        centre = getattr(record, "centre", None)
        if centre is not None and centre not in centres and centre not in knowledge.broken_ids:
            knowledge.problems.append(
                Problem(document.path, document.line_of("centre"), "centre", f"no centre has the id {centre!r}{_suggest(centre, centres)}")
            )
        programme = getattr(record, "programme", None)
        if programme is not None and programme not in programmes and programme not in knowledge.broken_ids:
            knowledge.problems.append(
                Problem(
                    document.path,
                    document.line_of("programme"),
                    "programme",
                    f"no programme has the id {programme!r}{_suggest(programme, programmes)}",
                )
            )
        if isinstance(record, Centre):
            _check_members(document, record, knowledge)
            _check_site_ids(document, record, knowledge)
        elif isinstance(record, Programme) and record.sites and record.centre in centres:
            _check_programme_sites(document, record, centres[record.centre], knowledge)


def _check_members(document: Document, centre: Centre, knowledge: Knowledge) -> None:
    if not centre.members:
        return
    if centre.kind != "network":
        knowledge.problems.append(
            Problem(
                document.path,
                document.line_of("members"),
                "members",
                f"only a network lists members, but this file's kind is {centre.kind!r}: set 'kind: network' or remove 'members'",
            )
        )
    centres = knowledge.centres
    for n, member in enumerate(centre.members):
        where = document.line_at(("members", n))
        if member == centre.id:
            knowledge.problems.append(Problem(document.path, where, f"members[{n + 1}]", "a network cannot be its own member"))
        elif member not in centres and member not in knowledge.broken_ids:
            knowledge.problems.append(
                Problem(document.path, where, f"members[{n + 1}]", f"no centre has the id {member!r}{_suggest(member, centres)}")
            )


def _check_site_ids(document: Document, centre: Centre, knowledge: Knowledge) -> None:
    first: dict[str, int] = {}
    for n, site in enumerate(centre.sites or ()):
        if site.id in first:
            knowledge.problems.append(
                Problem(
                    document.path,
                    document.line_at(("sites", n, "id")),
                    f"sites[{n + 1}].id",
                    f"site id {site.id!r} is already used by sites[{first[site.id] + 1}]: give each site its own id",
                )
            )
        else:
            first[site.id] = n


def _check_programme_sites(document: Document, programme: Programme, centre: Centre, knowledge: Knowledge) -> None:
    known = {site.id: site for site in centre.sites or ()}
    for n, site_id in enumerate(programme.sites or ()):
        if site_id in known:
            continue
        listed = f"its sites are: {', '.join(known)}" if known else "it lists no sites"
        knowledge.problems.append(
            Problem(
                document.path,
                document.line_at(("sites", n)),
                f"sites[{n + 1}]",
                f"centre {centre.id!r} has no site {site_id!r}{_suggest(site_id, known)}; {listed}",
            )
        )


def _suggest(name: str, known: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
