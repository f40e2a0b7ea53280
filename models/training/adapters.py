"""Trained LoRA adapters registered by name under <models dir>/adapters/<name>/ (PEFT files + meta.json).

A studio finds its styles with `for_studio("bluenote")`; generation applies one with `apply_adapter`,
which merges it into the loaded weights (so the fast decode loop runs at full speed).
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.settings import StudioSettings
from models.musicgen.errors import BackendUnavailable, MusicGenError

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class AdapterError(MusicGenError):
    """Unknown, invalid or incompatible adapter; the message lists what exists."""


@dataclass(frozen=True)
class AdapterInfo:
    name: str
    path: Path
    base: str  # the checkpoint it was trained on
    base_shape: str  # decoder dims; an adapter only fits a base of the same shape
    style: str = ""  # e.g. "jazz": prepended to prompts when the adapter is used
    studio: str | None = None  # e.g. "bluenote"
    steps: int = 0
    final_loss: float | None = None
    created: str = ""


def adapters_dir(s: StudioSettings) -> Path:
    return s.model_dir / "adapters"


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise AdapterError(f"adapter name {name!r}: use 1-40 lowercase letters, digits, '-' or '_'")
    return name


def base_shape(model: Any) -> str:
    d = model.config.decoder
    return f"{model.config.model_type}:{d.num_hidden_layers}x{d.hidden_size}x{d.num_codebooks}x{d.vocab_size}"


def register(s: StudioSettings, name: str, adapter_files: Path, info: dict[str, Any]) -> AdapterInfo:
    """Copy a saved PEFT adapter folder into the registry atomically (temp folder, then rename)."""
    target = adapters_dir(s) / check_name(name)
    tmp = target.with_name(f".{name}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(adapter_files, tmp)
    meta = AdapterInfo(name=name, path=target, created=datetime.now(UTC).isoformat(timespec="seconds"), **info)
    (tmp / "meta.json").write_text(json.dumps({**asdict(meta), "path": None}, indent=2))
    old = target.with_name(f".{name}.old")  # a retrain keeps the previous adapter until the new one is in place
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    tmp.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    return meta


def _read(folder: Path) -> AdapterInfo:
    meta = json.loads((folder / "meta.json").read_text())
    meta["path"] = folder
    return AdapterInfo(**meta)


def list_adapters(s: StudioSettings) -> list[AdapterInfo]:
    root = adapters_dir(s)
    # dot folders are a register() killed before its rename: complete or not, never usable
    return ([_read(f) for f in sorted(root.iterdir()) if not f.name.startswith(".") and (f / "meta.json").is_file()]
            if root.is_dir() else [])


def get_adapter(s: StudioSettings, name: str) -> AdapterInfo:
    folder = adapters_dir(s) / check_name(name)
    if not (folder / "meta.json").is_file():
        known = ", ".join(a.name for a in list_adapters(s)) or "none yet (train one with `studio train`)"
        raise AdapterError(f"no adapter {name!r}; registered: {known}")
    return _read(folder)


def for_studio(s: StudioSettings, studio: str) -> list[AdapterInfo]:
    return [a for a in list_adapters(s) if a.studio == studio]


def apply_adapter(lm: Any, name: str, s: StudioSettings) -> AdapterInfo:
    """Merge the named adapter into `lm.model` in place (reload the base to remove it)."""
    info = get_adapter(s, name)
    if info.base_shape != base_shape(lm.model):
        raise AdapterError(f"adapter {name!r} was trained on {info.base_shape}, but the loaded model is "
                           f"{base_shape(lm.model)}; load its base ({info.base}) or retrain")
    try:
        from peft import PeftModel
    except ImportError as err:
        raise BackendUnavailable("peft", err) from err
    lm.model = PeftModel.from_pretrained(lm.model, info.path, local_files_only=True).merge_and_unload().eval()
    return info
