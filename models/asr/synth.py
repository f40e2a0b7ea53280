"""Spoken test commands made offline with espeak-ng (voices x speeds), for tests and bench/voice_eval.py."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from models.asr.base import ASRError


def espeak_bin() -> str:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise ASRError("espeak-ng is not installed: apt-get install -y espeak-ng")
    return exe


def speak(text: str, out_dir: Path, voice: str = "en-us", speed: int = 160) -> Path:
    """text -> a wav in out_dir (cached by content, so re-runs reuse the audio)."""
    if not 80 <= speed <= 400:
        raise ASRError(f"espeak speed {speed} is outside 80..400 words per minute")
    digest = hashlib.sha1(f"{voice}|{speed}|{text}".encode()).hexdigest()[:16]
    out = out_dir / f"{digest}.wav"
    if not out.is_file():
        out_dir.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp.wav")
        subprocess.run([espeak_bin(), "-v", voice, "-s", str(speed), "-w", str(tmp), text], check=True,
                       capture_output=True, timeout=30)
        tmp.replace(out)
    return out
