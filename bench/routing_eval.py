"""Routing eval: every utterance in bench/data/routing_utterances.jsonl through the real router.

Prints accuracy per tool (exact tool + args; free-text args such as prompt/text/query/when only need
to be present when expected) and latency percentiles for the fast-parser path and the LLM path.

    .venv/bin/python bench/routing_eval.py            # fast parser + the shipped LLM
    .venv/bin/python bench/routing_eval.py --no-llm   # fast parser only (LLM cases fall to chat)
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.graph.catalogue import FREE_TEXT_ARGS, validate_route  # noqa: E402
from assistant.graph.router import decide  # noqa: E402
from assistant.settings import StudioSettings  # noqa: E402

DATA = ROOT / "bench" / "data" / "routing_utterances.jsonl"


def _strip(args: dict[str, Any], expected: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    got, want = {}, {}
    for k, v in args.items():
        if k in FREE_TEXT_ARGS:
            continue
        got[k] = _strip(v, expected.get(k) or {})[0] if isinstance(v, dict) else v
    for k, v in expected.items():
        if k in FREE_TEXT_ARGS:
            continue
        want[k] = _strip(v, v)[1] if isinstance(v, dict) else v
    return got, want


def _free_ok(args: dict[str, Any], expected: dict[str, Any]) -> bool:
    for k, v in expected.items():
        if k in FREE_TEXT_ARGS and not str(args.get(k) or "").strip():
            return False
        if isinstance(v, dict) and not _free_ok(args.get(k) or {}, v):
            return False
    return True


def matches(expected: dict[str, Any], got: dict[str, Any]) -> bool:
    """Exact tool and args; free-text args are checked for presence only."""
    if expected["tool"] != got["tool"]:
        return False
    want_args = validate_route(expected["tool"], _placeholders(expected["args"]))["args"]
    g, w = _strip(got["args"], want_args)
    return g == w and _free_ok(got["args"], expected["args"])


def _placeholders(args: dict[str, Any]) -> dict[str, Any]:
    # "*" marks free text; validation needs a string there, the comparison ignores it.
    return {k: (_placeholders(v) if isinstance(v, dict) else v) for k, v in args.items()}


def load(path: Path = DATA) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-llm", action="store_true", help="fast parser only")
    ap.add_argument("--limit", type=int, default=0, help="only the first N utterances")
    ap.add_argument("--models-dir", type=Path, default=None, help="where the shipped GGUF is (default: settings)")
    ap.add_argument("--show", action="store_true", help="print every miss")
    a = ap.parse_args()
    settings = StudioSettings(**({"models_dir": a.models_dir} if a.models_dir else {}))
    rows = load()[: a.limit or None]
    per_tool: dict[str, list[bool]] = defaultdict(list)
    latency: dict[str, list[float]] = defaultdict(list)
    misses = []
    if not a.no_llm:  # load the model and evaluate the fixed prompt prefix once, outside the timings
        decide("warm up: tell me a joke", settings, focus=7)
    for row in rows:
        t0 = time.perf_counter()
        got = decide(row["text"], settings, focus=7, use_llm=not a.no_llm)
        latency[got["via"]].append((time.perf_counter() - t0) * 1000)
        ok = matches(row, got)
        per_tool[row["tool"]].append(ok)
        if not ok:
            misses.append((row, got))
        if got["via"] != "parser":  # progress: slow rows as they finish
            print(f"{'ok  ' if ok else 'MISS'} {got['ms']:8.0f} ms  {row['text']!r} -> {got['tool']} {got['args']}",
                  flush=True)
    total = sum(sum(v) for v in per_tool.values())
    print(f"{'tool':<16} {'exact':>7}")
    for tool, oks in sorted(per_tool.items()):
        print(f"{tool:<16} {sum(oks):>3}/{len(oks):<3} {100 * sum(oks) / len(oks):5.0f}%")
    print(f"\nALL: {total}/{len(rows)} exact = {100 * total / len(rows):.1f}%")
    for via, ms in sorted(latency.items()):
        print(f"{via:<9} n={len(ms):<4} p50={pct(ms, .5):8.1f} ms  p90={pct(ms, .9):8.1f} ms  "
              f"max={max(ms):8.1f} ms  mean={statistics.fmean(ms):8.1f} ms")
    if a.show:
        for row, got in misses:
            print(f"MISS {row['text']!r}\n  want {row['tool']} {row['args']}\n  got  {got['tool']} {got['args']} "
                  f"({got['via']})")


if __name__ == "__main__":
    main()
