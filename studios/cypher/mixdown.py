"""Cypher's sound: per-part effect chains by sub-genre and the stem renderer that adds the 808 synth.

Everything but the 808 goes through the shared soundfont renderer; the chains are chosen from the
score's Style, so one studio object serves every sub-genre without shared mutable state.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pedalboard as pb

from studios import effects
from studios.cypher.beats import tempo_band
from studios.cypher.style import Style
from studios.cypher.sub808 import INSTRUMENT as SUB_808
from studios.cypher.sub808 import render_808
from studios.parallel import map_parts
from studios.score import Part
from studios.sfsynth import find_soundfont, pan, render_part

ChainFactory = Callable[[], pb.Pedalboard]


def _dusty_sample() -> pb.Pedalboard:
    """The chopped "record": tape colour plus a little room, like a sampled vinyl loop."""
    return pb.Pedalboard([effects.lofi_tape(), effects.room(0.25, 0.1)])


def _drum_punch() -> pb.Pedalboard:
    # boom bap drums: a touch of grit and a small room, the SP-1200 / MPC character
    return pb.Pedalboard([pb.Distortion(drive_db=3), pb.Gain(-3), effects.room(0.2, 0.08)])


def part_chains(style: Style) -> dict[str, ChainFactory]:
    sub = style.subgenre
    chains: dict[str, ChainFactory] = {
        "keys": (lambda: effects.room(0.45, 0.18)) if sub != "boom bap" else _dusty_sample,
        "chops": _dusty_sample if sub != "trap" else (lambda: effects.hall(0.7, 0.22)),
        "hook": (lambda: effects.hall(0.75, 0.28)) if sub == "trap" else (lambda: effects.room(0.5, 0.2)),
    }
    if sub == "boom bap":
        chains["drums"] = _drum_punch
    return chains


def bus_chain(style: Style) -> pb.Pedalboard:
    glue = effects.bus_glue(-20.0 if style.subgenre == "trap" else -18.0, 2.5)
    return pb.Pedalboard([effects.lofi_tape(), glue]) if style.tape else glue


def pump(stem: np.ndarray, times_s: list[float], sample_rate: int, depth: float,
         window_s: float = 0.05) -> np.ndarray:
    """Beat gate: the gain dips by `depth` for window_s before each time and snaps back on it.

    Pads and sustained keys otherwise add a steady wash of vibrato "onsets" (onset strength is a
    log-spectral flux, so even quiet modulation counts); re-articulating them sharply on the beat,
    like a sidechained pad, turns that wash into groove and keeps the pulse unambiguous.
    """
    n = stem.shape[0]
    dip = np.zeros(n, np.float32)
    w = max(2, int(window_s * sample_rate))
    fall = max(1, int(0.012 * sample_rate))
    rise = max(1, int(0.003 * sample_rate))
    shape = np.ones(w + rise, np.float32)
    shape[:fall] = np.linspace(0.0, 1.0, fall, dtype=np.float32)
    shape[w:] = np.linspace(1.0, 0.0, rise, dtype=np.float32)
    for t in times_s:
        i = int(round(t * sample_rate)) - w
        lo, hi = max(0, i), min(n, i + w + rise)
        if hi > lo:
            dip[lo:hi] = np.maximum(dip[lo:hi], shape[lo - i:hi - i])
    return stem * (1.0 - depth * dip)[:, None]


PUMP_DEPTH = {"trap": 0.7, "lofi": 0.6, "boom bap": 0.5}
PUMPED = ("keys", "chops")


def pump_times(bpm: float, n_frames: int, sample_rate: int) -> list[float]:
    """Every beat; at fast tempos only the downbeats (ducking beat 3 too would make the half tempo
    as strong as the tempo)."""
    spb = 60.0 / bpm
    step = 4 if tempo_band(bpm) == "fast" else 1
    count = int(n_frames / sample_rate / spb) + 1
    return [i * spb for i in range(0, count, step)]


def render_stems(parts: list[Part], style: Style, bpm: float, n_frames: int, sample_rate: int,
                 soundfont_hint: object = None) -> dict[str, np.ndarray]:
    """Each part rendered dry (808 by the sub synth, the rest by the soundfont), through its chain,
    pumped where it sustains, and panned."""
    sf2 = find_soundfont(soundfont_hint)  # type: ignore[arg-type]
    spb = 60.0 / bpm
    chains = part_chains(style)
    times = pump_times(bpm, n_frames, sample_rate)
    drive = 3.0 if style.subgenre == "trap" else 2.0

    def stem(part: Part) -> np.ndarray:
        if part.instrument == SUB_808:
            dry = render_808(part, spb, n_frames, sample_rate, drive=drive)
        else:
            dry = render_part(part, spb, n_frames, sample_rate, sf2)
        chain = chains.get(part.name)
        wet = effects.apply(chain() if chain else None, dry, sample_rate)
        if part.name in PUMPED:
            wet = pump(wet, times, sample_rate, PUMP_DEPTH[style.subgenre])
        return pan(wet, part.pan)

    return dict(zip([p.name for p in parts], map_parts(stem, parts), strict=True))
