"""`telecentre eval` and `telecentre calibrate`: how well the engine answers a labelled question
set, and fitting its confidence model on the train split."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from bot.cli_common import CliError, embedder_for, settings_for
from index.search import Fusion, Mode

EVAL_MODES: dict[str, tuple[Mode, Fusion | None]] = {
    "hybrid": ("hybrid", None),
    "hybrid-weighted": ("hybrid", "weighted"),
    "hybrid-rrf": ("hybrid", "rrf"),
    "dense": ("dense", None),
    "lexical": ("lexical", None),
}
"""What `telecentre eval --mode` can score: a search mode, and a fusion (None: the one the bot uses,
from TELECENTRE_FUSION or the model's confidence file)."""


def cmd_eval(args: argparse.Namespace) -> int:
    """Score the engine on a labelled question set: per split, language and search mode."""
    from bot.engine import Engine
    from bot.eval_report import format_report
    from bot.evaluation import load_labelled, metrics, misses, run

    settings = settings_for(args)
    try:
        questions = load_labelled(Path(args.file))
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the labelled questions: {error}") from None
    engine = Engine.from_settings(settings, embedder_for(settings))
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


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Fit the confidence model on the labelled set's train split for the embedding model in use;
    print it, or --write it (by default to the file the bot reads for that model)."""
    from bot.calibration import calibrate
    from bot.confidence import ConfidenceModel, default_file
    from bot.engine import Engine
    from bot.evaluation import load_labelled

    try:
        questions = [q for q in load_labelled(Path(args.file)) if q.split == "train"]
    except (OSError, ValueError) as error:
        raise CliError(f"cannot read the labelled questions: {error}") from None
    settings = settings_for(args)
    embedder = embedder_for(settings)
    # Fitting needs only the search signals, so no existing confidence file is required.
    engine = Engine.from_settings(settings, embedder, confidence=ConfidenceModel.untrained(embedder.name))
    model, report = calibrate(engine, questions)
    shown = asdict(model) | {
        "centre_prior": f"{len(model.centre_prior.centres)} organisations" if model.centre_prior else None,
        "questions": f"{model.questions.count} questions' embeddings" if model.questions else None,
    }
    print(json.dumps({"model": shown, "train": report}, indent=2))
    if args.write:
        target = Path(args.write) if args.write != "-" else settings.confidence_file or default_file(embedder.name)
        model.save(target)
        print(f"wrote {target}", file=sys.stderr)
    return 0
