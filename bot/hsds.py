"""The knowledge as Open Referral HSDS 3.0 organization documents, for other directories to reuse.

Each centre or network becomes one nested `organization` document as HSDS 3.0 defines it
(`schema/compiled/organization.json`): its phones, its places (`locations`, with addresses,
regular opening hours, languages spoken and accessibility) and its programmes (`services`, with
eligibility, languages taught in, upcoming sessions and where they run). A record appears once:
a service names its places by `location_id` only. HSDS has no column for where a fact comes from,
so sources, the verification date and the other facts without a column travel as `attributes`
under a small taxonomy of our own (`bot/hsds_attributes.py`).

This module is pure: knowledge in, dicts out. It lives in `bot/` because it reuses the bot's
phrases (dated offers, session descriptions, language and region names) and its postcode list.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from bot import timing
from bot.hsds_attributes import Json, attributes_for, hsds_id, source_value
from bot.i18n import language_name, phrase
from bot.places import find_place
from index.knowledge import Knowledge
from index.schema import LANGUAGES, Address, Centre, Lang, LocalText, Location, OpeningHours, Programme

DATED_AFTER_YEARS = 10
"""Facts this many years old are never presented as current (house rule)."""

_BYDAY = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
_YEAR = re.compile(r"\d{4}")


def _text(value: LocalText | None, lang: Lang) -> str | None:
    return value.get(lang) if value is not None else None


def _alternate(value: LocalText, lang: Lang, aliases: list[str] | None = None) -> str | None:
    """The other languages' versions of a name, when they differ (HSDS holds one language), then
    the other names learners use (`aliases`)."""
    main = value.get(lang)
    others = [value.get(other) for other in LANGUAGES if other != lang and value.has(other)] + list(aliases or [])
    distinct = [text for i, text in enumerate(others) if text != main and text not in others[:i]]
    return " / ".join(distinct) or None


def is_dated(as_of: str | None, today: dt.date) -> bool:
    """Whether facts from `as_of` (e.g. "2013-2017") are 10 or more years old on `today`."""
    years = [int(y) for y in _YEAR.findall(as_of or "")]
    return bool(years) and today.year - max(years) >= DATED_AFTER_YEARS


def _clean(value: Any) -> Any:
    """Drop empty fields: HSDS fields are optional unless required, and null helps no one."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None and v != [] and v != ""}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _address_line(address: Address, lang: Lang) -> str:
    municipality = " ".join(p for p in (address.postcode, _text(address.municipality, lang)) if p)
    return ", ".join(p for p in (_text(address.street, lang), municipality) if p)


def _address(address: Address | None, location_id: str, lang: Lang, today: dt.date) -> tuple[list[Json], list[tuple[str, str | None]]]:
    """The HSDS address (which needs street, postcode and city) and the attributes for the rest."""
    if address is None:
        return [], []
    region = find_place(address.postcode) if address.postcode else None
    complete = address.street is not None and address.municipality is not None and region is not None
    if address.status != "current" or is_dated(address.as_of, today):
        line = _address_line(address, lang)
        note = f"{line} ({address.status}, {address.as_of})" if address.as_of else f"{line} ({address.status})"
        return [], [("dated-address", note), ("source", address.source)]
    if not complete:
        line = _address_line(address, lang)
        return [], [("partial-address", f"{line} ({address.as_of})" if address.as_of else line), ("source", address.source)]
    address_id = hsds_id("address", location_id)
    row = {
        "id": address_id,
        "location_id": location_id,
        "address_1": _text(address.street, lang),
        "city": _text(address.municipality, lang),
        "state_province": phrase(lang, "brussels_region"),
        "postal_code": address.postcode,
        "country": "BE",
        "address_type": "physical",
        "attributes": attributes_for("address", address_id, [("as-of", address.as_of), ("source", address.source)]),
    }
    return [row], []


def _coordinates(location: Location | None) -> tuple[Json, list[tuple[str, str | None]]]:
    """Latitude and longitude only when they point at the place, not at its municipality."""
    if location is None or location.precision == "municipality":
        return {}, []
    precision = f"landmark: {location.landmark}" if location.precision == "landmark" else location.precision
    return {"latitude": location.lat, "longitude": location.lon}, [("coordinates-precision", precision), ("source", location.source)]


def _hours(hours: list[OpeningHours] | None, note: LocalText | None, owner: str, location_id: str, lang: Lang) -> list[Json]:
    """Regular weekly hours as RRULE-style rows, in Brussels local time; the note on each."""
    notes = _text(note, lang)
    rows = [
        {
            "id": hsds_id("schedule", owner, str(i)),
            "location_id": location_id,
            "freq": "WEEKLY",
            "byday": ",".join(_BYDAY[d] for d in slot.days),
            "opens_at": f"{slot.opens}:00",
            "closes_at": f"{slot.closes}:00",
            "notes": notes,
        }
        for i, slot in enumerate(hours or [])
    ]
    if not rows and notes:
        rows.append({"id": hsds_id("schedule", owner, "note"), "location_id": location_id, "notes": notes})
    return rows


def _languages(codes: list[str] | None, field: str, owner_id: str, lang: Lang) -> list[Json]:
    return [
        {"id": hsds_id("language", owner_id, code), field: owner_id, "code": code, "name": language_name(code, lang)}
        for code in codes or []
    ]


def _location(
    key: str,
    organization_id: str,
    name: LocalText,
    lang: Lang,
    today: dt.date,
    *,
    address: Address | None,
    location: Location | None,
    hours: list[OpeningHours] | None,
    hours_note: LocalText | None,
    extra: Json,
    attributes: list[tuple[str, str | None]],
) -> Json:
    location_id = hsds_id("location", key)
    addresses, address_attributes = _address(address, location_id, lang, today)
    coordinates, coordinate_attributes = _coordinates(location)
    return {
        "id": location_id,
        "location_type": "physical",
        "organization_id": organization_id,
        "name": name.get(lang),
        "alternate_name": _alternate(name, lang),
        **coordinates,
        **extra,
        "addresses": addresses,
        "schedules": _hours(hours, hours_note, key, location_id, lang),
        "attributes": attributes_for("location", location_id, [*attributes, *address_attributes, *coordinate_attributes]),
    }


def _has_place(centre: Centre) -> bool:
    """Whether the centre file describes a place of its own (not only a municipality)."""
    located = centre.location is not None and centre.location.precision != "municipality"
    return bool(
        centre.address or located or centre.hours or centre.hours_note or centre.transport or centre.accessibility or centre.languages
    )


def _locations(centre: Centre, organization_id: str, lang: Lang, today: dt.date) -> list[Json]:
    """The centre's own place (when it has one), then each of its `sites`."""
    out = []
    if _has_place(centre):
        own = _location(
            centre.id,
            organization_id,
            centre.name,
            lang,
            today,
            address=centre.address,
            location=centre.location,
            hours=centre.hours,
            hours_note=centre.hours_note,
            attributes=[],
            extra={"transportation": _text(centre.transport, lang)},
        )
        own["languages"] = _languages(centre.languages, "location_id", own["id"], lang)
        if centre.accessibility is not None:
            own["accessibility"] = [
                {"id": hsds_id("accessibility", centre.id), "location_id": own["id"], "description": centre.accessibility.get(lang)}
            ]
        out.append(own)
    for site in centre.sites or []:
        key = f"{centre.id}/{site.id}"
        place = _location(
            key,
            organization_id,
            site.name,
            lang,
            today,
            address=site.address,
            location=site.location,
            hours=site.hours,
            hours_note=site.hours_note,
            attributes=[("as-of", site.as_of), ("source", site.source)],
            extra={},
        )
        if site.phone:
            place["phones"] = [{"id": hsds_id("phone", key), "location_id": place["id"], "number": site.phone}]
        if site.email:
            place["contacts"] = [{"id": hsds_id("contact", key), "location_id": place["id"], "email": site.email}]
        out.append(place)
    return out


def _sessions(programme: Programme, service_id: str, lang: Lang, now: dt.datetime) -> list[Json]:
    """Upcoming information sessions and registration windows (past ones are never shown)."""
    today = now.astimezone(timing.BRUSSELS).date()
    rows = []
    for session in timing.next_sessions(programme, now):
        key = (programme.id, session.kind, session.date.isoformat(), session.time or "")
        row: Json = {
            "id": hsds_id("schedule", *key),
            "service_id": service_id,
            "valid_from": session.date.isoformat(),
            "valid_to": (session.end or session.date).isoformat(),
            "description": timing.describe_session(session, lang, today),
            "notes": _text(session.place, lang),
            "schedule_link": session.source,
        }
        if session.kind == "info-session":
            row.update(
                {
                    "dtstart": session.date.isoformat(),
                    "freq": "WEEKLY",
                    "count": 1,
                    "opens_at": f"{session.time}:00" if session.time else None,
                }
            )
        rows.append(row)
    return rows


def _service(programme: Programme, organization_id: str, places: dict[str, str], lang: Lang, now: dt.datetime) -> Json:
    """A programme as an HSDS service: eligibility in columns where HSDS has them, else attributes."""
    service_id = hsds_id("service", programme.id)
    today = now.astimezone(timing.BRUSSELS).date()
    eligibility = programme.eligibility
    pairs: list[tuple[str, str | None]] = []
    if eligibility is not None:
        pairs += [("gender", eligibility.gender if eligibility.gender != "any" else None), ("jobseeker", eligibility.jobseeker)]
        pairs += [("jobseeker-agency", agency) for agency in eligibility.jobseeker_agency or []]
        pairs += [
            ("residence", eligibility.residence),
            ("language-level", _text(eligibility.language_level, lang)),
            ("prerequisites", _text(eligibility.prerequisites, lang)),
        ]
    pairs += [(code, _text(getattr(programme, code), lang)) for code in ("duration", "certificate", "outcomes")]
    pairs += [("as-of", programme.as_of), *(("source", source_value(s)) for s in programme.sources)]
    site_ids = programme.sites or []
    place_keys = [f"{programme.centre}/{site}" for site in site_ids] if site_ids else [programme.centre]
    return {
        "id": service_id,
        "organization_id": organization_id,
        "name": programme.title.get(lang),
        "alternate_name": _alternate(programme.title, lang, programme.aliases),
        "description": programme.summary.get(lang),
        "status": "inactive" if is_dated(programme.as_of, today) else "active",
        "alert": phrase(lang, "dated", as_of=programme.as_of) if programme.as_of else None,
        "application_process": _text(programme.how_to_apply, lang),
        "fees_description": _text(programme.cost, lang),
        "eligibility_description": programme.for_whom.get(lang),
        "minimum_age": eligibility.age_min if eligibility else None,
        "maximum_age": eligibility.age_max if eligibility else None,
        "assured_date": programme.verified.isoformat(),
        "languages": _languages(programme.instruction_languages, "service_id", service_id, lang),
        "schedules": _sessions(programme, service_id, lang, now),
        "service_at_locations": [
            {"id": hsds_id("service_at_location", programme.id, key), "service_id": service_id, "location_id": places[key]}
            for key in place_keys
            if key in places
        ],
        "attributes": attributes_for("service", service_id, pairs),
    }


def export_organizations(knowledge: Knowledge, lang: Lang, now: dt.datetime) -> list[Json]:
    """Every centre and network as an HSDS 3.0 organization document, in `lang`, at `now` (aware).

    The list is what the HSDS `organization_package` schema describes; ids are stable across runs."""
    centres = dict(sorted(knowledge.centres.items()))
    programmes = dict(sorted(knowledge.programmes.items()))
    unknown = sorted(p.id for p in programmes.values() if p.centre not in centres)
    if unknown:  # `validate` reports these; exporting would silently drop the programmes
        raise ValueError(f"programmes name a centre that does not exist: {', '.join(unknown)}")
    today = now.astimezone(timing.BRUSSELS).date()
    networks: dict[str, list[str]] = {}
    for centre in centres.values():
        for member in centre.members or []:
            networks.setdefault(member, []).append(centre.id)
    documents = []
    for centre in centres.values():
        organization_id = hsds_id("organization", centre.id)
        locations = _locations(centre, organization_id, lang, today)
        places = {key: hsds_id("location", key) for key in [centre.id, *(f"{centre.id}/{s.id}" for s in centre.sites or [])]}
        places = {key: value for key, value in places.items() if any(place["id"] == value for place in locations)}
        parents = networks.get(centre.id, [])
        members = [m for m in centre.members or [] if m in centres]
        pairs = [("kind", centre.kind), ("verified", centre.verified.isoformat()), *(("source", source_value(s)) for s in centre.sources)]
        pairs += [("network-member", hsds_id("organization", member)) for member in members]
        documents.append(
            {
                "id": organization_id,
                "name": centre.name.get(lang),
                "alternate_name": _alternate(centre.name, lang, centre.aliases),
                "description": centre.summary.get(lang),
                "email": centre.email,
                "website": centre.website,
                "parent_organization_id": hsds_id("organization", parents[0]) if len(parents) == 1 else None,
                "phones": [{"id": hsds_id("phone", centre.id), "organization_id": organization_id, "number": centre.phone}]
                if centre.phone
                else [],
                "locations": locations,
                "services": [_service(p, organization_id, places, lang, now) for p in programmes.values() if p.centre == centre.id],
                "attributes": attributes_for("organization", organization_id, pairs),
            }
        )
    cleaned: list[Json] = _clean(documents)
    return cleaned
