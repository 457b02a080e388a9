"""The commands for what the bot keeps and shares: the gaps report, backing up and restoring the
SQLite databases, and exporting the knowledge as Open Referral HSDS."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
from pathlib import Path

from bot.cli_common import CliError, embedder_for, settings_for, valid_knowledge


def cmd_gaps(args: argparse.Namespace) -> int:
    """What learners asked that the knowledge did not answer well, grouped by meaning."""
    from bot.database import StorageError
    from bot.gap_report import format_groups, group_gaps, write_csv
    from bot.stores import open_stores

    settings = settings_for(args)
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
    groups = group_gaps(gaps, embedder_for(settings)) if gaps else []
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

    settings = settings_for(args)
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

    settings = settings_for(args)
    if settings.database_url:
        raise CliError("TELECENTRE_DATABASE_URL is set: restore PostgreSQL with pg_restore (see docs/operations.md)")
    try:
        restored = restore_sqlite(Path(args.folder), settings.data_dir)
    except (sqlite3.Error, OSError) as error:
        raise CliError(f"restore failed ({type(error).__name__}: {error})") from None
    print("\n".join(f"restored {path}" for path in restored))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """Write the knowledge as Open Referral HSDS 3.0 JSON, for other directories to reuse."""
    from bot.hsds import export_organizations
    from bot.hsds_check import schema_problems
    from bot.timing import BRUSSELS

    settings = settings_for(args)
    knowledge = valid_knowledge(settings, "nothing was exported")
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
