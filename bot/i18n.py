"""Fixed phrases of the bot in English, French and Dutch, and language detection for questions."""

from __future__ import annotations

from functools import lru_cache

from index.schema import LANGUAGES

DEFAULT_LANGUAGE = "en"

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "who": "Who it is for",
        "apply": "How to sign up",
        "duration": "Duration",
        "cost": "Cost",
        "taught_in": "Taught in",
        "centre": "Centre",
        "address": "Address",
        "address_unverified": "address from {as_of}, not confirmed: please check {website}",
        "address_unknown": "no street address published: please ask the centre",
        "hours": "Opening hours",
        "hours_unknown": "not published: please ask the centre",
        "contact": "Contact",
        "map": "Map",
        "source": "Source",
        "dated": "This information dates from {as_of}: please check with the centre that it is still offered.",
        "not_sure": "I'm not sure I understood your question. These are the closest options I found:",
        "ask_person": "To talk to a person, contact {name}: {contact}.",
        "rephrase": "You can also ask again in other words, for example: \"Where can I learn to code in Anderlecht?\"",
        "nothing": "I could not find anything about that in what I know. I can help you find digital-skills training, computer rooms and coding schools in Brussels.",
        "empty": "Please type your question in a few words, for example: \"Where can I learn to code in Anderlecht?\"",
        "truncated": "Your message was long, so I only read its beginning.",
        "fallback_language": "(This information is not available in English yet.)",
        "days": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
    },
    "fr": {
        "who": "Pour qui",
        "apply": "Comment s'inscrire",
        "duration": "Durée",
        "cost": "Prix",
        "taught_in": "Langue des cours",
        "centre": "Centre",
        "address": "Adresse",
        "address_unverified": "adresse de {as_of}, non confirmée : vérifiez sur {website}",
        "address_unknown": "pas d'adresse publiée : demandez au centre",
        "hours": "Heures d'ouverture",
        "hours_unknown": "non publiées : demandez au centre",
        "contact": "Contact",
        "map": "Plan",
        "source": "Source",
        "dated": "Cette information date de {as_of} : vérifiez auprès du centre que l'offre existe toujours.",
        "not_sure": "Je ne suis pas sûr d'avoir compris votre question. Voici les options les plus proches :",
        "ask_person": "Pour parler à quelqu'un, contactez {name} : {contact}.",
        "rephrase": "Vous pouvez aussi reformuler, par exemple : « Où apprendre à coder à Anderlecht ? »",
        "nothing": "Je n'ai rien trouvé à ce sujet dans ce que je sais. Je peux vous aider à trouver des formations au numérique, des salles informatiques et des écoles de code à Bruxelles.",
        "empty": "Écrivez votre question en quelques mots, par exemple : « Où apprendre à coder à Anderlecht ? »",
        "truncated": "Votre message était long : je n'en ai lu que le début.",
        "fallback_language": "(Cette information n'existe pas encore en français.)",
        "days": "lun,mar,mer,jeu,ven,sam,dim",
    },
    "nl": {
        "who": "Voor wie",
        "apply": "Inschrijven",
        "duration": "Duur",
        "cost": "Prijs",
        "taught_in": "Lestaal",
        "centre": "Centrum",
        "address": "Adres",
        "address_unverified": "adres uit {as_of}, niet bevestigd: kijk op {website}",
        "address_unknown": "geen adres gepubliceerd: vraag het aan het centrum",
        "hours": "Openingsuren",
        "hours_unknown": "niet gepubliceerd: vraag het aan het centrum",
        "contact": "Contact",
        "map": "Kaart",
        "source": "Bron",
        "dated": "Deze informatie dateert van {as_of}: vraag aan het centrum of het aanbod nog bestaat.",
        "not_sure": "Ik weet niet zeker of ik je vraag begrijp. Dit zijn de opties die het dichtst in de buurt komen:",
        "ask_person": "Wil je met iemand praten? Neem contact op met {name}: {contact}.",
        "rephrase": "Je kunt je vraag ook anders stellen, bijvoorbeeld: \"Waar kan ik leren programmeren in Anderlecht?\"",
        "nothing": "Daarover vond ik niets in wat ik weet. Ik help je graag een digitale opleiding, een computerruimte of een codeerschool in Brussel te vinden.",
        "empty": "Typ je vraag in een paar woorden, bijvoorbeeld: \"Waar kan ik leren programmeren in Anderlecht?\"",
        "truncated": "Je bericht was lang: ik heb alleen het begin gelezen.",
        "fallback_language": "(Deze informatie bestaat nog niet in het Nederlands.)",
        "days": "ma,di,wo,do,vr,za,zo",
    },
}

LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"en": "English", "fr": "French", "nl": "Dutch", "ar": "Arabic"},
    "fr": {"en": "anglais", "fr": "français", "nl": "néerlandais", "ar": "arabe"},
    "nl": {"en": "Engels", "fr": "Frans", "nl": "Nederlands", "ar": "Arabisch"},
}


def phrase(lang: str, key: str, **values: str) -> str:
    """The fixed phrase `key` in `lang` (English when unknown), filled with `values`."""
    table = PHRASES.get(lang, PHRASES[DEFAULT_LANGUAGE])
    return table[key].format(**values) if values else table[key]


def language_name(code: str, lang: str) -> str:
    return LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES["en"]).get(code, code)


@lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH, Language.DUTCH)
        .with_preloaded_language_models()
        .build()
    )


def detect_language(text: str, prior: str | None = None) -> str:
    """The language of `text` among en/fr/nl; `prior` (e.g. Telegram's language_code) breaks doubt."""
    prior = (prior or "").split("-")[0].lower() or None
    if prior not in LANGUAGES:
        prior = None
    values = _detector().compute_language_confidence_values(text) if text.strip() else []
    best = values[0] if values else None
    if best is None or best.value < 0.4:
        return prior or DEFAULT_LANGUAGE
    code = best.language.iso_code_639_1.name.lower()
    if prior and code != prior and best.value < 0.75:
        return prior
    return code
