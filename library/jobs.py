"""Background jobs with progress in the jobs table (re-index now; imports could follow), one per kind.

Each job row records its owner (library.owner): one left 'running' by a process that was killed is marked
failed at the next start (fail_orphans), instead of looking busy forever.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from library import owner
from library.db import Database
from library.models import Job, utcnow

Work = Callable[[Callable[[float, str], None]], str]  # gets a progress callback, returns a summary


class JobNotFound(LookupError):
    def __init__(self, job_id: int) -> None:
        super().__init__(f"no job #{job_id}")


@dataclass(frozen=True)
class JobView:
    id: int
    kind: str
    status: str
    progress: float
    message: str
    created_at: datetime
    finished_at: datetime | None


def _view(j: Job) -> JobView:
    return JobView(j.id, j.kind, j.status, j.progress, j.message, j.created_at, j.finished_at)


class JobRunner:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._threads: dict[int, threading.Thread] = {}
        self._lock = threading.RLock()

    def _set(self, job_id: int, **values: object) -> None:
        with self.db.session() as s:
            job = s.get(Job, job_id)
            assert job is not None
            for k, v in values.items():
                setattr(job, k, v)

    def running(self, kind: str) -> JobView | None:
        with self._lock:
            live = [i for i, t in self._threads.items() if t.is_alive()]
        with self.db.session() as s:
            job = s.scalar(select(Job).where(Job.kind == kind, Job.id.in_(live or [-1])).limit(1))
            return _view(job) if job else None

    def start(self, kind: str, work: Work, params: dict | None = None) -> JobView:
        """Start work in a thread, or return the job of this kind that is already running."""
        with self._lock:
            if (busy := self.running(kind)) is not None:
                return busy
            with self.db.session() as s:
                job = Job(kind=kind, status="running", params=params or {}, owner=owner.current())
                s.add(job)
                s.flush()
                view = _view(job)
            thread = threading.Thread(target=self._run, args=(view.id, work), name=f"job-{kind}", daemon=True)
            self._threads[view.id] = thread
            thread.start()
            return view

    def _run(self, job_id: int, work: Work) -> None:
        last = [0.0]

        def progress(frac: float, msg: str) -> None:
            if frac - last[0] >= 0.05 or frac >= 1.0:  # a row write per 5%, not per batch
                last[0] = frac
                self._set(job_id, progress=min(frac, 1.0), message=msg)

        try:
            summary = work(progress)
        except Exception as err:  # reported on the job row, which is what the caller polls  # noqa: BLE001
            self._set(job_id, status="failed", message=f"{type(err).__name__}: {err}", finished_at=utcnow())
            return
        self._set(job_id, status="done", progress=1.0, message=summary, finished_at=utcnow())

    def fail_orphans(self) -> list[int]:
        """Mark failed the jobs whose process ended while they ran (killed, crashed, rebooted); their ids."""
        with self.db.session() as s:
            rows = [j for j in s.scalars(select(Job).where(Job.status.in_(("queued", "running")), Job.owner != ""))
                    if owner.ended(j.owner)]
            for j in rows:
                j.status, j.finished_at = "failed", utcnow()
                j.message = (f"the studio process running this {j.kind} ended (killed or crashed) at "
                             f"{j.progress:.0%}: start it again")
            return [j.id for j in rows]

    def get(self, job_id: int) -> JobView:
        with self.db.session() as s:
            job = s.get(Job, job_id)
            if job is None:
                raise JobNotFound(job_id)
            return _view(job)

    def wait(self, job_id: int, timeout: float = 300.0) -> JobView:
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self.get(job_id)
