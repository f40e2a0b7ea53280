"""Quality Agent: checks every produced take — silence, clipping, loudness, tempo and key conformance.

Rules, not a model: the measurements come from models/analysis.py (librosa DSP) and pyloudnorm, so the
verdict is the same on every machine. The generate tool retries a failing take once with a new seed
and reports what is still wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyloudnorm
import soundfile as sf

from models.analysis import detect_key, detect_tempo, relative_keys, same_key

SILENCE_DBFS = -50.0  # RMS below this: the take is (nearly) silent
CLIP_FRACTION = 0.001  # more than 0.1% of samples at full scale: audible clipping
LOUDNESS_TARGET, LOUDNESS_TOLERANCE = -14.0, 4.0  # the studios master to -14 LUFS
TEMPO_TOLERANCE = 0.04  # 4%; half and double time count as the same tempo


@dataclass
class Verdict:
    problems: list[str] = field(default_factory=list)
    lufs: float | None = None
    tempo: float | None = None
    key: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _tempo_ok(measured: float, wanted: float) -> bool:
    return any(abs(measured * f - wanted) <= TEMPO_TOLERANCE * wanted for f in (0.5, 1.0, 2.0))


def check_audio(audio: np.ndarray, sr: int, bpm: float | None = None, key: str | None = None) -> Verdict:
    v = Verdict()
    mono = audio.mean(axis=1) if audio.ndim == 2 else audio
    rms_db = 20 * np.log10(float(np.sqrt(np.mean(mono**2))) + 1e-12)
    if rms_db < SILENCE_DBFS:
        v.problems.append(f"it is nearly silent ({rms_db:.0f} dBFS RMS)")
        return v  # tempo/key/loudness of silence mean nothing
    if float(np.mean(np.abs(audio) >= 0.999)) > CLIP_FRACTION:
        v.problems.append("it clips (samples at full scale)")
    if audio.shape[0] >= sr * 0.5:
        v.lufs = float(pyloudnorm.Meter(sr).integrated_loudness(audio))
        if abs(v.lufs - LOUDNESS_TARGET) > LOUDNESS_TOLERANCE:
            v.problems.append(f"its loudness is {v.lufs:.1f} LUFS, not about {LOUDNESS_TARGET:g}")
    if bpm:
        v.tempo = detect_tempo(audio, sr)
        if not _tempo_ok(v.tempo, float(bpm)):
            v.problems.append(f"it plays at about {v.tempo:.0f} BPM, not {float(bpm):g}")
    if key:
        v.key = detect_key(audio, sr)
        if not (same_key(v.key, key) or relative_keys(v.key, key)):
            v.problems.append(f"it sounds in {v.key}, not {key}")
    return v


def check_file(path: str, bpm: float | None = None, key: str | None = None) -> Verdict:
    audio, sr = sf.read(path, dtype="float32", always_2d=True)
    return check_audio(audio, sr, bpm, key)
