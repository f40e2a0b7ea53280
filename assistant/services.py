"""StudioServices: the single service layer behind the graph tools, the CLI, the REST API and the UI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyloudnorm

from assistant.settings import StudioSettings, get_settings
from library.db import Database
from library.models import Track
from library.repository import TrackFilter, TrackRepository
from library.store import AudioStore
from studios.base import GenerationRequest, Render, StudioError
from studios.manager import StudioInfo, StudioManager
from studios.midi import score_to_midi

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
        self.store.clean_orphan_temps()
        self.studios = StudioManager(self.settings.default_studio, self.settings.soundfont)

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
        progress: Progress = _no_progress,
    ) -> GenerateResult:
        """Compose, render and file N takes. Validation happens before any file or row is written."""
        request = GenerationRequest(prompt, duration_s, bpm, key, seed, variations).validated()
        info, reason = self.choose_studio(prompt, studio, current_studio)
        engine = self.studios.get(info.id)
        base_seed = request.seed if request.seed is not None else int(np.random.default_rng().integers(2**31))
        takes, notes = [], []
        for i in range(request.variations):
            progress(f"{info.name}: composing take {i + 1} of {request.variations}", i / request.variations)
            take_req = GenerationRequest(request.prompt, request.duration_s, request.bpm, request.key,
                                         base_seed + i, 1)
            render = engine.generate(take_req, sample_rate=self.settings.sample_rate)
            takes.append(self._save_render(render, info.id, take_req))
            notes.append(render.notes)
        progress("done", 1.0)
        return GenerateResult(takes, info, reason, notes)

    def _save_render(self, render: Render, studio_id: str, req: GenerationRequest) -> Track:
        folder = self.store.new_take_dir()
        try:
            mix = self.store.write_wav(f"{folder}/mix.wav", render.audio, render.sample_rate)
            stems = {
                name: self.store.write_wav(f"{folder}/stems/{name}.wav", audio, render.sample_rate)
                for name, audio in render.stems.items()
            }
            midi = self.store.write_file(f"{folder}/score.mid", score_to_midi(render.score).write)
            meter = pyloudnorm.Meter(render.sample_rate)
            track = Track(
                title=render.title or req.prompt[:80] or "Untitled",
                prompt=req.prompt, studio=studio_id, bpm=render.bpm, key=render.key,
                duration_s=render.duration_s, sample_rate=render.sample_rate, channels=render.audio.shape[1],
                seed=req.seed, file_path=mix, midi_path=midi, description=render.notes,
                loudness_lufs=float(meter.integrated_loudness(render.audio)),
                params={"duration_s": req.duration_s, "bpm": req.bpm, "key": req.key},
                operation="generate",
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
