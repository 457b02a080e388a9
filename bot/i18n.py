"""Fixed phrases of the bot in English, French and Dutch, and language detection for questions."""

from __future__ import annotations

import re
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
        "address_unverified_ask": "address from {as_of}, not confirmed: please ask the centre",
        "address_unknown": "no street address published: please ask the centre",
        "hours": "Opening hours",
        "hours_unknown": "not published: please ask the centre",
        "contact": "Contact",
        "map": "Map",
        "source": "Source",
        "dated": "This information dates from {as_of}: please check with the centre that it is still offered.",
        "stale": "We last checked this information on {date}: please confirm it with the centre.",
        "not_sure": "I'm not sure I understood your question. These are the closest options I found:",
        "ask_person": "To talk to a person, contact {name}: {contact}.",
        "rephrase": "You can also ask again in other words, for example: \"Where can I learn to code in Anderlecht?\"",
        "nothing": "I could not find anything about that in what I know. I can help you find digital-skills training, computer rooms and coding schools in Brussels.",
        "empty": "Please type your question in a few words, for example: \"Where can I learn to code in Anderlecht?\"",
        "truncated": "Your message was long, so I only read its beginning.",
        "fallback_language": "(This information is not available in English yet.)",
        "days": "Mon,Tue,Wed,Thu,Fri,Sat,Sun",
        "nearest": "The centres nearest to you:",
        "nearest_to": "The centres nearest to {place}:",
        "nearest_hint": "Distances are approximate. Ask me what you want to learn to find the right programme.",
        "no_located_centres": "I do not know where any centre is yet.",
        "welcome": "Hello! I help you find digital-skills training in Brussels: computer courses, coding schools, public computer rooms. Ask me in English, French or Dutch, for example: \"Where can I learn to code for free?\"",
        "help": "Write what you want to learn and where, in your own words, and I will name the right centre and programme, who it is for, how to sign up, the address, opening hours and a contact.\nShare your location or type your municipality or postcode (for example 1070) to see the nearest centres.\n/centres lists all centres, /language changes my language, /privacy says what I keep.",
        "privacy": "I keep no name, Telegram id or chat id. To improve what I know, I keep for {days} days the questions I was not sure about and the answers marked 👎, with e-mail addresses, phone, national register and bank account numbers removed, their language and the time. While the bot runs, it also remembers in memory your chosen language and your last questions (for the 👎 button) until it restarts, and anonymous counters.",
        "privacy_off": "I keep no name, Telegram id or chat id, and I do not store your questions. While the bot runs, it remembers in memory your chosen language and anonymous counters until it restarts.",
        "button_course": "🎓 Find a course",
        "button_near": "📍 Nearest centre",
        "button_person": "👤 Talk to a person",
        "button_directions": "🗺 Directions",
        "button_options": "🔎 Other options",
        "button_contact": "👤 Contact the centre",
        "button_share_location": "📍 Share my location",
        "course_prompt": "Tell me what you would like to learn and where, for example: \"computer course for beginners in Schaerbeek\".",
        "near_prompt": "Share your location with the button below, or type your municipality or postcode (for example Anderlecht or 1070).",
        "person_intro": "You can contact these centres directly:",
        "contact_for": "Contact {name}: {contact}",
        "contact_none": "{name} publishes no phone number or e-mail address. CABAN lists public computer rooms: https://caban.be",
        "options_intro": "Other options:",
        "no_options": "I have no other options for this question. Try asking in other words.",
        "feedback_thanks": "Thank you for your feedback!",
        "expired": "This button no longer works. Please ask your question again.",
        "unsupported": "I can only read text and locations. Please type your question, or share your location to find the nearest centre.",
        "sorry": "Sorry, something went wrong on my side. Please try again in a moment.",
        "choose_language": "Choose my language:",
        "language_set": "I will answer in English.",
        "centres_intro": "The centres I know:",
        "not_admin": "This command is for the bot's operators.",
        "reloaded": "Reloaded: now serving index {version} ({passages} passages).",
        "reload_failed": "Reload failed, still serving the previous index: {reason}",
        "venue_approx": "{name} (approximate location)",
        "open_until": "Open now until {time}.",
        "closed_today": "Closed today{note}.",
        "opens_today": "Opens today at {time}.",
        "opens_tomorrow": "Closed now; opens tomorrow at {time}.",
        "opens_on_day": "Closed now; opens {day} at {time}.",
        "opens_on_date": "Closed now; opens on {date} at {time}.",
        "opens_unknown": "Please ask the centre when it opens again.",
        "weekdays": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
        "months": "January,February,March,April,May,June,July,August,September,October,November,December",
        "at": "at",
        "next_info_session": "Next information session: {date}",
        "registration_open_until": "Registration is open until {date}",
        "registration_window": "Registration: from {start} to {end}",
        "registration_from": "Registration opens on {date}",
        "no_session": "No upcoming session or registration date is known: please ask the centre.",
        "when": "When",
        "taught_other": "Please note: taught in {languages}.",
        "cond_people": "For people",
        "cond_women": "For women",
        "cond_men": "For men",
        "cond_age_range": "aged {low} to {high}",
        "cond_age_min": "aged {low} and over",
        "cond_age_max": "aged up to {high}",
        "cond_jobseeker": "registered as job seekers",
        "cond_jobseeker_women": "registered as job seekers",
        "cond_priority": "with priority for those {who}",
        "cond_brussels": "living in the Brussels Region",
        "cond_brussels_women": "living in the Brussels Region",
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
        "address_unverified_ask": "adresse de {as_of}, non confirmée : demandez au centre",
        "address_unknown": "pas d'adresse publiée : demandez au centre",
        "hours": "Heures d'ouverture",
        "hours_unknown": "non publiées : demandez au centre",
        "contact": "Contact",
        "map": "Plan",
        "source": "Source",
        "dated": "Cette information date de {as_of} : vérifiez auprès du centre que l'offre existe toujours.",
        "stale": "Nous avons vérifié cette information pour la dernière fois le {date} : confirmez-la auprès du centre.",
        "not_sure": "Je ne suis pas sûr d'avoir compris votre question. Voici les options les plus proches :",
        "ask_person": "Pour parler à quelqu'un, contactez {name} : {contact}.",
        "rephrase": "Vous pouvez aussi reformuler, par exemple : « Où apprendre à coder à Anderlecht ? »",
        "nothing": "Je n'ai rien trouvé à ce sujet dans ce que je sais. Je peux vous aider à trouver des formations au numérique, des salles informatiques et des écoles de code à Bruxelles.",
        "empty": "Écrivez votre question en quelques mots, par exemple : « Où apprendre à coder à Anderlecht ? »",
        "truncated": "Votre message était long : je n'en ai lu que le début.",
        "fallback_language": "(Cette information n'existe pas encore en français.)",
        "days": "lun,mar,mer,jeu,ven,sam,dim",
        "nearest": "Les centres les plus proches de vous :",
        "nearest_to": "Les centres les plus proches de {place} :",
        "nearest_hint": "Les distances sont approximatives. Dites-moi ce que vous voulez apprendre pour trouver la bonne formation.",
        "no_located_centres": "Je ne connais encore l'emplacement d'aucun centre.",
        "welcome": "Bonjour ! Je vous aide à trouver une formation au numérique à Bruxelles : cours d'informatique, écoles de code, salles informatiques publiques. Écrivez-moi en français, en néerlandais ou en anglais, par exemple : « Où apprendre à coder gratuitement ? »",
        "help": "Écrivez ce que vous voulez apprendre et où, avec vos mots, et je vous indique le bon centre et la bonne formation, pour qui elle est, comment s'inscrire, l'adresse, les heures d'ouverture et un contact.\nPartagez votre position ou écrivez votre commune ou votre code postal (par exemple 1070) pour voir les centres les plus proches.\n/centres liste les centres, /language change ma langue, /privacy explique ce que je garde.",
        "privacy": "Je ne garde ni nom, ni identifiant Telegram, ni identifiant de conversation. Pour améliorer mes connaissances, je garde pendant {days} jours les questions auxquelles je n'étais pas sûr de répondre et les réponses marquées 👎, sans les adresses e-mail, numéros de téléphone, de registre national et de compte bancaire, avec leur langue et l'heure. Pendant qu'il fonctionne, le bot retient aussi en mémoire la langue choisie et vos dernières questions (pour le bouton 👎) jusqu'à son redémarrage, ainsi que des compteurs anonymes.",
        "privacy_off": "Je ne garde ni nom, ni identifiant Telegram, ni identifiant de conversation, et je n'enregistre pas vos questions. Pendant qu'il fonctionne, le bot retient en mémoire la langue choisie et des compteurs anonymes jusqu'à son redémarrage.",
        "button_course": "🎓 Trouver une formation",
        "button_near": "📍 Centre le plus proche",
        "button_person": "👤 Parler à quelqu'un",
        "button_directions": "🗺 Itinéraire",
        "button_options": "🔎 Autres options",
        "button_contact": "👤 Contacter le centre",
        "button_share_location": "📍 Partager ma position",
        "course_prompt": "Dites-moi ce que vous voulez apprendre et où, par exemple : « cours d'informatique pour débutants à Schaerbeek ».",
        "near_prompt": "Partagez votre position avec le bouton ci-dessous, ou écrivez votre commune ou votre code postal (par exemple Anderlecht ou 1070).",
        "person_intro": "Vous pouvez contacter ces centres directement :",
        "contact_for": "Contacter {name} : {contact}",
        "contact_none": "{name} ne publie ni téléphone ni e-mail. CABAN liste les salles informatiques publiques : https://caban.be",
        "options_intro": "Autres options :",
        "no_options": "Je n'ai pas d'autre option pour cette question. Essayez de la formuler autrement.",
        "feedback_thanks": "Merci pour votre avis !",
        "expired": "Ce bouton ne fonctionne plus. Posez à nouveau votre question.",
        "unsupported": "Je ne lis que le texte et les positions. Écrivez votre question, ou partagez votre position pour trouver le centre le plus proche.",
        "sorry": "Désolé, un problème est survenu de mon côté. Réessayez dans un instant.",
        "choose_language": "Choisissez ma langue :",
        "language_set": "Je réponds désormais en français.",
        "centres_intro": "Les centres que je connais :",
        "not_admin": "Cette commande est réservée aux opérateurs du bot.",
        "reloaded": "Rechargé : index {version} ({passages} passages).",
        "reload_failed": "Échec du rechargement, l'index précédent reste en service : {reason}",
        "venue_approx": "{name} (position approximative)",
        "open_until": "Ouvert maintenant jusqu'à {time}.",
        "closed_today": "Fermé aujourd'hui{note}.",
        "opens_today": "Ouvre aujourd'hui à {time}.",
        "opens_tomorrow": "Fermé maintenant ; ouvre demain à {time}.",
        "opens_on_day": "Fermé maintenant ; ouvre {day} à {time}.",
        "opens_on_date": "Fermé maintenant ; ouvre le {date} à {time}.",
        "opens_unknown": "Demandez au centre quand il rouvre.",
        "weekdays": "lundi,mardi,mercredi,jeudi,vendredi,samedi,dimanche",
        "months": "janvier,février,mars,avril,mai,juin,juillet,août,septembre,octobre,novembre,décembre",
        "at": "à",
        "next_info_session": "Prochaine séance d'information : {date}",
        "registration_open_until": "Inscriptions ouvertes jusqu'au {date}",
        "registration_window": "Inscriptions : du {start} au {end}",
        "registration_from": "Inscriptions à partir du {date}",
        "no_session": "Aucune date de séance ou d'inscription à venir n'est connue : demandez au centre.",
        "when": "Quand",
        "taught_other": "Attention : cours donnés en {languages}.",
        "cond_people": "Pour les personnes",
        "cond_women": "Pour les femmes",
        "cond_men": "Pour les hommes",
        "cond_age_range": "de {low} à {high} ans",
        "cond_age_min": "de {low} ans et plus",
        "cond_age_max": "jusqu'à {high} ans",
        "cond_jobseeker": "inscrites comme demandeurs d'emploi",
        "cond_jobseeker_women": "inscrites comme demandeuses d'emploi",
        "cond_priority": "en priorité celles {who}",
        "cond_brussels": "domiciliées en Région bruxelloise",
        "cond_brussels_women": "domiciliées en Région bruxelloise",
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
        "address_unverified_ask": "adres uit {as_of}, niet bevestigd: vraag het aan het centrum",
        "address_unknown": "geen adres gepubliceerd: vraag het aan het centrum",
        "hours": "Openingsuren",
        "hours_unknown": "niet gepubliceerd: vraag het aan het centrum",
        "contact": "Contact",
        "map": "Kaart",
        "source": "Bron",
        "dated": "Deze informatie dateert van {as_of}: vraag aan het centrum of het aanbod nog bestaat.",
        "stale": "We hebben deze informatie het laatst gecontroleerd op {date}: vraag het centrum om ze te bevestigen.",
        "not_sure": "Ik weet niet zeker of ik je vraag begrijp. Dit zijn de opties die het dichtst in de buurt komen:",
        "ask_person": "Wil je met iemand praten? Neem contact op met {name}: {contact}.",
        "rephrase": "Je kunt je vraag ook anders stellen, bijvoorbeeld: \"Waar kan ik leren programmeren in Anderlecht?\"",
        "nothing": "Daarover vond ik niets in wat ik weet. Ik help je graag een digitale opleiding, een computerruimte of een codeerschool in Brussel te vinden.",
        "empty": "Typ je vraag in een paar woorden, bijvoorbeeld: \"Waar kan ik leren programmeren in Anderlecht?\"",
        "truncated": "Je bericht was lang: ik heb alleen het begin gelezen.",
        "fallback_language": "(Deze informatie bestaat nog niet in het Nederlands.)",
        "days": "ma,di,wo,do,vr,za,zo",
        "nearest": "De centra het dichtst bij jou:",
        "nearest_to": "De centra het dichtst bij {place}:",
        "nearest_hint": "De afstanden zijn bij benadering. Vertel me wat je wilt leren, dan zoek ik de juiste opleiding.",
        "no_located_centres": "Ik weet nog van geen enkel centrum waar het ligt.",
        "welcome": "Hallo! Ik help je een digitale opleiding te vinden in Brussel: computercursussen, codeerscholen, publieke computerruimtes. Schrijf me in het Nederlands, Frans of Engels, bijvoorbeeld: \"Waar kan ik gratis leren programmeren?\"",
        "help": "Schrijf in je eigen woorden wat je wilt leren en waar, dan geef ik het juiste centrum en de juiste opleiding, voor wie ze is, hoe je je inschrijft, het adres, de openingsuren en een contact.\nDeel je locatie of typ je gemeente of postcode (bijvoorbeeld 1070) om de dichtstbijzijnde centra te zien.\n/centres toont alle centra, /language verandert mijn taal, /privacy zegt wat ik bewaar.",
        "privacy": "Ik bewaar geen naam, Telegram-id of gespreks-id. Om beter te worden, bewaar ik {days} dagen lang de vragen waarop ik het antwoord niet zeker wist en de antwoorden met 👎, zonder e-mailadressen, telefoon-, rijksregister- en rekeningnummers, met hun taal en het tijdstip. Zolang de bot draait, onthoudt hij ook in het geheugen je gekozen taal en je laatste vragen (voor de 👎-knop) tot hij herstart, en anonieme tellers.",
        "privacy_off": "Ik bewaar geen naam, Telegram-id of gespreks-id, en ik sla je vragen niet op. Zolang de bot draait, onthoudt hij in het geheugen je gekozen taal en anonieme tellers tot hij herstart.",
        "button_course": "🎓 Een opleiding zoeken",
        "button_near": "📍 Dichtstbijzijnd centrum",
        "button_person": "👤 Met iemand praten",
        "button_directions": "🗺 Route",
        "button_options": "🔎 Andere opties",
        "button_contact": "👤 Het centrum contacteren",
        "button_share_location": "📍 Mijn locatie delen",
        "course_prompt": "Vertel me wat je wilt leren en waar, bijvoorbeeld: \"computercursus voor beginners in Schaarbeek\".",
        "near_prompt": "Deel je locatie met de knop hieronder, of typ je gemeente of postcode (bijvoorbeeld Anderlecht of 1070).",
        "person_intro": "Je kunt deze centra rechtstreeks contacteren:",
        "contact_for": "Contacteer {name}: {contact}",
        "contact_none": "{name} publiceert geen telefoonnummer of e-mailadres. CABAN geeft een lijst van publieke computerruimtes: https://caban.be",
        "options_intro": "Andere opties:",
        "no_options": "Ik heb geen andere opties voor deze vraag. Probeer ze anders te stellen.",
        "feedback_thanks": "Bedankt voor je beoordeling!",
        "expired": "Deze knop werkt niet meer. Stel je vraag opnieuw.",
        "unsupported": "Ik kan alleen tekst en locaties lezen. Typ je vraag, of deel je locatie om het dichtstbijzijnde centrum te vinden.",
        "sorry": "Sorry, er ging bij mij iets mis. Probeer het zo meteen opnieuw.",
        "choose_language": "Kies mijn taal:",
        "language_set": "Ik antwoord voortaan in het Nederlands.",
        "centres_intro": "De centra die ik ken:",
        "not_admin": "Dit commando is voor de beheerders van de bot.",
        "reloaded": "Herladen: nu met index {version} ({passages} passages).",
        "reload_failed": "Herladen mislukt, de vorige index blijft actief: {reason}",
        "venue_approx": "{name} (locatie bij benadering)",
        "open_until": "Nu open tot {time}.",
        "closed_today": "Vandaag gesloten{note}.",
        "opens_today": "Gaat vandaag open om {time}.",
        "opens_tomorrow": "Nu gesloten; gaat morgen open om {time}.",
        "opens_on_day": "Nu gesloten; gaat {day} open om {time}.",
        "opens_on_date": "Nu gesloten; gaat open op {date} om {time}.",
        "opens_unknown": "Vraag het centrum wanneer het weer opengaat.",
        "weekdays": "maandag,dinsdag,woensdag,donderdag,vrijdag,zaterdag,zondag",
        "months": "januari,februari,maart,april,mei,juni,juli,augustus,september,oktober,november,december",
        "at": "om",
        "next_info_session": "Volgende infosessie: {date}",
        "registration_open_until": "Inschrijven kan tot {date}",
        "registration_window": "Inschrijven: van {start} tot {end}",
        "registration_from": "Inschrijven vanaf {date}",
        "no_session": "Er is geen volgende sessie of inschrijvingsdatum bekend: vraag het aan het centrum.",
        "when": "Wanneer",
        "taught_other": "Let op: de lessen zijn in het {languages}.",
        "cond_people": "Voor mensen",
        "cond_women": "Voor vrouwen",
        "cond_men": "Voor mannen",
        "cond_age_range": "van {low} tot {high} jaar",
        "cond_age_min": "van {low} jaar of ouder",
        "cond_age_max": "tot {high} jaar",
        "cond_jobseeker": "ingeschreven als werkzoekende",
        "cond_jobseeker_women": "ingeschreven als werkzoekende",
        "cond_priority": "met voorrang voor wie {who} is",
        "cond_brussels": "die in het Brussels Gewest wonen",
        "cond_brussels_women": "die in het Brussels Gewest wonen",
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


BRUSSELS_PLACES = frozenset(
    """anderlecht auderghem oudergem berchem bruxelles brussel brussels brussels-capital city etterbeek evere
    forest vorst ganshoren ixelles elsene jette koekelberg molenbeek saint-jean sint-jans schaerbeek schaarbeek
    saint-gilles sint-gillis saint-josse-ten-noode sint-joost-ten-node saint-josse sint-joost uccle ukkel
    watermael-boitsfort watermaal-bosvoorde woluwe-saint-lambert sint-lambrechts-woluwe woluwe-saint-pierre
    sint-pieters-woluwe laeken laken cureghem kuregem haren neder-over-heembeek""".split()
)
"""Place names are neither French nor Dutch nor English; left in, they sway language detection."""

_WORDS = re.compile(r"[\w'-]+")


def detect_language(text: str, prior: str | None = None, ignore: frozenset[str] = BRUSSELS_PLACES) -> str:
    """The language of `text` among en/fr/nl; `prior` (e.g. Telegram's language_code) breaks doubt.

    Words in `ignore` (lower-case: place and centre names) are left out of the decision.
    """
    prior = (prior or "").split("-")[0].lower() or None
    if prior not in LANGUAGES:
        prior = None
    text = " ".join(word for word in _WORDS.findall(text) if word.lower() not in ignore)
    values = _detector().compute_language_confidence_values(text) if text.strip() else []
    best = values[0] if values else None
    if best is None or best.value < 0.4:
        return prior or DEFAULT_LANGUAGE
    code = best.language.iso_code_639_1.name.lower()
    if prior and code != prior and best.value < 0.75:
        return prior
    return code
