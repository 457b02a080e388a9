"""Words that name a centre, a street or a municipality, kept out of language detection."""

from __future__ import annotations

from bot.name_words import name_words


def test_names_are_kept_out_but_words_the_knowledge_writes_in_lower_case_are_not(shipped_engine) -> None:  # type: ignore[no-untyped-def]
    words = name_words(shipped_engine.index)
    assert {"maks", "becode", "molengeek", "brogniez"} <= words  # centres, and a street ("Rue Brogniez")
    assert not {"school", "formation", "centre", "public", "le"} & words  # in names, but ordinary words of the knowledge
