"""The unattended pipeline: generate N takes -> score -> keep the best (favorite), trash the rest ->
optional extras (MIDI, stems, upscale) -> file the keepers into an album. One library transaction
for the verdict, so a failure leaves either no verdict or all of it.

The extras are the same operations chat and REST run (ExportService.midi, EditService.separate and
.upscale); an upscaled keeper is a new take linked to its parent, filed into the album beside it."""

from __future__ import annotations

from typing import Any

from assistant.jobs.context import JobContext, JobError, JobOutcome
from assistant.jobs.kinds import generate_kwargs
from assistant.jobs.scoring import TakeScore, score_file
from assistant.services import StudioServices
from library.edits import LibraryInputError
from library.models import Track
from library.service import BatchEdit
from models.edit.audio import EditError
from models.edit.base import BackendUnavailable
from studios.base import StudioError

EXTRAS = ("midi", "stems", "upscale")


def score_takes(services: StudioServices, takes: list[Track]) -> list[TakeScore]:
    """Best first, by the Quality Agent's verdict on each take's file."""
    return sorted((score_file(t, str(services.track_path(t))) for t in takes), key=lambda s: -s.score)


def _check(args: dict[str, Any]) -> tuple[dict[str, Any], int, list[str], str | None]:
    gen = generate_kwargs(dict(args.get("generate") or {}))
    n = int(gen.get("variations", 1))
    keep = int(args.get("keep", 1))
    if n < 2 or not 1 <= keep < n:
        raise JobError(f"a pipeline needs at least 2 takes and keeps 1..N-1 of them (got {n} takes, keep {keep})")
    extras = list(args.get("extras") or [])
    if bad := sorted(set(extras) - set(EXTRAS)):
        raise JobError(f"unknown pipeline extra(s) {', '.join(bad)}: choose from {', '.join(EXTRAS)}")
    album = args.get("album")
    return gen, keep, extras, str(album) if album else None


def _extras(services: StudioServices, kept: list[Track], extras: list[str],
            rate: int | None) -> tuple[list[str], list[int]]:
    """Run the asked extras on each kept take; returns notes for the summary and the new takes made."""
    from assistant.edit_service import EditService
    from assistant.export_service import ExportService

    edit, export = EditService(services), ExportService(services)
    notes: list[str] = []
    made: list[int] = []
    for t in kept:
        for extra in [e for e in EXTRAS if e in extras]:
            try:
                if extra == "midi":
                    midi = export.midi(t.id)
                    notes.append(f"#{t.id} MIDI {midi.path.relative_to(services.store.root)} ({midi.notes})")
                elif extra == "stems":
                    out = edit.separate(t.id)
                    if out.take.id != t.id:  # separated into a new take (a take with exact stems keeps them)
                        made.append(out.take.id)
                    notes.append(f"#{out.take.id} stems: {', '.join(out.stems)} ({out.backend})")
                else:
                    up = edit.upscale(t.id, int(rate or 48000))
                    made.append(up.take.id)
                    notes.append(f"#{t.id} upscaled to {up.take.sample_rate} Hz as #{up.take.id} ({up.backend})")
            except (EditError, BackendUnavailable, StudioError) as err:
                raise JobError(f"the {extra} extra failed for #{t.id}: {err} (the verdict is filed)") from err
    return notes, made


def run_pipeline(ctx: JobContext, args: dict[str, Any]) -> JobOutcome:
    gen, keep, extras, album = _check(args)
    services = ctx.services
    result = services.generate(**gen, progress=lambda msg, f: ctx.progress(msg, 0.6 * f))
    ctx.progress("scoring takes", 0.65)
    ranked = score_takes(services, result.takes)
    kept_ids = [s.track_id for s in ranked[:keep]]
    trashed = [s.track_id for s in ranked[keep:]]
    ctx.progress("filing the verdict", 0.8)
    steps = [BatchEdit(kept_ids, "favorite"), BatchEdit(trashed, "trash")]
    try:
        if album:
            if album not in {a.name for a in services.library.albums()}:
                services.library.create_album(album, "filed by a scheduled pipeline")
            steps.append(BatchEdit(kept_ids, "add_to_album", album=album))
        services.library.batch(*steps)
    except LibraryInputError as err:
        raise JobError(str(err)) from err
    kept = [services.tracks.get(i) for i in kept_ids]
    if extras:
        ctx.progress("extras: " + ", ".join(extras), 0.85)
    notes, made = _extras(services, kept, extras, args.get("sample_rate"))
    if album and made:
        services.library.add_to_album(album, made)  # e.g. the 48 kHz version beside its parent
    best = ranked[0]
    summary = (f"kept {', '.join(f'#{i}' for i in kept_ids)} (best {best.score:.2f}: {best.reasons}); "
               f"trashed {', '.join(f'#{i}' for i in trashed)}" + (f"; album {album!r}" if album else "")
               + (f"; {'; '.join(notes)}" if notes else ""))
    return JobOutcome(summary, [t.id for t in result.takes] + made)
