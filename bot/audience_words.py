"""The words that say who is asking, in the languages Brussels learners write in (bot/audience.py reads them).

Each list is matched on the question folded to lower case without accents, as whole words; `*`
ends a stem. Add a word here when a learner's way of saying it is missed, with a test in
tests/test_audience.py.
"""

from __future__ import annotations

import re
import unicodedata

from index.schema import Lang


def fold_question(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ı", "i").replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(*alternatives: str) -> re.Pattern[str]:
    """A pattern matching any of `alternatives` (accent-folded) as whole words; `*` ends a stem. An
    apostrophe also matches a space or nothing: learners on a phone type "demandeur d emploi",
    "demandeur demploi" or "im a woman" as often as the spelling with one."""
    parts = [re.escape(fold_question(a)).replace(r"\*", r"\w*").replace("'", r"(?:'|\s)?") for a in alternatives]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


AGE_NUMBER = r"(\d{1,2})"
AGE = [
    re.compile(p)
    for p in (
        # en, fr, nl, de, es, pt, it, ro, pl, tr, ru/uk, ar: "<n> years", "<n> ans", "<n> jaar", …
        AGE_NUMBER
        + r"\s*(?:-?\s*)?(?:years?|yrs?|yo|y/o|ans|an|jaar|jarige?|jahre?n?|jahrige?|anos?|anos de idade|anni|ani|lat|lata|yas\w*|лет|год\w*|рок\w*|years old)(?!\w)",
        r"(?:i am|i'm|im|aged?|age)\s+" + AGE_NUMBER + r"(?!\d)(?!\s*(?:km|min|euros?|€|h\b))",
        r"(?:j'ai|jai)\s+" + AGE_NUMBER + r"(?!\d)",
        r"(?:woman|man|girl|boy|person|lady|mother|father|femme|homme|vrouw|man|frau)\s+(?:of|aged|de|van|von)\s+" + AGE_NUMBER + r"(?!\d)",
        r"(?:ik ben|(?<!\w)ben)\s+" + AGE_NUMBER + r"(?!\d)(?!\s*(?:km|min|euro|keer|dagen|weken|maanden|uur))",
        r"(?:brother|sister|broer|broertje|zus|zusje|mother|father|mom|mum|dad|grandmother|grandfather|grandma|grandpa|moeder|vader|mama|"
        r"papa|oma|opa|grootmoeder|grootvader|mutter|vater)\s+(?:is|ist)\s+"
        + AGE_NUMBER
        + r"(?!\d)(?!\s*(?:km|min|euro|keer|dagen|weken|maanden|uur|days|weeks|months|hours|times))",
        r"(?:tengo|tenho|ho|am|mam|ich bin)\s+" + AGE_NUMBER + r"(?!\d)",
        r"(?:عمري|عندي)\s*" + AGE_NUMBER,
        r"(?:мне|мені)\s+" + AGE_NUMBER,
        AGE_NUMBER + r"\s*(?:سنة|عام|سنوات)",
    )
]

AGE_BEFORE_NOUN = (
    (re.compile(r"(?<!\w)an?\s+\d{1,2}\s*-?\s*(?:years?|yrs?)\s*-?\s*old\s+"), "a "),
    (re.compile(r"(?<!\w)een\s+\d{1,2}\s*-?\s*jarige\s+"), "een "),
)
"""An age put before the noun, removed (with what replaces it) before SELF_MAN and SELF_WOMAN are
read: "I'm a 50 year old man" is "I'm a man" (it was sent to a school for women)."""

WOMAN = words(
    "woman",
    "women",
    "girl",
    "female",
    "lady",
    "mother",
    "mum",
    "mom",
    "femme",
    "femmes",
    "fille",
    "maman",
    "vrouw",
    "vrouwen",
    "meisje",
    "moeder",
    "frau",
    "mujer",
    "mulher",
    "donna",
    "femeie",
    "kobieta",
    "kadin",
    "kadinim",
    "امرأة",
    "سيدة",
    "بنت",
    "женщина",
    "жінка",
)
FOR_WOMEN = words(
    "woman",
    "women",
    "femme",
    "femmes",
    "vrouw",
    "vrouwen",
    "frau",
    "frauen",
    "mujer",
    "mujeres",
    "mulher",
    "mulheres",
    "femeie",
    "femei",
    "femeile",
    "kobieta",
    "kobiet",
    "kobiety",
    "kadin",
    "kadinlar",
    "kadinlara",
    "امرأة",
    "نساء",
    "للنساء",
    "النساء",
    "женщина",
    "женщин",
    "женщины",
    "жінка",
    "жінок",
    "жінки",
)
"""Words for a woman or women (not a mother or a girl), that ask for courses for women when the
learner does not say who she is ("pentru femei", "только для женщин")."""
SELF_MAN = words(
    "i am a man",
    "i'm a man",
    "im a man",
    "as a man",
    "je suis un homme",
    "en tant qu'homme",
    "ik ben een man",
    "ich bin ein mann",
    "soy un hombre",
    "sou um homem",
    "sunt barbat",
    "jestem mezczyzna",
    "erkegim",
    "انا رجل",
    "я мужчина",
    "я чоловік",
)
_MOTHER_OF = ("mother of", "mom of", "mum of", "mere de", "maman de", "moeder van", "mama van")
SELF_WOMAN = words(
    "i am a woman",
    "i'm a woman",
    "im a woman",
    "as a woman",
    "i am a girl",
    "i'm a girl",
    "im a girl",
    "je suis une femme",
    "en tant que femme",
    "je suis une fille",
    "ik ben een vrouw",
    "als vrouw",
    "ik ben een meisje",
    "ich bin eine frau",
    "als frau",
    "soy una mujer",
    "como mujer",
    "sou uma mulher",
    "sunt o femeie",
    "jestem kobieta",
    "kadinim",
    "انا امرأة",
    "я женщина",
    "я жінка",
    "single mother",
    "mere celibataire",
    "alleenstaande moeder",
    "maman solo",
    *_MOTHER_OF,
)
PARENT_SELF = re.compile(
    words(
        *_MOTHER_OF,
        *("father of", "dad of", "i'm a mother", "i am a mother", "i'm a father", "i am a father"),
        *("pere de", "papa de", "je suis maman", "je suis mere", "je suis papa", "je suis pere"),
        *("vader van", "papa van", "ik ben mama", "ik ben moeder", "ik ben papa", "ik ben vader"),
    ).pattern
    + r"(?:\s+[\w']+){0,3}"
)
"""A learner who says they are a parent, with up to three words after ("maman de 3 enfants", "mother of
three kids"): those children are not who will learn, and are left out of what says the question is
about the young ("je suis maman et je cherche un atelier pour ados" still is)."""
FEMININE = words(
    "chomeuse",
    "demandeuse d'emploi",
    "refugiee",
    "primo-arrivante",
    "nouvelle arrivante",
    "werkzoekende vrouw",
    "desempleada",
    "parada",
    "refugiada",
    "desempregada",
    "somera",
    "bezrobotna",
    "arbeitslose frau",
    "беженка",
    "біженка",
    *("inscrite", "retraitee", "pensionnee", "veuve", "divorcee"),
)
"""Words that, said of oneself, say the learner is a woman ("je suis chômeuse", "je suis inscrite")."""
RETIRED = words(
    *("retired", "pensioner", "retraite", "retraitee", "pensionne", "pensionnee"),
    *("gepensioneerd", "met pensioen", "op pensioen", "rentner", "rentnerin", "im ruhestand"),
    *("jubilado", "jubilada", "aposentado", "aposentada", "pensionar", "pensionara", "emeryt", "emerytka", "emekli"),
    *("пенсионер*", "пенсіонер*", "متقاعد*"),
)
"""Said of the learner (or whoever will learn: "mon père est retraité"), they are not looking for
work, unless they also say so: a programme for job seekers does not fit them."""
JOBSEEKER = words(
    "job seeker",
    "jobseeker",
    "job-seeker",
    "unemployed",
    "out of work",
    "looking for work",
    "looking for a job",
    "without a job",
    "jobless",
    "actiris",
    "vdab",
    "forem",
    "le forem",
    "chomeur",
    "chomeuse",
    "chomage",
    "demandeur d'emploi",
    "demandeuse d'emploi",
    "sans emploi",
    "cherche du travail",
    "cherche un emploi",
    "cherche un travail",
    "recherche d'emploi",
    "werkzoekend*",
    "werkloos",
    "zonder werk",
    "zoek werk",
    "werk zoeken",
    "arbeitslos",
    "arbeitssuchend",
    "desempleado",
    "desempleada",
    "parado",
    "parada",
    "sin trabajo",
    "busco trabajo",
    "desempregado",
    "desempregada",
    "sem emprego",
    "procuro emprego",
    "somer",
    "somera",
    "caut de lucru",
    "bezrobotn*",
    "szukam pracy",
    "issiz",
    "is ariyorum",
    "عاطل",
    "ابحث عن عمل",
    "безработн*",
    "ищу работу",
    "искать работу",
    "поиск работы",
    "шукаю роботу",
    "шукати роботу",
    "пошук роботи",
    "find a job",
    "find work",
    "trouver un emploi",
    "trouver du travail",
    "werk vinden",
    "buscar trabajo",
    "procurar emprego",
)
NEWCOMER = words(
    "refugee",
    "refugees",
    "newcomer",
    "newcomers",
    "new in belgium",
    "just arrived",
    "asylum",
    "asylum seeker",
    "migrant",
    "refugie",
    "refugiee",
    "refugies",
    "primo-arrivant*",
    "demandeur d'asile",
    "nouvel arrivant",
    "nouvelle arrivante",
    "arrive en belgique",
    "vluchteling*",
    "nieuwkomer*",
    "asielzoeker*",
    "okan",
    "fluchtling*",
    "gefluchtet*",
    "refugiado*",
    "refugiad*",
    "refugiat*",
    "uchodzc*",
    "multeci*",
    "لاجئ*",
    "беженец",
    "беженка",
    "біженець",
    "біженка",
    "переселен*",
)
INSTRUCTION: dict[Lang, re.Pattern[str]] = {
    "en": words(
        "in english",
        "en anglais",
        "in het engels",
        "auf englisch",
        "en ingles",
        "em ingles",
        "in engleza",
        "po angielsku",
        "ingilizce",
        "بالانجليزية",
        "на английском",
        "англійською",
    ),
    "fr": words(
        "in french",
        "en francais",
        "in het frans",
        "auf franzosisch",
        "en frances",
        "em frances",
        "in franceza",
        "po francusku",
        "fransizca",
        "بالفرنسية",
        "на французском",
        "французькою",
    ),
    "nl": words(
        "in dutch",
        "en neerlandais",
        "in het nederlands",
        "auf niederlandisch",
        "en neerlandes",
        "em holandes",
        "in olandeza",
        "po niderlandzku",
        "hollandaca",
        "بالهولندية",
        "на нидерландском",
        "нідерландською",
    ),
}
"""The language of instruction asked for by name."""
NOT_SPOKEN: dict[Lang, re.Pattern[str]] = {
    "en": words("i don't speak french", "i do not speak french", "i don't speak any french", "i can't speak french"),
    "fr": words("je ne parle pas neerlandais", "je ne parle pas le neerlandais", "je parle pas neerlandais", "je parle pas le neerlandais"),
    "nl": words("ik spreek geen frans", "ik spreek nog geen frans", "ik kan geen frans", "ik spreek helemaal geen frans"),
}
"""The language of instruction asked for by saying, in it, which one the learner does not speak
("ik spreek geen Frans" asks for Dutch); a language named outright (INSTRUCTION) comes first."""
