"""Stem separation. The offline default for any audio splits drums / bass / other / vocals-ish with soft
STFT masks that sum to one at every step, so the stems always add back up to the mixture:

1. fine resolution (8192-point STFT), median-filter HPSS (Fitzgerald 2010): steady tones vs the rest;
   the bass is taken from the steady part (models/edit/stem_masks.py: the tracked bass line, or the whole
   low band when one line owns it), the remaining steady part is "other";
2. coarse resolution (2048) on the rest: percussive -> drums; sustained but unsteady (glides, vibrato),
   centred, 150 Hz–8 kHz -> vocals-ish (two-resolution median filtering, FitzGerald & Gainza 2010), and once
   that shows a voice, the nearly mono steady partials in that band too (held vowels); what is left joins
   "other".
A stem the mixture shows no sign of (no noise-like percussion, no low bass energy, no unsteady centred
voice) comes back silent rather than filled with other stems' energy. It cannot know what a voice is; it is
named "vocals-ish" in every reply. Long audio is split in overlapping chunks, each judged on its own (a
drumless intro gets silent drums). Per-stem SDR against true stems: bench/stems_sdr.py.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Protocol

import librosa
import numpy as np

from models.edit import stem_masks
from models.edit.base import Source

STEMS = ("drums", "bass", "other", "vocals")
FINE = (8192, 1024)  # (n_fft, hop): resolves bass notes a semitone apart
COARSE = (2048, 512)  # (n_fft, hop): keeps drum hits sharp
KERNEL = 17  # HPSS median filter, bins and frames
VOICE_BAND = (150.0, 8000.0)
CHUNK_S = 24.0  # longer audio is split (memory: a fine STFT of 10 minutes would need gigabytes)
OVERLAP_S = 2.0
PROBE_POW = 3  # the voice probe counts strictly centred energy (centring^12): lead synths sit a bit off centre
HELD_CENTRING = 16  # a steady partial joins a found voice only when nearly mono (panned instruments stay)
Progress = Callable[[str, float], None]


def _quiet(_m: str, _f: float) -> None:
    pass


class Separator(Protocol):
    name: str

    def separate(self, src: Source, progress: Progress = _quiet) -> dict[str, np.ndarray]: ...


def _stft(x: np.ndarray, res: tuple[int, int]) -> list[np.ndarray]:
    with warnings.catch_warnings():  # a clip shorter than the window is zero-padded, as it should be
        warnings.filterwarnings("ignore", message="n_fft=.* is too large")
        return [librosa.stft(x[:, c], n_fft=res[0], hop_length=res[1]) for c in range(x.shape[1])]


def _istft(specs: list[np.ndarray], mask: np.ndarray | float, res: tuple[int, int], n: int) -> np.ndarray:
    return np.stack([librosa.istft(s * mask, hop_length=res[1], length=n) for s in specs], axis=1)


def _mid(specs: list[np.ndarray]) -> np.ndarray:
    return 0.5 * (specs[0] + specs[-1])


class HpssSeparator:
    name = "offline HPSS split (drums / bass / other / vocals-ish)"

    def split(self, audio: np.ndarray, sr: int) -> tuple[dict[str, np.ndarray], dict[str, float]]:
        """One chunk: the four stems and how present each judged drums, bass and voice (0..1)."""
        n = audio.shape[0]
        fine = _stft(audio, FINE)
        mag = np.abs(_mid(fine))
        freqs = librosa.fft_frequencies(sr=sr, n_fft=FINE[0])
        # Above the voice band everything goes on to the coarse split (hats and cymbals are drums there),
        # which also spares the slowest step, the median filters, two thirds of the fine spectrogram.
        top = int(np.searchsorted(freqs, VOICE_BAND[1]))
        steady, unsteady = np.zeros(mag.shape, np.float32), np.ones(mag.shape, np.float32)
        steady[:top], unsteady[:top] = librosa.decompose.hpss(mag[:top], kernel_size=(KERNEL, KERNEL), power=2.0,
                                                              mask=True)
        bass_m, bass_p, owns = stem_masks.bass_mask(mag * steady, freqs)
        bass = _istft(fine, steady * bass_m, FINE, n)
        steady_other = _istft(fine, steady * (1.0 - bass_m), FINE, n)
        rest = _istft(fine, unsteady, FINE, n)
        coarse = _stft(rest, COARSE)
        mid = _mid(coarse)
        cmag = np.abs(mid)
        sustained, perc = librosa.decompose.hpss(cmag, kernel_size=(KERNEL, KERNEL), power=2.0, mask=True)
        drum_p = stem_masks.drum_presence((perc * cmag) ** 2)
        drums_m = perc * drum_p
        cf = librosa.fft_frequencies(sr=sr, n_fft=COARSE[0])[:, None]
        step = stem_masks.smooth_step
        band = step(cf, VOICE_BAND[0], 30.0) * (1.0 - step(cf, VOICE_BAND[1], 500.0))
        side = 0.5 * (coarse[0] - coarse[-1])
        centred = np.clip(1.0 - np.abs(side) / (cmag + 1e-8), 0.0, 1.0) ** 4  # panned instruments stay in other
        drums = _istft(coarse, drums_m, COARSE, n)
        # Where one line owns the low band, its unsteady low part (808 glides, attacks) is bass too.
        low = (1.0 - step(cf, stem_masks.BASS_HZ, 10.0)) * (bass_p * owns)
        voiced = sustained * (1.0 - drums_m)
        low_bass = _istft(coarse, voiced * low, COARSE, n)
        vocals = _istft(coarse, voiced * (1.0 - low) * band * centred, COARSE, n)
        # Is there a voice: the share of the mixture that is unsteady and (strictly) centred in its band.
        probe = _istft(coarse[:1], voiced * (1.0 - low) * band * centred**PROBE_POW, COARSE, n)[:, 0]
        mix_mid = audio.astype(np.float64).mean(axis=1)
        share = float(np.sum(probe.astype(np.float64) ** 2) / max(np.sum(mix_mid**2), 1e-12))
        voice_p = stem_masks.voice_presence(share)
        vocals *= voice_p
        sure = voice_p * float(step(voice_p, 0.5, 0.08))  # only a clear find takes more than the unsteady part
        if sure > 1e-3:
            # A voice found: its steady partials (held vowels) are in the fine split's steady part; take the
            # centred share of it in the voice band too.
            fband = step(freqs, VOICE_BAND[0], 30.0) * (1.0 - step(freqs, VOICE_BAND[1], 500.0))
            fside = np.abs(0.5 * (fine[0] - fine[-1]))
            fcen = np.clip(1.0 - fside / (mag + 1e-8), 0.0, 1.0) ** HELD_CENTRING
            held = _istft(fine, steady * (1.0 - bass_m) * fband[:, None] * fcen * sure, FINE, n)
            vocals = vocals + held
        other = steady_other + rest - drums - vocals - low_bass  # whatever no other stem took
        bass = bass + low_bass
        return {"drums": drums, "bass": bass, "other": other, "vocals": vocals}, \
            {"drums": drum_p, "bass": bass_p, "vocals": voice_p}

    def separate(self, src: Source, progress: Progress = _quiet) -> dict[str, np.ndarray]:
        audio = src.audio if src.audio.ndim == 2 else src.audio[:, None]
        n, sr = audio.shape[0], src.sr
        chunk, lap = int(CHUNK_S * sr), int(OVERLAP_S * sr)
        starts = list(range(0, max(n - lap, 1), chunk - lap)) if n > chunk else [0]
        out = {k: np.zeros(audio.shape, np.float64) for k in STEMS}
        absent: set[str] = set(STEMS) - {"other"}
        for i, a in enumerate(starts):
            progress(f"HPSS: part {i + 1} of {len(starts)}", 0.05 + 0.9 * i / len(starts))
            b = min(n, a + chunk)
            stems, found = self.split(audio[a:b], sr)
            absent -= {k for k, p in found.items() if p >= 0.5}
            # Linear crossfades in the overlaps, the same for every stem: the sum is still the mixture.
            w = np.ones(b - a)
            if i > 0:
                w[:lap] = np.linspace(0.0, 1.0, lap)
            if b < n and i + 1 < len(starts):
                w[-lap:] = np.linspace(1.0, 0.0, lap)
            for k in STEMS:
                out[k][a:b] += stems[k] * w[:, None]
        if absent:
            progress(f"HPSS: no sign of {', '.join(sorted(absent))} (silent stem)", 0.97)
        progress("done", 1.0)
        return {k: v.astype(np.float32) for k, v in out.items()}


def sdr(reference: np.ndarray, estimate: np.ndarray) -> float:
    """Signal-to-distortion ratio in dB (BSS-eval v4 style without the allowed filter: plain energy ratio)."""
    ref = reference.astype(np.float64).ravel()
    err = ref - estimate.astype(np.float64).ravel()[: len(ref)]
    return float(10 * np.log10((np.sum(ref**2) + 1e-12) / (np.sum(err**2) + 1e-12)))


def group_stems(stems: dict[str, np.ndarray], parts: dict[str, str]) -> dict[str, np.ndarray]:
    """Studio part stems summed into the four separator stems (parts maps part name -> stem name)."""
    n = next(iter(stems.values())).shape
    groups = {name: np.zeros(n, np.float32) for name in STEMS}
    for part, audio in stems.items():
        groups[parts.get(part, "other")] += audio
    return groups


def part_role(name: str, is_drum: bool) -> str:
    """Which of the four stems a studio part belongs to, by its name."""
    low = name.lower()
    if is_drum or any(w in low for w in ("drum", "kick", "snare", "hat", "perc", "noise")):
        return "drums"
    if "bass" in low or "808" in low:
        return "bass"
    if any(w in low for w in ("vocal", "voice", "vox", "choir")):
        return "vocals"
    return "other"
