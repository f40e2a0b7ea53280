"""Take scoring for unattended pipelines, from models/analysis.py (no weights).

Used until the Quality Agent (assistant/agents/) exists; pipeline.score_takes prefers the agent when
it is importable. A score in 0..1 rewards what a listener checks first: it is not silent or
clipped, its loudness is near the streaming target, and it plays at the tempo and key it claims.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import soundfile as sf

from library.models import Track
from models.analysis import detect_key, detect_tempo, relative_keys, same_key

TARGET_LUFS = -14.0
EXCERPT_S = 20.0  # analysis of the first 20 s is enough to rank takes of one prompt


@dataclass(frozen=True)
class TakeScore:
    track_id: int
    score: float
    reasons: str


def _tempo_fit(found: float, claimed: float | None) -> float:
    if not claimed:
        return 0.5
    # Half/double tempo is a common (harmless) octave error of the detector.
    ratio = min(abs(np.log2(found / claimed) - k) for k in (-1.0, 0.0, 1.0))
    return float(np.clip(1.0 - ratio / 0.1, 0.0, 1.0))  # 7% off -> 0


def _key_fit(found: str, claimed: str | None) -> float:
    if not claimed:
        return 0.5
    return 1.0 if same_key(found, claimed) else 0.6 if relative_keys(found, claimed) else 0.0


def score_audio(track: Track, audio: np.ndarray, sr: int) -> TakeScore:
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    peak = float(np.max(np.abs(mono))) if mono.size else 0.0
    if peak < 1e-3:
        return TakeScore(track.id, 0.0, "silent")
    frames = mono[: len(mono) // 2048 * 2048].reshape(-1, 2048)
    active = float(np.mean(np.sqrt((frames**2).mean(axis=1)) > 0.01)) if len(frames) else 0.0
    clipped = float(np.mean(np.abs(mono) > 0.999))
    lufs = track.loudness_lufs if track.loudness_lufs is not None else -30.0
    loud = float(np.clip(1.0 - abs(lufs - TARGET_LUFS) / 12.0, 0.0, 1.0))
    bpm, key = detect_tempo(audio, sr), detect_key(audio, sr)
    tempo, tonal = _tempo_fit(bpm, track.bpm), _key_fit(key, track.key)
    score = 0.25 * active + 0.2 * loud + 0.3 * tempo + 0.25 * tonal - min(clipped * 50, 0.5)
    reasons = (f"active {active:.0%}, {lufs:.1f} LUFS, tempo {bpm:.0f} vs {track.bpm or 0:g}, "
               f"key {key} vs {track.key}, clipped {clipped:.2%}")
    return TakeScore(track.id, round(float(np.clip(score, 0.0, 1.0)), 4), reasons)


def score_file(track: Track, path: str) -> TakeScore:
    with sf.SoundFile(path) as f:
        audio = f.read(int(min(f.frames, EXCERPT_S * f.samplerate)), dtype="float32", always_2d=True)
        return score_audio(track, audio, f.samplerate)
