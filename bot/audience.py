"""Who is asking, read from the question itself: age, gender, job seeking, newcomer, child, group.

Learners say who they are in passing ("I'm 34", "je suis une femme au chômage", "voor mijn
zoon", "tengo 19 años", "мне 45 лет"). Read here in the bot's languages and the others Brussels
learners write in, it lets ranking drop programmes the learner visibly cannot join and say why.
The result speaks the eligibility check's vocabulary (`answers()`), so the same rules decide
both. Deliberately conservative: a word we are unsure about is not read as a fact about the
learner (a question *about* women's programmes is not a woman asking).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from index.schema import Lang


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower().replace("ı", "i").replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(*alternatives: str) -> re.Pattern[str]:
    """A pattern matching any of `alternatives` (accent-folded) as whole words; `*` ends a stem."""
    parts = [re.escape(_fold(a)).replace(r"\*", r"\w*") for a in alternatives]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


_AGE_NUMBER = r"(\d{1,2})"
_AGE = [
    re.compile(p)
    for p in (
        # en, fr, nl, de, es, pt, it, ro, pl, tr, ru/uk, ar: "<n> years", "<n> ans", "<n> jaar", …
        _AGE_NUMBER
        + r"\s*(?:-?\s*)?(?:years?|yrs?|yo|y/o|ans|an|jaar|jarige?|jahre?n?|jahrige?|anos?|anos de idade|anni|ani|lat|lata|yas\w*|лет|год\w*|рок\w*|years old)(?!\w)",
        r"(?:i am|i'm|im|aged?|age)\s+" + _AGE_NUMBER + r"(?!\d)(?!\s*(?:km|min|euros?|€|h\b))",
        r"(?:j'ai|jai)\s+" + _AGE_NUMBER + r"(?!\d)",
        r"(?:woman|man|girl|boy|person|lady|mother|father|femme|homme|vrouw|man|frau)\s+(?:of|aged|de|van|von)\s+"
        + _AGE_NUMBER
        + r"(?!\d)",
        r"(?:ik ben)\s+" + _AGE_NUMBER + r"(?!\d)(?!\s*(?:km|min|euro))",
        r"(?:tengo|tenho|ho|am|mam|ich bin)\s+" + _AGE_NUMBER + r"(?!\d)",
        r"(?:عمري|عندي)\s*" + _AGE_NUMBER,
        r"(?:мне|мені)\s+" + _AGE_NUMBER,
        _AGE_NUMBER + r"\s*(?:سنة|عام|سنوات)",
    )
]

_WOMAN = _words(
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
_FOR_WOMEN = _words(
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
_SELF_MAN = _words(
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
_SELF_WOMAN = _words(
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
    "mother of",
    "mere de",
    "moeder van",
)
_FEMININE = _words(
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
)
"""Words that, said of oneself, say the learner is a woman ("je suis chômeuse")."""
_JOBSEEKER = _words(
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
_NEWCOMER = _words(
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
_FOR_CHILD = _words(
    "my son",
    "my daughter",
    "my child",
    "my children",
    "my kid",
    "my kids",
    "for my son",
    "for my daughter",
    "mon fils",
    "ma fille",
    "mon enfant",
    "mes enfants",
    "mon gamin",
    "mijn zoon",
    "mijn dochter",
    "mijn kind",
    "mijn kinderen",
    "mein sohn",
    "meine tochter",
    "mein kind",
    "meinen sohn",
    "meine kinder",
    "mi hijo",
    "mi hija",
    "mis hijos",
    "meu filho",
    "minha filha",
    "meus filhos",
    "fiul meu",
    "fiica mea",
    "copilul meu",
    "moj syn",
    "moja corka",
    "moje dziecko",
    "synowi",
    "corce",
    "oglum",
    "kizim",
    "cocugum",
    "ابني",
    "ابنتي",
    "اطفالي",
    "мой сын",
    "моя дочь",
    "мой ребенок",
    "мій син",
    "моя донька",
)
_FOR_GROUP = _words(
    "our school",
    "my class",
    "our class",
    "our students",
    "my students",
    "our pupils",
    "our association",
    "our organisation",
    "our organization",
    "our ngo",
    "our non-profit",
    "a group of",
    "for a group",
    "our teachers",
    "our youth centre",
    "our company",
    "our business",
    "our firm",
    "our community centre",
    "notre entreprise",
    "notre societe",
    "notre maison de quartier",
    "nous sommes une maison de quartier",
    "nous sommes une association",
    "ons bedrijf",
    "onze firma",
    "ons buurthuis",
    "onze buurtwerking",
    "notre ecole",
    "ma classe",
    "notre classe",
    "nos eleves",
    "mes eleves",
    "notre association",
    "notre asbl",
    "un groupe de",
    "pour un groupe",
    "nos jeunes",
    "notre maison de jeunes",
    "nos enseignants",
    "onze school",
    "mijn klas",
    "onze klas",
    "onze leerlingen",
    "mijn leerlingen",
    "onze vereniging",
    "onze vzw",
    "een groep",
    "voor een groep",
    "onze jongeren",
    "unsere schule",
    "meine klasse",
    "unsere schuler",
    "nuestra escuela",
    "nuestros alumnos",
    "nossa escola",
    "nossos alunos",
    "scoala noastra",
    "nasza szkola",
    "okulumuz",
    "مدرستنا",
    "наша школа",
    "наш класс",
)
_GROUP_OF_OURS = re.compile(
    r"(?<!\w)(?:our|notre|nos|onze|ons|unser\w*|nuestr\w+|noss\w+|we are an?|we're an?|nous sommes une?)\s+(?:[\w-]+\s+){0,2}"
    r"(?:school|club|association|asbl|vzw|ngo|non-profit|nonprofit|shelter|organisation|organization|clients|"
    r"ecole|beneficiaires|usagers|vereniging|organisatie|clienten|verein|asociacion|associacao)(?!\w)"
)
"""A kind of organisation that is the asker's: "our youth club", "nous sommes une petite asbl", "onze organisatie"."""
_CHILD_AGE = re.compile(
    r"(?:son|daughter|child|kid|fils|fille|enfant|zoon|dochter|kind|sohn|tochter|hijo|hija|filho|filha)\D{0,20}?(\d{1,2})"
)

_INSTRUCTION: dict[Lang, re.Pattern[str]] = {
    "en": _words(
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
    "fr": _words(
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
    "nl": _words(
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


@dataclass(frozen=True)
class Audience:
    """What a question says about who will learn; None where it says nothing."""

    age: int | None = None
    gender: Literal["w", "m"] | None = None
    jobseeker: bool | None = None
    newcomer: bool = False
    for_child: bool = False
    """A parent (or carer) asking for a child: the child's age, if given, is `age`."""
    for_group: bool = False
    """A school, class or association asking for a group rather than one person."""
    instruction_language: Lang | None = None
    """A language of instruction the learner asked for ("a course in Dutch")."""
    for_women: bool = False
    """The question asks for women: the learner is one, or asks for courses for women."""

    def answers(self) -> dict[str, str]:
        """The eligibility check's answers (bot/eligibility.py) this question already gives."""
        given: dict[str, str] = {}
        if self.gender is not None and not self.for_group:
            given["gender"] = self.gender
        if self.age is not None:
            given["age"] = str(self.age)
        if self.jobseeker is not None and not self.for_child and not self.for_group:
            given["jobseeker"] = "y" if self.jobseeker else "n"
        return given

    @property
    def empty(self) -> bool:
        return self == Audience()


def read_audience(question: str) -> Audience:
    """What `question` says about the learner, in any of the languages above."""
    text = _fold(" ".join(question.split()))
    for_child = bool(_FOR_CHILD.search(text))
    age = _child_age(text) if for_child else None
    if age is None:
        age = _age(text)
    gender: Literal["w", "m"] | None = None
    if _SELF_MAN.search(text):
        gender = "m"
    elif _SELF_WOMAN.search(text) or (not for_child and (_WOMAN.search(text) or _FEMININE.search(text)) and _speaks_of_self(text)):
        gender = "w"
    if for_child and re.search(r"(?:daughter|fille|dochter|tochter|hija|filha|fiica|corka|kizim|ابنتي|дочь|донька)", text):
        gender = "w"
    elif for_child and gender == "w" and not _SELF_WOMAN.search(text):
        gender = None
    wanted = next((lang for lang, pattern in _INSTRUCTION.items() if pattern.search(text)), None)
    return Audience(
        age=age,
        gender=gender,
        jobseeker=True if _JOBSEEKER.search(text) else None,
        newcomer=bool(_NEWCOMER.search(text)),
        for_child=for_child,
        for_group=bool(_FOR_GROUP.search(text) or _GROUP_OF_OURS.search(text)),
        instruction_language=wanted,
        for_women=not for_child and gender != "m" and (gender == "w" or bool(_FOR_WOMEN.search(text))),
    )


_SELF = re.compile(r"(?<!\w)(?:i|i'm|im|my|me|je|j'|moi|ik|mijn|ich|yo|eu|sunt|jestem|ben|انا|я)(?!\w)")


def _speaks_of_self(text: str) -> bool:
    """A woman word counts as the learner's own gender only in a sentence about oneself."""
    return bool(_SELF.search(text))


def _age(text: str) -> int | None:
    for pattern in _AGE:
        match = pattern.search(text)
        if match:
            value = int(match.group(1))
            if 5 <= value <= 99:
                return value
    return None


def _child_age(text: str) -> int | None:
    match = _CHILD_AGE.search(text)
    if match:
        value = int(match.group(1))
        return value if 3 <= value <= 25 else None
    return _age(text)
