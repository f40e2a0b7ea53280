"""Batch generation on Ray: each take is a Ray task (with a num_gpus/num_cpus request) that only
composes and renders; the driver writes every result into the library (files + row), so workers on
other machines need no access to the data dir or the database.

Where it runs (settings.ray_address / STUDIO_RAY_ADDRESS): '' starts a private local Ray on this
machine; 'auto' joins the cluster started here by `ray start --head`; 'ray://HEAD:10001' uses a
remote head via Ray Client. Worker machines need this project installed (same version).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.jobs.context import JobContext, JobError, JobOutcome
from assistant.jobs.kinds import generate_kwargs
from assistant.services import StudioServices
from studios.base import GenerationRequest, Render, StudioError
from studios.remix import Remix

_SLIDERS = ("melody_loyalty", "weirdness", "genre_shift", "structure_consistency")


def render_take(studio_id: str, request: GenerationRequest, sample_rate: int, soundfont: str | None) -> Render:
    """The Ray task body: compose + render one take. Pure: no database, no files."""
    from studios.manager import StudioManager

    engine = StudioManager(studio_id, Path(soundfont) if soundfont else None).get(studio_id)
    return engine.generate(request, sample_rate=sample_rate)


def plan(services: StudioServices, args: dict[str, Any]) -> tuple[str, list[GenerationRequest]]:
    """The studio and one validated request per take (seeds base..base+N-1), before any task starts."""
    kw = generate_kwargs(args)
    if kw.get("reference") is not None:
        raise JobError("takes remixing a reference track run locally: drop 'reference' or use the generate job")
    try:
        remix = Remix.of(**{k: kw.get(k) for k in _SLIDERS})
        req = GenerationRequest(kw["prompt"], float(kw.get("duration_s", 30.0)), kw.get("bpm"), kw.get("key"),
                                kw.get("seed"), int(kw.get("variations", 1)), kw.get("time_signature"),
                                remix).validated()
        info, _reason = services.choose_studio(req.prompt, kw.get("studio"), None)
    except StudioError as err:
        raise JobError(str(err)) from err
    base = req.seed if req.seed is not None else int(np.random.default_rng().integers(2**31))
    return info.id, [replace(req, seed=base + i, variations=1) for i in range(req.variations)]


class RayExecutor:
    def __init__(self, address: str = "", num_cpus: int | None = None) -> None:
        self.address, self.num_cpus = address, num_cpus

    def connect(self) -> Any:
        import ray

        if not ray.is_initialized():
            if self.address:
                ray.init(address=self.address, include_dashboard=False, log_to_driver=False)
            else:
                ray.init(num_cpus=self.num_cpus, include_dashboard=False, log_to_driver=False)
        return ray

    def generate(self, ctx: JobContext, args: dict[str, Any]) -> JobOutcome:
        studio_id, requests = plan(ctx.services, args)
        ray = self.connect()
        task = ray.remote(render_take).options(num_cpus=float(args.get("num_cpus", 1)),
                                               num_gpus=float(args.get("num_gpus", 0)), max_retries=1)
        s = ctx.services.settings
        sf = str(s.soundfont) if s.soundfont else None
        pending = {task.remote(studio_id, r, s.sample_rate, sf): r for r in requests}
        ids: list[int] = []
        try:
            while pending:
                done, _ = ray.wait(list(pending), num_returns=1)
                req = pending.pop(done[0])
                track = ctx.services.save_render(ray.get(done[0]), studio_id, req)  # the driver files it
                ids.append(track.id)
                ctx.progress(f"take {len(ids)} of {len(requests)} filed (track #{track.id})", len(ids) / len(requests))
        except BaseException:
            for ref in pending:
                ray.cancel(ref)  # a cancelled or failed batch stops the remaining tasks
            raise
        return JobOutcome(f"{len(ids)} take(s) rendered on Ray: " + ", ".join(f"#{i}" for i in ids), ids)


def run_ray_generate(ctx: JobContext, args: dict[str, Any]) -> JobOutcome:
    return RayExecutor(ctx.services.settings.ray_address).generate(ctx, args)
