"""Compose what a learner reads: the matching offer, who it is for, how to sign up, where and when.

A reply is a list of `Block`s (bot/blocks.py) so that each channel renders it its own way.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote

from bot import timing
from bot.blocks import Block
from bot.conditions import conditions_line
from bot.i18n import colon, language_name, phrase
from bot.places import Nearby
from bot.routing import Fit
from bot.small_talk import SmallTalk
from index.passages import Passage
from index.schema import DAYS, Address, Centre, Lang, Location, OpeningHours, Programme, Site


def format_hours(hours: list[OpeningHours] | None, lang: Lang) -> str | None:
    """'Mon–Fri 09:00–17:00; Sat 10:00–12:00' in the learner's language."""
    if not hours:
        return None
    names = dict(zip(DAYS, phrase(lang, "days").split(","), strict=True))
    parts = []
    for slot in hours:
        indexes = sorted(DAYS.index(day) for day in slot.days)
        runs: list[list[int]] = []
        for i in indexes:
            if runs and i == runs[-1][-1] + 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        days = ", ".join(names[DAYS[run[0]]] if len(run) == 1 else f"{names[DAYS[run[0]]]}–{names[DAYS[run[-1]]]}" for run in runs)
        parts.append(f"{days} {slot.opens}–{slot.closes}")
    return "; ".join(parts)


def format_address(centre: Centre, lang: Lang, site: Site | None = None) -> str:
    """The street address of `centre`, or of one of its `site`s, with a note when it is old or unknown."""
    address = site.address if site is not None else centre.address
    if address is None or address.street is None:
        where = address.municipality.get(lang) if address and address.municipality else None
        unknown = phrase(lang, "address_unknown")
        return f"{where} ({unknown})" if where else unknown
    place = " ".join(part for part in (address.postcode, address.municipality.get(lang) if address.municipality else None) if part)
    text = ", ".join(part for part in (address.street.get(lang), place) if part)
    if address.status == "unverified":
        key = ("address_unverified" if address.as_of else "address_unconfirmed") + ("" if centre.website else "_ask")
        text += f" ({phrase(lang, key, as_of=address.as_of or '', website=centre.website or '')})"
    return text


def map_link(centre: Centre, lang: Lang, site: Site | None = None) -> str | None:
    """An OpenStreetMap search for the street address (so the pin follows the address, not our
    coordinates); without one, for the name as a learner would search it, in its municipality (the
    parentheses of "L'Atelier du Web (public computer room in Saint-Gilles)" found nothing)."""
    if site is not None:
        name, site_name = search_name(centre, lang), site.name.get(lang)
        query = site_name if name.casefold() in site_name.casefold() else f"{name} {site_name}"  # not "Lire et Écrire Lire et Écrire, …"
        return _map_search(query, site.address, site.location, lang)
    return _map_search(search_name(centre, lang), centre.address, centre.location, lang)


def _map_search(name: str, address: Address | None, location: Location | None, lang: Lang) -> str | None:
    if address is not None and address.street is not None:
        municipality = address.municipality.get(lang) if address.municipality else ""
        query = f"{address.street.get(lang)}, {address.postcode or ''} {municipality}".replace("  ", " ").strip(", ")
    elif location is not None and location.precision == "landmark" and location.landmark:
        query = location.landmark
    elif address is not None and address.municipality is not None:
        query = f"{name}, {address.municipality.get(lang)}"
    else:
        return None
    return "https://www.openstreetmap.org/search?query=" + quote(query)


def contact_line(centre: Centre) -> str | None:
    parts = [part for part in (centre.phone, centre.email, centre.website) if part]
    return " · ".join(parts) if parts else None


def search_name(centre: Centre, lang: Lang) -> str:
    """The centre's name as a learner would search for it: without what the parentheses or a dash
    add ("Espace public numérique de Koekelberg", "Forest Quartiers Santé"), or its first alias when
    that leaves too little ("19 (École 19, ...)" → "École 19")."""
    name = re.sub(r"\s*\([^)]*\)", "", centre.name.get(lang)).split(" – ")[0].split(" - ")[0].strip()
    return (centre.aliases or [name])[0] if len(name) < 4 else name


def _label(lang: Lang, key: str) -> str:
    """A field's label with its colon."""
    return phrase(lang, key) + colon(lang)


def centre_blocks(centre: Centre, lang: Lang, now: dt.datetime | None = None, site_ids: list[str] | None = None) -> list[Block]:
    """Name, address, hours (and whether it is open at `now`), contact, map and other places of a centre.

    `site_ids` narrows the other places to those a programme runs at."""
    blocks = [Block("field", centre.name.get(lang), _label(lang, "centre"))]
    if centre.walk_in or centre.address is not None:
        blocks.append(Block("field", format_address(centre, lang), _label(lang, "address")))
    hours = format_hours(centre.hours, lang)
    if hours or centre.walk_in:
        note = centre.hours_note.get(lang) if centre.hours_note else None
        status = timing.open_status(centre, now) if now is not None else None
        live = timing.describe_status(status, lang, now) if status is not None and now is not None else None
        text = "; ".join(p for p in (hours, note) if p) or phrase(lang, "hours_unknown")
        blocks.append(Block("field", f"{text}. {live}" if live else text, _label(lang, "hours")))
    contact = contact_line(centre) or phrase(lang, "contact_unknown", name=search_name(centre, lang))
    blocks.append(Block("field", contact, _label(lang, "contact")))
    if centre.languages:
        spoken = ", ".join(language_name(code, lang) for code in centre.languages)
        blocks.append(Block("field", spoken, _label(lang, "spoken")))
    link = map_link(centre, lang)
    if link:
        blocks.append(Block("link", link, _label(lang, "map")))
    sites = [site for site in centre.sites or () if site_ids is None or site.id in site_ids]
    if sites:
        blocks.append(Block("field", "; ".join(site_line(centre, site, lang) for site in sites), _label(lang, "sites")))
    return blocks


def site_line(centre: Centre, site: Site, lang: Lang) -> str:
    """One other place of a centre: its name, address and hours, in one line.

    A site with no street gives only its municipality, and one with nothing known only its name: the
    centre's own lines already say to ask."""
    address = site.address
    if address is not None and address.street is not None:
        parts = [format_address(centre, lang, site)]
    else:
        parts = [address.municipality.get(lang)] if address is not None and address.municipality is not None else []
    hours = format_hours(site.hours, lang)
    note = site.hours_note.get(lang) if site.hours_note else None
    parts += [part for part in (hours, note, site.phone, site.email) if part]
    return f"{site.name.get(lang)}{colon(lang)} {', '.join(parts)}" if parts else site.name.get(lang)


def programme_blocks(programme: Programme, lang: Lang, now: dt.datetime | None = None) -> list[Block]:
    """Who a programme is for, how long, what it costs, when, how to sign up."""
    blocks = [Block("field", programme.for_whom.get(lang), _label(lang, "who"))]
    for key, value in (("duration", programme.duration), ("cost", programme.cost)):
        if value is not None:
            blocks.append(Block("field", value.get(lang), _label(lang, key)))
    if programme.instruction_languages:
        names = ", ".join(language_name(code, lang) for code in programme.instruction_languages)
        blocks.append(Block("field", names, _label(lang, "taught_in")))
    if now is not None:
        today = now.astimezone(timing.BRUSSELS).date()
        upcoming = timing.next_sessions(programme, now)
        when = "; ".join(timing.describe_session(s, lang, today) for s in upcoming[:2]) if upcoming else phrase(lang, "no_session")
        blocks.append(Block("field", when, _label(lang, "when")))
    if programme.how_to_apply is not None:
        blocks.append(Block("field", programme.how_to_apply.get(lang), _label(lang, "apply")))
    return blocks


def confident_reply(
    passage: Passage,
    lang: Lang,
    centre: Centre | None,
    programme: Programme | None,
    truncated: bool,
    stale_since: dt.date | None = None,
    now: dt.datetime | None = None,
    fit: Fit | None = None,
) -> list[Block]:
    """The full answer: the matching passage, then the programme's and the centre's practical facts.

    `stale_since` is the date an entry was last verified, given when that is too long ago; `now`
    (aware) makes hours and sessions time-aware; `fit` says why this option was chosen."""
    blocks: list[Block] = []
    if truncated:
        blocks.append(Block("note", phrase(lang, "truncated")))
    if programme is not None:
        title = programme.title.get(lang)
    elif centre is not None:
        title = centre.name.get(lang)
    else:
        title = passage.title.split(" — ")[-1]
    blocks.append(Block("title", title))
    conditions = conditions_line(programme, lang) if programme is not None else None
    if conditions:
        blocks.append(Block("text", conditions))
    blocks.extend(fit_blocks(fit, lang))
    if programme is not None and programme.instruction_languages and lang not in programme.instruction_languages:
        names = ", ".join(language_name(code, lang) for code in programme.instruction_languages)
        blocks.append(Block("note", phrase(lang, "taught_other", languages=names)))
    if passage.lang != lang:
        blocks.append(Block("note", phrase(lang, "fallback_language")))
    heading = passage.title.split(" — ")[-1]
    if (programme is not None or centre is not None) and heading.endswith("?"):
        blocks.append(Block("text", heading))  # the section answers this question: "Yes, in 2022…" needs it
    blocks.append(Block("text", passage.text))
    if programme is not None:
        blocks.extend(programme_blocks(programme, lang, now))
        if programme.as_of:
            blocks.append(Block("note", phrase(lang, "dated", as_of=programme.as_of)))
    if centre is not None:
        if programme is not None:
            blocks.append(Block("title", centre.name.get(lang)))
        blocks.extend(centre_blocks(centre, lang, now, programme.sites if programme is not None else None))
    if stale_since is not None:
        blocks.append(Block("note", phrase(lang, "stale", date=stale_since.isoformat())))
    dated = f" ({passage.source_date})" if passage.source_date != "undated" else ""
    blocks.append(Block("field", passage.source + dated, _label(lang, "source")))
    return blocks


def fit_blocks(fit: Fit | None, lang: Lang) -> list[Block]:
    """Why this option, in a few words ("near Kuregem, for women"), and what the learner may lack."""
    if fit is None:
        return []
    reasons = [phrase(lang, "why_near", place=fit.near)] if fit.near else []
    reasons += [phrase(lang, f"why_{matched}") for matched in fit.matched]
    blocks = [Block("note", phrase(lang, "why", reasons=", ".join(reasons)))] if reasons else []
    if fit.unmet:
        separator = " ; " if lang == "fr" else "; "  # French typography spaces both sides
        blocks.append(Block("note", phrase(lang, "unmet", reasons=separator.join(fit.unmet))))
    return blocks


def where_to_go(places: list[tuple[str, str]], lang: Lang) -> list[Block]:
    """For an answer that names no centre: the centres that apply, with their municipality."""
    if not places:
        return []
    items = [Block("item", f"{name} ({where})" if where else name, "•") for name, where in places]
    return [Block("title", phrase(lang, "where_to_go")), *items]


def with_note(blocks: list[Block], note: str | None) -> list[Block]:
    """`blocks` after a note (e.g. that we answer in French, in the learner's own language)."""
    return [Block("note", note), *blocks] if note else blocks


def unsure_reply(
    options: list[tuple[str, str]],
    lang: Lang,
    contact: tuple[str, str] | None,
    truncated: bool,
    elsewhere: str | None = None,
    *,
    which_one: bool = False,
) -> list[Block]:
    """An honest 'not sure': the closest options, a person to contact, and an example question.
    `elsewhere` (a place outside Brussels the question is about) says why instead of "not sure";
    `which_one`: the question asks about something it does not name ("is it free?"), so ask which."""
    blocks: list[Block] = []
    if truncated:
        blocks.append(Block("note", phrase(lang, "truncated")))
    if elsewhere is not None:
        blocks.append(Block("text", phrase(lang, "elsewhere", place=elsewhere)))
    if options:
        opening = "elsewhere_options" if elsewhere is not None else "which_one" if which_one else "not_sure"
        blocks.append(Block("text", phrase(lang, opening)))
        blocks.extend(Block("item", f"{title} ({where})" if where else title, f"{n}.") for n, (title, where) in enumerate(options, 1))
    else:
        blocks.append(Block("text", phrase(lang, "nothing")))
    if contact is not None:
        blocks.append(Block("text", phrase(lang, "ask_person", name=contact[0], contact=contact[1])))
    if not which_one:  # it already asks again, with its own example
        blocks.append(Block("text", phrase(lang, "rephrase")))
    return blocks


def empty_reply(lang: Lang | None) -> list[Block]:
    """Asked nothing: an example question, in every language when we cannot tell which."""
    langs = [lang] if lang else ["en", "fr", "nl"]
    return [Block("text", phrase(code, "empty")) for code in langs]


def small_talk_reply(talk: SmallTalk, lang: Lang) -> list[Block]:
    """A greeting gets the welcome (what the bot does, with an example question); thanks a short reply."""
    return [Block("text", phrase(lang, "welcome" if talk == "greeting" else "you_are_welcome"))]


def nearest_reply(places: list[Nearby], lang: Lang, place: str | None) -> list[Block]:
    """Centres (or their sites) nearest to a point or a municipality, with rough distances and map links."""
    if not places:
        return [Block("text", phrase(lang, "no_located_centres"))]
    intro = phrase(lang, "nearest_to", place=place) if place else phrase(lang, "nearest")
    blocks = [Block("text", intro)]
    for n, near in enumerate(places, 1):
        centre, site = near.centre, near.site
        address, location = (site.address, site.location) if site is not None else (centre.address, centre.location)
        where = address.municipality.get(lang) if address and address.municipality else ""
        rough = "≈ " if location and location.precision != "street" else ""
        name = f"{centre.name.get(lang)} ({site.name.get(lang)})" if site is not None else centre.name.get(lang)
        blocks.append(Block("item", f"{name} — {where}, {rough}{near.km:.1f} km".replace(" — , ", " — "), f"{n}."))
        link = map_link(centre, lang, site)
        if link:
            blocks.append(Block("link", link, _label(lang, "map")))
    blocks.append(Block("note", phrase(lang, "nearest_hint")))
    return blocks
