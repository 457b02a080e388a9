"""Lexical tokenisation and hybrid (dense + BM25) search."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.search import Searcher, fold, tokenize
from index.store import build_index, open_index
from tests.support.helpers import FakeEmbedder


def test_fold_strips_accents_and_case() -> None:
    assert fold("Écoles Numériques À Bruxelles") == "ecoles numeriques a bruxelles"


def test_tokenize_splits_apostrophes_and_drops_stopwords() -> None:
    assert tokenize("Où apprendre l'informatique à Schaerbeek ?") == ["apprendre", "informatique", "schaerbeek"]
    assert tokenize("Waar kan ik leren programmeren in de buurt?") == ["leren", "programmeren", "buurt"]
    assert tokenize("Where can I learn to code for free?") == ["learn", "code", "free"]


@pytest.fixture
def searcher_factory(knowledge_dir: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    embedder = FakeEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder)
    index = open_index(tmp_path / "index", embedder)
    return lambda mode: Searcher(index, embedder, mode)


@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_each_mode_finds_the_matching_centre(searcher_factory, mode: str) -> None:  # type: ignore[no-untyped-def]
    hits = searcher_factory(mode).search("printing in Schaerbeek", k=5)
    assert hits[0].passage.centre == "beta"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_hits_carry_both_raw_scores(searcher_factory) -> None:  # type: ignore[no-untyped-def]
    hits = searcher_factory("hybrid").search("Cours de coding pour adultes", k=30)
    best = hits[0]
    assert best.passage.centre == "alpha" and best.passage.lang == "fr"
    assert 0 < best.dense <= 1.0001 and best.lexical > 0
    assert len({h.passage.id for h in hits}) == len(hits)


def test_a_centre_asked_for_is_compared_though_it_ranks_below_k(searcher_factory) -> None:  # type: ignore[no-untyped-def]
    searcher = searcher_factory("hybrid")
    everything = searcher.search("printing in Schaerbeek", k=100)
    last = everything[-1].passage.centre
    top = searcher.search("printing in Schaerbeek", k=1)
    assert top[0].passage.centre != last
    with_it = searcher.search("printing in Schaerbeek", k=1, centres=[last, top[0].passage.centre])
    assert [h.passage.centre for h in with_it] == [top[0].passage.centre, last]  # the best first, then the one asked for
    assert with_it[1].row == max((h for h in everything if h.passage.centre == last), key=lambda h: h.score).row


def test_a_centre_asked_for_is_compared_though_neither_search_found_it(searcher_factory, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import index.search

    searcher = searcher_factory("hybrid")
    everything = searcher.search("printing in Schaerbeek", k=100)
    last = everything[-1]
    monkeypatch.setattr(index.search, "CANDIDATES", 1)  # each search finds one passage only
    with_it = searcher.search("printing in Schaerbeek", k=1, centres=[last.passage.answerer])
    assert len(with_it) == 2 and with_it[-1].passage.answerer == last.passage.answerer
    best_of_it = max((h for h in everything if h.passage.answerer == last.passage.answerer), key=lambda h: h.score)
    assert with_it[-1].row == best_of_it.row  # its best passage, among all of its own


def test_query_with_no_known_word_has_no_lexical_score(searcher_factory) -> None:  # type: ignore[no-untyped-def]
    hits = searcher_factory("hybrid").search("zzzz qqqq", k=3)
    assert all(h.lexical == 0 for h in hits)


def test_terms_cut_words_to_a_shared_stem() -> None:
    from index.search import terms

    assert terms("Femmes programmeren programming") == ["femme", "progr", "progr"]


def test_word_weights_scale_a_words_lexical_weight(knowledge_dir: Path, tmp_path: Path) -> None:
    embedder = FakeEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder)
    index = open_index(tmp_path / "index", embedder)
    plain = Searcher(index, embedder, "lexical")
    damped = Searcher(index, embedder, "lexical", {"Schaerbeek": 0.25})
    row = next(h.row for h in plain.search("Schaerbeek", k=1))
    assert damped._lexical(["schae"])[row] == pytest.approx(0.25 * plain._lexical(["schae"])[row])
    assert "schae" in damped.vocabulary and "schae" in damped.words_in(row)


@pytest.mark.parametrize("mode", ["hybrid", "lexical"])
def test_a_passage_only_bm25_found_carries_its_true_cosine(searcher_factory, mode: str) -> None:  # type: ignore[no-untyped-def]
    searcher = searcher_factory(mode)
    vector = searcher.embedder.embed_queries(["printing in Schaerbeek"])[0]
    hits = searcher.search("printing in Schaerbeek", k=5, vector=vector)
    for hit in hits:
        assert hit.dense == pytest.approx(float(searcher.index.vectors.reconstruct(hit.row) @ vector), abs=1e-5)


@pytest.mark.parametrize("fusion", ["weighted", "rrf"])
def test_hybrid_search_fuses_every_candidate_of_both_searches(
    knowledge_dir: Path, tmp_path: Path, fusion: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Weighted: each hit's score is its cosine and its BM25 score (scaled to the query's best) in
    the set proportions. RRF: each search's ranks are all counted once, whatever the ties."""
    from index.search import RRF_K, _top, terms

    candidates = 4  # fewer than the fixture's passages, so each search misses some the other finds
    monkeypatch.setattr("index.search.CANDIDATES", candidates)

    embedder = FakeEmbedder()
    build_index(knowledge_dir, tmp_path / "index", embedder)
    index = open_index(tmp_path / "index", embedder)
    searcher = Searcher(index, embedder, "hybrid", fusion=fusion, dense_weight=0.6)  # type: ignore[arg-type]
    query = "Cours de coding pour adultes, printing in Schaerbeek"
    vector = embedder.embed_queries([query])[0]
    hits = searcher.search(query, k=len(index.passages), vector=vector)
    lexical = searcher._lexical(terms(query))
    _, found = index.vectors.search(vector.reshape(1, -1), candidates)
    dense_rows = {row for row in found[0].tolist() if row >= 0}
    lexical_rows = {row for row in _top(lexical, candidates).tolist() if lexical[row] > 0}
    assert lexical_rows - dense_rows  # the query reaches a passage that only BM25 finds
    assert {h.row for h in hits} == dense_rows | lexical_rows
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    if fusion == "weighted":
        for hit in hits:
            assert hit.score == pytest.approx(0.6 * hit.dense + 0.4 * hit.lexical / lexical.max(), abs=1e-6)
    else:
        every_rank = sum(1 / (RRF_K + rank) for count in (len(dense_rows), len(lexical_rows)) for rank in range(1, count + 1))
        assert sum(h.score for h in hits) == pytest.approx(every_rank)
        assert all(h.score <= 1 / (RRF_K + 1) for h in hits if h.row not in dense_rows)
