"""What every `telecentre` command shares: settings from its options, the embedding model loaded
with a line saying so, problems listed for staff, and the one error a command reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from bot.settings import Settings, load_settings
from index.knowledge import Knowledge, load_knowledge


class CliError(Exception):
    """A failure to report as one line on stderr, with exit status 1."""


def settings_for(args: argparse.Namespace) -> Settings:
    """The settings, with the folders given as --knowledge and --index instead of theirs."""
    overrides: dict[str, object] = {}
    if getattr(args, "knowledge", None):
        overrides["knowledge_dir"] = Path(args.knowledge)
    if getattr(args, "index", None):
        overrides["index_dir"] = Path(args.index)
    return load_settings(**overrides)


def print_problems(knowledge: Knowledge, stream: TextIO) -> None:
    for problem in knowledge.problems:
        print(problem, file=stream)


def valid_knowledge(settings: Settings, nothing_done: str) -> Knowledge:
    """The knowledge of `settings`; with errors, they are listed on stderr and the command stops,
    saying `nothing_done` ("nothing was exported")."""
    knowledge = load_knowledge(settings.knowledge_dir)
    if knowledge.errors:
        print_problems(knowledge, sys.stderr)
        raise CliError(f"{len(knowledge.errors)} problems in {settings.knowledge_dir}: {nothing_done}")
    return knowledge


def embedder_for(settings: Settings):  # type: ignore[no-untyped-def]
    """The embedding model of `settings`, loaded after a line on stderr says so (it can take seconds)."""
    from index.embedder import load_embedder

    print(f"Loading the embedding model {settings.embedding_model} …", file=sys.stderr)
    return load_embedder(settings.embedding_model)
