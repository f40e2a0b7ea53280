"""Studio conformance, speed and distinctness (issue: five genre studios). Prints figures; asserts nothing.

    .venv/bin/python bench/studio_conformance.py [--renders 50] [--seconds 12]

Conformance: for N renders spread over all studios, tempos 60-200 and all 24 keys, the detected tempo
(within 1%; half/double counted as a miss), detected key (exact; relative major/minor = half-miss),
loudness (-14 +-1 LUFS), true peak (<= -1 dBTP) and duration (exact to 10 ms).
Speed: real-time factor of a 30 s stereo render per studio (goal >= 100x on 2 cores).
Distinctness: nearest-centroid (leave-one-out) on librosa features, as a confusion matrix.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from models.analysis import detect_key, detect_tempo, feature_vector, relative_keys, same_key
from studios.base import GenerationRequest
from studios.manager import StudioManager
from studios.mastering import loudness_lufs, true_peak_dbtp

KEYS = [n + m for m in ("", "m") for n in ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")]
SR = 44100


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--renders", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=12.0)
    args = ap.parse_args()
    manager = StudioManager()
    studios = [i.id for i in manager.available()]
    rng = np.random.default_rng(2026)
    rows = []
    feats: dict[str, list[np.ndarray]] = {s: [] for s in studios}
    for i in range(args.renders):
        sid = studios[i % len(studios)]
        bpm = float(rng.integers(60, 201))
        key = KEYS[int(rng.integers(len(KEYS)))]
        req = GenerationRequest(f"{sid} piece", args.seconds, bpm, key, seed=i)
        r = manager.get(sid).generate(req, SR)
        tempo = detect_tempo(r.audio, SR)
        found = detect_key(r.audio, SR)
        rows.append(dict(
            studio=sid, bpm=bpm, key=key, tempo=tempo, found=found,
            tempo_ok=abs(tempo - bpm) / bpm <= 0.01,
            key_ok=same_key(found, key), key_rel=relative_keys(found, key),
            lufs=loudness_lufs(r.audio, SR), tp=true_peak_dbtp(r.audio),
            dur_err=abs(r.audio.shape[0] / SR - args.seconds),
        ))
        feats[sid].append(feature_vector(r.audio, SR))
        print(f"{sid:9s} {bpm:5.0f} BPM -> {tempo:6.1f}  {key:4s} -> {found:4s}  {rows[-1]['lufs']:6.2f} LUFS "
              f"{rows[-1]['tp']:6.2f} dBTP", flush=True)

    print("\n== Conformance ==")
    print(f"{'studio':10s} {'n':>3s} {'tempo<=1%':>10s} {'key exact':>10s} {'key +rel/2':>11s} {'LUFS ok':>8s} "
          f"{'TP ok':>6s} {'dur ok':>7s}")
    for sid in [*studios, "ALL"]:
        sel = [r for r in rows if sid in ("ALL", r["studio"])]
        n = len(sel)

        def pct(k: str, sel: list[dict] = sel, n: int = n) -> float:
            return 100.0 * sum(bool(r[k]) for r in sel) / n

        half = 100.0 * sum(r["key_ok"] or 0.5 * r["key_rel"] for r in sel) / n
        lufs_ok = 100.0 * sum(abs(r["lufs"] + 14) <= 1 for r in sel) / n
        tp_ok = 100.0 * sum(r["tp"] <= -1.0 for r in sel) / n
        dur_ok = 100.0 * sum(r["dur_err"] <= 0.010 for r in sel) / n
        print(f"{sid:10s} {n:3d} {pct('tempo_ok'):9.0f}% {pct('key_ok'):9.0f}% {half:10.0f}% {lufs_ok:7.0f}% "
              f"{tp_ok:5.0f}% {dur_ok:6.0f}%")

    print("\n== Speed: 30 s stereo render ==")
    for sid in studios:
        studio = manager.get(sid)
        studio.generate(GenerationRequest("warm up", 2.0, 120, "C", seed=0), SR)
        t0 = time.perf_counter()
        studio.generate(GenerationRequest(f"{sid} piece", 30.0, 120, "C", seed=1), SR)
        dt = time.perf_counter() - t0
        print(f"{sid:10s} {dt:6.3f} s  -> {30.0 / dt:7.1f}x real time")

    print("\n== Distinctness: nearest centroid, leave-one-out ==")
    X = {s: np.array(v) for s, v in feats.items() if v}
    allx = np.concatenate(list(X.values()))
    mu, sd = allx.mean(0), allx.std(0) + 1e-9
    Z = {s: (v - mu) / sd for s, v in X.items()}
    print(" " * 10 + "".join(f"{s[:8]:>9s}" for s in Z))
    correct = total = 0
    for s, vs in Z.items():
        counts = dict.fromkeys(Z, 0)
        for i, v in enumerate(vs):
            cents = {t: (np.delete(w, i, 0) if t == s else w).mean(0) for t, w in Z.items()}
            guess = min(cents, key=lambda t: float(np.linalg.norm(v - cents[t])))
            counts[guess] += 1
            correct += guess == s
            total += 1
        print(f"{s:10s}" + "".join(f"{counts[t]:9d}" for t in Z))
    print(f"accuracy: {100.0 * correct / max(total, 1):.0f}%")


if __name__ == "__main__":
    main()
