"""The job functions by kind. The same functions run from chat, CLI, REST, the scheduler and Ray.

heavy kinds take the single heavy (GPU/CPU-bound render) slot; light ones run beside them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assistant.jobs.context import JobContext, JobError, JobFn, JobOutcome

# The arguments services.generate takes; route-only ones (track, tempo) need a chat turn's context.
GENERATE_ARGS = ("prompt", "studio", "duration_s", "bpm", "key", "seed", "variations", "time_signature",
                 "reference", "melody_loyalty", "weirdness", "genre_shift", "structure_consistency")
MAX_VARIATIONS = 50  # an unattended batch is bounded like any other input


def generate_kwargs(args: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(args) - set(GENERATE_ARGS) - {"track", "tempo", "num_cpus", "num_gpus"})
    if unknown:
        raise JobError(f"generate does not take {', '.join(unknown)}; it takes {', '.join(GENERATE_ARGS)}")
    if args.get("track") is not None or args.get("tempo") is not None:
        raise JobError("a variation of 'this track' needs a chat turn; schedule a generate with a prompt instead")
    kw = {k: args[k] for k in GENERATE_ARGS if args.get(k) is not None}
    if not 1 <= int(kw.get("variations", 1)) <= MAX_VARIATIONS:
        raise JobError(f"variations must be 1..{MAX_VARIATIONS}")
    kw.setdefault("prompt", "")
    return kw


def run_generate(ctx: JobContext, args: dict[str, Any]) -> JobOutcome:
    from studios.base import StudioError

    try:
        result = ctx.services.generate(**generate_kwargs(args), progress=ctx.progress)
    except StudioError as err:
        raise JobError(str(err)) from err
    ids = [t.id for t in result.takes]
    return JobOutcome(f"{len(ids)} {result.studio.name} take(s): " + ", ".join(f"#{i}" for i in ids), ids)


def run_reindex(ctx: JobContext, args: dict[str, Any]) -> JobOutcome:
    search = ctx.services.search
    step = search.rebuild if args.get("full") else search.sync
    report = step(lambda frac, msg: ctx.progress(msg, frac))
    return JobOutcome(report.summary())


def run_list_tracks(ctx: JobContext, args: dict[str, Any]) -> JobOutcome:
    n = ctx.services.tracks.count()
    return JobOutcome(f"the library has {n} track(s)")


def run_pipeline(ctx: JobContext, args: dict[str, Any]) -> JobOutcome:
    from assistant.jobs.pipeline import run_pipeline as pipeline

    return pipeline(ctx, args)


def run_ray_generate(ctx: JobContext, args: dict[str, Any]) -> JobOutcome:
    from assistant.jobs.ray_exec import run_ray_generate as on_ray

    return on_ray(ctx, args)


def run_watch(ctx: JobContext, args: dict[str, Any]) -> JobOutcome:
    from assistant.jobs.watch import scan_folder

    return scan_folder(ctx, args)


@dataclass(frozen=True)
class Kind:
    fn: JobFn
    heavy: bool
    summary: str


KINDS: dict[str, Kind] = {
    "generate": Kind(run_generate, True, "compose and file takes (args as the generate tool)"),
    "pipeline": Kind(run_pipeline, True, "N takes -> score -> keep best, trash rest -> extras -> album"),
    # Light here: the work runs on Ray's workers, which do their own resource accounting (num_gpus).
    "ray_generate": Kind(run_ray_generate, False, "generate with each take a Ray task (num_gpus, num_cpus)"),
    "reindex": Kind(run_reindex, False, "bring the similarity index up to date (full=true rebuilds)"),
    "watch": Kind(run_watch, False, "import + autolabel + index new audio dropped in a folder"),
    "list_tracks": Kind(run_list_tracks, False, "count the library (a harmless probe)"),
}


def kind_of(name: str) -> Kind:
    if name not in KINDS:
        raise JobError(f"unknown job {name!r}: choose one of {', '.join(KINDS)}")
    return KINDS[name]
