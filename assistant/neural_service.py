"""NeuralServices: MusicGen takes (text->music, continuation, neural re-render) filed like studio takes.

The chat tool, the CLI and the REST API call this exactly as they call StudioServices.generate: the
takes land in the same atomic store as mix.wav with a Track row (operation, parent_id, params incl. the
sliders and backend "musicgen:<name>"). A studio's newest LoRA adapter is applied when one fits.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyloudnorm
import soundfile as sf

from assistant.services import Progress, StudioServices, _no_progress
from library.models import Track
from library.repository import TrackNotFound
from models.musicgen.base import MusicGenerator, MusicRequest, MusicResult
from models.musicgen.chroma import resample
from models.musicgen.codec import fit_channels
from models.musicgen.errors import BadRequest, MusicGenError
from models.musicgen.longform import equal_power_join
from studios.base import StudioError
from studios.remix import Remix

CONTEXT_S = 10.0  # at most this much of a parent's end is the audio prompt (MusicGen's useful context)
CROSSFADE_S = 1.0  # parent -> continuation join (equal power)
MAX_CONTINUE_S = 300.0


@dataclass
class NeuralResult:
    takes: list[Track]
    backend: str  # "musicgen:<checkpoint name>"
    studio: str  # the studio whose adapter/identity the takes carry
    adapter: str | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Loaded:
    generator: MusicGenerator
    backend: str
    adapter: str | None
    style: str
    note: str


def _to_library(audio: np.ndarray, sr_in: int, sr_out: int, channels: int) -> np.ndarray:
    """(samples, C) at the model's rate -> (samples, channels) at the library's rate, float32."""
    a = fit_channels(audio, channels)
    if sr_in != sr_out:
        a = np.stack([resample(a[:, c], sr_in, sr_out) for c in range(a.shape[1])], axis=1)
    return np.clip(a, -1.0, 1.0).astype(np.float32)


def _fit_length(audio: np.ndarray, n: int) -> np.ndarray:
    """Trim or zero-pad to exactly n samples (resampling rounds by a few samples)."""
    if audio.shape[0] >= n:
        return audio[:n]
    return np.concatenate([audio, np.zeros((n - audio.shape[0], audio.shape[1]), np.float32)])


class NeuralServices:
    """MusicGen generation over one StudioServices (its store, DB, settings and studios)."""

    def __init__(self, services: StudioServices) -> None:
        self.s = services
        self._cache: dict[tuple[str | None, str | None], _Loaded] = {}

    # -- loading ------------------------------------------------------------------------------------------
    def _load(self, studio: str, model: str | None) -> _Loaded:
        """The generator for `model` (default STUDIO_MUSICGEN) with `studio`'s newest fitting adapter."""
        from models.musicgen.base import build_generator
        from models.training.adapters import AdapterError, for_studio

        settings = self.s.settings
        spec = model or settings.musicgen
        candidates = sorted(for_studio(settings, studio), key=lambda a: a.created)
        adapter = candidates[-1] if candidates else None
        key = (spec, adapter.name if adapter else None)
        if key not in self._cache:
            backend = f"musicgen:{Path(spec).name if spec else 'default'}"
            note = ""
            try:
                gen = build_generator(settings, spec, adapter=adapter.name if adapter else None)
            except AdapterError as err:  # trained on another base: generate without it, and say so
                gen, note, adapter = build_generator(settings, spec), f"adapter not applied: {err}", None
            self._cache[key] = _Loaded(gen, backend, adapter.name if adapter else None,
                                       adapter.style if adapter else "", note)
        return self._cache[key]

    def _parent(self, track_id: int) -> tuple[Track, np.ndarray, int]:
        try:
            parent = self.s.tracks.get(int(track_id))
        except TrackNotFound as err:
            raise StudioError(f"no track #{track_id}: pick one from the library (`studio tracks`)") from err
        audio, sr = sf.read(str(self.s.track_path(parent)), dtype="float32", always_2d=True)
        return parent, audio, int(sr)

    # -- entry points ---------------------------------------------------------------------------------------
    def generate(self, prompt: str, *, studio: str | None = None, current_studio: str | None = None,
                 duration_s: float = 30.0, seed: int | None = None, variations: int = 1, model: str | None = None,
                 progress: Progress = _no_progress, **sliders: float | None) -> NeuralResult:
        """Text -> music: N takes of duration_s seconds."""
        from models.musicgen.sliders import apply, from_remix

        remix, seed = Remix.of(**sliders), _seed(seed)
        req = apply(MusicRequest(prompt, duration_s=duration_s, variations=variations, seed=seed),
                    from_remix(remix)).validated()  # bad input fails before any model is loaded
        info, _reason = self.s.choose_studio(prompt, studio, current_studio)
        loaded = self._load(info.id, model)
        req = req.with_(prompt=_styled(prompt, loaded.style))
        with self._heavy(f"a MusicGen generate of {prompt[:40]!r}", progress):
            result = loaded.generator.generate(req, progress)
        n = int(round(duration_s * self.s.settings.sample_rate))
        takes = [self._save(_fit_length(self._library_audio(a, result), n), self.s.settings.sample_rate,
                            title=prompt[:80] or "Untitled", prompt=prompt, studio=info.id, seed=seed,
                            operation="generate", loaded=loaded, remix=remix, notes=result.notes,
                            params={"duration_s": duration_s, "variation": i})
                 for i, a in enumerate(result.audio)]
        return NeuralResult(takes, loaded.backend, info.id, loaded.adapter, _notes(loaded, result))

    def continue_track(self, track_id: int, seconds: float, *, prompt: str | None = None, seed: int | None = None,
                       variations: int = 1, model: str | None = None, progress: Progress = _no_progress,
                       **sliders: float | None) -> NeuralResult:
        """Parent + `seconds` of continuation: the parent's end is the audio prompt, its start stays exact."""
        from models.musicgen.sliders import apply, from_remix

        if not 0.5 <= seconds <= MAX_CONTINUE_S:
            raise BadRequest(f"continue by 0.5–{MAX_CONTINUE_S:g} s, got {seconds:g}")
        remix = Remix.of(**sliders)
        parent, audio, sr = self._parent(track_id)
        loaded = self._load(parent.studio, model)
        gen = loaded.generator
        context = audio[-int(min(CONTEXT_S, audio.shape[0] / sr - CROSSFADE_S) * sr):]
        if context.shape[0] < sr * CROSSFADE_S:
            raise BadRequest(f"track #{parent.id} is too short to continue (needs more than {2 * CROSSFADE_S:g} s)")
        ctx_s = context.shape[0] / sr
        text = prompt or parent.prompt
        seed = _seed(seed)
        req = apply(MusicRequest(_styled(text, loaded.style), duration_s=round(ctx_s + seconds, 2),
                                 variations=variations, continuation=context, continuation_sr=sr, seed=seed,
                                 bpm=parent.bpm), from_remix(remix)).validated()
        with self._heavy(f"a MusicGen continuation of track #{parent.id}", progress):
            result = gen.generate(req, progress)
        fade = int(CROSSFADE_S * sr)
        cut = int((ctx_s - CROSSFADE_S) * gen.sample_rate)  # the new part starts one crossfade before the seam
        takes = []
        for i, a in enumerate(result.audio):
            tail = _to_library(a[cut:], gen.sample_rate, sr, audio.shape[1])
            joined = _fit_length(equal_power_join(audio, tail, fade), audio.shape[0] + int(round(seconds * sr)))
            takes.append(self._save(joined, sr, title=f"{parent.title} (continued)", prompt=text,
                                    studio=parent.studio, seed=seed, operation="extend", loaded=loaded,
                                    remix=remix, notes=result.notes, parent=parent,
                                    params={"seconds": seconds, "seam_s": audio.shape[0] / sr, "variation": i}))
        return NeuralResult(takes, loaded.backend, parent.studio, loaded.adapter, _notes(loaded, result))

    def rerender(self, track_id: int, *, prompt: str | None = None, seed: int | None = None, variations: int = 1,
                 model: str | None = None, progress: Progress = _no_progress,
                 **sliders: float | None) -> NeuralResult:
        """Melody-condition MusicGen-Melody on a track: the studio's exact structure, neural timbre."""
        from models.musicgen.rerender import neural_rerender

        remix = Remix.of(**{"melody_loyalty": 0.9, **{k: v for k, v in sliders.items() if v is not None}})
        parent, audio, sr = self._parent(track_id)
        loaded = self._load(parent.studio, model)
        text = prompt or parent.prompt
        seed = _seed(seed)
        with self._heavy(f"a MusicGen re-render of track #{parent.id}", progress):
            result = neural_rerender(loaded.generator, audio, sr, _styled(text, loaded.style), bpm=parent.bpm,
                                     remix=remix, seed=seed, variations=variations, progress=progress)
        takes = [self._save(_fit_length(_to_library(a, result.sample_rate, sr, audio.shape[1]), audio.shape[0]),
                            sr, title=f"{parent.title} (neural)", prompt=text, studio=parent.studio, seed=seed,
                            operation="rerender", loaded=loaded, remix=remix, notes=result.notes, parent=parent,
                            params={"variation": i})
                 for i, a in enumerate(result.audio)]
        return NeuralResult(takes, loaded.backend, parent.studio, loaded.adapter, _notes(loaded, result))

    def _heavy(self, label: str, progress: Progress) -> Any:
        """The shared heavy slot (one render at a time across chat, REST, jobs and processes)."""
        return self.s.heavy.hold(f"{label} (process {os.getpid()})", on_wait=lambda msg: progress(msg, 0.0))

    # -- filing ---------------------------------------------------------------------------------------------
    def _library_audio(self, audio: np.ndarray, result: MusicResult) -> np.ndarray:
        return _to_library(audio, result.sample_rate, self.s.settings.sample_rate, 2)

    def _save(self, audio: np.ndarray, sr: int, *, title: str, prompt: str, studio: str, seed: int,
              operation: str, loaded: _Loaded, remix: Remix, notes: str, params: dict[str, Any],
              parent: Track | None = None) -> Track:
        store = self.s.store
        folder = store.new_take_dir()
        try:
            mix = store.write_wav(f"{folder}/mix.wav", audio, sr)
            track = Track(
                title=title[:200], prompt=prompt, studio=studio, bpm=parent.bpm if parent else None,
                key=parent.key if parent else None, duration_s=audio.shape[0] / sr, sample_rate=sr,
                channels=audio.shape[1], seed=seed, file_path=mix,
                midi_path=parent.midi_path if parent and operation == "rerender" else None,  # same notes, new timbre
                description=notes, loudness_lufs=float(pyloudnorm.Meter(sr).integrated_loudness(audio)),
                params={**params, "backend": loaded.backend, "adapter": loaded.adapter, **remix.as_params()},
                parent_id=parent.id if parent else None, operation=operation,
            )
            return self.s.tracks.add(track, {})
        except BaseException:
            store.remove_take_dir(folder)  # no row without files, no files without a row
            raise


def _seed(seed: int | None) -> int:
    return int(seed) if seed is not None else int(np.random.default_rng().integers(2**31))


def _styled(prompt: str, style: str) -> str:
    """An adapter's style words lead the prompt (as it was trained), once."""
    return prompt if not style or style.lower() in prompt.lower() else f"{style} {prompt}".strip()


def _notes(loaded: _Loaded, result: MusicResult) -> list[str]:
    parts = [loaded.backend + (f" with adapter {loaded.adapter!r}" if loaded.adapter else ""), loaded.note,
             result.notes]
    return [p for p in parts if p]


_BY_SERVICES: weakref.WeakKeyDictionary[StudioServices, NeuralServices] = weakref.WeakKeyDictionary()


def neural_for(services: StudioServices) -> NeuralServices:
    """One NeuralServices per StudioServices, so a loaded checkpoint is reused across chat turns."""
    if services not in _BY_SERVICES:
        _BY_SERVICES[services] = NeuralServices(services)
    return _BY_SERVICES[services]


__all__ = ["NeuralServices", "NeuralResult", "neural_for", "MusicGenError"]
