"""NES-style band-limited synthesis: two pulse channels, a 4-bit stepped triangle and an LFSR noise
channel. Every channel is monophonic like the 2A03's, and everything is vectorised over the whole
buffer (no per-sample Python), so a 30 s take renders in well under a second.

Part.instrument strings understood here (written by the agents with `instrument()`):
    "pulse/lead:0.25|32:0.125"  pulse wave, lead envelope, duty 25 % from beat 0, 12.5 % from beat 32
    "pulse/pluck:0.5"           pulse wave, short plucky envelope (arpeggios, harmony)
    "triangle"                  stepped triangle, gate only (the 2A03 triangle has no volume)
    "noise"                     drum kit on the noise channel (GM keys, see DRUM_KEYS)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from studios.parallel import map_parts
from studios.score import Note, Part, Score
from studios.theory import midi_to_hz

DUTIES = (0.125, 0.25, 0.5, 0.75)
CPU_HZ = 1_789_773.0  # NTSC 2A03 clock: sets the noise channel's LFSR rates


@dataclass(frozen=True)
class Envelope:
    attack_s: float
    decay_s: float
    sustain: float
    release_s: float
    vibrato: float = 0.0  # semitones, on notes long enough to carry it
    vibrato_hz: float = 6.0
    vibrato_delay_s: float = 0.18


ENVELOPES = {
    "lead": Envelope(0.004, 0.18, 0.72, 0.025, vibrato=0.22),
    "pluck": Envelope(0.002, 0.09, 0.42, 0.012),
    "pad": Envelope(0.01, 0.4, 0.6, 0.03),
    "gate": Envelope(0.002, 1.0, 1.0, 0.004),
}

_INSTR_RE = re.compile(r"^(pulse|triangle|noise)(?:/(\w+))?(?::(.*))?$")


def instrument(wave: str, envelope: str = "", duties: list[tuple[float, float]] | None = None) -> str:
    """Encode a voice for Part.instrument, e.g. instrument('pulse', 'lead', [(0, .25), (32, .125)])."""
    s = wave + (f"/{envelope}" if envelope else "")
    if duties:
        s += ":" + "|".join(f"{d:g}" if i == 0 else f"{b:g}:{d:g}" for i, (b, d) in enumerate(duties))
    return s


def parse_instrument(spec: str) -> tuple[str, str, list[tuple[float, float]]]:
    """Inverse of instrument(): (wave, envelope name, [(from beat, duty), ...])."""
    m = _INSTR_RE.match(spec.strip())
    if not m:
        raise ValueError(f"unknown chiptune instrument {spec!r}")
    wave, env, rest = m.group(1), m.group(2) or "", m.group(3)
    duties: list[tuple[float, float]] = []
    if rest:
        for i, item in enumerate(rest.split("|")):
            if i == 0:
                duties.append((0.0, float(item)))
            else:
                beat, duty = item.split(":")
                duties.append((float(beat), float(duty)))
    if wave == "pulse" and not duties:
        duties = [(0.0, 0.5)]
    return wave, env or ("gate" if wave == "triangle" else "lead"), duties


def duty_at(duties: list[tuple[float, float]], beat: float) -> float:
    d = duties[0][1]
    for start, duty in duties:
        if beat + 1e-9 >= start:
            d = duty
    return d


# ---------------------------------------------------------------- band-limited oscillators

def _poly_blep(t: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """PolyBLEP residual for a unit (-1 -> +1 is 2) step at phase 0: removes most of the aliasing."""
    out = np.zeros_like(t)
    a = t < dt
    x = t[a] / dt[a]
    out[a] = x + x - x * x - 1.0
    b = t > 1.0 - dt
    x = (t[b] - 1.0) / dt[b]
    out[b] = x * x + x + x + 1.0
    return out


def pulse_wave(phase: np.ndarray, dt: np.ndarray, duty: np.ndarray) -> np.ndarray:
    """Band-limited pulse (PolyBLEP at both edges), DC removed so thin duties don't waste headroom."""
    t = phase % 1.0
    y = np.where(t < duty, 1.0, -1.0)
    y += _poly_blep(t, dt) - _poly_blep((t - duty) % 1.0, dt)
    y -= 2.0 * duty - 1.0
    return y


_TRI_LEVELS = np.concatenate([np.arange(15, -1, -1), np.arange(0, 16)]).astype(np.float64)  # 2A03 order
_TRI_JUMP_IN = (_TRI_LEVELS - np.roll(_TRI_LEVELS, 1)) / 7.5  # step into each of the 32 steps


def triangle_wave(phase: np.ndarray, dt: np.ndarray) -> np.ndarray:
    """The 2A03's 32-step (4-bit) triangle with PolyBLEP on each step; smooth triangle when the steps
    would come faster than half the sample rate (high notes) to avoid aliasing."""
    t = phase % 1.0
    pos = t * 32.0
    k = pos.astype(np.int64) % 32
    t32 = pos - np.floor(pos)
    dt32 = np.minimum(dt * 32.0, 0.5)
    stepped = _TRI_LEVELS[k] / 7.5 - 1.0
    after = t32 < dt32
    x = t32[after] / dt32[after]
    stepped[after] += 0.5 * _TRI_JUMP_IN[k[after]] * (x + x - x * x - 1.0)
    before = t32 > 1.0 - dt32
    x = (t32[before] - 1.0) / dt32[before]
    stepped[before] += 0.5 * _TRI_JUMP_IN[(k[before] + 1) % 32] * (x * x + x + x + 1.0)
    smooth = 4.0 * np.abs(((t + 0.25) % 1.0) - 0.5) - 1.0
    return np.where(dt * 32.0 < 0.5, stepped, smooth)


@lru_cache(maxsize=2)
def lfsr_sequence(short: bool) -> np.ndarray:
    """The noise channel's 15-bit LFSR output (+-1): 32767 steps long, or 93 in short (metallic) mode."""
    reg, tap = 1, 6 if short else 1
    out: list[float] = []
    seen: dict[int, int] = {}
    while reg not in seen:
        seen[reg] = len(out)
        out.append(1.0 if reg & 1 == 0 else -1.0)
        fb = (reg ^ (reg >> tap)) & 1
        reg = (reg >> 1) | (fb << 14)
    return np.array(out[seen[reg]:], dtype=np.float64)


def lfsr_noise(n: int, clock_hz: float | np.ndarray, sample_rate: int, short: bool = False,
               offset: int = 0) -> np.ndarray:
    """LFSR noise clocked at clock_hz (a constant, or one value per output sample for a sweep),
    box-averaged over each output sample: the exact integral of the sample-and-hold output, which
    keeps fast clocks from aliasing into grit."""
    seq = lfsr_sequence(short)
    period = seq.size
    csum = np.concatenate([[0.0], np.cumsum(seq)])
    step = np.broadcast_to(np.asarray(clock_hz, dtype=np.float64) / sample_rate, (n,))
    pos = np.concatenate([[0.0], np.cumsum(step)]) + offset * float(step[0])

    def integral(p: np.ndarray) -> np.ndarray:
        whole = np.floor(p).astype(np.int64)
        cycles, idx = np.divmod(whole, period)
        return cycles * csum[-1] + csum[idx] + (p - whole) * seq[idx]

    return np.diff(integral(pos)) / step


# ---------------------------------------------------------------- tonal channels

def _layout(notes: list[Note], n_frames: int, sr: int,
            spb: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[Note]]:
    """Monophonic channel layout: a later note cuts the one before it, as on the 2A03."""
    notes = sorted((n for n in notes if n.length > 0), key=lambda n: (n.start, -n.pitch))
    s0 = np.array([round(n.start * spb * sr) for n in notes], dtype=np.int64)
    s1 = np.array([round((n.start + n.length) * spb * sr) for n in notes], dtype=np.int64)
    if len(notes) > 1:
        s1[:-1] = np.minimum(s1[:-1], s0[1:])
    s0, s1 = np.clip(s0, 0, n_frames), np.clip(s1, 0, n_frames)
    note_id = np.full(n_frames, -1, dtype=np.int64)
    for i in range(len(notes)):
        note_id[s0[i]:s1[i]] = i  # slice fills: one cheap call per note, not per sample
    return note_id, s0, s1, notes


def render_tonal(part: Part, n_frames: int, sr: int, bpm: float) -> np.ndarray:
    """Mono render of a pulse or triangle Part."""
    wave, env_name, duties = parse_instrument(part.instrument)
    env = ENVELOPES.get(env_name, ENVELOPES["lead"])
    out = np.zeros(n_frames)
    note_id, s0, s1, notes = _layout(part.notes, n_frames, sr, 60.0 / bpm)
    active = np.flatnonzero(note_id >= 0)
    if active.size == 0:
        return out
    nid = note_id[active]
    t_on = (active - s0[nid]) / sr
    t_left = (s1[nid] - active) / sr
    length_s = (s1 - s0)[nid] / sr
    freq = np.asarray(midi_to_hz(np.array([n.pitch for n in notes], dtype=np.float64)))[nid]
    if env.vibrato > 0:
        ramp = np.clip((t_on - env.vibrato_delay_s) / 0.2, 0.0, 1.0) * (length_s > 0.3)
        freq = freq * 2.0 ** (env.vibrato * ramp * np.sin(2 * np.pi * env.vibrato_hz * t_on) / 12.0)
    dt = freq / sr
    phase = np.cumsum(dt)  # continuous phase across notes: the 2A03 does not reset its sequencer
    if wave == "pulse":
        duty = np.array([duty_at(duties, n.start) for n in notes])[nid]
        y = pulse_wave(phase, dt, duty) * (0.5 / np.sqrt(duty * (1.0 - duty))) ** 0.5  # thin duties: a bit of make-up
    else:
        y = triangle_wave(phase, dt)
    level = np.array([max(1, round(n.velocity / 127 * 15)) / 15 for n in notes])[nid]  # 4-bit volume
    if wave == "triangle":
        level = np.ones_like(level)  # no volume register on the triangle: gate only
    amp = np.minimum(1.0, t_on / env.attack_s) * np.minimum(1.0, t_left / env.release_s)
    amp *= env.sustain + (1.0 - env.sustain) * np.exp(-t_on / env.decay_s)
    out[active] = y * amp * level
    return out


# ---------------------------------------------------------------- noise-channel drum kit

@dataclass(frozen=True)
class DrumVoice:
    noise_clock: float  # LFSR clock in Hz (0: no noise)
    noise_decay_s: float
    noise_level: float
    short_mode: bool = False
    noise_clock_end: float = 0.0  # if set, the clock sweeps down to this: a "pitched-down" burst
    tone_from_hz: float = 0.0  # pitched thump (triangle-style sweep) for kicks and toms
    tone_to_hz: float = 0.0
    tone_decay_s: float = 0.0
    tone_level: float = 0.0
    brighten: bool = False  # first difference: tilts the noise up for hats
    length_s: float = 0.3


# Keys follow General MIDI so the MIDI export lines up with any GM kit.
DRUM_KEYS: dict[int, DrumVoice] = {
    # Kick: a noise burst swept down from white to a low rumble over a triangle thump; the bright
    # start makes it cut through on small speakers (and read as a beat across the spectrum).
    36: DrumVoice(CPU_HZ / 8, 0.03, 0.6, noise_clock_end=CPU_HZ / 380, tone_from_hz=190, tone_to_hz=48,
                  tone_decay_s=0.13, tone_level=1.1, length_s=0.28),
    35: DrumVoice(0.0, 0.01, 0.0, tone_from_hz=170, tone_to_hz=50, tone_decay_s=0.12, tone_level=1.1,
                  length_s=0.25),  # soft kick: the triangle thump alone, no noise click
    # Snares decay fast so the off-beat hat after them speaks as clearly as the one after a kick.
    38: DrumVoice(CPU_HZ / 16, 0.045, 0.95, tone_from_hz=240, tone_to_hz=170, tone_decay_s=0.05,
                  tone_level=0.5, length_s=0.26),
    40: DrumVoice(CPU_HZ / 8, 0.055, 1.0, tone_from_hz=260, tone_to_hz=180, tone_decay_s=0.04,
                  tone_level=0.35, length_s=0.32),
    42: DrumVoice(CPU_HZ / 4, 0.03, 0.55, brighten=True, length_s=0.09),
    46: DrumVoice(CPU_HZ / 8, 0.16, 0.45, short_mode=True, brighten=True, length_s=0.3),
    49: DrumVoice(CPU_HZ / 4, 0.55, 0.6, brighten=True, length_s=1.2),
    45: DrumVoice(CPU_HZ / 64, 0.02, 0.3, tone_from_hz=150, tone_to_hz=95, tone_decay_s=0.14,
                  tone_level=0.9, length_s=0.25),
    47: DrumVoice(CPU_HZ / 64, 0.02, 0.3, tone_from_hz=200, tone_to_hz=130, tone_decay_s=0.13,
                  tone_level=0.9, length_s=0.25),
    50: DrumVoice(CPU_HZ / 64, 0.02, 0.3, tone_from_hz=270, tone_to_hz=175, tone_decay_s=0.12,
                  tone_level=0.9, length_s=0.25),
}


def _frame_stepped(env: np.ndarray, sr: int) -> np.ndarray:
    """Hold a decay envelope in 4-bit steps at the 240 Hz frame rate, like the 2A03's envelope unit."""
    hop = max(1, sr // 240)
    held = np.repeat(env[::hop], hop)[: env.size]
    return np.round(held * 15.0) / 15.0


def drum_sound(key: int, sr: int, variant: int = 0) -> np.ndarray:
    voice = DRUM_KEYS.get(key, DRUM_KEYS[38])
    n = int(voice.length_s * sr)
    t = np.arange(n) / sr
    y = np.zeros(n)
    if voice.noise_level > 0:
        clock: float | np.ndarray = voice.noise_clock
        if voice.noise_clock_end:
            clock = voice.noise_clock_end * (voice.noise_clock / voice.noise_clock_end) ** np.exp(
                -np.arange(n + 1) / (0.012 * sr))  # exponential sweep, mostly done in ~30 ms
        noise = lfsr_noise(n + 1, clock, sr, voice.short_mode, offset=7919 * variant)
        noise = np.diff(noise) * 0.7 if voice.brighten else noise[:n]
        y += voice.noise_level * noise * _frame_stepped(np.exp(-t / voice.noise_decay_s), sr)
    if voice.tone_level > 0:
        # Exponential pitch drop: the "pitched-down thump" of NES kicks and toms.
        f = voice.tone_to_hz + (voice.tone_from_hz - voice.tone_to_hz) * np.exp(-t / 0.035)
        ph = np.cumsum(f / sr)
        tri = 4.0 * np.abs((ph + 0.25) % 1.0 - 0.5) - 1.0
        y += voice.tone_level * tri * np.exp(-t / voice.tone_decay_s)
    y *= np.minimum(1.0, t / 0.0008) * np.minimum(1.0, (voice.length_s - t) / 0.01)  # click-free ends
    return y


def render_drums(part: Part, n_frames: int, sr: int, bpm: float) -> np.ndarray:
    out = np.zeros(n_frames)
    spb = 60.0 / bpm
    cache: dict[tuple[int, int], np.ndarray] = {}
    for i, note in enumerate(sorted(part.notes, key=lambda n: (n.start, n.pitch))):
        s = round(note.start * spb * sr)
        if s >= n_frames:
            continue
        variant = i % 4  # a few LFSR starting points so repeated hits aren't sample-identical
        snd = cache.get((note.pitch, variant))
        if snd is None:
            snd = cache[(note.pitch, variant)] = drum_sound(note.pitch, sr, variant)
        k = min(snd.size, n_frames - s)
        out[s:s + k] += snd[:k] * (note.velocity / 127.0)
    return out


# ---------------------------------------------------------------- parts -> stems

def pan_stereo(mono: np.ndarray, pan: float) -> np.ndarray:
    """Constant-power pan normalised to unity at centre."""
    theta = (float(np.clip(pan, -1.0, 1.0)) + 1.0) * np.pi / 4.0
    return np.stack([mono * np.cos(theta), mono * np.sin(theta)], axis=1) * np.sqrt(2.0)


def render_part(part: Part, n_frames: int, sr: int, bpm: float) -> np.ndarray:
    """One Part -> its stereo stem (float32, (frames, 2)), gain and pan applied."""
    wave = parse_instrument(part.instrument)[0]
    mono = render_drums(part, n_frames, sr, bpm) if wave == "noise" else render_tonal(part, n_frames, sr, bpm)
    return pan_stereo(mono * part.gain, part.pan).astype(np.float32)


def render_stems(score: Score, n_frames: int, sr: int) -> dict[str, np.ndarray]:
    stems = map_parts(lambda p: render_part(p, n_frames, sr, score.bpm), score.parts)
    return dict(zip([p.name for p in score.parts], stems, strict=True))
