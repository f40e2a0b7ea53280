"""One ASR interface: audio in (a file, a float array or raw PCM bytes), a Transcript out.

Every backend takes 16 kHz mono float32, so the resampling and the size bounds live here once.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

ASR_RATE = 16000  # what every Whisper model is trained on
MAX_SECONDS = 120.0  # a voice command, not a podcast: longer input is refused before decoding


class ASRError(RuntimeError):
    """Audio that cannot be transcribed, or a backend that cannot load; the message says the fix."""


@dataclass(frozen=True)
class Transcript:
    text: str  # as decoded
    duration_s: float  # audio length
    seconds: float  # decoding time (real-time factor = seconds / duration_s)
    backend: str

    @property
    def rtf(self) -> float:
        return self.seconds / self.duration_s if self.duration_s else 0.0


def to_asr_rate(audio: np.ndarray, rate: int) -> np.ndarray:
    """Mono float32 at 16 kHz, bounded in length."""
    if rate <= 0:
        raise ASRError(f"sample rate must be positive, got {rate}")
    y = np.asarray(audio, dtype=np.float32)
    if y.ndim == 2:
        y = y.mean(axis=1)
    if y.ndim != 1:
        raise ASRError(f"expected mono or (samples, channels) audio, got shape {y.shape}")
    if y.size / rate > MAX_SECONDS:
        raise ASRError(f"audio is {y.size / rate:.0f} s; voice commands are limited to {MAX_SECONDS:.0f} s")
    if rate != ASR_RATE:
        y = soxr.resample(y, rate, ASR_RATE).astype(np.float32)
    return np.clip(y, -1.0, 1.0)


def pcm16_to_float(raw: bytes, rate: int) -> np.ndarray:
    """Raw little-endian int16 mono PCM (the Chainlit mic sends 24 kHz chunks) -> 16 kHz float32."""
    if len(raw) % 2:
        raise ASRError("PCM16 audio must have an even number of bytes")
    return to_asr_rate(np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0, rate)


def load_audio(path: Path) -> np.ndarray:
    """Any file soundfile reads (wav, flac, ogg, mp3) -> 16 kHz float32 mono."""
    try:
        info = sf.info(str(path))
    except (sf.LibsndfileError, RuntimeError, OSError) as err:
        raise ASRError(f"cannot read audio {path}: {err}; use wav, flac, ogg or mp3") from err
    if info.duration > MAX_SECONDS:
        raise ASRError(f"{path.name} is {info.duration:.0f} s; voice commands are limited to {MAX_SECONDS:.0f} s")
    y, rate = sf.read(str(path), dtype="float32", always_2d=True)
    return to_asr_rate(y, rate)


class Transcriber(ABC):
    name: str

    @abstractmethod
    def transcribe_array(self, audio: np.ndarray, prompt: str | None = None) -> str:
        """16 kHz mono float32 -> text; prompt biases decoding towards the command vocabulary."""

    def transcribe(self, audio: np.ndarray, prompt: str | None = None) -> Transcript:
        import time

        t0 = time.perf_counter()
        text = self.transcribe_array(audio, prompt).strip() if audio.size else ""
        return Transcript(text, audio.size / ASR_RATE, time.perf_counter() - t0, self.name)
