"""Reply composition: hours, addresses, map links, and escaping for Telegram HTML."""

from __future__ import annotations

from bot.blocks import Block, render_html, render_text
from bot.places import nearest_centres
from bot.reply import centre_blocks, confident_reply, format_address, format_hours, map_link, nearest_reply, search_name, unsure_reply
from index.passages import Passage
from index.schema import Centre, OpeningHours


def _centre(**fields: object) -> Centre:
    base: dict = {
        "id": "x",
        "name": {"en": "X centre", "fr": "Centre X"},
        "summary": "A centre.",
        "sources": [{"url": "https://x.example.org", "date": "undated"}],
        "verified": "2026-11-01",
    }
    base.update(fields)
    return Centre.model_validate(base)


def test_hours_group_consecutive_days_in_each_language() -> None:
    hours = [
        OpeningHours(days=["mon", "tue", "wed", "thu", "fri"], opens="09:00", closes="17:00"),
        OpeningHours(days=["sat"], opens="10:00", closes="12:00"),
        OpeningHours(days=["mon", "wed", "thu"], opens="16:00", closes="18:00"),
    ]
    assert format_hours(hours, "en") == "Mon–Fri 09:00–17:00; Sat 10:00–12:00; Mon, Wed–Thu 16:00–18:00"
    assert format_hours(hours, "nl").startswith("ma–vr 09:00–17:00")
    assert format_hours(None, "fr") is None


def test_unverified_address_says_so_with_the_website() -> None:
    centre = _centre(
        website="https://x.example.org",
        address={"street": "Rue du Test 1", "postcode": "1210", "municipality": "Saint-Josse", "status": "unverified", "as_of": 2012},
    )
    assert (
        format_address(centre, "en")
        == "Rue du Test 1, 1210 Saint-Josse (address from 2012, not confirmed: please check https://x.example.org)"
    )


def test_an_undated_unverified_address_says_so_without_a_date() -> None:
    centre = _centre(address={"street": "Rue du Test 1", "municipality": "Evere", "status": "unverified"})
    assert format_address(centre, "fr") == "Rue du Test 1, Evere (adresse non confirmée : demandez au centre)"


def test_address_without_street_asks_the_centre() -> None:
    centre = _centre(address={"municipality": {"en": "Brussels", "fr": "Bruxelles", "nl": "Brussel"}})
    assert format_address(centre, "fr") == "Bruxelles (pas d'adresse publiée : demandez au centre)"


def test_map_link_searches_the_street_address_in_the_learners_language() -> None:
    centre = _centre(
        address={"street": {"fr": "Rue Brogniez 54", "nl": "Brogniezstraat 54"}, "postcode": "1070", "municipality": "Anderlecht"}
    )
    assert map_link(centre, "nl") == "https://www.openstreetmap.org/search?query=Brogniezstraat%2054%2C%201070%20Anderlecht"


def test_map_link_without_a_street_searches_the_name_without_its_parentheses_in_its_municipality() -> None:
    centre = _centre(
        name={"en": "L'Atelier du Web (public computer room in Saint-Gilles)"}, address={"municipality": {"en": "Saint-Gilles"}}
    )
    assert map_link(centre, "en") == "https://www.openstreetmap.org/search?query=L%27Atelier%20du%20Web%2C%20Saint-Gilles"


def test_map_link_uses_the_landmark_when_no_street_is_known() -> None:
    centre = _centre(
        location={
            "lat": 50.8456,
            "lon": 4.3572,
            "precision": "landmark",
            "landmark": "Brussels-Central station",
            "source": "https://en.wikipedia.org/wiki/X",
        }
    )
    assert map_link(centre, "en") == "https://www.openstreetmap.org/search?query=Brussels-Central%20station"


def test_html_escapes_every_dynamic_fragment() -> None:
    blocks = [
        Block("title", "<script>alert(1)</script> & co"),
        Block("text", "Use <b>bold</b> & 5 < 6"),
        Block("field", "a<b", "Lab<el>:"),
        Block("link", 'https://x.example.org/?a=1&b="2"', "Map:"),
        Block("note", "</i>oops"),
    ]
    rendered = render_html(blocks)
    assert "<script>" not in rendered and "<b>bold</b>" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in rendered
    assert "<b>Lab&lt;el&gt;:</b> a&lt;b" in rendered
    assert 'href="https://x.example.org/?a=1&amp;b=&quot;2&quot;"' in rendered
    assert "<i>&lt;/i&gt;oops</i>" in rendered


def test_plain_text_rendering_keeps_text_as_is() -> None:
    blocks = [Block("title", "A & B"), Block("field", "x < y", "Who:")]
    assert render_text(blocks) == "A & B\nWho: x < y"


def test_unsure_reply_lists_options_and_a_person() -> None:
    text = render_text(unsure_reply([("Coding school", "Molenbeek"), ("Computer room", "")], "en", ("Maks", "https://maksvzw.org"), False))
    assert "I'm not sure" in text
    assert "1. Coding school (Molenbeek)" in text and "2. Computer room" in text
    assert "contact Maks: https://maksvzw.org" in text


_ROOMS = [
    {
        "id": "north",
        "name": {"en": "North room", "fr": "Salle nord"},
        "source": "https://x.example.org/rooms",
        "address": {"street": "Rue du Nord 2", "postcode": "1080", "municipality": "Molenbeek"},
        "hours": [{"days": ["mon", "tue"], "opens": "16:00", "closes": "18:00"}],
    },
    {
        "id": "south",
        "name": "South room",
        "source": "https://x.example.org/rooms",
        "address": {"municipality": "Forest"},
        "location": {"lat": 50.8167, "lon": 4.3167, "precision": "municipality", "source": "https://en.wikipedia.org/wiki/Forest,_Belgium"},
    },
]


def test_centre_facts_list_its_sites_or_only_a_programmes_sites() -> None:
    centre = _centre(sites=_ROOMS)
    sites = [b.value for b in centre_blocks(centre, "en") if b.label == "Other places:"]
    assert sites == ["North room: Rue du Nord 2, 1080 Molenbeek, Mon–Tue 16:00–18:00; South room: Forest"]
    only = [b.value for b in centre_blocks(centre, "fr", site_ids=["north"]) if b.label == "Autres lieux\u00a0:"]
    assert only == ["Salle nord\u00a0: Rue du Nord 2, 1080 Molenbeek, lun–mar 16:00–18:00"]


def test_a_site_known_by_its_name_only_has_no_dangling_colon() -> None:
    centre = _centre(sites=[*_ROOMS, {"id": "bare", "name": "Bare room", "source": "https://x.example.org/rooms"}])
    sites = [b.value for b in centre_blocks(centre, "en") if b.label == "Other places:"]
    assert sites[0].endswith("; South room: Forest; Bare room")


def test_the_languages_spoken_are_named_in_the_learners_language() -> None:
    centre = _centre(languages=["fr", "nl", "tr"])
    assert [b.value for b in centre_blocks(centre, "en") if b.label == "Languages spoken:"] == ["French, Dutch, Turkish"]
    assert [b.value for b in centre_blocks(centre, "fr") if b.label == "Langues parlées\u00a0:"] == ["français, néerlandais, turc"]
    assert "Gesproken talen:" not in [b.label for b in centre_blocks(_centre(), "nl")]


def test_outreach_without_address_shows_no_empty_address_or_hours() -> None:
    labels = [b.label for b in centre_blocks(_centre(kind="outreach", website="https://x.example.org"), "en")]
    assert labels == ["Centre:", "Contact:"]


def test_nearest_reply_names_the_site_and_links_its_map() -> None:
    text = render_text(nearest_reply(nearest_centres(50.8167, 4.3167, [_centre(kind="network", sites=_ROOMS)]), "en", "Forest"))
    assert "1. X centre (South room) — Forest, ≈ 0.0 km" in text
    assert "https://www.openstreetmap.org/search?query=X%20centre%20South%20room%2C%20Forest" in text
    french = render_text(nearest_reply(nearest_centres(50.8167, 4.3167, [_centre(kind="network", sites=_ROOMS)]), "fr", "Anderlecht"))
    assert french.startswith("Les centres les plus proches du lieu indiqué (Anderlecht) :")  # not "de Anderlecht"


def test_a_sites_map_link_names_the_centre_once() -> None:
    """A site named after its organisation searched "Lire et Écrire Bruxelles Lire et Écrire Bruxelles, Schaerbeek branch"."""
    branch = {**_ROOMS[1], "name": "X centre, Forest branch"}
    text = render_text(nearest_reply(nearest_centres(50.8167, 4.3167, [_centre(kind="network", sites=[branch])]), "en", "Forest"))
    assert "https://www.openstreetmap.org/search?query=X%20centre%2C%20Forest%20branch%2C%20Forest" in text


def test_a_centre_without_phone_email_or_website_says_how_to_find_it() -> None:
    centre = _centre(name={"en": "Koekelberg public digital space (EPN)", "fr": "Espace public numérique (EPN) de Koekelberg"})
    contact = [b.value for b in centre_blocks(centre, "fr") if b.label.startswith("Contact")]
    assert contact == ["aucun publié ici : cherchez « Espace public numérique de Koekelberg » sur internet"]
    short = _centre(name="19 (École 19, 19 Coding School)", aliases=["École 19"])
    assert search_name(short, "en") == "École 19"


def test_a_section_that_answers_a_question_shows_the_question() -> None:
    centre = _centre()

    def section(heading: str) -> Passage:
        return Passage.of(
            "x",
            1,
            "en",
            kind="centre",
            centre="x",
            programme=None,
            title=f"X centre — {heading}",
            text="Yes, in 2022.",
            source="https://x.example.org",
            source_date="2022",
            path="centres/x.md",
            line=9,
        )

    asked = render_text(confident_reply(section("Can I pay with the ICT cheque?"), "en", centre, None, False))
    assert "Can I pay with the ICT cheque?\nYes, in 2022." in asked
    told = render_text(confident_reply(section("Computer room"), "en", centre, None, False))
    assert "Computer room" not in told and "X centre\nYes, in 2022." in told
