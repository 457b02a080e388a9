"""`telecentre`: validate the knowledge, build the index, ask questions, chat in the console."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sqlite3
import sys
from pathlib import Path
from typing import Callable, TextIO

from bot.settings import Settings, SettingsError, load_settings
from bot.confidence import ConfidenceFileError
from index.embedder import ModelLoadError
from index.knowledge import Knowledge, load_knowledge, stale_entries
from index.store import BuildBusy, IndexUnavailable, KnowledgeInvalid

log = logging.getLogger("telecentre")


class CliError(Exception):
    """A failure to report as one line on stderr, with exit status 1."""


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, object] = {}
    if getattr(args, "knowledge", None):
        overrides["knowledge_dir"] = Path(args.knowledge)
    if getattr(args, "index", None):
        overrides["index_dir"] = Path(args.index)
    return load_settings(**overrides)


def _print_problems(knowledge: Knowledge, stream: TextIO) -> None:
    for problem in knowledge.problems:
        print(problem, file=stream)


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every knowledge file; list every problem, and entries not verified for too long."""
    settings = _settings(args)
    knowledge = load_knowledge(settings.knowledge_dir)
    knowledge.problems.extend(stale_entries(knowledge, settings.freshness_days, dt.date.today()))
    _print_problems(knowledge, sys.stderr)
    failed = bool(knowledge.errors) or (args.strict and bool(knowledge.warnings))
    status = "invalid" if knowledge.errors else ("ok with warnings (--strict: failing)" if failed else "ok")
    print(f"{settings.knowledge_dir}: {status}: {knowledge.summary()}")
    return 1 if failed else 0


def _embedder(settings: Settings):  # type: ignore[no-untyped-def]
    from index.embedder import load_embedder

    print(f"Loading the embedding model {settings.embedding_model} …", file=sys.stderr)
    return load_embedder(settings.embedding_model)


def cmd_build(args: argparse.Namespace) -> int:
    """Validate, embed and swap in a new index."""
    from index.store import build_index

    settings = _settings(args)
    knowledge = load_knowledge(settings.knowledge_dir)
    if knowledge.errors:
        _print_problems(knowledge, sys.stderr)
        raise CliError(f"{len(knowledge.errors)} problems in {settings.knowledge_dir}: nothing was built, the current index keeps serving")
    print(f"Knowledge: {knowledge.summary()}", file=sys.stderr)
    embedder = _embedder(settings)
    try:
        report = build_index(
            settings.knowledge_dir,
            settings.index_dir,
            embedder,
            show_progress=sys.stderr.isatty(),
            only_if_stale=args.if_stale,
        )
    except KnowledgeInvalid as error:  # the files changed between the check above and the build
        _print_problems(error.knowledge, sys.stderr)
        raise CliError(str(error)) from None
    if report.skipped:
        print(f"Index {report.version} is up to date ({report.passages} passages): nothing to do.")
    else:
        print(
            f"Built index {report.version}: {report.passages} passages "
            f"({report.embedded} embedded, {report.reused} from cache) in {report.seconds:.1f} s; now serving it."
        )
    return 0


def _engine(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from bot.engine import Engine

    settings = _settings(args)
    embedder = _embedder(settings)
    return Engine.from_settings(settings, embedder)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question, or each line of stdin."""
    engine = _engine(args)
    questions = [args.question] if args.question is not None else (line.rstrip("\n") for line in sys.stdin)
    first = True
    for question in questions:
        answer = engine.answer(question, lang=args.lang)
        if args.json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
        else:
            if not first:
                print()
            print(answer.text, flush=True)
        first = False
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """An interactive console conversation with the same engine as the Telegram bot."""
    from bot.console import chat
    from bot.gaps import GapStore

    settings = _settings(args)
    engine = _engine(args)
    return chat(engine, GapStore(settings.gaps_path, settings.retention_days, settings.record_gaps), args.lang, write=lambda text: print(text, flush=True))


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the Telegram bot (polling, or a webhook when TELECENTRE_WEBHOOK_URL is set)."""
    from bot.telegram_bot import ServeError, run

    settings = _settings(args)
    try:
        run(settings, lambda: _embedder(settings))
    except ServeError as error:
        raise CliError(str(error)) from None
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the engine on a labelled question set: per split, language and search mode."""
    from bot.engine import Engine
    from bot.evaluation import load_labelled, metrics, misses, run
    from bot.eval_report import format_report

    settings = _settings(args)
    try:
        questions = load_labelled(Path(args.file))
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the labelled questions: {error}") from None
    engine = Engine.from_settings(settings, _embedder(settings))
    modes = ["hybrid", "hybrid-rrf", "dense", "lexical"] if args.mode == "all" else [args.mode]
    report: dict = {"file": args.file, "modes": {}}
    for mode in modes:
        search_mode, _, fusion = mode.partition("-")
        engine.use_mode(search_mode, fusion or settings.fusion)
        outcomes = run(engine, questions)
        report["modes"][mode] = {
            split: metrics([o for o in outcomes if split == "all" or o.question.split == split], engine.threshold)
            for split in ("train", "test", "all")
        }
        report["modes"][mode]["misses"] = misses(outcomes, engine.threshold)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_report(report))
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    """What learners asked that the knowledge did not answer well, grouped by meaning."""
    from bot.gap_report import format_groups, group_gaps, write_csv
    from bot.gaps import GapStore

    settings = _settings(args)
    if not settings.gaps_path.exists():
        print(f"No questions recorded yet ({settings.gaps_path} does not exist).")
        return 0
    store = GapStore(settings.gaps_path, settings.retention_days)
    try:
        gaps = store.gaps(args.since)
        feedback = store.feedback_counts(args.since)
    except sqlite3.Error as error:
        raise CliError(f"cannot read {settings.gaps_path} ({type(error).__name__}): is it a gaps database?") from None
    groups = group_gaps(gaps, _embedder(settings)) if gaps else []
    print(format_groups(groups, feedback))
    if args.csv:
        try:
            write_csv(groups, Path(args.csv))
        except OSError as error:
            raise CliError(f"cannot write {args.csv}: {error.strerror}") from None
        print(f"wrote {args.csv}", file=sys.stderr)
    return 0


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit the confidence model on the labelled set's train split for the embedding model in use;
    print it, or --write it (by default to the file the bot reads for that model)."""
    from bot.confidence import ConfidenceModel, default_file
    from bot.engine import Engine
    from bot.evaluation import calibrate, load_labelled

    try:
        questions = [q for q in load_labelled(Path(args.file)) if q.split == "train"]
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the labelled questions: {error}") from None
    settings = _settings(args)
    embedder = _embedder(settings)
    # Fitting needs only the search signals, so no existing confidence file is required.
    engine = Engine.from_settings(settings, embedder, confidence=ConfidenceModel.untrained(embedder.name))
    model, report = calibrate(engine, questions)
    print(json.dumps({"model": model.__dict__, "train": report}, indent=2))
    if args.write:
        target = Path(args.write) if args.write != "-" else settings.confidence_file or default_file(embedder.name)
        model.save(target)
        print(f"wrote {target}", file=sys.stderr)
    return 0


def configure_logging(verbose: bool = False) -> None:
    """Warnings only by default; -v adds our INFO lines but never a library's request log."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request URL at INFO, and python-telegram-bot puts the token in the URL.
    for noisy in ("httpx", "httpcore", "sentence_transformers", "transformers", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="telecentre", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more (never message text)")
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str, index: bool = True) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--knowledge", metavar="DIR", help="knowledge folder (default: TELECENTRE_KNOWLEDGE_DIR or knowledge)")
        if index:
            command.add_argument("--index", metavar="DIR", help="index folder (default: TELECENTRE_INDEX_DIR or var/index)")
        command.set_defaults(func=func)
        return command

    validate = add("validate", cmd_validate, "check the knowledge files and list every problem", index=False)
    validate.add_argument("--strict", action="store_true", help="fail on warnings too (e.g. entries not verified for too long), for CI")
    build = add("build", cmd_build, "validate the knowledge and build a new search index")
    build.add_argument("--if-stale", action="store_true", help="do nothing when the index already matches the knowledge and model")
    ask = add("ask", cmd_ask, "answer QUESTION, or every line of stdin")
    ask.add_argument("question", nargs="?", help="the question (default: read one per line from stdin)")
    ask.add_argument("--json", action="store_true", help="one JSON object per answer")
    ask.add_argument("--lang", choices=["en", "fr", "nl"], help="answer in this language instead of the detected one")
    chat = add("chat", cmd_chat, "chat in the console with the same engine as the bot")
    chat.add_argument("--lang", choices=["en", "fr", "nl"], help="answer in this language instead of the detected one")
    add("serve", cmd_serve, "run the Telegram bot")
    gaps = add("gaps", cmd_gaps, "recorded unsure answers and 👎, grouped by meaning, biggest first", index=False)
    gaps.add_argument("--since", type=int, metavar="DAYS", help="only the last DAYS days")
    gaps.add_argument("--csv", metavar="FILE", help="also write the groups to a CSV file")
    evaluate = add("eval", cmd_eval, "score the answers on a labelled question set")
    evaluate.add_argument("file", nargs="?", default="tests/data/labelled_questions.yaml", help="labelled questions (YAML; format in bot/evaluation.py)")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument(
        "--mode", choices=["hybrid", "hybrid-rrf", "dense", "lexical", "all"], default="hybrid", help="search mode(s) to score (hybrid uses TELECENTRE_FUSION)"
    )
    calibrate = add("calibrate", cmd_calibrate, "compute the confidence threshold from a labelled question set")
    calibrate.add_argument("--file", default="tests/data/labelled_questions.yaml", help="labelled questions (YAML)")
    calibrate.add_argument(
        "--write", nargs="?", const="-", metavar="FILE",
        help="save the model (default: TELECENTRE_CONFIDENCE_FILE, else bot/confidence.json for the default model, bot/confidence-<model>.json for another)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        return args.func(args)
    except (CliError, SettingsError, ModelLoadError, IndexUnavailable, KnowledgeInvalid, BuildBusy, ConfidenceFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
