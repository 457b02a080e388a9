"""The words that say the learning is for someone else: a parent asking for a child, a school or an
association asking for a group (bot/audience.py reads them; matched like bot/audience_words.py's)."""

from __future__ import annotations

import re

from bot.audience_words import words

FOR_CHILD = words(
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
    "mio figlio",
    "mia figlia",
    "i miei figli",
    "il mio bambino",
    "fiul meu",
    "fiica mea",
    "fata mea",
    "baiatul meu",
    "copilul meu",
    "copiii mei",
    "fiului meu",
    "fiicei mele",
    "copilului meu",
    "moj syn",
    "moja corka",
    "moje dziecko",
    "synowi",
    "corce",
    "dla syna",
    "dla corki",
    "dla moich dzieci",
    "dla dziecka",
    "oglum",
    "kizim",
    "cocugum",
    "cocuklarim",
    "ابني",
    "ابنتي",
    "اطفالي",
    "мой сын",
    "моя дочь",
    "мой ребенок",
    "моему сыну",
    "моей дочери",
    "для сына",
    "для дочери",
    "для моего сына",
    "моим детям",
    "мій син",
    "моя донька",
    "синові",
    "доньці",
    "для сина",
    "для доньки",
    "для мого сина",
    "моїм дітям",
)
YOUNG = words(
    *(
        "child",
        "children",
        "kid",
        "kids",
        "teen",
        "teens",
        "teenager*",
        "young people",
        "youth",
        "youngster*",
        "boy",
        "boys",
        "girl",
        "girls",
    ),
    *("enfant*", "ado", "ados", "adolescent*", "jeune", "jeunes", "jeunesse", "gamin*", "garcon*", "eleves"),
    *("kind", "kinderen", "kindje*", "jongere*", "tiener*", "jeugd*", "jongen*", "meisje*", "leerlingen", "zoon*", "dochter*"),
    *("secondary school", "high school", "secondaire", "lycee", "middelbaar", "middelbare"),
    *("kinder", "jugendliche*", "nino", "ninos", "nina", "ninas", "jovenes", "crianca*", "jovens", "cocuk*", "genc*", "copii", "tineri"),
    *(
        "dzieci",
        "dziecko",
        "mlodziez*",
        "اطفال",
        "أطفال",
        "الأطفال",
        "للأطفال",
        "طفل",
        "شباب",
        "الشباب",
        "дети",
        "ребенок",
        "ребёнок",
        "молодеж*",
        "діти",
        "дитина",
    ),
)
"""Words for children or young people: a question with one may be about them, so a programme for the
young is not out of place in its answers (the asker of a question without one is taken to be an adult)."""

FOR_GROUP = words(
    "my class",
    "our class",
    "our students",
    "my students",
    "our pupils",
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
    "ons bedrijf",
    "onze firma",
    "ons buurthuis",
    "onze buurtwerking",
    "ma classe",
    "notre classe",
    "nos eleves",
    "mes eleves",
    "un groupe de",
    "pour un groupe",
    "nos jeunes",
    "notre maison de jeunes",
    "nos enseignants",
    "mijn klas",
    "onze klas",
    "onze leerlingen",
    "mijn leerlingen",
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
_ORGANISATION_KINDS = (
    r"(?:school|club|association|asbl|vzw|ngo|non-profit|nonprofit|shelter|organisation|organization|clients|"
    r"youth (?:centre|center|house)|ecole|maison de jeunes|maison de quartier|beneficiaires|usagers|vereniging|"
    r"organisatie|clienten|jeugdhuis|jeugdcentrum|jeugdwerking|buurthuis|verein|asociacion|associacao)"
)
_OURS = r"(?:our|notre|nos|onze|ons|unser\w*|nuestr\w+|noss\w+)"
_WE_ARE = r"(?:we are an?|we're an?|nous sommes une?|on est une?|wij zijn een|we zijn een|wir sind eine?|somos una?|somos um|somos uma)"
_CARE_HOMES = r"(?:maison de repos|maison d'accueil|woonzorgcentrum|rusthuis|care home|nursing home)"
_PEOPLE_WE_SERVE = r"(?:residents|bewoners|participants|deelnemers|learners|apprenants|cursisten|stagiaires)"
GROUP_OF_OURS = re.compile(
    rf"(?<!\w)(?:(?:{_OURS}|{_WE_ARE})\s+(?:[\w-]+\s+){{0,2}}{_ORGANISATION_KINDS}"
    rf"|{_OURS}\s+(?:{_CARE_HOMES}|{_PEOPLE_WE_SERVE})|{_WE_ARE}\s+(?:{_CARE_HOMES}|cpas|ocmw))(?!\w)"
)
"""A kind of organisation that is the asker's: "our youth club", "nous sommes une petite asbl", "onze
organisatie", "wij zijn een vzw"; a care home or the people it serves, right after "our" ("onze
bewoners", not "notre mère en maison de repos"); a welfare office only as "we are" (not "notre CPAS
m'a envoyé ici"). FOR_GROUP holds the other ways of asking for a group ("ma classe", "un groupe de")."""
GROUP_SEEKS = re.compile(
    r"^(?:(?:a|an|the|une?|la|le|l'|een|de|het)\s*)?" + _ORGANISATION_KINDS + r"\s+(?:[\w-]+\s+){0,2}"
    r"(?:is looking for|looking for|seeks|needs|wants|cherche|recherche|a besoin|voudrait|zoekt|heeft nodig|wil|sucht|busca|procura)"
    r"(?!\w)(?!\s+(?:me|mij|dat ik|dat wij|que je|que j'|qu'on|that i|us to|nous))"
)
"""A question that opens with the organisation asking: "jeugdhuis zoekt laptops", "une asbl de
Molenbeek cherche des ordinateurs", "youth centre needs computers"; not a learner's school asking
something of them ("my school wants me to learn Excel", "de school wil dat ik een laptop heb")."""
CHILD_AGE = re.compile(
    r"(?:son|daughter|child|kid|fils|fille|enfant|zoon|dochter|kind|sohn|tochter|hijo|hija|filho|filha)\D{0,20}?(\d{1,2})"
)
DAUGHTER = words(
    "daughter*",
    "fille",
    "filles",
    "dochter*",
    "tochter*",
    "hija*",
    "filha*",
    "figlia",
    "figlie",
    "fiica",
    "fiicei",
    "fata mea",
    "corka",
    "corki",
    "corce",
    "kizim*",
    "ابنتي",
    "дочь",
    "дочер*",
    "дочк*",
    "донька",
    "доньк*",
    "доньц*",
)
"""A daughter named in a parent's question: the learner is a girl (never a woman asking for herself)."""
FOR_WIFE = words(
    "for my wife",
    "my wife wants",
    "my wife needs",
    "pour ma femme",
    "pour mon epouse",
    "ma femme veut",
    "ma femme cherche",
    "voor mijn vrouw",
    "voor mijn echtgenote",
    "mijn vrouw wil",
    "mijn vrouw zoekt",
    "fur meine frau",
    "meine frau sucht",
    "para mi esposa",
    "para mi mujer",
    "para minha esposa",
    "para minha mulher",
)
"""A man asking for his wife: the learner is a woman, whatever the asker says of himself."""
