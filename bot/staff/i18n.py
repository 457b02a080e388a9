"""The console's own words in English, French and Dutch, and which of them a browser asked for.

Learner-facing phrases live in bot/i18n.py; these are for staff only.
"""

from __future__ import annotations

from index.schema import Lang, is_lang

PHRASES: dict[str, dict[str, str]] = {
    "title": {"en": "Telecentre staff console", "fr": "Console du personnel Telecentre", "nl": "Telecentre-console voor medewerkers"},
    "skip": {"en": "Skip to content", "fr": "Aller au contenu", "nl": "Naar de inhoud"},
    "nav_overview": {"en": "Overview", "fr": "Vue d'ensemble", "nl": "Overzicht"},
    "nav_gaps": {"en": "Gaps", "fr": "Lacunes", "nl": "Hiaten"},
    "nav_try": {"en": "Try a question", "fr": "Essayer une question", "nl": "Een vraag proberen"},
    "nav_knowledge": {"en": "Knowledge", "fr": "Connaissances", "nl": "Kennis"},
    "logout": {"en": "Log out", "fr": "Se déconnecter", "nl": "Afmelden"},
    "language": {"en": "Language", "fr": "Langue", "nl": "Taal"},
    "login": {"en": "Log in", "fr": "Se connecter", "nl": "Aanmelden"},
    "password": {"en": "Staff password", "fr": "Mot de passe du personnel", "nl": "Wachtwoord voor medewerkers"},
    "wrong_password": {"en": "Wrong password.", "fr": "Mot de passe incorrect.", "nl": "Verkeerd wachtwoord."},
    "too_many": {
        "en": "Too many attempts: wait a minute and try again.",
        "fr": "Trop d'essais : attendez une minute et réessayez.",
        "nl": "Te veel pogingen: wacht een minuut en probeer opnieuw.",
    },
    "bad_form": {
        "en": "This form has expired: reload the page and try again.",
        "fr": "Ce formulaire a expiré : rechargez la page et réessayez.",
        "nl": "Dit formulier is verlopen: laad de pagina opnieuw en probeer nog eens.",
    },
    "logged_out": {"en": "You are logged out.", "fr": "Vous êtes déconnecté.", "nl": "U bent afgemeld."},
    "no_index": {
        "en": "No index is loaded: run `telecentre build`.",
        "fr": "Aucun index chargé : lancez `telecentre build`.",
        "nl": "Er is geen index geladen: voer `telecentre build` uit.",
    },
    "index": {"en": "Index served", "fr": "Index servi", "nl": "Gebruikte index"},
    "version": {"en": "Version", "fr": "Version", "nl": "Versie"},
    "model": {"en": "Model", "fr": "Modèle", "nl": "Model"},
    "built_at": {"en": "Built at", "fr": "Construit le", "nl": "Gebouwd op"},
    "passages": {"en": "Passages", "fr": "Passages", "nl": "Passages"},
    "centres": {"en": "Centres", "fr": "Centres", "nl": "Centra"},
    "programmes": {"en": "Programmes", "fr": "Programmes", "nl": "Programma's"},
    "faqs": {"en": "FAQ entries", "fr": "Questions fréquentes", "nl": "Veelgestelde vragen"},
    "problems": {
        "en": "Validation problems and freshness warnings",
        "fr": "Problèmes de validation et alertes de fraîcheur",
        "nl": "Validatieproblemen en waarschuwingen over actualiteit",
    },
    "no_problems": {
        "en": "No problems: every file is valid and recently verified.",
        "fr": "Aucun problème : tous les fichiers sont valides et vérifiés récemment.",
        "nl": "Geen problemen: alle bestanden zijn geldig en recent gecontroleerd.",
    },
    "error": {"en": "error", "fr": "erreur", "nl": "fout"},
    "warning": {"en": "warning", "fr": "avertissement", "nl": "waarschuwing"},
    "answers_days": {
        "en": "Answers over the last {days} days",
        "fr": "Réponses des {days} derniers jours",
        "nl": "Antwoorden van de laatste {days} dagen",
    },
    "day": {"en": "Day", "fr": "Jour", "nl": "Dag"},
    "answered": {"en": "answered", "fr": "répondues", "nl": "beantwoord"},
    "refused": {"en": "not sure", "fr": "pas sûr", "nl": "niet zeker"},
    "no_counts": {
        "en": "No answers counted yet (counts are kept only while recording is on).",
        "fr": "Aucune réponse comptée pour l'instant (les comptes ne sont tenus que si l'enregistrement est activé).",
        "nl": "Nog geen antwoorden geteld (tellingen worden alleen bijgehouden als opnemen aan staat).",
    },
    "gaps_intro": {
        "en": "Questions the bot was unsure about and answers marked 👎, grouped by meaning, biggest group first.",
        "fr": "Questions pour lesquelles le bot n'était pas sûr et réponses marquées 👎, groupées par sens, les plus grands groupes d'abord.",
        "nl": "Vragen waarover de bot twijfelde en antwoorden met 👎, gegroepeerd op betekenis, grootste groep eerst.",
    },
    "gaps_total": {
        "en": "{count} recorded questions in {groups} groups",
        "fr": "{count} questions enregistrées en {groups} groupes",
        "nl": "{count} opgeslagen vragen in {groups} groepen",
    },
    "group": {"en": "Group {n}: {count} questions", "fr": "Groupe {n} : {count} questions", "nl": "Groep {n}: {count} vragen"},
    "group_one": {"en": "Group {n}: 1 question", "fr": "Groupe {n} : 1 question", "nl": "Groep {n}: 1 vraag"},
    "languages": {"en": "Languages", "fr": "Langues", "nl": "Talen"},
    "kinds": {"en": "Kinds", "fr": "Types", "nl": "Soorten"},
    "fallback": {"en": "The bot fell back to", "fr": "Le bot s'est rabattu sur", "nl": "De bot viel terug op"},
    "examples": {"en": "Examples", "fr": "Exemples", "nl": "Voorbeelden"},
    "not_kept": {"en": "(question not kept)", "fr": "(question non conservée)", "nl": "(vraag niet bewaard)"},
    "no_gaps": {
        "en": "Nothing recorded in this period.",
        "fr": "Rien d'enregistré sur cette période.",
        "nl": "Niets opgeslagen in deze periode.",
    },
    "feedback": {"en": "👍 / 👎 per passage", "fr": "👍 / 👎 par passage", "nl": "👍 / 👎 per passage"},
    "passage": {"en": "Passage", "fr": "Passage", "nl": "Passage"},
    "no_feedback": {"en": "No 👍 or 👎 yet.", "fr": "Pas encore de 👍 ni de 👎.", "nl": "Nog geen 👍 of 👎."},
    "csv": {"en": "Download as CSV", "fr": "Télécharger en CSV", "nl": "Downloaden als CSV"},
    "since": {"en": "Last days", "fr": "Derniers jours", "nl": "Laatste dagen"},
    "show": {"en": "Show", "fr": "Afficher", "nl": "Tonen"},
    "question": {"en": "Question", "fr": "Question", "nl": "Vraag"},
    "answer_in": {"en": "Answer in", "fr": "Répondre en", "nl": "Antwoorden in"},
    "detected": {"en": "detected language", "fr": "langue détectée", "nl": "gedetecteerde taal"},
    "ask": {"en": "Ask", "fr": "Demander", "nl": "Vragen"},
    "learner_sees": {"en": "What a learner sees", "fr": "Ce que voit l'apprenant", "nl": "Wat een cursist ziet"},
    "why": {"en": "Why", "fr": "Pourquoi", "nl": "Waarom"},
    "outcome": {"en": "Outcome", "fr": "Résultat", "nl": "Uitkomst"},
    "confidence": {"en": "Confidence", "fr": "Confiance", "nl": "Zekerheid"},
    "threshold": {"en": "threshold", "fr": "seuil", "nl": "drempel"},
    "above": {
        "en": "above the threshold: the bot answers",
        "fr": "au-dessus du seuil : le bot répond",
        "nl": "boven de drempel: de bot antwoordt",
    },
    "below": {
        "en": "below the threshold: the bot says it is not sure",
        "fr": "sous le seuil : le bot dit qu'il n'est pas sûr",
        "nl": "onder de drempel: de bot zegt dat hij het niet zeker weet",
    },
    "signals": {"en": "Search signals", "fr": "Signaux de recherche", "nl": "Zoeksignalen"},
    "candidates": {"en": "Top candidates", "fr": "Meilleurs candidats", "nl": "Beste kandidaten"},
    "score": {"en": "Score", "fr": "Score", "nl": "Score"},
    "dense": {"en": "cosine", "fr": "cosinus", "nl": "cosinus"},
    "lexical": {"en": "BM25", "fr": "BM25", "nl": "BM25"},
    "asked_in": {"en": "Question written in", "fr": "Question écrite en", "nl": "Vraag geschreven in"},
    "place": {"en": "Place understood", "fr": "Lieu compris", "nl": "Begrepen plaats"},
    "audience": {"en": "Audience understood", "fr": "Public compris", "nl": "Begrepen doelgroep"},
    "fit": {"en": "Why the first option", "fr": "Pourquoi la première option", "nl": "Waarom de eerste optie"},
    "knowledge_intro": {
        "en": "Every organisation and programme with its sources and the date it was last verified. Edit the file and line shown.",
        "fr": "Chaque organisation et programme avec ses sources et la date de dernière vérification. Modifiez le fichier et la ligne indiqués.",
        "nl": "Elke organisatie en elk programma met bronnen en de datum van de laatste controle. Pas het getoonde bestand en de regel aan.",
    },
    "faq": {"en": "FAQ", "fr": "FAQ", "nl": "FAQ"},
    "verified": {"en": "Verified", "fr": "Vérifié", "nl": "Gecontroleerd"},
    "stale": {"en": "stale: check again", "fr": "à revérifier", "nl": "verouderd: opnieuw controleren"},
    "sources": {"en": "Sources", "fr": "Sources", "nl": "Bronnen"},
    "edit": {"en": "Edit", "fr": "Modifier", "nl": "Bewerken"},
    "centre": {"en": "Centre", "fr": "Centre", "nl": "Centrum"},
    "not_found": {"en": "Page not found.", "fr": "Page introuvable.", "nl": "Pagina niet gevonden."},
}


def phrase(lang: str, key: str, **values: object) -> str:
    """The console phrase `key` in `lang` (English when missing), with `values` filled in."""
    texts = PHRASES[key]
    text = texts.get(lang) or texts["en"]
    return text.format(**values) if values else text


def negotiate(accept_language: str | None) -> Lang | None:
    """The first of the console's languages in an Accept-Language header, by quality; None if none."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, Lang]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        code = tag.strip().lower().split("-")[0]
        if is_lang(code) and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else None
