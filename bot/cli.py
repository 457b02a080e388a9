"""`telecentre`: validate the knowledge, build the index, ask questions, chat in the console."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Callable
from typing import TextIO

from bot.blocks import render_text
from bot.cli_common import CliError, embedder_for, print_problems, settings_for, valid_knowledge
from bot.cli_data import cmd_backup, cmd_export, cmd_gaps, cmd_restore
from bot.cli_quality import EVAL_MODES, cmd_calibrate, cmd_eval
from bot.confidence import ConfidenceFileError
from bot.i18n import DEFAULT_LANGUAGE
from bot.settings import SettingsError
from index.embedder import ModelLoadError
from index.freshness import format_freshness, freshness
from index.knowledge import load_knowledge, stale_entries
from index.schema import LANGUAGES
from index.store import BuildBusy, IndexUnavailable, KnowledgeInvalid

log = logging.getLogger("telecentre")
MIN_PASSWORD_CHARS = 10


def cmd_validate(args: argparse.Namespace) -> int:
    """Check every knowledge file; list every problem, and entries not verified for too long."""
    settings = settings_for(args)
    knowledge = load_knowledge(settings.knowledge_dir)
    knowledge.problems.extend(stale_entries(knowledge, settings.freshness_days, dt.date.today()))
    print_problems(knowledge, sys.stderr)
    failed = bool(knowledge.errors) or (args.strict and bool(knowledge.warnings))
    status = "invalid" if knowledge.errors else ("ok with warnings (--strict: failing)" if failed else "ok")
    summary = format_freshness(freshness(knowledge))
    if summary:
        print(summary)
    print(f"{settings.knowledge_dir}: {status}: {knowledge.summary()}")
    return 1 if failed else 0


def cmd_build(args: argparse.Namespace) -> int:
    """Validate, embed and swap in a new index."""
    from index.store import build_index

    settings = settings_for(args)
    knowledge = valid_knowledge(settings, "nothing was built, the current index keeps serving")
    print(f"Knowledge: {knowledge.summary()}", file=sys.stderr)
    embedder = embedder_for(settings)
    try:
        report = build_index(
            settings.knowledge_dir,
            settings.index_dir,
            embedder,
            show_progress=sys.stderr.isatty(),
            only_if_stale=args.if_stale,
        )
    except KnowledgeInvalid as error:  # the files changed between the check above and the build
        print_problems(error.knowledge, sys.stderr)
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

    settings = settings_for(args)
    embedder = embedder_for(settings)
    return Engine.from_settings(settings, embedder)


def cmd_ask(args: argparse.Namespace) -> int:
    """Answer one question, or each line of stdin."""
    engine = _engine(args)
    questions = [args.question] if args.question is not None else (line.rstrip("\n") for line in sys.stdin)
    first = True
    lang = args.lang or DEFAULT_LANGUAGE
    for question in questions:
        nearest = engine.nearest_to_place(question, lang)
        if nearest is None:
            answer = engine.answer(question, lang=args.lang)
            shown, text = answer.to_dict(), answer.text
        else:
            text = render_text(nearest)
            shown = {"question": question, "lang": lang, "kind": "nearest", "reply": text}
        if args.json:
            print(json.dumps(shown, ensure_ascii=False), flush=True)
        else:
            if not first:
                print()
            print(text, flush=True)
        first = False
    return 0


def cmd_chat(args: argparse.Namespace) -> int:
    """An interactive console conversation with the same engine as the Telegram bot."""
    from bot.console import chat
    from bot.stores import open_stores

    settings = settings_for(args)
    engine = _engine(args)
    stores = open_stores(settings)
    try:
        return chat(engine, stores.gaps, args.lang, write=lambda text: print(text, flush=True))
    finally:
        stores.close()


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the Telegram bot (polling, or a webhook when TELECENTRE_WEBHOOK_URL is set)."""
    from bot.telegram.app import ServeError, run

    settings = settings_for(args)
    try:
        run(settings, lambda: embedder_for(settings))
    except ServeError as error:
        raise CliError(str(error)) from None
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    """The staff console in the browser, without Telegram (TELECENTRE_CONSOLE_LISTEN/_PORT)."""
    from bot.staff.server import run_console

    settings = settings_for(args)
    if settings.staff_password_hash is None:
        raise CliError("the staff console is off: set TELECENTRE_STAFF_PASSWORD_HASH (print one with `telecentre staff-password`)")
    run_console(settings, lambda: embedder_for(settings), announce=lambda line: print(line, flush=True))
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
