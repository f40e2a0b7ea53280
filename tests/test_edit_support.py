"""Shared helpers for the editing tests (no tests here): a library with one studio take and one
imported take made of the same audio (no score, no stems), and fake external tools."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import numpy as np

from library.models import Track

BPM = 120.0  # 2 s bars: regions and bar lines are easy to read


def studio_take(services, seconds: float = 6.0, studio: str = "chiptune", seed: int = 5):
    return services.generate("boss battle", studio=studio, duration_s=seconds, bpm=BPM, seed=seed).takes[0]


def imported_take(services, audio: np.ndarray, sr: int, bpm: float | None = BPM, title: str = "imported"):
    folder = services.store.new_take_dir()
    rel = services.store.write_wav(f"{folder}/mix.wav", audio, sr)
    track = Track(title=title, prompt="", studio="", bpm=bpm, key=None, duration_s=audio.shape[0] / sr,
                  sample_rate=sr, channels=2, file_path=rel, operation="import", params={})
    return services.tracks.add(track)


def read_take(services, track) -> tuple[np.ndarray, int]:
    import soundfile as sf

    audio, sr = sf.read(services.store.resolve(track.file_path), dtype="float32", always_2d=True)
    return audio, int(sr)


def fake_tool(path: Path, body: str) -> Path:
    """An executable Python script run by this interpreter (it can import numpy/soundfile like the real tools)."""
    path.write_text(f"#!{sys.executable}\n" + textwrap.dedent(body))
    path.chmod(0o755)
    return path


# AudioSR's CLI: `audiosr -i IN -s SAVE_PATH --model_name basic -d cpu --ddim_steps N --seed N`; output is a
# 48 kHz WAV in a timestamped folder under SAVE_PATH, padded to whole latent frames.
FAKE_AUDIOSR = """
import argparse, pathlib, time
import numpy as np, soundfile as sf, soxr
ap = argparse.ArgumentParser()
ap.add_argument("-i", "--input_audio_file", required=True)
ap.add_argument("-s", "--save_path", default="./output")
ap.add_argument("--model_name", choices=["basic", "speech"], default="basic")
ap.add_argument("-d", "--device", default="auto")
ap.add_argument("--ddim_steps", type=int, default=50)
ap.add_argument("-gs", "--guidance_scale", type=float, default=3.5)
ap.add_argument("--seed", type=int, default=42)
a = ap.parse_args()
x, sr = sf.read(a.input_audio_file, always_2d=True)
y = soxr.resample(x, sr, 48000)
y = np.concatenate([y, np.zeros((1000, y.shape[1]))])
out = pathlib.Path(a.save_path) / time.strftime("%d_%m_%Y_%H_%M_%S")
out.mkdir(parents=True)
sf.write(out / (pathlib.Path(a.input_audio_file).stem + "_AudioSR_Processed_48K.wav"), y, 48000)
"""

# The VampNet runner's contract: --input --output --start --end [--prompt] [--seed]; output = same length.
FAKE_VAMPNET = """
import argparse
import numpy as np, soundfile as sf
ap = argparse.ArgumentParser()
for flag in ("--input", "--output"):
    ap.add_argument(flag, required=True)
ap.add_argument("--start", type=float, required=True)
ap.add_argument("--end", type=float, required=True)
ap.add_argument("--prompt", default="")
ap.add_argument("--seed", type=int, default=0)
a = ap.parse_args()
x, sr = sf.read(a.input, always_2d=True)
i, j = int(a.start * sr), int(a.end * sr)
x[i:j] = x[i:j][::-1] * 0.9  # "regenerated": the region played backwards
sf.write(a.output, x, sr)
"""
