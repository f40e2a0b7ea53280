"""A monophonic 808 sub synth: sine with a pitch "punch", long decay, saturation and legato glides.

General MIDI has no 808 (its synth basses are buzzy and decay too soon), so Cypher renders parts
whose instrument is "808" here. Glides follow the usual DAW convention: a note that starts while the
previous one still sounds slides the pitch there over the overlap instead of retriggering.
"""

from __future__ import annotations

import numpy as np

from studios.score import Note, Part

INSTRUMENT = "808"
PUNCH_SEMITONES = 7.0  # starting pitch offset of each retriggered hit
PUNCH_S = 0.012
ATTACK_S = 0.003
RELEASE_S = 0.04
DECAY_S = 1.6  # time constant of the long 808 tail
SUSTAIN = 0.35
MAX_GLIDE_S = 0.35


def _segments(notes: list[Note]) -> list[list[Note]]:
    """Group notes into legato chains: a note overlapping its predecessor glides, others retrigger."""
    chains: list[list[Note]] = []
    for n in sorted(notes, key=lambda n: n.start):
        if chains and n.start < chains[-1][-1].start + chains[-1][-1].length - 1e-6:
            chains[-1].append(n)
        else:
            chains.append([n])
    return chains


def render_808(part: Part, seconds_per_beat: float, n_frames: int, sample_rate: int,
               drive: float = 2.0) -> np.ndarray:
    """Render an 808 part to float32 (n_frames, 2); mono, identical in both channels."""
    out = np.zeros(n_frames, np.float64)
    chains = _segments(part.notes)
    for ci, chain in enumerate(chains):
        start = int(round(chain[0].start * seconds_per_beat * sample_rate))
        if start >= n_frames:
            continue
        end_beat = max(n.start + n.length for n in chain)
        limit = n_frames
        if ci + 1 < len(chains):  # monophonic: the next hit chokes this one
            end_beat = min(end_beat, chains[ci + 1][0].start)
            limit = min(n_frames, int(round(chains[ci + 1][0].start * seconds_per_beat * sample_rate)))
        stop = min(limit, int(round(end_beat * seconds_per_beat * sample_rate)))
        release = max(0, min(int(RELEASE_S * sample_rate), limit - stop))
        length = stop - start + release
        if length <= 0:
            continue
        t = np.arange(length) / sample_rate
        # pitch curve in semitones: hold each note, glide into the next over the overlap
        pitch = np.full(length, float(chain[0].pitch))
        for prev, nxt in zip(chain, chain[1:], strict=False):
            g0 = (nxt.start - chain[0].start) * seconds_per_beat
            overlap = (prev.start + prev.length - nxt.start) * seconds_per_beat
            glide = float(np.clip(overlap, 0.02, MAX_GLIDE_S))
            ramp = np.clip((t - g0) / glide, 0.0, 1.0)
            ramp = ramp * ramp * (3 - 2 * ramp)  # smoothstep: no kink at either end
            pitch = np.where(t >= g0, prev.pitch + (nxt.pitch - prev.pitch) * ramp, pitch)
        pitch = pitch + PUNCH_SEMITONES * np.exp(-t / PUNCH_S)
        freq = 440.0 * 2.0 ** ((pitch - 69.0) / 12.0)
        phase = 2 * np.pi * np.cumsum(freq) / sample_rate
        env = np.minimum(1.0, t / ATTACK_S) * (SUSTAIN + (1 - SUSTAIN) * np.exp(-t / DECAY_S))
        body = stop - start
        if release > 0:
            env[body:] *= np.linspace(1.0, 0.0, release)
        else:
            fade = min(64, body)
            env[body - fade:body] *= np.linspace(1.0, 0.0, fade)
        vel = chain[0].velocity / 127.0
        y = np.tanh(drive * np.sin(phase)) / np.tanh(drive) * env * vel
        out[start:start + length] += y[: n_frames - start]
    mono = (out * 0.5 * part.gain).astype(np.float32)
    return np.stack([mono, mono], axis=1)
