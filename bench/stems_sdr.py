"""Offline stem split (models/edit/stems.py) against returning the mixture, on studio renders whose true stems
we have: SDR (dB) per stem per mixture, and for stems the mixture lacks, how much the split puts there anyway.
Studio renders have no voice, so three mixtures are repeated with a synthetic sung line (tests/sung_line.py)
4 dB below the mix. Prints figures; asserts nothing.

    .venv/bin/python bench/stems_sdr.py                 # ~1.5 min on 2 cores
    .venv/bin/python bench/stems_sdr.py --seconds 8 --seeds 11 12
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from models.edit.base import Source
from models.edit.stems import STEMS, HpssSeparator, group_stems, part_role, sdr
from studios.base import GenerationRequest
from studios.manager import StudioManager
from tests.sung_line import sung_line

SR = 44100
MIXTURES = (  # (studio, prompt, with a voice): drums and none, a bass part and none, one instrument and a band
    ("chiptune", "boss battle", False), ("cypher", "boom bap", False), ("cypher", "trap", False),
    ("ironclad", "thrash metal", False), ("bluenote", "swing", False), ("bluenote", "bossa", False),
    ("virtuoso", "string orchestra", False), ("virtuoso", "solo piano", False), ("virtuoso", "string quartet", False),
    ("cypher", "boom bap", True), ("bluenote", "swing", True), ("virtuoso", "string orchestra", True),
)
ABSENT_DB = -20.0  # a stem the mixture lacks should hold less than this, relative to the mixture's energy


def energy_db(x: np.ndarray, ref: np.ndarray) -> float:
    num = np.sum(x.astype(np.float64) ** 2) + 1e-12
    return float(10 * np.log10(num / (np.sum(ref.astype(np.float64) ** 2) + 1e-12)))


def mixture(mgr: StudioManager, studio: str, prompt: str, voice: bool, seconds: float, seed: int):  # type: ignore[no-untyped-def]
    render = mgr.get(studio).generate(GenerationRequest(prompt, seconds, seed=seed), SR)
    mix = render.premaster
    assert mix is not None
    truth = group_stems(render.stems, {p.name: part_role(p.name, p.is_drum) for p in render.score.parts})
    if voice:
        v = sung_line(seconds)
        v = np.stack([v, v], axis=1) * np.sqrt(np.mean(mix**2) / np.mean(v**2)) * 10 ** (-4 / 20)
        truth["vocals"] = truth["vocals"] + v
        mix = mix + v
    return mix, truth


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--seeds", type=int, nargs="+", default=[11])
    args = ap.parse_args()
    mgr, sep = StudioManager(), HpssSeparator()
    print(f"{sep.name}; SDR in dB against the true stems (premaster mix): returning the mixture → the split "
          f"(gain); load average {os.getloadavg()[0]:.1f}")
    gains: list[float] = []
    alone: list[float] = []  # SDR of the only stem of one-stem mixtures (returning the mixture is perfect there)
    worst_leak = -np.inf
    t_sep = t_audio = 0.0
    for seed in args.seeds:
        for studio, prompt, voice in MIXTURES:
            mix, truth = mixture(mgr, studio, prompt, voice, args.seconds, seed)
            t = time.perf_counter()
            est = sep.separate(Source(mix, SR))
            t_sep += time.perf_counter() - t
            t_audio += args.seconds
            present = [k for k in STEMS if np.sum(truth[k] ** 2) > 0]
            cells = []
            for k in STEMS:
                if k in present:
                    base, ours = sdr(truth[k], mix), sdr(truth[k], est[k])
                    if len(present) > 1:
                        gains.append(ours - base)
                        cells.append(f"{k} {base:5.1f} → {ours:5.1f} ({ours - base:+5.1f})")
                    else:
                        alone.append(ours)
                        cells.append(f"{k} alone → {ours:5.1f}")
                else:
                    leak = energy_db(est[k], mix)
                    worst_leak = max(worst_leak, leak)
                    cells.append(f"{k} absent, holds {leak:6.1f} dB")
            label = f"{prompt}{' + voice' if voice else ''}"
            print(f"  {studio:8s} {label[:24]:24s} seed {seed}: " + " | ".join(cells))
    print(f"\n  gain over the mixture, every stem of every mixture with two or more: worst {min(gains):+.1f} dB, "
          f"mean {np.mean(gains):+.1f} dB")
    if alone:
        print(f"  one-stem mixtures (the mixture is exact there): the stem comes back at {min(alone):.1f} dB SDR or "
              "better")
    print(f"  absent stems hold at most {worst_leak:.1f} dB of the mixture (goal < {ABSENT_DB:g})")
    print(f"  separation speed: RTF {t_sep / t_audio:.3f} (time / audio time)")


if __name__ == "__main__":
    main()
