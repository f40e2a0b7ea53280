"""LLM routing speed: this studio's constrained decoding vs the stock way, side by side in one process.

For each eval utterance the fast parser leaves to the LLM, route it twice with the shipped GGUF:
  new:  top-token-first grammar check + args grammar narrowed to what the request supports
  base: llama-cpp-python's grammar sampler over the whole vocabulary + the plain args schema
and print per-utterance times, p50 of each and the ratio (the order alternates to share any drift).

    .venv/bin/python bench/llm_grammar.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.graph import llm_router  # noqa: E402
from assistant.graph.commands import fast_parse  # noqa: E402
from assistant.settings import StudioSettings  # noqa: E402
from models.llm import get_engine  # noqa: E402

DATA = ROOT / "bench" / "data" / "routing_utterances.jsonl"


def _route(engine: Any, text: str, new: bool) -> tuple[float, dict | None]:
    engine.grammar_first = llm_router.NARROW = new
    t0 = time.perf_counter()
    route = llm_router.llm_route(engine, text, focus="7")
    return time.perf_counter() - t0, route


def main() -> None:
    texts = [r["text"] for r in map(json.loads, DATA.read_text().splitlines()) if fast_parse(r["text"]) is None]
    engine: Any = get_engine(StudioSettings())
    llm_router.llm_route(engine, "warm up: tell me a joke")  # loads the model, evaluates the system prompt
    times: dict[bool, list[float]] = {True: [], False: []}
    for i, text in enumerate(texts):
        for new in ((True, False) if i % 2 == 0 else (False, True)):
            dt, route = _route(engine, text, new)
            times[new].append(dt)
            print(f"{'new ' if new else 'base'} {dt * 1000:7.0f} ms  {text[:60]!r} -> {json.dumps(route)[:90]}")
    engine.grammar_first = llm_router.NARROW = True
    p50_new, p50_base = statistics.median(times[True]), statistics.median(times[False])
    print(f"\n{len(texts)} utterances left to the LLM")
    print(f"p50 new {p50_new * 1000:.0f} ms, base {p50_base * 1000:.0f} ms: {p50_base / p50_new:.2f}x faster")
    print(f"mean new {statistics.mean(times[True]) * 1000:.0f} ms, base {statistics.mean(times[False]) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
