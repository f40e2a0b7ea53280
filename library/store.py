"""Audio files inside the data dir, written atomically so a crash never leaves half a take.

Crash bookkeeping, so a restart can tell a dead writer's left-overs from another process's write in progress:
temp files carry their writer's pid and host, and every process appends the take folders it creates to its
own journal (.writers/<host>-<pid>.log) before creating them. library/recovery.py reads the journals of dead
processes and removes their folders that no track row points at.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

ORPHAN_AGE_S = 600.0  # a temp file of an unknown writer older than this is a crash left-over
LIVE_TEMP_AGE_S = 86_400.0  # a live pid's temp older than a day: the pid was reused, the writer is long gone
JOURNALS = ".writers"
_HOST = hashlib.sha1(socket.gethostname().encode()).hexdigest()[:8]
_TEMP = re.compile(r"^\.tmp-p(\d+)-h([0-9a-f]{8})-")
_journal_lock = threading.Lock()


class StorePathError(ValueError):
    """A path that would leave the audio store."""


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _fsync_dir(path: Path) -> None:
    """Make a rename durable (power loss), not just atomic; a no-op where directories cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@dataclass(frozen=True)
class DeadJournal:
    """The take folders a process that has ended created (it may have died before filing them)."""

    path: Path
    folders: list[str]


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

    # -- crash bookkeeping --------------------------------------------------------------------------
    def _journal_path(self, pid: int | None = None) -> Path:
        return self.root / JOURNALS / f"{_HOST}-{pid or os.getpid()}.log"

    def _journal(self, rel: str) -> None:
        path = self._journal_path()
        path.parent.mkdir(exist_ok=True)
        with _journal_lock, open(path, "a", encoding="ascii") as fh:
            fh.write(rel + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def dead_journals(self) -> Iterator[DeadJournal]:
        """Journals of processes on this host that are no longer running (other hosts: never judged)."""
        folder = self.root / JOURNALS
        if not folder.is_dir():
            return
        for path in sorted(folder.glob(f"{_HOST}-*.log")):
            pid = path.stem.rsplit("-", 1)[1]
            if not pid.isdigit() or int(pid) == os.getpid() or pid_alive(int(pid)):
                continue
            try:
                names = path.read_text(encoding="ascii", errors="replace").split()
            except FileNotFoundError:  # another process's recovery got there first
                continue
            yield DeadJournal(path, [n for n in names if re.fullmatch(r"[0-9a-f]{32}", n)])

    # -- writing --------------------------------------------------------------------------------------
    def new_take_dir(self) -> str:
        rel = uuid.uuid4().hex
        self._journal(rel)  # journalled before it exists, so no crash can leave an unlisted folder
        self.resolve(rel).mkdir(parents=True)
        return rel

    def _atomic(self, rel: str, write) -> str:  # type: ignore[no-untyped-def]
        dest = self.resolve(rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".tmp-p{os.getpid()}-h{_HOST}-", suffix=dest.suffix)
        os.close(fd)
        try:
            write(tmp)
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, dest)
            _fsync_dir(dest.parent)
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

    # -- clean-up ------------------------------------------------------------------------------------
    def clean_orphan_temps(self, older_than_s: float = ORPHAN_AGE_S) -> int:
        """Remove temp files left by a crash mid-write; returns how many. A temp file of a process on this host
        that has ended goes at once; one of a running process stays (it is writing it right now, e.g. the UI
        or a worker sharing this data dir); one of another host or an older version goes once it is old."""
        n = 0
        now = time.time()
        for p in self.root.rglob(".tmp-*"):
            m = _TEMP.match(p.name)
            try:
                age = now - p.stat().st_mtime
                if m and m.group(2) == _HOST:
                    pid = int(m.group(1))
                    gone = pid != os.getpid() and not pid_alive(pid)
                    stale = gone or age > LIVE_TEMP_AGE_S
                else:
                    stale = age > older_than_s
                if stale:
                    p.unlink()
                    n += 1
            except FileNotFoundError:  # its writer renamed or removed it meanwhile
                continue
        return n
