"""Which process a row belongs to, told apart from any later one: job rows record their owner when they are
queued or started, and the next start marks the rows of owners that have ended (killed, crashed, rebooted).

An owner is "host:pid:boot:start": boot is the kernel's boot id (pid 812 after a reboot is another process),
start the process's start time in clock ticks (a pid the kernel handed out again is another process too).
Where /proc is missing (not Linux) both are empty and only the pid is judged. Other hosts are never judged:
their processes cannot be seen from here.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

from library.store import pid_alive

HOST = socket.gethostname()[:60]
_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


def _boot() -> str:
    try:
        return _BOOT_ID.read_text().strip().replace("-", "")[:12]
    except OSError:
        return ""


def _start(pid: int) -> str | None:
    """The process's start time ("" where /proc cannot tell), or None when no such process is running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        if not Path("/proc/self/stat").exists():  # no /proc here: ask the kernel about the pid alone
            return "" if pid_alive(pid) else None
        return None
    except OSError:
        return ""
    fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)", which may itself hold spaces or ')'
    if fields[0] in ("Z", "X"):  # a zombie has ended; only its exit status is left to collect
        return None
    return fields[19] if len(fields) > 19 else ""


_mine: tuple[int, str] | None = None


def current() -> str:
    """This process's owner string (recomputed after a fork)."""
    global _mine
    pid = os.getpid()
    if _mine is None or _mine[0] != pid:
        _mine = (pid, f"{HOST}:{pid}:{_boot()}:{_start(pid) or ''}")
    return _mine[1]


def ended(owner: str) -> bool:
    """Whether owner was a process of this host that is no longer running. An empty, foreign or unreadable
    owner is not judged (False): only a process known to be gone frees its rows."""
    parts = owner.rsplit(":", 3)
    if len(parts) != 4 or parts[0] != HOST or not parts[1].isdigit():
        return False
    pid, boot, start = int(parts[1]), parts[2], parts[3]
    if owner == current():
        return False
    now_boot = _boot()
    if boot and now_boot and boot != now_boot:  # the machine restarted since
        return True
    running = _start(pid)
    return running is None or bool(start and running and running != start)
