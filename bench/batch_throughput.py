"""N-take batch throughput: the local job queue vs Ray with 1 and 2 local workers.

Each run files N takes into a fresh temporary library through the `generate` / `ray_generate` job
functions (the driver writes every take). Prints seconds, takes per minute and the 2-vs-1 speed-up.

    .venv/bin/python bench/batch_throughput.py --takes 6 --duration 10
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.jobs.runtime import JobRuntime  # noqa: E402
from assistant.services import StudioServices  # noqa: E402
from assistant.settings import StudioSettings  # noqa: E402


def one_batch(kind: str, args: dict, workers: int | None) -> float:
    import ray

    if workers:
        ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
        # Warm each worker (imports, soundfont) with a short take first: the clock measures steady state.
        from assistant.jobs.ray_exec import render_take
        from studios.base import GenerationRequest

        warm = ray.remote(render_take).options(num_cpus=1)
        ray.get([warm.remote("chiptune", GenerationRequest("warm-up", 2.0, seed=i), 44100, None)
                 for i in range(workers)])
    with tempfile.TemporaryDirectory() as d:
        services = StudioServices(StudioSettings(data_dir=Path(d)))
        rt = JobRuntime(services)
        if not workers:  # the same warm-up as the Ray workers get: one short take in this process
            rt.queue.wait(rt.run_now("generate", {"prompt": "warm-up", "duration_s": 2.0}, "cli"))
        t0 = time.perf_counter()
        run = rt.queue.wait(rt.run_now(kind, args, "cli"), timeout=3600)
        took = time.perf_counter() - t0
        rt.shutdown()
        assert run.status == "done" and len(run.takes) == args["variations"], run.error
    if workers:
        ray.shutdown()
    return took


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--takes", type=int, default=6)
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--prompt", default="chiptune boss battle")
    a = ap.parse_args()
    args = {"prompt": a.prompt, "duration_s": a.duration, "variations": a.takes, "seed": 1}
    print(f"{a.takes} takes of {a.duration:g} s ({a.prompt!r})")
    results = {}
    for label, kind, workers in (("local queue", "generate", None), ("ray, 1 worker", "ray_generate", 1),
                                 ("ray, 2 workers", "ray_generate", 2)):
        took = one_batch(kind, args, workers)
        results[label] = took
        print(f"{label:>15}: {took:6.1f} s  {60 * a.takes / took:5.1f} takes/min")
    print(f"2 vs 1 Ray workers: {results['ray, 1 worker'] / results['ray, 2 workers']:.2f}x")


if __name__ == "__main__":
    main()
