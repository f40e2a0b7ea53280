"""SoundFont rendering of score parts to stems (tinysoundfont: no system libraries, ~500x real time).

Each part gets its own synth so every stem is exactly one instrument: stems sum to the mix by
construction, which is what makes our exported stems exact.
"""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from studios.score import Part

SYSTEM_SOUNDFONTS = (Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"), Path("/usr/share/soundfonts/FluidR3_GM.sf2"))


class SoundFontMissing(RuntimeError):
    pass


def find_soundfont(preferred: Path | None = None) -> Path:
    """The user's soundfont, else a system GM soundfont, else the TimGM6mb that ships in pretty-midi."""
    candidates = [preferred] if preferred else []
    candidates += list(SYSTEM_SOUNDFONTS)
    spec = importlib.util.find_spec("pretty_midi")
    if spec and spec.origin:
        candidates.append(Path(spec.origin).parent / "TimGM6mb.sf2")
    for c in candidates:
        if c and c.is_file():
            return c
    raise SoundFontMissing(
        "no General MIDI soundfont found: pip install pretty-midi (ships TimGM6mb.sf2), "
        "apt-get install fluid-soundfont-gm, or set STUDIO_SOUNDFONT=/path/to/file.sf2"
    )


@lru_cache(maxsize=4)
def _soundfont_bytes(path: str) -> bytes:
    return Path(path).read_bytes()


def _gain_db(path: Path) -> float:
    # FluidR3 is much hotter than TimGM6mb and peaks above full scale when many voices stack.
    return -10.0 if "fluid" in path.name.lower() else -3.0


_LOCAL = threading.local()  # one synth per thread: a synth is stateful, renders may run in parallel


def _fresh_synth(soundfont: Path, sample_rate: int) -> tuple[Any, int]:
    """A silent synth with the soundfont loaded; parsing the .sf2 costs more than rendering a short part,
    so each thread keeps one per (soundfont, rate) and resets it (tsf_reset + a flush) instead."""
    import tinysoundfont

    cache: dict[tuple[str, int], tuple[Any, int]] = _LOCAL.__dict__.setdefault("synths", {})
    key = (str(soundfont), sample_rate)
    if key not in cache:
        synth = tinysoundfont.Synth(gain=_gain_db(soundfont), samplerate=sample_rate)
        cache[key] = (synth, synth.sfload(_soundfont_bytes(str(soundfont))))
        return cache[key]
    synth, sfid = cache[key]
    synth.soundfonts[sfid].reset()
    synth.generate(_FLUSH_FRAMES)  # reset only fast-releases the voices: let them finish
    return synth, sfid


_FLUSH_FRAMES = 2048


def render_part(part: Part, seconds_per_beat: float, n_frames: int, sample_rate: int,
                soundfont: Path) -> np.ndarray:
    """Render one part to float32 (n_frames, 2); notes past the end are cut, tails are kept to the end."""
    synth, sfid = _fresh_synth(soundfont, sample_rate)
    chan = 9 if part.is_drum else 0
    synth.program_select(chan, sfid, 128 if part.is_drum else 0, 0 if part.is_drum else part.program,
                         is_drums=part.is_drum)
    events: list[tuple[int, int, int, int]] = []  # (frame, order, key, velocity): offs sort before ons
    for n in part.notes:
        on = int(round(n.start * seconds_per_beat * sample_rate))
        if on >= n_frames:
            continue
        off = int(round((n.start + n.length) * seconds_per_beat * sample_rate))
        events.append((on, 1, n.pitch, max(1, min(127, n.velocity))))
        events.append((max(off, on + 1), 0, n.pitch, 0))
    events.sort()
    out = np.zeros((n_frames, 2), np.float32)
    raw = out.data.cast("B")  # the synth writes straight into the stem: no per-event copies
    pos = 0
    for frame, _order, key, vel in events:
        frame = min(frame, n_frames)
        if frame > pos:
            synth.generate_simple(frame - pos, buffer=raw[pos * 8:frame * 8])  # 8 bytes per stereo frame
            pos = frame
        if vel:
            synth.noteon(chan, key, vel)
        else:
            synth.noteoff(chan, key)
    if pos < n_frames:
        synth.generate_simple(n_frames - pos, buffer=raw[pos * 8:])
    out *= np.float32(part.gain)
    return out


def pan(stem: np.ndarray, position: float) -> np.ndarray:
    """Equal-power pan of a stereo stem; position -1 (left) .. 1 (right)."""
    theta = (np.clip(position, -1, 1) + 1) * np.pi / 4
    gains = np.array([np.cos(theta), np.sin(theta)], np.float32) * np.float32(np.sqrt(2))
    return np.multiply(stem, gains, dtype=np.float32)
