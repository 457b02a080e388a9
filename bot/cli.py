"""`telecentre`: validate the knowledge, build the index, ask questions, chat in the console."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TextIO

from bot.confidence import ConfidenceFileError
from bot.settings import Settings, SettingsError, load_settings
from index.embedder import ModelLoadError
from index.freshness import format_freshness, freshness
from index.knowledge import Knowledge, load_knowledge, stale_entries
from index.schema import LANGUAGES
from index.search import Fusion, Mode
from index.store import BuildBusy, IndexUnavailable, KnowledgeInvalid

log = logging.getLogger("telecentre")
MIN_PASSWORD_CHARS = 10

EVAL_MODES: dict[str, tuple[Mode, Fusion | None]] = {
    "hybrid": ("hybrid", None),
    "hybrid-weighted": ("hybrid", "weighted"),
    "hybrid-rrf": ("hybrid", "rrf"),
    "dense": ("dense", None),
    "lexical": ("lexical", None),
}
"""What `telecentre eval --mode` can score: a search mode, and a fusion (None: the one the bot uses,
from TELECENTRE_FUSION or the model's confidence file)."""


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
    summary = format_freshness(freshness(knowledge))
    if summary:
        print(summary)
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
    from bot.stores import open_stores

    settings = _settings(args)
    engine = _engine(args)
    stores = open_stores(settings)
    try:
        return chat(engine, stores.gaps, args.lang, write=lambda text: print(text, flush=True))
    finally:
        stores.close()


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the Telegram bot (polling, or a webhook when TELECENTRE_WEBHOOK_URL is set)."""
    from bot.telegram.app import ServeError, run

    settings = _settings(args)
    try:
        run(settings, lambda: _embedder(settings))
    except ServeError as error:
        raise CliError(str(error)) from None
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    """The staff console in the browser, without Telegram (TELECENTRE_CONSOLE_LISTEN/_PORT)."""
    from bot.staff.server import run_console

    settings = _settings(args)
    if settings.staff_password_hash is None:
        raise CliError("the staff console is off: set TELECENTRE_STAFF_PASSWORD_HASH (print one with `telecentre staff-password`)")
    run_console(settings, lambda: _embedder(settings), announce=lambda line: print(line, flush=True))
    return 0


def read_new_password(stdin: TextIO, tty: bool) -> str:
    """A password from a hidden prompt (typed twice), or the first line of stdin when piped."""
    import getpass

    if tty:
        password = getpass.getpass("New staff password: ")
        if getpass.getpass("Again: ") != password:
            raise CliError("the two passwords differ: nothing was printed")
    else:
        password = stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD_CHARS:
        raise CliError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    return password


def cmd_staff_password(args: argparse.Namespace) -> int:
    """Print an argon2 hash of a new staff password, for TELECENTRE_STAFF_PASSWORD_HASH."""
    from bot.staff.auth import hash_password

    password = read_new_password(sys.stdin, sys.stdin.isatty())
    print(hash_password(password))
    if sys.stdout.isatty():
        print(
            "Put it in .env as TELECENTRE_STAFF_PASSWORD_HASH=<the line above> (in a shell, in single quotes: it holds $ signs).",
            file=sys.stderr,
        )
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the engine on a labelled question set: per split, language and search mode."""
    from bot.engine import Engine
    from bot.eval_report import format_report
    from bot.evaluation import load_labelled, metrics, misses, run

    settings = _settings(args)
    try:
        questions = load_labelled(Path(args.file))
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the labelled questions: {error}") from None
    engine = Engine.from_settings(settings, _embedder(settings))
    modes = list(EVAL_MODES) if args.mode == "all" else [args.mode]
    report: dict = {"file": args.file, "modes": {}}
    configured = engine.searcher.fusion
    for mode in modes:
        search_mode, fusion = EVAL_MODES[mode]
        engine.use_mode(search_mode, fusion or configured)
        outcomes = run(engine, questions)
        report["modes"][mode] = {
            split: metrics([o for o in outcomes if split == "all" or o.question.split == split], engine.threshold)
            for split in ("train", "test", "all")
        }
        shown = outcomes if args.test_misses else [o for o in outcomes if o.question.split != "test"]
        report["modes"][mode]["misses"] = misses(shown, engine.threshold)
    print(json.dumps(report, indent=2, ensure_ascii=False) if args.json else format_report(report))
    return 0


def cmd_gaps(args: argparse.Namespace) -> int:
    """What learners asked that the knowledge did not answer well, grouped by meaning."""
    from bot.database import StorageError
    from bot.gap_report import format_groups, group_gaps, write_csv
    from bot.stores import open_stores

    settings = _settings(args)
    store = open_stores(settings).gaps
    if not store.exists:
        print(f"No questions recorded yet ({settings.gaps_path} does not exist).")
        return 0
    where = "the database of TELECENTRE_DATABASE_URL" if settings.database_url else str(settings.gaps_path)
    try:
        gaps = store.gaps(args.since)
        feedback = store.feedback_counts(args.since)
    except StorageError as error:
        raise CliError(f"cannot read {where} ({error}): is it a gaps database?") from None
    finally:
        store.db.dispose()
    groups = group_gaps(gaps, _embedder(settings)) if gaps else []
    print(format_groups(groups, feedback))
    if args.csv:
        try:
            write_csv(groups, Path(args.csv))
        except OSError as error:
            raise CliError(f"cannot write {args.csv}: {error.strerror}") from None
        print(f"wrote {args.csv}", file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """Copy the SQLite databases into a folder while the bot runs (online backup API)."""
    from bot.backup import backup_sqlite

    settings = _settings(args)
    if settings.database_url:
        raise CliError("TELECENTRE_DATABASE_URL is set: back up PostgreSQL with pg_dump (see docs/operations.md)")
    try:
        written = backup_sqlite(settings.data_dir, Path(args.folder))
    except (sqlite3.Error, OSError) as error:
        raise CliError(f"backup failed ({type(error).__name__})") from None
    print("\n".join(f"wrote {path}" for path in written) or f"nothing to back up in {settings.data_dir}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Put a `telecentre backup` folder back (stop the bot first)."""
    from bot.backup import restore_sqlite

    settings = _settings(args)
    if settings.database_url:
        raise CliError("TELECENTRE_DATABASE_URL is set: restore PostgreSQL with pg_restore (see docs/operations.md)")
    try:
        restored = restore_sqlite(Path(args.folder), settings.data_dir)
    except (sqlite3.Error, OSError) as error:
        raise CliError(f"restore failed ({type(error).__name__}: {error})") from None
    print("\n".join(f"restored {path}" for path in restored))
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
    shown = asdict(model) | {"centre_prior": f"{len(model.centre_prior.centres)} organisations" if model.centre_prior else None}
    print(json.dumps({"model": shown, "train": report}, indent=2))
    if args.write:
        target = Path(args.write) if args.write != "-" else settings.confidence_file or default_file(embedder.name)
        model.save(target)
        print(f"wrote {target}", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the knowledge as Open Referral HSDS 3.0 JSON, for other directories to reuse."""
    from bot.hsds import export_organizations, schema_problems
    from bot.timing import BRUSSELS

    settings = _settings(args)
    knowledge = load_knowledge(settings.knowledge_dir)
    if knowledge.errors:
        _print_problems(knowledge, sys.stderr)
        raise CliError(f"{len(knowledge.errors)} problems in {settings.knowledge_dir}: nothing was exported")
    documents = export_organizations(knowledge, args.lang, dt.datetime.now(BRUSSELS))
    target = Path(args.hsds) / "organizations.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        partial.write_text(json.dumps(documents, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        partial.replace(target)
    except OSError as error:
        raise CliError(f"cannot write {target}: {error.strerror}") from None
    services = sum(len(d.get("services", [])) for d in documents)
    locations = sum(len(d.get("locations", [])) for d in documents)
    print(f"wrote {target}: {len(documents)} organizations, {services} services, {locations} locations (HSDS 3.0, {args.lang})")
    if args.schema is None:
        return 0
    try:
        schema = json.loads(Path(args.schema).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the schema {args.schema}: {error}") from None
    problems = schema_problems(documents, schema)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{args.schema}: {len(problems)} problems", file=sys.stderr if problems else sys.stdout)
    return 1 if problems else 0


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
    ask.add_argument("--lang", choices=LANGUAGES, help="answer in this language instead of the detected one")
    chat = add("chat", cmd_chat, "chat in the console with the same engine as the bot")
    chat.add_argument("--lang", choices=LANGUAGES, help="answer in this language instead of the detected one")
    add("serve", cmd_serve, "run the Telegram bot")
    add("console", cmd_console, "the staff console in the browser, without Telegram")
    add("staff-password", cmd_staff_password, "print an argon2 hash of a new staff password (prompt, or one line of stdin)", index=False)
    gaps = add("gaps", cmd_gaps, "recorded unsure answers and 👎, grouped by meaning, biggest first", index=False)
    gaps.add_argument("--since", type=int, metavar="DAYS", help="only the last DAYS days")
    gaps.add_argument("--csv", metavar="FILE", help="also write the groups to a CSV file")
    backup = add("backup", cmd_backup, "copy the SQLite databases into FOLDER, safely while the bot runs", index=False)
    backup.add_argument("folder", metavar="FOLDER")
    restore = add("restore", cmd_restore, "put a backup FOLDER back into TELECENTRE_DATA_DIR (stop the bot first)", index=False)
    restore.add_argument("folder", metavar="FOLDER")
    evaluate = add("eval", cmd_eval, "score the answers on a labelled question set")
    evaluate.add_argument(
        "file", nargs="?", default="tests/data/labelled_questions.yaml", help="labelled questions (YAML; format in bot/evaluation.py)"
    )
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument(
        "--test-misses",
        action="store_true",
        help="also list the test split's misses (left out by default: reading them while tuning would tune on the test split)",
    )
    evaluate.add_argument(
        "--mode", choices=[*EVAL_MODES, "all"], default="hybrid", help="search mode(s) to score (hybrid uses TELECENTRE_FUSION)"
    )
    export = add("export", cmd_export, "write the knowledge in another format (Open Referral HSDS 3.0)", index=False)
    export.add_argument(
        "--hsds", metavar="DIR", required=True, help="folder to write organizations.json into (HSDS 3.0 organization documents)"
    )
    export.add_argument(
        "--schema", metavar="FILE", help="also check the output against this JSON schema, e.g. HSDS 3.0's schema/compiled/organization.json"
    )
    export.add_argument(
        "--lang", choices=list(LANGUAGES), default=LANGUAGES[0], help="language of the texts (HSDS holds one; default: %(default)s)"
    )
    calibrate = add("calibrate", cmd_calibrate, "compute the confidence threshold from a labelled question set")
    calibrate.add_argument("--file", default="tests/data/labelled_questions.yaml", help="labelled questions (YAML)")
    calibrate.add_argument(
        "--write",
        nargs="?",
        const="-",
        metavar="FILE",
        help="save the model (default: TELECENTRE_CONFIDENCE_FILE, else bot/confidence.json for the default model, bot/confidence-<model>.json for another)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging(args.verbose)
    try:
        code: int = args.func(args)
        return code
    except (CliError, SettingsError, ModelLoadError, IndexUnavailable, KnowledgeInvalid, BuildBusy, ConfidenceFileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
