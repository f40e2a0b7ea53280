"""Audio files inside the data dir, written atomically so a crash never leaves half a take."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import soundfile as sf

ORPHAN_AGE_S = 600.0  # a write older than this without its rename is a crash left-over


class StorePathError(ValueError):
    """A path that would leave the audio store."""


class AudioStore:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def resolve(self, rel: str) -> Path:
        """Absolute path for a store-relative one; refuses anything that escapes the store."""
        p = (self.root / rel).resolve()
        if not p.is_relative_to(self.root):
            raise StorePathError(f"path {rel!r} is outside the studio's audio folder")
        return p

    def new_take_dir(self) -> str:
        rel = uuid.uuid4().hex
        self.resolve(rel).mkdir(parents=True)
        return rel

    def _atomic(self, rel: str, write) -> str:  # type: ignore[no-untyped-def]
        dest = self.resolve(rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-", suffix=dest.suffix)
        os.close(fd)
        try:
            write(tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, dest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return rel

    def write_wav(self, rel: str, audio: np.ndarray, sample_rate: int) -> str:
        return self._atomic(rel, lambda tmp: sf.write(tmp, audio, sample_rate, subtype="PCM_16", format="WAV"))

    def write_file(self, rel: str, writer) -> str:  # type: ignore[no-untyped-def]
        """Atomically write via writer(tmp_path) — e.g. a MIDI file's own write()."""
        return self._atomic(rel, writer)

    def remove_take_dir(self, rel: str) -> None:
        shutil.rmtree(self.resolve(rel), ignore_errors=True)

    def clean_orphan_temps(self, older_than_s: float = ORPHAN_AGE_S) -> int:
        """Remove temp files left by a crash mid-write; returns how many. Only old ones: a fresh temp file may
        belong to another process (the UI, a worker) writing into the same data dir right now."""
        n = 0
        cutoff = time.time() - older_than_s
        for p in self.root.rglob(".tmp-*"):
            try:
                if p.stat().st_mtime < cutoff:
                    p.unlink()
                    n += 1
            except FileNotFoundError:  # its writer renamed or removed it meanwhile
                continue
        return n
