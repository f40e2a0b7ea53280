"""Editing operations on library takes: in-paint, extend, upscale, stems.

Every operation makes a NEW take (parent_id + operation, params say how) and never touches the parent.
Before a take is returned its seams and loudness are checked: a seam louder in spectral flux than the
track's 95th percentile is re-spliced once with a longer crossfade, and the level is matched to the parent.
Validation happens before any file or row is written; a failure leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import soundfile as sf

from assistant.services import Progress, StudioServices, _no_progress
from library.models import Track
from models.edit import choose
from models.edit.audio import EditError, beat_times, check_region, snap_region
from models.edit.base import BackendUnavailable, EditResult, Source
from models.edit.extend import check_seconds, loop_length, seamless_loop
from models.edit.quality import QualityReport, check
from models.edit.symbolic import REMIX_KEYS, StudioTake, load_take, saved_request
from models.edit.upscale import check_rate
from studios.base import StudioError
from studios.mastering import CEILING_DBTP, limiter, loudness_lufs
from studios.midi import score_to_midi
from studios.score import SCORE_FILE, score_writer

SNAP_CONSISTENCY = 0.7  # Structure Consistency at which MusicGen in-paint edges snap to beats
RETRY_FADE = 4.0  # a rough seam is re-spliced once with a crossfade this many times longer
LOOP_FADE_S = 0.05
SPAN_PAD_S = 0.3  # level fixes reach this far outside the seams (covers every crossfade)


@dataclass
class EditOutcome:
    take: Track
    parent: Track
    backend: str
    notes: str
    quality: QualityReport | None = None
    stems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        q = f" Checked: {self.quality.summary()}." if self.quality else ""
        return f"track #{self.take.id} (from #{self.parent.id}) by {self.backend}: {self.notes}.{q}"


class EditService:
    def __init__(self, services: StudioServices) -> None:
        self.s = services

    # -- reading a take ----------------------------------------------------------------------------------
    def load(self, track_id: int) -> tuple[Track, Source]:
        track = self.s.tracks.get(int(track_id))
        path = self.s.store.resolve(track.file_path)
        if not path.exists():
            raise EditError(f"the audio of track #{track.id} is missing from the data dir ({path})")
        audio, sr = sf.read(path, dtype="float32", always_2d=True)
        if audio.shape[1] == 1:
            audio = np.repeat(audio, 2, axis=1)
        bpb = int(str((track.params or {}).get("time_signature") or "4/4").split("/")[0])
        return track, Source(audio[:, :2], int(sr), track.bpm or None, bpb, self._studio_take(track))

    def _studio_take(self, track: Track) -> StudioTake | None:
        if not track.studio or not track.midi_path:
            return None
        try:
            studio = self.s.studios.get(track.studio)
        except StudioError:
            return None
        request = saved_request(track.prompt, track.seed, track.params or {})
        return load_take(studio, request, self.s.store.resolve(track.midi_path), track.operation)

    # -- the operations ----------------------------------------------------------------------------------
    def inpaint(self, track_id: int, start_s: float, end_s: float, prompt: str = "", snap: bool = False,
                backend: str | None = None, progress: Progress = _no_progress) -> EditOutcome:
        track, src = self.load(track_id)
        region = check_region(start_s, end_s, src.duration_s)
        engine = choose.inpainter(self.s.settings, src, backend)
        consistent = float((track.params or {}).get("structure_consistency") or 0) >= SNAP_CONSISTENCY
        if snap or (isinstance(engine, _musicgen_type()) and consistent):
            region = snap_region(region, beat_times(src.audio, src.sr, src.bpm), src.duration_s)
        progress(f"in-painting {region.start_s:.2f}–{region.end_s:.2f} s with {engine.name}", 0.1)

        def run(fade: float) -> EditResult:
            return engine.inpaint(src, region, prompt, fade)
        result, quality = self._checked(run, src, engine.fade_s)
        params = {"start_s": region.start_s, "end_s": region.end_s, "prompt": prompt, "snap": snap}
        return self._save(track, "inpaint", result, quality, params, progress)

    def extend(self, track_id: int, seconds: float, prompt: str = "", loop: bool = False,
               backend: str | None = None, progress: Progress = _no_progress) -> EditOutcome:
        track, src = self.load(track_id)
        seconds = check_seconds(seconds, src.duration_s)
        engine = choose.extender(self.s.settings, src, backend)
        progress(f"extending by {seconds:g} s with {engine.name}", 0.1)
        extra = LOOP_FADE_S + 60.0 / (src.bpm or 60.0) * src.beats_per_bar if loop else 0.0

        def run(fade: float) -> EditResult:
            return engine.extend(src, seconds + extra, prompt, fade)
        result, quality = self._checked(run, src, engine.fade_s)
        if loop:
            result, quality = self._loop(result, src, seconds)
        params = {"seconds": seconds, "prompt": prompt, "loop": loop}
        return self._save(track, "extend", result, quality, params, progress)

    def _loop(self, result: EditResult, src: Source, seconds: float) -> tuple[EditResult, QualityReport]:
        grid = beat_times(result.audio, result.sr, src.bpm)
        length = loop_length(src.duration_s + seconds, src.bpm, src.beats_per_bar, grid)
        audio = seamless_loop(result.audio, result.sr, length, LOOP_FADE_S)
        twice = np.concatenate([audio, audio])  # the wrap is a seam like any other
        q = check(twice, result.sr, [length], src.audio, src.sr, beat_times(src.audio, src.sr, src.bpm))
        looped = EditResult(audio, result.sr, result.backend, [s for s in result.seams_s if s < length],
                            f"{result.notes}; seamless loop of {length:.2f} s", {}, None)
        return looped, QualityReport(q.seams, q.lufs, q.true_peak_dbtp, q.parent_lufs)

    def upscale(self, track_id: int, sample_rate: int = 48000, backend: str | None = None,
                progress: Progress = _no_progress) -> EditOutcome:
        track, src = self.load(track_id)
        rate = check_rate(sample_rate, src.sr)
        engine = choose.upscaler(self.s.settings, src, backend)
        progress(f"upscaling to {rate} Hz with {engine.name}", 0.1)
        result, quality = self._checked(lambda _fade: engine.upscale(src, rate), src, 0.0)  # no seams: level only
        return self._save(track, "upscale", result, quality, {"sample_rate": rate}, progress)

    def separate(self, track_id: int, stems: list[str] | None = None, backend: str | None = None,
                 progress: Progress = _no_progress) -> EditOutcome:
        track, src = self.load(track_id)
        if track.stems and backend in (None, "exact"):
            names = [s.name for s in track.stems]
            return EditOutcome(track, track, "exact stems saved with the render", f"stems: {', '.join(names)}",
                               stems=names)
        if backend == "exact":
            raise EditError(f"track #{track.id} has no saved stems; choose demucs or offline")
        engine = choose.separator(self.s.settings, backend)
        separated = engine.separate(src, progress)
        if stems:
            unknown = sorted(set(stems) - set(separated))
            if unknown:
                raise EditError(f"{engine.name} gives {', '.join(separated)}; not {', '.join(unknown)}")
            separated = {k: v for k, v in separated.items() if k in stems}
        result = EditResult(src.audio, src.sr, engine.name, notes=f"stems: {', '.join(separated)}", stems=separated)
        source = "demucs" if "Demucs" in engine.name else "hpss"
        return self._save(track, "stems", result, None, {"stems": list(separated)}, progress, source)

    # -- checks and saving ---------------------------------------------------------------------------------
    def _checked(self, run: Any, src: Source, fade: float) -> tuple[EditResult, QualityReport]:
        beats = beat_times(src.audio, src.sr, src.bpm)

        def measured(r: EditResult) -> QualityReport:
            return check(r.audio, r.sr, r.seams_s, src.audio, src.sr, beats)
        result = run(fade)
        quality = measured(result)
        if not quality.seams_ok:
            retry = run(fade * RETRY_FADE)
            q2 = measured(retry)
            if sum(s.ratio for s in q2.seams) < sum(s.ratio for s in quality.seams):
                result, quality = retry, q2
        if not quality.loudness_ok and quality.parent_lufs is not None:
            result.audio = relevel(result, quality.parent_lufs)
            quality = measured(result)
        if quality.true_peak_dbtp > CEILING_DBTP:  # a splice can add overs the parent's limiter never saw
            a, b = edited_span(result)
            result.audio[a:b] = limiter(result.audio[a:b], result.sr, CEILING_DBTP - 0.5)
            quality = measured(result)
        return result, quality

    def _save(self, parent: Track, operation: str, result: EditResult, quality: QualityReport | None,
              params: dict[str, Any], progress: Progress, stem_source: str = "render") -> EditOutcome:
        progress(f"filing the {operation} take", 0.95)  # a stopped turn ends here, before anything is written
        store = self.s.store
        folder = store.new_take_dir()
        try:
            mix = store.write_wav(f"{folder}/mix.wav", result.audio, result.sr)
            stems = {n: store.write_wav(f"{folder}/stems/{n}.wav", a, result.sr) for n, a in result.stems.items()}
            midi = None
            if result.score is not None:
                midi = store.write_file(f"{folder}/score.mid", score_to_midi(result.score).write)
                store.write_file(f"{folder}/{SCORE_FILE}", score_writer(result.score))  # an edit of it stays symbolic
            elif operation in ("upscale", "stems"):
                midi = parent.midi_path  # same notes, same timing
            take = Track(
                title=f"{parent.title} ({operation})"[:200], prompt=parent.prompt, studio=parent.studio,
                bpm=parent.bpm, key=parent.key, duration_s=result.audio.shape[0] / result.sr,
                sample_rate=result.sr, channels=result.audio.shape[1], seed=parent.seed, file_path=mix,
                midi_path=midi, description=result.notes, parent_id=parent.id, operation=operation,
                loudness_lufs=quality.lufs if quality else parent.loudness_lufs,
                params={**{k: v for k, v in (parent.params or {}).items() if k in REMIX_KEYS}, **params,
                        "backend": result.backend, "seams_s": result.seams_s,
                        "quality": quality.summary() if quality else None,
                        "time_signature": (parent.params or {}).get("time_signature")},
            )
            saved = self.s.tracks.add(take, stems)
            if stem_source != "render":
                self._mark_stems(saved.id, stem_source)
        except BaseException:
            store.remove_take_dir(folder)
            raise
        progress("done", 1.0)
        return EditOutcome(saved, parent, result.backend, result.notes, quality, list(stems))

    def _mark_stems(self, track_id: int, source: str) -> None:
        from library.models import Stem

        with self.s.db.session() as s:
            for stem in s.query(Stem).filter(Stem.track_id == track_id):
                stem.source = source


def edited_span(result: EditResult) -> tuple[int, int]:
    """Samples between the first and last seam (in-paint) or from the first seam on (extend); all if none.

    Level fixes stay inside it, so the untouched part of the parent stays bit-exact.
    """
    n = result.audio.shape[0]
    if not result.seams_s:
        return 0, n
    pad = int(SPAN_PAD_S * result.sr)
    a = max(0, int(result.seams_s[0] * result.sr) - pad)
    b = n if len(result.seams_s) == 1 else min(n, int(result.seams_s[-1] * result.sr) + pad)
    return a, b


def relevel(result: EditResult, target_lufs: float) -> np.ndarray:
    """Gain on the edited span only (10 ms ramps) until the whole take reads target_lufs."""
    a, b = edited_span(result)
    audio = result.audio.copy()
    ramp = np.ones(b - a, np.float32)
    r = min(int(0.01 * result.sr), (b - a) // 2)
    if r > 0:
        ramp[:r] = np.linspace(0, 1, r)
        if b < audio.shape[0]:
            ramp[-r:] = np.linspace(1, 0, r)
    gain_db = 0.0
    for _ in range(3):
        miss = target_lufs - loudness_lufs(audio, result.sr)
        if not np.isfinite(miss) or abs(miss) < 0.2:
            break
        gain_db += miss
        g = 10.0 ** (gain_db / 20.0)
        audio[a:b] = result.audio[a:b] * (1 + (g - 1) * ramp)[:, None]
    return audio.astype(np.float32)


def _musicgen_type() -> type:
    from models.edit.neural import MusicGenEditor

    return MusicGenEditor


__all__ = ["EditService", "EditOutcome", "EditError", "BackendUnavailable"]
