"""Render `telecentre eval` results as a plain-text table for staff."""

from __future__ import annotations

from bot.evaluation import GROUPS


def _row(name: str, stats: dict) -> str:
    centre, programme = stats["centre"], stats["programme"]
    return (
        f"  {name:<5} {stats['questions']:>4}  "
        f"{centre['hit@1']:>6.3f} {centre['hit@3']:>6.3f} {centre['mrr']:>6.3f}   "
        f"{programme['hit@1']:>6.3f} {programme['hit@3']:>6.3f} {programme['mrr']:>6.3f}   {stats['answered_right']:>6.3f}"
    )


def format_report(report: dict) -> str:
    """Per mode and split: hit@1, hit@3 and MRR for centre and programme; refusals; misses."""
    lines = [f"Labelled questions: {report['file']}"]
    for mode, splits in report["modes"].items():
        for split in ("train", "test", "all"):
            result = splits[split]
            lines.append("")
            lines.append(f"[{mode}] {split} split: {result['questions']} questions, threshold {result['threshold']}")
            lines.append("  lang    n   centre: hit@1  hit@3    mrr   programme: hit@1 hit@3  mrr   answered right")
            for lang in GROUPS:
                if lang in result["languages"]:
                    lines.append(_row(lang, result["languages"][lang]))
            lines.append(
                f"  out-of-scope refused: {result['out_of_scope_refusal_rate']:.3f} of {result['out_of_scope_questions']}; "
                f"in-scope refused (false refusals): {result['false_refusal_rate']:.3f}"
            )
        if splits["misses"]:
            lines.append("")
            lines.append(f"[{mode}] misses ({len(splits['misses'])}; the test split's only with --test-misses):")
            for miss in splits["misses"]:
                lines.append(
                    f"  {miss['problem']:<22} {miss['lang']} {miss['split']:<5} expected {miss['expected'] or '-'}, "
                    f"got {miss['got'] or '-'} (score {miss['score']}): {miss['q']}"
                )
    return "\n".join(lines)
