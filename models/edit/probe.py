"""What the editing capabilities use on this machine (for `studio doctor`); looks at files only."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any


def _tool(command: str | None) -> Path | None:
    raw = (command or "").strip()
    if not raw:
        return None
    exe = Path(shlex.split(raw)[0]).expanduser()
    return exe if exe.exists() else None


def stems(s: Any) -> tuple[str, bool, str]:
    repo = s.demucs_repo
    if repo is not None and Path(repo).is_dir() and any(Path(repo).glob("*.th")):
        return (f"exact stems for studio takes; Demucs from {repo} for any audio", True,
                "STUDIO_DEMUCS_MODEL picks the model in the repo (default htdemucs)")
    missing = f" (STUDIO_DEMUCS_REPO={repo} has no .th files)" if repo is not None else ""
    return (f"exact stems for studio takes; offline HPSS split (drums/bass/other/vocals-ish) for any audio{missing}",
            True, "set STUDIO_DEMUCS_REPO to a folder of Demucs <sig>-<sha8>.th files (e.g. htdemucs)")


def upscaler(s: Any) -> tuple[str, bool, str]:
    sr = _tool(s.audiosr)
    if sr is not None:
        return f"re-render for studio takes; AudioSR ({sr}) for any audio", True, "—"
    return ("re-render at the target rate for studio takes; resampling + bandwidth extension for any audio", True,
            "install AudioSR in its own environment and set STUDIO_AUDIOSR=/path/to/that/env/bin/audiosr")


def inpainter(s: Any) -> tuple[str, bool, str]:
    audio = "concatenative fill (offline)"
    if _tool(s.vampnet) is not None:
        audio = "VampNet (out of process)"
    elif s.musicgen:
        audio = "MusicGen continuation + crossfade"
    return (f"symbolic re-compose for studio takes; {audio} for any audio", True,
            "STUDIO_MUSICGEN (local MusicGen) or STUDIO_VAMPNET=\"<vampnet-env>/bin/python "
            "models/edit/vampnet_runner.py\" for generated in-painting")
