"""Out-of-process backends for tools that only run in their own environment (their pins clash with ours).

- AudioSR: its own CLI, `audiosr -i IN.wav -s OUT_DIR [--model_name basic] [-d cpu] [--ddim_steps N]
  [-gs SCALE] [--seed N]`; it writes a 48 kHz WAV somewhere under OUT_DIR. STUDIO_AUDIOSR = the path of
  that `audiosr` executable (e.g. ~/audiosr-env/bin/audiosr).
- VampNet: it has no in-painting CLI, so models/edit/vampnet_runner.py is one; it runs on the VampNet
  environment's Python: STUDIO_VAMPNET="~/vampnet-env/bin/python /path/to/models/edit/vampnet_runner.py".
  Contract: `CMD --input IN.wav --output OUT.wav --start S --end E [--prompt TEXT] [--seed N]`, OUT.wav
  at any sample rate, the same length as IN.wav.

Audio goes through temporary WAV files; a tool that fails or writes nothing gives a clear error.
"""

from __future__ import annotations

import shlex
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

from models.edit.audio import EditError, Region, room, splice, stereo
from models.edit.base import BackendUnavailable, EditResult, Source
from models.edit.upscale import resample

TIMEOUT_S = 3600.0  # diffusion on a CPU is slow; a hung tool still ends


class ExternalToolError(RuntimeError):
    """The external tool ran but failed; the message carries its last output lines."""


def tool_command(raw: str | None, env_var: str, what: str) -> list[str]:
    """The configured command (a setting, env var env_var) split into argv; named errors if unusable."""
    raw = (raw or "").strip()
    if not raw:
        raise BackendUnavailable(f"{what} is not configured; set {env_var} to its command in its own environment")
    cmd = shlex.split(raw)
    exe = Path(cmd[0]).expanduser()
    if not exe.exists():
        raise BackendUnavailable(f"{env_var}={raw!r}: no program at {exe}; point it at {what} in its environment")
    return [str(exe), *cmd[1:]]


def _run(cmd: list[str]) -> None:
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as err:
        raise ExternalToolError(f"{Path(cmd[0]).name} did not finish within {TIMEOUT_S:g} s") from err
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        raise ExternalToolError(f"{Path(cmd[0]).name} failed (exit {proc.returncode}): {tail}")


def _read(path: Path) -> tuple[np.ndarray, int]:
    audio, sr = sf.read(path, dtype="float32", always_2d=True)
    return stereo(audio if audio.shape[1] > 1 else audio[:, 0]), int(sr)


class AudioSRUpscaler:
    name = "AudioSR (out of process)"

    def __init__(self, command: str | None, model: str = "basic", steps: int = 50, seed: int = 0) -> None:
        self.cmd = tool_command(command, "STUDIO_AUDIOSR", "AudioSR's `audiosr` command")
        self.model, self.steps, self.seed = model, steps, seed

    def upscale(self, src: Source, sample_rate: int) -> EditResult:
        with tempfile.TemporaryDirectory(prefix="studio-audiosr-") as tmp:
            inp, out_dir = Path(tmp) / "input.wav", Path(tmp) / "out"
            sf.write(inp, src.audio, src.sr)
            _run([*self.cmd, "-i", str(inp), "-s", str(out_dir), "--model_name", self.model, "-d", "cpu",
                  "--ddim_steps", str(self.steps), "--seed", str(self.seed)])
            found = sorted(out_dir.rglob("*.wav"), key=lambda p: p.stat().st_mtime)
            if not found:
                raise ExternalToolError(f"AudioSR wrote no WAV under {out_dir}")
            audio, sr = _read(found[-1])
        audio = resample(audio, sr, sample_rate) if sr != sample_rate else audio
        n = int(round(src.duration_s * sample_rate))
        audio = np.pad(audio, ((0, max(0, n - audio.shape[0])), (0, 0)))[:n]  # it pads to whole latent frames
        return EditResult(audio, sample_rate, self.name, notes=f"AudioSR {self.model}, {self.steps} DDIM steps")


class VampNetInpainter:
    name = "VampNet (out of process)"
    fade_s = 0.05

    def __init__(self, command: str | None, seed: int = 0) -> None:
        self.cmd = tool_command(command, "STUDIO_VAMPNET", "VampNet (python models/edit/vampnet_runner.py)")
        self.seed = seed

    def inpaint(self, src: Source, region: Region, prompt: str = "", fade_s: float = 0.05) -> EditResult:
        with tempfile.TemporaryDirectory(prefix="studio-vampnet-") as tmp:
            inp, out = Path(tmp) / "input.wav", Path(tmp) / "output.wav"
            sf.write(inp, src.audio, src.sr)
            args = ["--input", str(inp), "--output", str(out), "--start", f"{region.start_s:.4f}",
                    "--end", f"{region.end_s:.4f}", "--seed", str(self.seed)]
            _run([*self.cmd, *args, *(["--prompt", prompt] if prompt else [])])
            if not out.exists():
                raise ExternalToolError(f"VampNet wrote no output at {out}")
            audio, sr = _read(out)
        audio = resample(audio, sr, src.sr) if sr != src.sr else audio
        n = src.audio.shape[0]
        if abs(audio.shape[0] - n) > 0.05 * src.sr:
            raise EditError(f"VampNet returned {audio.shape[0] / src.sr:.2f} s for a {src.duration_s:.2f} s take")
        audio = np.pad(audio, ((0, max(0, n - audio.shape[0])), (0, 0)))[:n]
        a, b = int(round(region.start_s * src.sr)), int(round(region.end_s * src.sr))
        fi, fo = room(a, b, n, int(fade_s * src.sr))
        # Only the region comes from VampNet: the rest stays bit-exact, the codec never touches it.
        spliced = splice(src.audio, audio[a - fi: b + fo], a, fi, fo)
        seams = [t for t, f in ((region.start_s, fi), (region.end_s, fo)) if f > 0]
        note = "VampNet re-generated the masked region" + (" (it takes no text prompt)" if prompt else "")
        return EditResult(spliced, src.sr, self.name, seams, note)
