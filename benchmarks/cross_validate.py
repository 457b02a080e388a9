"""Cross-validated routing figures on the train split: how routing constants were chosen.

    .venv/bin/python benchmarks/cross_validate.py [--try '{"PRIOR_BONUS": 0.8}' ...] [--misses en,nl]

Each question of the train split is answered with a centre classifier fitted on the other folds
(5-fold by paraphrase family, as `telecentre calibrate` does), so a constant is judged on questions
the classifier has not seen. Every `--try` is a set of constants of `bot.routing` or
`bot.centre_prior` (how the classifier and the nearest questions' vote mix) to override; the
first row is always the constants as shipped. Prints centre hit@1 per language group for each. The
test split is never read. `--misses` lists the train questions the shipped constants send to the
wrong centre, in the languages given, to look for their causes. `--extra` names labelled questions
that every fold's classifier also learns, without scoring them: whether new train questions would
help the old ones.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot import centre_prior, routing  # noqa: E402
from bot.evaluation import GROUPS, Outcome, group_of, load_labelled  # noqa: E402


def hit_rates(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """Right centre first, and how many in-scope questions, per language group and for all."""
    rates = {}
    for group in GROUPS:
        chosen = [o for o in outcomes if not o.question.out_of_scope and group in ("all", group_of(o.question.lang))]
        rates[group] = (sum(o.centre_hit for o in chosen), len(chosen))
    return rates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", default=str(ROOT / "tests/data/labelled_questions.yaml"))
    parser.add_argument("--try", dest="tries", action="append", default=[], help="JSON object of bot.routing or bot.centre_prior constants")
    parser.add_argument("--extra", help="labelled questions (YAML) added to every fold's training, not scored")
    parser.add_argument("--misses", default="", help="comma-separated language codes whose misses to list")
    args = parser.parse_args()
    owner = {
        name: module
        for module in (routing, centre_prior)
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, int | float) and name != "PRIOR_C"
    }
    for tried in args.tries:
        if "PRIOR_C" in json.loads(tried):
            parser.error("PRIOR_C is read when the folds' classifiers are fitted, before any --try: set it in bot/centre_prior.py")
        unknown = [name for name in json.loads(tried) if name not in owner]
        if unknown:
            parser.error(f"neither bot.routing nor bot.centre_prior has a constant {', '.join(unknown)}")
    shipped = {name: getattr(owner[name], name) for tried in args.tries for name in json.loads(tried)}
    extra = load_labelled(Path(args.extra)) if args.extra else []
    if any(q.split == "test" for q in extra):
        parser.error(f"{args.extra} holds test questions: learning them would tune on the test split")

    from bot.calibration import _answered_by_unseen_classifiers, _fold_classifiers, knowledge_examples
    from bot.cli_common import embedder_for, settings_for
    from bot.engine import Engine

    settings = settings_for(argparse.Namespace())
    engine = Engine.from_settings(settings, embedder_for(settings))
    questions = [q for q in load_labelled(Path(args.file)) if q.split == "train"]
    vectors = np.stack([engine.question_vector(q.q) for q in questions])
    examples = knowledge_examples(engine)
    extra_vectors = np.stack([engine.question_vector(q.q) for q in extra]) if extra else vectors[:0]
    folds = _fold_classifiers(questions, vectors, examples, (extra_vectors, extra))
    if extra:
        print(f"each fold's classifier also learns {len(extra)} questions from {args.extra}")
    print(f"{len(questions)} train questions, fusion {engine.searcher.fusion}; centre hit@1 (right / asked)")
    for tried in ["{}", *args.tries]:
        for name, value in {**shipped, **json.loads(tried)}.items():
            setattr(owner[name], name, value)
        outcomes = _answered_by_unseen_classifiers(engine, questions, folds)
        rates = hit_rates(outcomes)
        shown = "  ".join(f"{group} {right / max(asked, 1):.4f} ({right}/{asked})" for group, (right, asked) in rates.items())
        print(f"{'shipped' if tried == '{}' else tried}: {shown}", flush=True)
        if tried == "{}" and args.misses:
            wanted = set(args.misses.split(","))
            for o in outcomes:
                if not o.question.out_of_scope and not o.centre_hit and o.question.lang in wanted:
                    expected = o.question.faq or o.question.programme or o.question.centre
                    print(f"  miss [{o.question.lang}] {o.question.q!r}: {expected} <- {o.got_programme or o.got_centre}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
