"""Genre effect chains (pedalboard): per-part colour and a bus chain before mastering.

Chains are data so a studio states its sound in a few lines and a test can inspect it.
"""

from __future__ import annotations

import numpy as np
import pedalboard as pb


def metal_guitar() -> pb.Pedalboard:
    """Amp-style high-gain distortion into a 4x12-cab-like EQ (tight lows, no fizz)."""
    return pb.Pedalboard([
        pb.HighpassFilter(90), pb.Gain(12), pb.Distortion(drive_db=28), pb.HighpassFilter(80),
        pb.PeakFilter(120, 3, 0.8), pb.PeakFilter(800, -4, 1.0), pb.PeakFilter(2500, 3, 1.2),
        pb.LowpassFilter(6000), pb.Gain(-18),
    ])


def lofi_tape() -> pb.Pedalboard:
    """Tape/vinyl colour: band-limit, gentle saturation, a little wow via chorus, bit reduction."""
    return pb.Pedalboard([
        pb.HighpassFilter(60), pb.LowpassFilter(5500), pb.Distortion(drive_db=4),
        pb.Chorus(rate_hz=0.4, depth=0.08, mix=0.3), pb.Bitcrush(bit_depth=12), pb.Gain(-2),
    ])


def room(size: float = 0.3, wet: float = 0.12) -> pb.Pedalboard:
    return pb.Pedalboard([pb.Reverb(room_size=size, damping=0.5, wet_level=wet, dry_level=1.0 - wet / 2)])


def hall(size: float = 0.8, wet: float = 0.25) -> pb.Pedalboard:
    return pb.Pedalboard([pb.Reverb(room_size=size, damping=0.35, wet_level=wet, dry_level=1.0 - wet / 3)])


def bus_glue(threshold_db: float = -18.0, ratio: float = 2.5) -> pb.Pedalboard:
    """Bus compression that glues the parts without pumping."""
    return pb.Pedalboard([pb.Compressor(threshold_db=threshold_db, ratio=ratio, attack_ms=15, release_ms=150)])


def apply(chain: pb.Pedalboard | None, audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """Run a chain over (frames, 2) audio, keeping the length exact (reverb tails are cut, not appended)."""
    if chain is None or len(chain) == 0:
        return audio
    out = chain(audio.T.astype(np.float32), sample_rate, reset=True).T
    return np.ascontiguousarray(out[: audio.shape[0]], dtype=np.float32)
