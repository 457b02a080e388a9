"""Would sentence-transformers' ONNX backend (fp32, or int8-quantised) pay off? Latency and accuracy.

`optimum[onnxruntime]` does not install cleanly beside this project's stack (pip downgrades
sentence-transformers to 5.x and transformers to 4.x), so this runs in a separate environment:

    python3 -m venv /tmp/ov && /tmp/ov/bin/pip install -e . "optimum[onnxruntime]"
    /tmp/ov/bin/python benchmarks/onnx_backend.py

It prints, for torch (the baseline, same run), ONNX fp32 and ONNX int8: per-question encode
p50/p99 and the centre hit@1 of the labelled set's test split with an index built by that backend.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    from sentence_transformers import SentenceTransformer, export_dynamic_quantized_onnx_model

    from bot.engine import Engine
    from bot.evaluation import load_labelled, metrics, run
    from index.embedder import SentenceTransformerEmbedder, default_model_path
    from index.store import build_index, open_index

    questions = load_labelled(ROOT / "tests/data/labelled_questions.yaml")
    test = [q for q in questions if q.split == "test"]
    path = default_model_path()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        copy = work / "model"
        shutil.copytree(path, copy)  # the exports are written beside a copy, not into site-packages
        onnx = SentenceTransformer(str(copy), device="cpu", backend="onnx")
        onnx.save_pretrained(str(copy))
        export_dynamic_quantized_onnx_model(onnx, "avx2", str(copy))
        quantised = next(copy.rglob("*int8*.onnx")).relative_to(copy)
        backends = {
            "torch": SentenceTransformer(path, device="cpu"),
            "onnx fp32": onnx,
            "onnx int8": SentenceTransformer(str(copy), device="cpu", backend="onnx", model_kwargs={"file_name": str(quantised)}),
        }
        print(f"{'backend':<10} {'encode p50':>10} {'encode p99':>10}  {'test centre hit@1':>17}")
        for name, model in backends.items():
            texts = [q.q for q in questions]
            for text in texts[:10]:
                model.encode([text])
            times = []
            for text in texts:
                start = time.perf_counter()
                model.encode([text], normalize_embeddings=True)
                times.append(time.perf_counter() - start)
            embedder = SentenceTransformerEmbedder(path)
            embedder._model = model
            index_dir = work / name.replace(" ", "-")
            build_index(ROOT / "knowledge", index_dir, embedder)
            engine = Engine(open_index(index_dir, embedder), embedder)
            hit = metrics(run(engine, test), engine.threshold)["languages"]["all"]["centre"]["hit@1"]
            p50, p99 = statistics.median(times), sorted(times)[int(0.99 * (len(times) - 1))]
            print(f"{name:<10} {p50 * 1000:>8.1f} ms {p99 * 1000:>8.1f} ms  {hit:>17.3f}", flush=True)


if __name__ == "__main__":
    main()
