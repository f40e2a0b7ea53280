"""What `studio doctor` says about MusicGen: looks at files and importability only, loads nothing."""

from __future__ import annotations

import importlib.util

from assistant.settings import StudioSettings
from models.musicgen.catalog import list_local, resolve
from models.musicgen.errors import MusicGenError
from models.musicgen.loader import model_kind

HOW = ("set STUDIO_MUSICGEN to a local facebook/musicgen-{small,medium,large,melody} folder or cached model id "
       "(download once on a networked machine: huggingface-cli download facebook/musicgen-small)")


def describe(s: StudioSettings) -> tuple[str, bool, str]:
    """(what runs now, ready, how to upgrade) for the MusicGen line."""
    missing = [m for m in ("torch", "transformers") if importlib.util.find_spec(m) is None]
    if missing:
        return (f"unavailable: {', '.join(missing)} not installed; music comes from the symbolic studios", False,
                "install the model requirements (scripts/setup.sh), then " + HOW)
    if not s.musicgen:
        found = list_local(s)
        hint = f"; found locally: {', '.join(str(m.path) for m in found)}" if found else ""
        return (f"not configured (STUDIO_MUSICGEN unset): music comes from the symbolic studios{hint}", False, HOW)
    try:
        path = resolve(s.musicgen, s)
        kind = "melody + text" if model_kind(path) == "musicgen_melody" else "text"
    except MusicGenError as err:
        return (f"unavailable: {err}", False, HOW)
    try:
        import torch

        device = "CUDA " + torch.cuda.get_device_name(0) if torch.cuda.is_available() else "CPU fp32 (slow)"
    except Exception:  # a broken CUDA install must not break doctor
        device = "CPU fp32 (slow)"
    return (f"transformers MusicGen ({kind}) from {path} on {device}", True,
            "a CUDA GPU makes it real-time-ish (fp16/bf16); LoRA styles via `studio train`")
