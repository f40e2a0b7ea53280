"""StudioServices: the single service layer behind the graph tools, the CLI, the REST API and the UI."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pyloudnorm

from assistant.jobs import heavy
from assistant.jobs.store import RunStore
from assistant.settings import StudioSettings, get_settings
from assistant.stop import TurnStopped
from library.db import Database
from library.models import Track
from library.recovery import RecoveryReport, recover
from library.repository import TrackFilter, TrackNotFound, TrackRepository
from library.search import SearchService
from library.service import LibraryService
from library.store import AudioStore
from studios.base import GenerationRequest, Render, StudioError
from studios.manager import StudioInfo, StudioManager
from studios.midi import score_to_midi
from studios.reference import SHIFT_TO_PROMPT, blend_for, load_reference
from studios.remix import Remix
from studios.score import SCORE_FILE, score_writer

log = logging.getLogger(__name__)
Progress = Callable[[str, float], None]  # (message, fraction done 0..1)


def _no_progress(_msg: str, _frac: float) -> None:
    pass


@dataclass
class GenerateResult:
    takes: list[Track]
    studio: StudioInfo
    studio_reason: str  # why this studio was used, said to the user
    notes: list[str] = field(default_factory=list)


class StudioServices:
    def __init__(self, settings: StudioSettings | None = None) -> None:
        self.settings = settings or get_settings()
        self.settings.ensure_dirs()
        self.db = Database(self.settings.db_url)
        self.tracks = TrackRepository(self.db)
        self.store = AudioStore(self.settings.audio_dir)
        self.studios = StudioManager(self.settings.default_studio, self.settings.soundfont)
        self.library = LibraryService(self.db, self.store)  # albums, comments, batch edits, trash
        self.search = SearchService(self.db, self.store, self.settings.data_dir, self.settings.text_embedder,
                                    self.settings.clap_model)  # similar tracks (vector index, lazy)
        # One render at a time across chat, REST, CLI, queued runs and other processes on this database.
        self.heavy = heavy.HeavySlots(self.db)
        self.recovered = self._recover()

    def _recover(self) -> RecoveryReport:
        """What a crashed (killed) studio process left goes at every start, CLI included: its temp files and
        unfiled take folders, and its runs and library jobs stop looking alive. Kept cheap for every CLI call:
        the database integrity check is `studio recover`'s. Only ended processes' left-overs are touched."""
        report = recover(self.db, self.store, check_db=False)
        failed = RunStore(self.db).fail_orphans()
        jobs = self.search.jobs.fail_orphans()
        if not report.clean or failed or jobs:
            log.warning("after a crash: %s; %d run(s) and %d library job(s) marked failed", report.summary(),
                        len(failed), len(jobs))
        return report

    # -- generation ---------------------------------------------------------------------------------
    def choose_studio(self, prompt: str, studio: str | None, current: str | None) -> tuple[StudioInfo, str]:
        if studio:
            return self.studios.info(studio), "as asked"
        matched = self.studios.match(prompt)
        if matched is not None and matched.module is not None:
            return matched, f"it fits the words in your prompt best ({matched.genre})"
        info = self.studios.info(current or self.studios.current_id)
        return info, "it is the active studio"

    def generate(
        self,
        prompt: str,
        *,
        studio: str | None = None,
        current_studio: str | None = None,
        duration_s: float = 30.0,
        bpm: float | None = None,
        key: str | None = None,
        seed: int | None = None,
        variations: int = 1,
        time_signature: str | None = None,
        reference: int | None = None,
        melody_loyalty: float | None = None,
        weirdness: float | None = None,
        genre_shift: float | None = None,
        structure_consistency: float | None = None,
        progress: Progress = _no_progress,
        wait_s: float | None = None,
        label: str | None = None,
    ) -> GenerateResult:
        """Compose, render and file N takes. Validation happens before any file or row is written.

        With a reference track, genre_shift decides whose style (studio, tempo, key, words) leads and
        melody_loyalty how much of its melody is kept; the takes record it as their parent.
        The renders hold the heavy slot (self.heavy): when another render holds it, progress says for
        whom it waits, and after wait_s (default heavy.WAIT_S) it raises HeavyBusy, a StudioError naming
        the holder. label is how this generate is named to whoever has to wait for it.
        """
        remix = Remix.of(melody_loyalty=melody_loyalty, weirdness=weirdness, genre_shift=genre_shift,
                         structure_consistency=structure_consistency)
        request = GenerationRequest(prompt, duration_s, bpm, key, seed, variations, time_signature, remix).validated()
        ref = None
        if reference is not None:
            try:
                parent = self.tracks.get(int(reference))
            except TrackNotFound as err:
                raise StudioError(f"no track #{reference} to use as the reference: pick one from the library") from err
            if not parent.midi_path:
                raise StudioError(f"track #{parent.id} has no saved score (MIDI) to remix: choose a studio take")
            ref = load_reference(self.store.resolve(parent.midi_path), parent.studio, parent.prompt, parent.id)
        info, reason = self.choose_studio(prompt, studio, current_studio)
        if ref is not None and not studio and (remix.genre_shift < SHIFT_TO_PROMPT or not self.studios.match(prompt)):
            info = self.studios.info(ref.studio)
            reason = f"it is the studio of reference track #{ref.track_id} (genre shift {remix.genre_shift:g})"
        engine = self.studios.get(info.id)
        if ref is not None:
            request = blend_for(engine, request, ref)
        base_seed = request.seed if request.seed is not None else int(np.random.default_rng().integers(2**31))
        takes: list[Track] = []
        notes: list[str] = []
        label = label or f"a generate of {prompt[:40]!r} (process {os.getpid()})"
        wait = heavy.WAIT_S if wait_s is None else wait_s
        with self.heavy.hold(label, wait_s=wait, on_wait=lambda msg: progress(msg, 0.0)):
            for i in range(request.variations):
                try:
                    progress(f"{info.name}: composing take {i + 1} of {request.variations}", i / request.variations)
                    take_req = replace(request, seed=base_seed + i, variations=1)
                    render = engine.generate(take_req, sample_rate=self.settings.sample_rate)
                    progress(f"{info.name}: filing take {i + 1}", (i + 0.9) / request.variations)  # last chance
                except TurnStopped as err:
                    err.kept = list(takes)  # the takes filed before the stop stay; say which
                    raise
                takes.append(self.save_render(render, info.id, take_req, ref.track_id if ref else None))
                notes.append(render.notes)
        progress("done", 1.0)
        return GenerateResult(takes, info, reason, notes)

    def save_render(self, render: Render, studio_id: str, req: GenerationRequest,
                    parent_id: int | None = None) -> Track:
        """File a finished render as a take: mix, stems, MIDI and Score on disk, then its row (all or nothing)."""
        folder = self.store.new_take_dir()
        try:
            mix = self.store.write_wav(f"{folder}/mix.wav", render.audio, render.sample_rate)
            stems = {
                name: self.store.write_wav(f"{folder}/stems/{name}.wav", audio, render.sample_rate)
                for name, audio in render.stems.items()
            }
            midi = self.store.write_file(f"{folder}/score.mid", score_to_midi(render.score).write)
            # The full Score beside the MIDI: any take can be edited symbolically, even one that would not
            # re-compose from its request (e.g. remixed from a reference).
            self.store.write_file(f"{folder}/{SCORE_FILE}", score_writer(render.score))
            meter = pyloudnorm.Meter(render.sample_rate)
            track = Track(
                title=render.title or req.prompt[:80] or "Untitled",
                prompt=req.prompt, studio=studio_id, bpm=render.bpm, key=render.key,
                duration_s=render.duration_s, sample_rate=render.sample_rate, channels=render.audio.shape[1],
                seed=req.seed, file_path=mix, midi_path=midi, description=render.notes,
                loudness_lufs=float(meter.integrated_loudness(render.audio)),
                params={"duration_s": req.duration_s, "bpm": req.bpm, "key": req.key,
                        "time_signature": f"{render.score.beats_per_bar}/4", "reference": parent_id,
                        **req.remix.as_params()},
                parent_id=parent_id, operation="generate",
            )
            return self.tracks.add(track, stems)
        except BaseException:
            self.store.remove_take_dir(folder)  # no row without files, no files without a row
            raise

    # -- library --------------------------------------------------------------------------------------
    def list_tracks(self, flt: TrackFilter | None = None) -> list[Track]:
        return self.tracks.list(flt or TrackFilter())

    def get_track(self, track_id: int) -> Track:
        return self.tracks.get(track_id)

    def track_path(self, track: Track) -> Path:
        return self.store.resolve(track.file_path)


__all__ = ["StudioServices", "GenerateResult", "StudioError"]
