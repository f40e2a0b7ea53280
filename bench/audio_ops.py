"""Editing benchmark: seam quality, upscale LSD, stem SDR, real-time factors, and the htdemucs-architecture
chunked apply against demucs' own apply_model. Prints figures; asserts nothing.

    .venv/bin/python bench/audio_ops.py                # ~3–5 min on 2 cores
    .venv/bin/python bench/audio_ops.py --seconds 8 --demucs-seconds 10 --studios chiptune cypher
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "2")

import numpy as np
import soxr

from models.edit.audio import Region, beat_times
from models.edit.base import Source
from models.edit.extend import LoopExtender
from models.edit.inpaint import ConcatInpainter
from models.edit.quality import check
from models.edit.stems import STEMS, HpssSeparator, group_stems, part_role, sdr
from models.edit.symbolic import StudioTake, SymbolicEditor
from models.edit.upscale import BandwidthUpscaler, ResampleUpscaler, lsd
from studios.base import GenerationRequest, Render
from studios.manager import StudioManager

SR = 44100
RTF: dict[str, list[float]] = {}


def timed(label: str, seconds_of_audio: float, fn, *args):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn(*args)
    RTF.setdefault(label, []).append((time.perf_counter() - t) / seconds_of_audio)
    return out


def renders(studios: list[str], seconds: float, sr: int) -> list[tuple[str, Render, StudioTake]]:
    mgr = StudioManager()
    out = []
    for sid in studios:
        studio = mgr.get(sid)
        req = GenerationRequest("bench theme", seconds, bpm=120.0, seed=11).validated()
        score, _ = studio.compose_take(req)
        out.append((sid, studio.render(score, seconds, sr), StudioTake(studio, score, req)))
    return out


def seams(items, seconds: float) -> None:  # type: ignore[no-untyped-def]
    print("\n== seams: spectral flux at the seam / the track's 95th percentile (<= 1 is below an ordinary onset)")
    region = Region(seconds * 0.4, seconds * 0.6)
    for sid, render, take in items:
        src = Source(render.audio, SR, 120.0, take.score.beats_per_bar, take)
        beats = beat_times(src.audio, SR, 120.0)
        runs = {"in-paint symbolic": (SymbolicEditor().inpaint, region),
                "in-paint offline fill": (ConcatInpainter().inpaint, region),
                "extend symbolic": (SymbolicEditor().extend, 4.0),
                "extend offline loop": (LoopExtender().extend, 4.0)}
        for label, (run, arg) in runs.items():
            res = timed(label, seconds, run, src, arg)
            q = check(res.audio, SR, res.seams_s, render.audio, SR, beats)
            ratios = " ".join(f"{s.ratio:.2f}" for s in q.seams)
            print(f"  {sid:9s} {label:22s} seams/p95: {ratios:18s} smooth: {q.seams_ok}  "
                  f"LUFS {q.lufs:.1f} (parent {q.parent_lufs:.1f})")


def upscale(studios: list[str], seconds: float) -> None:
    print("\n== upscale: log-spectral distance to the full-band 48 kHz render (dB, lower is better)")
    for sid, render, _take in renders(studios, seconds, 48000):
        for low in (16000, 24000, 32000):
            src = Source(soxr.resample(render.audio, 48000, low, "VHQ"), low)
            plain = ResampleUpscaler().upscale(src, 48000).audio
            ours = timed("upscale offline BWE", seconds, BandwidthUpscaler().upscale, src, 48000).audio
            a, b = lsd(render.audio, plain, 48000), lsd(render.audio, ours, 48000)
            print(f"  {sid:9s} from {low // 1000:2d} kHz: plain resampling {a:6.2f}  bandwidth extension {b:6.2f}  "
                  f"({b / a:.2f}×)")
        timed("upscale re-render (studio)", seconds, SymbolicEditor().upscale,
              Source(render.audio, 48000, 120.0, 4, _take), 48000)


def stems(items, seconds: float, demucs_repo: str | None) -> None:  # type: ignore[no-untyped-def]
    print("\n== stems: SDR (dB) against the studio's true stems, premaster mix; 'mixture' = returning the input")
    seps: list[Any] = [HpssSeparator()]
    if demucs_repo:
        from assistant.settings import get_settings
        from models.edit.demucs_sep import DemucsSeparator

        seps.append(DemucsSeparator(Path(demucs_repo), get_settings().demucs_model))
    for sid, render, take in items:
        truth = group_stems(render.stems, {p.name: part_role(p.name, p.is_drum) for p in take.score.parts})
        mix = render.premaster
        present = [k for k in STEMS if np.sum(truth[k] ** 2) > 0]
        base = {k: sdr(truth[k], mix) for k in present}
        print(f"  {sid:9s} mixture      " + "  ".join(f"{k} {base[k]:6.1f}" for k in present))
        for sep in seps:
            est = timed(f"stems {sep.name[:24]}", seconds, sep.separate, Source(mix, SR))
            vals = {k: sdr(truth[k], est[k]) for k in present}
            gain = np.mean([vals[k] - base[k] for k in present])
            print(f"  {sid:9s} {sep.name[:12]:12s} " + "  ".join(f"{k} {vals[k]:6.1f}" for k in present)
                  + f"   mean gain {gain:+.1f} dB")


def demucs_speed(seconds: float) -> None:
    import tempfile

    import torch
    from demucs.apply import apply_model

    from models.edit.demucs_sep import apply_chunked, chunk_starts, load_demucs, save_random_htdemucs

    torch.set_num_threads(2)
    print(f"\n== htdemucs architecture (default size, random weights), {seconds:g} s stereo, 2 threads")
    with tempfile.TemporaryDirectory() as tmp:
        model = load_demucs(save_random_htdemucs(Path(tmp), "htdemucs_random"), "htdemucs_random")
    mix = torch.randn(2, int(seconds * SR)) * 0.1
    seg = int(model.segment * model.samplerate)
    with torch.inference_mode():
        model(mix[None, :, :seg])  # warm-up, so neither side pays for first-call allocations
        t = time.perf_counter()
        ref = apply_model(model, mix[None], shifts=0, split=True, overlap=0.25, progress=False)[0]
        theirs = time.perf_counter() - t
    t = time.perf_counter()
    ours_out = apply_chunked(model, mix)
    ours = time.perf_counter() - t
    rel = float((ours_out - ref).norm() / ref.norm())
    n_theirs = len(range(0, mix.shape[-1], int(0.75 * seg)))
    print(f"  demucs apply_model: {theirs:6.1f} s (RTF {theirs / seconds:.2f}, {n_theirs} chunks)   "
          f"ours: {ours:6.1f} s (RTF {ours / seconds:.2f}, {len(chunk_starts(mix.shape[-1], seg))} chunks, batch 2)   "
          f"ours/theirs {ours / theirs:.2f}")
    print(f"  output difference {rel:.3f} (relative): demucs pads each chunk on both sides, we pad the last chunk "
          "at its end and place it flush with the end; a random-weight model is not shift-invariant")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--studios", nargs="+", default=["chiptune", "cypher", "bluenote"])
    ap.add_argument("--demucs-seconds", type=float, default=10.0)
    ap.add_argument("--demucs-repo", default=os.environ.get("STUDIO_DEMUCS_REPO"))
    ap.add_argument("--skip-demucs", action="store_true")
    ap.add_argument("--only-demucs", action="store_true")
    args = ap.parse_args()
    print(f"cores visible: {os.cpu_count()}, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, "
          f"load average {os.getloadavg()[0]:.1f} (timings scale with it)")
    if args.only_demucs:
        demucs_speed(args.demucs_seconds)
        return
    items = renders(args.studios, args.seconds, SR)
    seams(items, args.seconds)
    upscale(args.studios[:2], min(args.seconds, 8.0))
    stems(items, args.seconds, args.demucs_repo)
    if not args.skip_demucs:
        demucs_speed(args.demucs_seconds)
    print("\n== real-time factors (processing time / audio time; < 1 is faster than real time)")
    for label, vals in RTF.items():
        print(f"  {label:34s} {np.mean(vals):.3f}")


if __name__ == "__main__":
    main()
