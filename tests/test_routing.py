"""Ranking by where and who on a small fixture: two coding centres at either end of Brussels, a
women-only programme beside an open one, and an organisation that serves only groups."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.centre_prior import CentrePrior
from bot.engine import Engine
from bot.places import named_points
from bot.routing import (
    NEAR_KM,
    PRIOR_BONUS,
    PROXIMITY_GATE,
    WOMEN_BONUS,
    WOMEN_ONLY_UNSAID_PENALTY,
    YOUTH_FOR_THE_YOUNG_BONUS,
    YOUTH_ONLY_PENALTY,
    all_centre_points,
    centre_points,
    centres_near,
    nearest,
    proximity,
    rank,
)
from index.gazetteer import fold
from index.knowledge import load_knowledge
from index.places_file import load_gazetteer
from index.streets import Streets
from tests.support.helpers import CENTRE, OFF_TOPIC, PROGRAMME, SHIPPED_KNOWLEDGE

CUREGHEM = "  lat: 50.8367\n  lon: 4.3289\n"
SCHAERBEEK = "  lat: 50.8675\n  lon: 4.3736\n"


def _centre(root: Path, id: str, name: str, town: str, where: str, kind: str = "centre") -> None:
    text = CENTRE.format(id=id, name=name, topic="coding", town=town).replace("  lat: 50.85\n  lon: 4.35\n", where)
    text = text.replace("precision: municipality", "precision: street")  # at `where`, not anywhere in `town`
    (root / "centres" / f"{id}.md").write_text(text.replace(f"id: {id}\n", f"id: {id}\nkind: {kind}\n", 1), encoding="utf-8")


def _programme(root: Path, id: str, centre: str, topic: str, eligibility: str = "") -> None:
    text = PROGRAMME.format(id=id, centre=centre, topic=topic).replace("verified: 2026-11-01", f"{eligibility}verified: 2026-11-01")
    (root / "programmes" / f"{id}.md").write_text(text, encoding="utf-8")


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    root = tmp_path / "routing-knowledge"
    for folder in ("centres", "programmes", "faq"):
        (root / folder).mkdir(parents=True)
    shutil.copyfile(SHIPPED_KNOWLEDGE / "places.yaml", root / "places.yaml")
    (root / "off-topic.yaml").write_text(OFF_TOPIC, encoding="utf-8")
    _centre(root, "west", "West", "Anderlecht", CUREGHEM)
    _centre(root, "east", "East", "Schaerbeek", SCHAERBEEK)
    _centre(root, "schools", "Schools", "Schaerbeek", SCHAERBEEK, kind="for-groups")
    _programme(root, "west-coding", "west", "coding")
    _programme(root, "east-coding", "east", "coding")
    _programme(root, "east-women", "east", "web development", "eligibility:\n  gender: women\n  age_min: 18\n")
    _programme(root, "east-open", "east", "web development")
    _programme(root, "schools-laptops", "schools", "laptops")
    return root


@pytest.fixture
def engine(make_engine: Callable[..., Engine]) -> Engine:
    return make_engine()


@pytest.mark.parametrize(
    "question,centre,near",
    [
        ("coding course in Kuregem", "west", "Kuregem"),  # the name as the learner spelt it
        ("cours de coding à Cureghem", "west", "Cureghem"),
        ("coding course 1070", "west", "Anderlecht"),
        ("coding course in Schaerbeek", "east", "Schaerbeek"),
        ("coding cursus in Schaarbeek", "east", "Schaarbeek"),
    ],
)
def test_a_place_named_brings_the_centre_there_first(engine: Engine, question: str, centre: str, near: str) -> None:
    answer = engine.answer(question)
    assert answer.best is not None and answer.best.centre == centre, [o.centre for o in answer.ranked]
    assert answer.fits[answer.best.target].near == near
    assert f"near {near}" in answer.text or f"près du lieu indiqué ({near})" in answer.text or f"dicht bij {near}" in answer.text


def test_without_a_place_the_centres_tie_on_relevance_alone(engine: Engine) -> None:
    answer = engine.answer("coding course")
    assert {o.centre for o in answer.ranked[:2]} == {"west", "east"}
    assert all(fit.near is None for fit in answer.fits.values())


def test_a_programme_the_learner_cannot_join_drops_below_one_they_can(engine: Engine) -> None:
    man = engine.answer("I am a man, 30 years old, web development course")
    assert man.best is not None and man.best.programme == "east-open"
    women_only = man.fits["east-women"]
    assert women_only.unmet and "women" in women_only.unmet[0]
    woman = engine.answer("I am a woman, 30 years old, web development course")
    assert woman.fits["east-women"].unmet == () and "women" in woman.fits["east-women"].matched
    assert "age" in woman.fits["east-women"].matched
    girl = engine.answer("I am a woman, 16 years old, web development course")
    assert girl.fits["east-women"].unmet and "age" not in girl.fits["east-women"].matched  # not "open to your age" as well


def test_a_centre_for_women_only_drops_for_a_man(make_engine: Callable[..., Engine], knowledge_dir: Path) -> None:
    """A centre all of whose programmes are for women, as its own page: a man cannot join any."""
    _centre(knowledge_dir, "ladies", "Ladies", "Schaerbeek", SCHAERBEEK)
    _programme(knowledge_dir, "ladies-coding", "ladies", "coding", "eligibility:\n  gender: women\n")
    engine = make_engine()
    man = engine.answer("I am a man, coding course in Schaerbeek?")
    woman = engine.answer("coding course in Schaerbeek?")
    for_man, for_anyone = (rank(a.hits, engine.index, a.places, a.audience, "en").adjustments["ladies"] for a in (man, woman))
    assert for_man < for_anyone
    assert man.best is not None and man.best.centre != "ladies", [o.target for o in man.ranked]


def test_an_option_for_women_only_drops_a_little_when_the_question_does_not_say_a_woman_asks(
    make_engine: Callable[..., Engine], knowledge_dir: Path
) -> None:
    """'I'm unemployed and want to retrain in IT' went to Interface3, which trains women only."""
    _centre(knowledge_dir, "ladies", "Ladies", "Schaerbeek", SCHAERBEEK)
    _programme(knowledge_dir, "ladies-coding", "ladies", "coding", "eligibility:\n  gender: women\n")
    engine = make_engine()
    adjustments = {}
    for question in ("coding course in Schaerbeek?", "I am a woman, coding course in Schaerbeek?"):
        answer = engine.answer(question)
        adjustments[question] = rank(answer.hits, engine.index, answer.places, answer.audience, "en").adjustments
    unsaid, woman = adjustments.values()
    for target in ("ladies", "ladies-coding"):
        assert unsaid[target] < woman[target] - WOMEN_BONUS
        assert unsaid[target] == pytest.approx(woman[target] - WOMEN_BONUS - WOMEN_ONLY_UNSAID_PENALTY)
    assert unsaid["east-coding"] == pytest.approx(woman["east-coding"])


@pytest.mark.parametrize(
    "question", ["web development course for women", "curso de web development para mujeres", "I am a woman, web development course"]
)
def test_a_question_for_women_brings_a_programme_for_women_first(engine: Engine, question: str) -> None:
    answer = engine.answer(question)
    assert answer.best is not None and answer.best.programme == "east-women", [o.target for o in answer.ranked]


def test_an_organisation_for_groups_answers_a_school_not_one_person(engine: Engine) -> None:
    person = engine.answer("laptops course for me")
    assert person.best is None or person.best.centre != "schools"
    school = engine.answer("laptops for our school, our students need them")
    assert school.best is not None and school.best.centre == "schools"
    assert "groups" in school.fits["schools-laptops"].matched


def test_an_organisation_for_groups_stays_in_the_running_for_a_parent(engine: Engine) -> None:
    """A parent asking for a child's laptop: the child's school can ask that organisation."""
    answer = engine.answer("laptops for my son, for his school")
    assert answer.best is not None and answer.best.centre == "schools", [o.target for o in answer.ranked]
    assert "groups" in answer.fits["schools-laptops"].matched  # the reply says it is for schools and associations


def test_proximity_is_flat_within_near_then_fades() -> None:
    assert proximity(0.0) == proximity(NEAR_KM) == 1.0
    assert 0.0 < proximity(NEAR_KM + 1.0) < 1.0
    assert proximity(50.0) == 0.0


@pytest.mark.parametrize("question,centre", [("coding course at the East centre", "east"), ("cours de coding au Centre West ?", "west")])
def test_an_organisation_named_in_the_question_comes_first(engine: Engine, question: str, centre: str) -> None:
    answer = engine.answer(question)
    assert answer.best is not None and answer.best.centre == centre, [o.centre for o in answer.ranked]
    assert answer.features["named"] == 1.0
    assert engine.answer("coding course").features["named"] == 0.0


@pytest.mark.parametrize("question", ["coding course in Schaerbeek, rue Brogniez", "coding course Schaerbeek Brogniezstraat"])
def test_a_street_of_one_of_our_addresses_brings_the_centre_there_first(
    make_engine: Callable[..., Engine], knowledge_dir: Path, question: str
) -> None:
    """Naming West's street counts like naming West, over East's municipality named too; for
    ranking only: confidence reads names alone."""
    west = knowledge_dir / "centres" / "west.md"
    west.write_text(
        west.read_text(encoding="utf-8").replace("street: Rue de l'Exemple 1", "street: {fr: Rue Brogniez 54, nl: Brogniezstraat 54}"),
        encoding="utf-8",
    )
    engine = make_engine()
    answer = engine.answer(question)
    assert answer.best is not None and answer.best.centre == "west", [o.centre for o in answer.ranked]
    assert answer.features["named"] == 0.0
    engine.streets = Streets({})  # the same question without knowing any street
    engine.use_mode("hybrid")
    assert engine.answer(question).best.centre == "east"  # type: ignore[union-attr]


def test_a_question_about_another_city_is_refused_with_the_reason(engine: Engine) -> None:
    answer = engine.answer("coding course in Antwerp")
    assert not answer.confident and answer.score == 0.0
    assert "I only know digital-skills centres in the Brussels region" in answer.text and "where to go in Antwerp." in answer.text
    french = engine.answer("cours de coding à Gand").text
    assert french.startswith("Je ne connais que les centres") and "à Gand" in french  # as the learner wrote it
    from_there = engine.answer("I live in Antwerp, coding course in Anderlecht?")
    assert from_there.features["elsewhere"] == 0.0 and from_there.best is not None and from_there.best.centre == "west"


def test_a_network_known_only_to_its_municipality_is_in_every_place_of_it(engine: Engine) -> None:
    """A centre located only to its municipality may be anywhere in it, so it counts as in any
    place named there (4 km away by the numbers); a centre at a precise point does not."""
    from bot.places import NamedPoint
    from bot.routing import nearest

    keys = frozenset({"anderlecht", "1070"})
    place = NamedPoint("Neerpede", 50.82, 4.28, within=keys)
    assert nearest([(50.84, 4.33, keys, True)], [place]) == (place, pytest.approx(4.2, abs=0.3), True)
    assert nearest([(50.84, 4.33, keys, False)], [place])[2] is False  # type: ignore[index]


def test_a_centre_known_only_to_its_municipality_is_not_in_a_part_of_it_with_another_postcode() -> None:
    """Ligo's address is in 1000, located only to the City of Brussels: not in Neder-Over-Heembeek
    (1120, 6 km away), though in the Marolles (1000) and in a place with no postcode of its own."""
    from bot.places import NamedPoint
    from bot.routing import nearest

    city = frozenset({"bruxelles", "brussel", "1000", "1020", "1120", "1130"})
    ligo = (50.8467, 4.3525, frozenset({"bruxelles", "brussel", "1000"}), True)
    heembeek = NamedPoint("Neder-Over-Heembeek", 50.9, 4.3833, within=city, postcodes=frozenset({"1120"}))
    marolles = NamedPoint("Marolles", 50.837, 4.348, within=city, postcodes=frozenset({"1000"}))
    station = NamedPoint("Bruxelles-Central", 50.845, 4.357, within=city)
    assert nearest([ligo], [heembeek]) == (heembeek, pytest.approx(6.4, abs=0.3), False)
    assert nearest([ligo], [marolles])[2] is True  # type: ignore[index]
    assert nearest([ligo], [station])[2] is True  # type: ignore[index]


@pytest.mark.parametrize("street", [False, True])
def test_near_is_said_only_where_the_centre_is_known_to_be(make_engine: Callable[..., Engine], knowledge_dir: Path, street: bool) -> None:
    """A centre located only to the City of Brussels, its address in 1020: ranked as if anywhere in
    the city but in Neder-Over-Heembeek (1120); said to be near a place in the city only with its
    street known (it is somewhere there; without one it may be anywhere in the city)."""
    _centre(knowledge_dir, "city", "City", "Bruxelles-Ville", "  lat: 50.8467\n  lon: 4.3525\n")
    path = knowledge_dir / "centres" / "city.md"
    text = path.read_text(encoding="utf-8").replace("precision: street", "precision: municipality").replace('"1000"', '"1020"')
    path.write_text(text if street else text.replace("  street: Rue de l'Exemple 1\n", ""), encoding="utf-8")
    engine = make_engine()
    for question, inside, near in (
        ("coding course in Laeken", True, "Laeken"),
        ("coding course near the Atomium", True, "Atomium"),
        ("coding course in Neder-Over-Heembeek", False, None),
    ):
        fit = engine.answer(question).fits["city"]
        assert (fit.distance_km == 0.0) is inside and fit.near == (near if street else None), question


def test_a_centre_with_sites_is_also_at_its_own_address() -> None:
    """MolenGeek is in Molenbeek and at its LaekenGeek site; a programme naming sites is at those only."""
    knowledge = load_knowledge(SHIPPED_KNOWLEDGE)
    molengeek = knowledge.centres["molengeek"]
    assert molengeek.sites and molengeek.location is not None
    keys = [point[2] for point in centre_points(molengeek)]
    assert len(keys) == len(molengeek.sites) + 1
    assert fold("Molenbeek-Saint-Jean") in keys[-1]
    with_sites = next(p for p in knowledge.programmes.values() if p.sites and p.centre in knowledge.centres)
    site_points = centre_points(knowledge.centres[with_sites.centre], with_sites)
    assert 0 < len(site_points) <= len(with_sites.sites)


@pytest.mark.parametrize("named", ["Anderlecht", "Kuregem", "1070"])
def test_a_site_known_only_by_its_municipality_is_in_that_municipality(named: str) -> None:
    """Maks's Anderlecht computer room has no coordinates of its own, only its municipality: a
    question naming Anderlecht (or a neighbourhood of it) finds it there, not at the Molenbeek one."""
    knowledge = load_knowledge(SHIPPED_KNOWLEDGE)
    open_studio = knowledge.programmes["maks-open-studio"]
    places = named_points(load_gazetteer(SHIPPED_KNOWLEDGE / "places.yaml").find(f"computer room in {named}"))
    assert places
    closest = nearest(centre_points(knowledge.centres["maks"], open_studio), places)
    assert closest is not None and closest[2], closest


def test_a_close_call_goes_to_the_centre_that_speaks_the_question_language(make_engine: Callable[..., Engine], knowledge_dir: Path) -> None:
    """Two literacy centres at the same place: one lists only Dutch, the other only French."""
    for id, name, spoken in (("lezen", "Lezen", "nl"), ("lire", "Lire", "fr")):
        text = CENTRE.format(id=id, name=name, topic="literacy", town="Anderlecht").replace("  lat: 50.85\n  lon: 4.35\n", CUREGHEM)
        (knowledge_dir / "centres" / f"{id}.md").write_text(
            text.replace("verified:", f"languages: [{spoken}]\nverified:", 1), encoding="utf-8"
        )
    engine = make_engine()
    french = engine.answer("cours de literacy à Cureghem ?", lang="fr")
    dutch = engine.answer("cursus literacy in Kuregem?", lang="nl")
    assert french.best is not None and french.best.centre == "lire", [o.centre for o in french.ranked]
    assert dutch.best is not None and dutch.best.centre == "lezen", [o.centre for o in dutch.ranked]


@pytest.mark.parametrize("wanted,centre", [("Dutch", "lezen"), ("French", "lire")])
def test_a_centre_that_lists_the_language_asked_for_goes_first(
    make_engine: Callable[..., Engine], knowledge_dir: Path, wanted: str, centre: str
) -> None:
    """The same two literacy centres, asked in English for a course in one of their languages."""
    for id, name, spoken in (("lezen", "Lezen", "nl"), ("lire", "Lire", "fr")):
        text = CENTRE.format(id=id, name=name, topic="literacy", town="Anderlecht").replace("  lat: 50.85\n  lon: 4.35\n", CUREGHEM)
        (knowledge_dir / "centres" / f"{id}.md").write_text(
            text.replace("verified:", f"languages: [{spoken}]\nverified:", 1), encoding="utf-8"
        )
    answer = make_engine().answer(f"literacy course in {wanted} in Kuregem?", lang="en")
    assert answer.best is not None and answer.best.centre == centre, [o.centre for o in answer.ranked]


def test_a_centre_in_the_municipality_named_goes_before_a_nearer_one_outside_it(
    make_engine: Callable[..., Engine], knowledge_dir: Path
) -> None:
    """Woluwe-Saint-Lambert (1200): one centre inside it, 1.9 km from its middle, one in
    Woluwe-Saint-Pierre only 0.75 km from that middle. Both are near; the one inside comes first."""
    _centre(knowledge_dir, "lambert", "Lambert", "Woluwe-Saint-Lambert", "  lat: 50.8560\n  lon: 4.4420\n")
    _centre(knowledge_dir, "pierre", "Pierre", "Woluwe-Saint-Pierre", "  lat: 50.8445\n  lon: 4.4230\n")
    engine = make_engine()
    answer = engine.answer("coding course in 1200")
    ranking = rank(answer.hits, engine.index, answer.places, answer.audience, "en")
    assert ranking.adjustments["lambert"] > ranking.adjustments["pierre"] > 0
    centres = [o.centre for o in answer.ranked]
    assert centres.index("lambert") < centres.index("pierre"), centres


def test_the_classifier_has_a_say_in_ranking(engine: Engine) -> None:
    """The organisation the classifier is sure of comes first, even when search put it lower."""
    neutral = engine.answer("coding course")
    second = next(option.centre for option in neutral.ranked if option.centre != neutral.ranked[0].centre)
    dim = len(neutral.vector)
    sure = CentrePrior((second, "elsewhere"), (tuple([0.0] * dim), tuple([0.0] * dim)), (20.0, 0.0))
    engine.confidence = replace(engine.confidence, centre_prior=sure)
    engine._cached_answer.cache_clear()
    assert engine.answer("coding course").ranked[0].centre == second


def test_the_classifier_can_expect_a_general_faq(make_engine: Callable[..., Engine], knowledge_dir: Path) -> None:
    """An FAQ that belongs to no centre is one of the classifier's answers too (its id is its
    class), so a question the classifier reads as one about it gets the FAQ, not a centre."""
    (knowledge_dir / "faq" / "grants.md").write_text(
        "---\nid: grants\nsources:\n  - url: https://grants.example.org\n    date: undated\nverified: 2026-11-01\n---\n"
        "# en\n## Who pays for a coding course?\nThe region's coding grant can pay for one.\n",
        encoding="utf-8",
    )
    engine = make_engine(knowledge_dir)
    question = "coding course"
    assert engine.answer(question).ranked[0].target != "grants"
    dim = len(engine.answer(question).vector)
    sure = CentrePrior(("grants", "west"), (tuple([0.0] * dim), tuple([0.0] * dim)), (20.0, 0.0))
    engine.confidence = replace(engine.confidence, centre_prior=sure)
    engine._cached_answer.cache_clear()
    assert engine.answer(question).ranked[0].target == "grants"


def test_near_counts_less_for_an_organisation_the_classifier_does_not_expect(engine: Engine) -> None:
    """Both coding centres are named places away; the one the classifier expects keeps all of its
    proximity bonus, the other half, and one the classifier does not know keeps all of it."""
    answer = engine.answer("coding course in Kuregem or in Schaerbeek")
    assert answer.fits["west"].near == "Kuregem" and answer.fits["east"].near == "Schaerbeek"
    ranking = rank(answer.hits, engine.index, answer.places, answer.audience, "en", likely={"west": 0.99, "east": 0.01})
    unknown = rank(answer.hits, engine.index, answer.places, answer.audience, "en", likely={"west": 0.99})
    no_classifier = rank(answer.hits, engine.index, answer.places, answer.audience, "en")
    west, east = no_classifier.adjustments["west"], no_classifier.adjustments["east"]
    assert ranking.adjustments["east"] == pytest.approx(east * (1 - PROXIMITY_GATE + PROXIMITY_GATE * 0.01 / 0.99) + PRIOR_BONUS * 0.01)
    assert ranking.adjustments["west"] == pytest.approx(west + PRIOR_BONUS * 0.99)
    assert unknown.adjustments["east"] == pytest.approx(east)
    unsure = rank(answer.hits, engine.index, answer.places, answer.audience, "en", likely={"west": 0.0, "east": 0.0})
    assert unsure.adjustments == no_classifier.adjustments  # no division by zero, no say


def test_a_network_ranks_by_its_point_but_is_said_near_only_by_its_sites(make_engine: Callable[..., Engine], knowledge_dir: Path) -> None:
    """A network's own point is its seat or its municipality, no place to go: "why: near Schaerbeek"
    would send the learner to nowhere (CABAN was "near the Marolles")."""
    _centre(knowledge_dir, "net", "Net", "Schaerbeek", SCHAERBEEK, kind="network")
    _programme(knowledge_dir, "net-coding", "net", "coding")
    answer = make_engine(knowledge_dir).answer("coding course in Schaerbeek")
    assert answer.fits["east-coding"].near == "Schaerbeek"
    assert answer.fits["net-coding"].near is None and answer.fits["net-coding"].distance_km == 0.0  # still ranked as there


def test_a_programme_for_the_young_drops_for_an_asker_taken_to_be_an_adult(make_engine: Callable[..., Engine], knowledge_dir: Path) -> None:
    """A question that gives no age and speaks of no child, young people or group comes from an adult:
    a coding school for 8 to 12 year-olds is no answer to "coding course in Anderlecht"."""
    _programme(knowledge_dir, "west-kids", "west", "coding", "eligibility:\n  age_min: 8\n  age_max: 12\n")
    engine = make_engine(knowledge_dir)
    adjustment = {}
    for question in ("coding course in Anderlecht", "coding course for children in Anderlecht", "coding course in Anderlecht, I am 10"):
        answer = engine.answer(question)
        adjustment[question] = rank(answer.hits, engine.index, answer.places, answer.audience, "en").adjustments["west-kids"]
    adult, children, ten = adjustment.values()
    assert adult < children and adult == pytest.approx(children - YOUTH_ONLY_PENALTY)
    assert ten == pytest.approx(children + YOUTH_FOR_THE_YOUNG_BONUS)  # a child whose age it takes: for them


def test_a_programme_for_the_young_comes_first_for_a_child_of_its_ages(make_engine: Callable[..., Engine], knowledge_dir: Path) -> None:
    """ "Where can my 13 year old use a computer in Schaerbeek?" got the library's adult room (members
    over 15) before its youth space (up to 14), which ranked alike."""
    _programme(knowledge_dir, "west-kids", "west", "coding", "eligibility:\n  age_max: 14\n")
    _programme(knowledge_dir, "west-all", "west", "coding")
    engine = make_engine(knowledge_dir)
    answer = engine.answer("coding course in Anderlecht for my son, he is 13")
    adjustments = rank(answer.hits, engine.index, answer.places, answer.audience, "en").adjustments
    assert YOUTH_FOR_THE_YOUNG_BONUS > 0 and adjustments["west-kids"] == pytest.approx(adjustments["west-all"] + YOUTH_FOR_THE_YOUNG_BONUS)
    targets = [o.target for o in answer.ranked]
    assert targets.index("west-kids") < targets.index("west-all")
    assert answer.fits["west-kids"].matched == ("age",)
    grown_up = engine.answer("coding course in Anderlecht, I am 30")
    assert "west-kids" not in [o.target for o in grown_up.ranked[:1]]


def test_the_centres_in_or_near_a_place_named_are_the_ones_there(knowledge_dir: Path) -> None:
    """Search weighs them even when their words rank them low (engine.py)."""
    points = all_centre_points(load_knowledge(knowledge_dir).centres)
    gazetteer = load_gazetteer(knowledge_dir / "places.yaml")
    assert centres_near(points, named_points(gazetteer.find("computer course in Kuregem"))) == ["west"]
    assert set(centres_near(points, named_points(gazetteer.find("cours à Schaerbeek")))) == {"east", "schools"}
    assert centres_near(points, named_points(gazetteer.find("cours à Uccle"))) == []
    assert centres_near(points, []) == []
