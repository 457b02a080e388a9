"""Questions in a language the knowledge is not written in (Arabic, Turkish, Spanish...): the one
fixed sentence saying so in the learner's own language, and the language the answer is given in."""

from __future__ import annotations

from index.schema import Lang

OTHER_LANGUAGE_NOTES: dict[str, str] = {
    "ar": "أجيب بالفرنسية أو الهولندية أو الإنجليزية، وإليك أنسب ما وجدت لك.",
    "de": "Ich antworte auf Französisch, Niederländisch oder Englisch – hier finden Sie, was am besten zu Ihnen passt.",
    "es": "Le respondo en francés, neerlandés o inglés: aquí tiene lo que más le conviene.",
    "it": "Le rispondo in francese, olandese o inglese: ecco ciò che fa più al caso suo.",
    "pl": "Odpowiadam po francusku, niderlandzku lub angielsku – poniżej to, co najlepiej pasuje do pytania.",
    "pt": "Respondo em francês, neerlandês ou inglês: aqui está o que mais lhe convém.",
    "ro": "Răspund în franceză, neerlandeză sau engleză: iată ce vi se potrivește cel mai bine.",
    "ru": "Я отвечаю по-французски, по-нидерландски или по-английски — вот что подойдёт вам лучше всего.",
    "tr": "Fransızca, Felemenkçe veya İngilizce yanıt veriyorum; size en uygun olanı aşağıda bulabilirsiniz.",
    "uk": "Я відповідаю французькою, нідерландською або англійською — ось що вам підійде найкраще.",
}
"""One fixed sentence, in the learner's own language, before an answer given in EN/FR/NL."""

OTHER_LANGUAGE_ONLY: dict[str, str] = {
    "ar": "أجيب بالفرنسية أو الهولندية أو الإنجليزية.",
    "de": "Ich antworte auf Französisch, Niederländisch oder Englisch.",
    "es": "Le respondo en francés, neerlandés o inglés.",
    "it": "Le rispondo in francese, olandese o inglese.",
    "pl": "Odpowiadam po francusku, niderlandzku lub angielsku.",
    "pt": "Respondo em francês, neerlandês ou inglês.",
    "ro": "Răspund în franceză, neerlandeză sau engleză.",
    "ru": "Я отвечаю по-французски, по-нидерландски или по-английски.",
    "tr": "Fransızca, Felemenkçe veya İngilizce yanıt veriyorum.",
    "uk": "Я відповідаю французькою, нідерландською або англійською.",
}
"""The first half of each sentence above, alone: before a reply that finds nothing to offer (a
refusal, a greeting), where "here is what fits best" would promise what does not follow."""

OTHER_LANGUAGE_REPLY: dict[str, Lang] = {
    "ar": "fr",
    "es": "fr",
    "it": "fr",
    "pt": "fr",
    "ro": "fr",
    "tr": "fr",
    "de": "en",
    "pl": "en",
    "ru": "en",
    "uk": "en",
}
"""The language we answer a question in another language in, when Telegram does not tell us
the learner reads English, French or Dutch: French where Brussels learners of that language most
often read it (Maghreb, Latin and Turkish communities), English otherwise."""
