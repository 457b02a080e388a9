"""The facts of our knowledge that HSDS 3.0 has no column for (where a fact comes from, when it was
checked, eligibility details...), as HSDS `attributes` under a small taxonomy of our own (`TERMS`),
and the stable ids of every exported row."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from index.schema import Source

Json = dict[str, Any]

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:telecentre-bot:hsds")
"""Ids are uuid5(NAMESPACE, "<table>/<our id>…"): the same knowledge always gets the same ids."""

TAXONOMY_NAME = "telecentre-bot knowledge fields"
TERMS: dict[str, tuple[str, str]] = {
    # code: (link_type, description)
    "source": (
        "provenance",
        "A web page the facts of this record come from: the address, then in brackets its date (YYYY-MM-DD, YYYY-MM, YYYY or undated) and what it supports.",
    ),
    "verified": ("provenance", "The day someone last checked the record against its sources (YYYY-MM-DD)."),
    "as-of": ("provenance", "The year or period the facts of this record are from."),
    "kind": ("classification", "What the organisation is: centre (walk-in place), network, outreach, training or for-groups."),
    "network-member": ("relationship", "The id of an organization in this export that belongs to this network."),
    "dated-address": ("provenance", "An address that is unconfirmed or 10 or more years old: not given as the place's current address."),
    "partial-address": (
        "provenance",
        "What is known of the address when street, Brussels postcode or municipality is missing (an HSDS address needs all three).",
    ),
    "coordinates-precision": ("provenance", "How precise latitude and longitude are: street or landmark (with the landmark's name)."),
    "gender": ("eligibility", "Who may join: women or men only."),
    "jobseeker": ("eligibility", "Registration as a job seeker: required, priority (those registered come first) or no."),
    "jobseeker-agency": ("eligibility", "The employment agency a job seeker must be registered with: actiris, vdab or forem."),
    "residence": ("eligibility", "Where learners must live: brussels-region or any."),
    "language-level": ("eligibility", "The level of the language of instruction that learners need."),
    "prerequisites": ("eligibility", "What learners must know or have before they start."),
    "duration": ("detail", "How long the programme lasts."),
    "certificate": ("detail", "The certificate or diploma the programme leads to."),
    "outcomes": ("detail", "What learners can do or reach after the programme."),
}


def hsds_id(table: str, *key: str) -> str:
    """The HSDS id (a UUID, as HSDS requires) of the row of `table` made from our `key`."""
    return str(uuid.uuid5(NAMESPACE, "/".join((table, *key))))


def _taxonomy() -> Json:
    return {
        "id": hsds_id("taxonomy", "telecentre-bot"),
        "name": TAXONOMY_NAME,
        "description": "Fields of the telecentre bot's knowledge files that HSDS 3.0 has no column for.",
    }


def _attribute(link_entity: str, link_id: str, code: str, value: str, n: int) -> Json:
    link_type, description = TERMS[code]
    term_id = hsds_id("taxonomy_term", code)
    taxonomy = _taxonomy()
    return {
        "id": hsds_id("attribute", link_id, code, str(n)),
        "link_id": link_id,
        "link_type": link_type,
        "link_entity": link_entity,
        "taxonomy_term_id": term_id,
        "value": value,
        "taxonomy_term": {
            "id": term_id,
            "code": code,
            "name": code,
            "description": description,
            "language": "en",
            "taxonomy": TAXONOMY_NAME,
            "taxonomy_id": taxonomy["id"],
            "taxonomy_detail": taxonomy,
        },
    }


def attributes_for(link_entity: str, link_id: str, pairs: Iterable[tuple[str, str | None]]) -> list[Json]:
    """One attribute per distinct (code, value) with a value, numbered per code so that ids stay stable."""
    seen: dict[str, int] = {}
    out = []
    for code, value in dict.fromkeys(pairs):
        if value:
            seen[code] = seen.get(code, 0) + 1
            out.append(_attribute(link_entity, link_id, code, value, seen[code]))
    return out


def source_value(source: Source) -> str:
    return f"{source.url} ({source.date}: {source.about})" if source.about else f"{source.url} ({source.date})"
