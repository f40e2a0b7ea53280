"""The heavy-work slot: renders (CPU/GPU-bound) run one at a time across every caller and process.

Chat, REST, the CLI and queued or scheduled runs all render through StudioServices, which holds one of
`slots` leases ("heavy:N" rows in job_leases) while it renders. The leases live in the studio database,
so the UI process and a `studio worker` on the same data never render at once; a held lease is renewed,
a dead process's lease expires after LEASE_TTL_S, and one of a process on this host that has ended is
taken over at once (a restarted UI does not wait out the TTL of the one that crashed). Holding is
re-entrant per thread: a queued pipeline that holds the slot generates and upscales without waiting on itself.

A caller that has to wait is told for whom (on_wait), and gives up after wait_s with HeavyBusy, whose
message names the holder and how to stop it — chat uses a short wait so it answers within seconds.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError

from library.db import Database
from library.job_tables import Lease
from library.models import utcnow
from library.store import pid_alive
from studios.base import StudioError

log = logging.getLogger(__name__)
HOST = socket.gethostname()
WORKER = f"{HOST}:{os.getpid()}"
LEASE_TTL_S = 60.0  # renewed every LEASE_TTL_S / 3 while held
POLL_S = 0.25  # how often a waiting caller looks again (a read; it writes only when a slot is free)
WAIT_S = 60.0  # CLI and REST: how long a generate waits for a busy renderer before giving up
CHAT_WAIT_S = 10.0  # chat: short, then it says who is rendering instead of hanging

_held = threading.local()  # this thread's held slots: {database url: [slot, depth]}


def _mine() -> dict[str, list[Any]]:
    slots = getattr(_held, "slots", None)
    if slots is None:
        slots = _held.slots = {}
    return slots


@dataclass(frozen=True)
class Holder:
    slot: str
    label: str
    run_id: int | None
    owner: str = ""

    def gone(self) -> bool:
        """Whether the holder was a process on this host that has ended (its lease is free to take)."""
        host, _, pid = self.owner.rsplit("/", 1)[0].rpartition(":")
        return host == HOST and pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid))


class HeavyBusy(StudioError):
    """The renderer stayed busy for the whole wait. A StudioError, so every caller reports it as such."""

    def __init__(self, holder: Holder | None, waited_s: float) -> None:
        self.holder = holder
        who = holder.label if holder and holder.label else "another job"
        fix = (f"; `studio jobs cancel r{holder.run_id}` (chat: 'cancel job r{holder.run_id}') stops it"
               if holder and holder.run_id else "")
        super().__init__(f"the renderer is busy with {who} (one render at a time) and stayed busy for "
                         f"{waited_s:.0f} s: try again when it finishes{fix}")


class HeavyStopped(Exception):
    """Waiting for a slot was given up because stop() said so (the run was cancelled, or shutdown)."""


def waiting_message(holder: Holder | None) -> str:
    return f"waiting for {holder.label if holder and holder.label else 'another job'} to finish (one render at a time)"


class HeavySlots:
    def __init__(self, db: Database, slots: int = 1) -> None:
        if not 1 <= slots <= 16:
            raise ValueError(f"heavy slots must be 1..16, got {slots}")
        self.db, self.slots = db, slots
        self._key = str(db.engine.url)
        self.names = [f"heavy:{i}" for i in range(slots)]

    # -- lease rows ------------------------------------------------------------------------------
    def acquire(self, name: str, ttl_s: float, owner: str, label: str = "", run_id: int | None = None,
                take_from: str | None = None) -> bool:
        """Take (or renew) a lease; succeeds only if it is free, expired, already this owner's, or held by
        take_from (an ended process's owner string)."""
        now = utcnow()
        values = {"owner": owner, "expires_at": now + timedelta(seconds=ttl_s), "label": label[:120],
                  "run_id": run_id}
        mine = or_(Lease.owner == owner, Lease.expires_at < now,
                   *([Lease.owner == take_from] if take_from else []))
        try:
            with self.db.session() as s:
                res = s.execute(update(Lease).where(Lease.name == name, mine).values(**values))
                if getattr(res, "rowcount", 0):
                    return True
                if s.get(Lease, name) is not None:
                    return False
                s.add(Lease(name=name, **values))
            return True
        except IntegrityError:  # another process inserted it between our check and insert
            return False

    def release(self, name: str, owner: str) -> None:
        with self.db.session() as s:
            s.execute(delete(Lease).where(Lease.name == name, Lease.owner == owner))

    def holders(self) -> list[Holder]:
        """Who holds the heavy slots now (expired leases are free, so not listed)."""
        with self.db.session() as s:
            rows = s.scalars(select(Lease).where(Lease.name.in_(self.names), Lease.expires_at >= utcnow()))
            return [Holder(r.name, r.label, r.run_id, r.owner) for r in rows]

    # -- holding -----------------------------------------------------------------------------------
    @contextmanager
    def hold(self, label: str, *, run_id: int | None = None, wait_s: float | None = WAIT_S,
             on_wait: Callable[[str], None] | None = None, stop: Callable[[], bool] | None = None) -> Iterator[str]:
        """Hold a heavy slot for the block. wait_s=None waits until stop() says so (HeavyStopped)."""
        mine = _mine()
        if self._key in mine:  # re-entrant: this thread is already inside a heavy block
            mine[self._key][1] += 1
            try:
                yield mine[self._key][0]
            finally:
                mine[self._key][1] -= 1
            return
        owner = f"{WORKER[:70]}/{uuid.uuid4().hex[:8]}"
        slot = self._wait(owner, label, run_id, wait_s, on_wait, stop)
        done = threading.Event()
        beat = threading.Thread(target=self._renew, args=(slot, owner, label, run_id, done), daemon=True,
                                name=f"lease-{slot}")
        beat.start()
        mine[self._key] = [slot, 1]
        try:
            yield slot
        finally:
            del mine[self._key]
            done.set()
            beat.join()  # no renewal may land after the release (it would re-create the row)
            self.release(slot, owner)

    def _wait(self, owner: str, label: str, run_id: int | None, wait_s: float | None,
              on_wait: Callable[[str], None] | None, stop: Callable[[], bool] | None) -> str:
        start = time.monotonic()
        told = None
        while True:
            holders = self.holders()
            held = {h.slot: h for h in holders}
            for name in self.names:
                h = held.get(name)
                if h is not None and not h.gone():
                    continue
                if self.acquire(name, LEASE_TTL_S, owner, label, run_id, take_from=h.owner if h else None):
                    return name
            holders = [h for h in holders if not h.gone()]
            if stop is not None and stop():
                raise HeavyStopped(label)
            waited = time.monotonic() - start
            holder = holders[0] if holders else None
            if wait_s is not None and waited >= wait_s:
                raise HeavyBusy(holder, waited)
            message = waiting_message(holder)
            if on_wait is not None and message != told:  # once per holder, not once per poll
                on_wait(message)
                told = message
            time.sleep(POLL_S if wait_s is None else min(POLL_S, max(0.01, wait_s - waited)))

    def _renew(self, slot: str, owner: str, label: str, run_id: int | None, done: threading.Event) -> None:
        # A long single step keeps the slot; if this process dies the lease simply expires.
        while not done.wait(LEASE_TTL_S / 3):
            if not self.acquire(slot, LEASE_TTL_S, owner, label, run_id):
                log.warning("lost the heavy lease %s (this process stalled past %.0f s)", slot, LEASE_TTL_S)
