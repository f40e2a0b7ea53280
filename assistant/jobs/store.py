"""RunStore: schedules and run records in the studio database, one short transaction each.

The tables are created and upgraded by Alembic with the library's (library/job_tables.py, revisions 0004
and 0005); the heavy-work leases are assistant/jobs/heavy.py's. Every run records the process that queued it
(owner, library.owner): a run whose process was killed is marked failed by the next start (fail_orphans), and
a scheduled one is retried when its schedule allows another attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.jobs.heavy import WORKER
from library import owner
from library.db import Database
from library.job_tables import FINISHED, OWNER_ANY, Run, Schedule
from library.models import utcnow
from library.store import pid_alive

__all__ = ["WORKER", "JobNotFound", "RunStore", "RunView"]


class JobNotFound(LookupError):
    def __init__(self, what: str) -> None:
        super().__init__(f"no {what}: `studio jobs list` shows the scheduled jobs, `studio jobs runs` the runs")


@dataclass(frozen=True)
class RunView:
    id: int
    schedule_id: int | None
    kind: str
    status: str
    attempt: int
    progress: float
    message: str
    error: str
    takes: list[int]
    duration_s: float | None
    created_at: datetime
    source: str
    started_at: datetime | None = None
    finished_at: datetime | None = None
    worker: str = ""


def _view(r: Run) -> RunView:
    return RunView(r.id, r.schedule_id, r.kind, r.status, r.attempt, r.progress, r.message, r.error,
                   list(r.takes or []), r.duration_s, r.created_at, r.source, r.started_at, r.finished_at,
                   r.worker)


def _aware(t: datetime) -> datetime:
    return t if t.tzinfo else t.replace(tzinfo=utcnow().tzinfo)  # SQLite hands back naive UTC


class RunStore:
    def __init__(self, db: Database) -> None:
        self.db = db  # opening it ran the migrations, job tables included

    # -- schedules ---------------------------------------------------------------------------------
    def add_schedule(self, kind: str, args: dict[str, Any], trigger: str, description: str,
                     retries: int, retry_delay_s: float) -> Schedule:
        with self.db.session() as s:
            row = Schedule(kind=kind, args=args, trigger=trigger, description=description, retries=retries,
                           retry_delay_s=retry_delay_s)
            s.add(row)
            s.flush()
            return row

    def schedule(self, schedule_id: int) -> Schedule:
        with self.db.session() as s:
            row = s.get(Schedule, schedule_id)
            if row is None:
                raise JobNotFound(f"scheduled job {schedule_id}")
            return row

    def schedules(self, include_ended: bool = False) -> list[Schedule]:
        q = select(Schedule).order_by(Schedule.id)
        if not include_ended:
            q = q.where(Schedule.state.in_(("active", "paused")))
        with self.db.session() as s:
            return list(s.scalars(q))

    def set_state(self, schedule_id: int, state: str) -> None:
        with self.db.session() as s:
            s.execute(update(Schedule).where(Schedule.id == schedule_id).values(state=state))

    # -- runs -------------------------------------------------------------------------------------
    def claim(self, kind: str, args: dict[str, Any], source: str, schedule_id: int | None = None,
              fire_key: str | None = None, attempt: int = 1) -> int | None:
        """A new queued run; None when fire_key was already claimed (by this or another process)."""
        try:
            with self.db.session() as s:
                row = Run(kind=kind, args=args, source=source, schedule_id=schedule_id, fire_key=fire_key,
                          attempt=attempt, owner=owner.current())
                s.add(row)
                s.flush()
                return row.id
        except IntegrityError:
            return None

    def start(self, run_id: int) -> bool:
        """queued -> running; False when it was cancelled while waiting."""
        with self.db.session() as s:
            res = s.execute(update(Run).where(Run.id == run_id, Run.status == "queued")
                            .values(status="running", started_at=utcnow(), worker=WORKER, owner=owner.current()))
            return bool(getattr(res, "rowcount", 0))

    def progress(self, run_id: int, frac: float, message: str) -> bool:
        """Record progress; returns whether a cancel was requested (the job then stops)."""
        with self.db.session() as s:
            s.execute(update(Run).where(Run.id == run_id).values(progress=min(max(frac, 0.0), 1.0),
                                                                 message=message[:500]))
            return bool(s.scalar(select(Run.cancel_requested).where(Run.id == run_id)))

    def finish(self, run_id: int, status: str, message: str = "", error: str = "",
               takes: list[int] | None = None) -> RunView:
        with self.db.session() as s:
            row = s.get(Run, run_id)
            if row is None:
                raise JobNotFound(f"run r{run_id}")
            now = utcnow()
            row.status, row.message, row.error = status, message[:2000], error[:4000]
            row.takes = list(takes or [])
            row.finished_at = now
            row.duration_s = (now - _aware(row.started_at)).total_seconds() if row.started_at else 0.0
            if status == "done":
                row.progress = 1.0
            return _view(row)

    def request_cancel(self, run_id: int) -> RunView:
        """Queued runs are cancelled at once; running ones stop at their next progress step."""
        with self.db.session() as s:
            row = s.get(Run, run_id)
            if row is None:
                raise JobNotFound(f"run r{run_id}")
            if row.status not in FINISHED:
                row.cancel_requested = True
                if row.status == "queued":
                    row.status, row.finished_at, row.duration_s = "cancelled", utcnow(), 0.0
            return _view(row)

    def run(self, run_id: int) -> RunView:
        with self.db.session() as s:
            row = s.get(Run, run_id)
            if row is None:
                raise JobNotFound(f"run r{run_id}")
            return _view(row)

    def runs(self, schedule_id: int | None = None, limit: int = 20, active_only: bool = False) -> list[RunView]:
        q = select(Run).order_by(Run.id.desc()).limit(max(1, min(limit, 500)))
        if schedule_id is not None:
            q = q.where(Run.schedule_id == schedule_id)
        if active_only:
            q = q.where(Run.status.not_in(FINISHED))
        with self.db.session() as s:
            return [_view(r) for r in s.scalars(q)]

    # -- crash recovery ------------------------------------------------------------------------------
    def fail_orphans(self) -> list[RunView]:
        """Runs a process that has ended left queued or running (killed, crashed, rebooted): marked failed,
        so they do not look alive. A scheduled one whose schedule allows another attempt is retried: a new
        queued run that the next `studio worker` takes (adopt). Returns the failed runs."""
        with self.db.session() as s:
            rows = [r for r in s.scalars(select(Run).where(Run.status.in_(("queued", "running", "retrying"))))
                    if _ended(r)]
        return [v for v in (self._fail_orphan(r) for r in rows) if v is not None]

    def _fail_orphan(self, r: Run) -> RunView | None:
        started = r.status == "running"
        try:
            with self.db.session() as s:
                # Compare-and-set: of two processes recovering at once, one marks the run and makes the retry.
                res = s.execute(update(Run).where(Run.id == r.id, Run.status == r.status, Run.owner == r.owner)
                                .values(status="failed", finished_at=utcnow(),
                                        error="the studio process running it ended (killed or crashed) "
                                              + ("mid-run" if started else "before it started")))
                if not getattr(res, "rowcount", 0):
                    return None
                row = s.get(Run, r.id)
                assert row is not None
                row.message = _orphan_message(s, row, started)
                return _view(row)
        except IntegrityError:  # another process recorded the same retry first: it marks this run too
            return None

    def adopt(self) -> list[Run]:
        """Take the retries waiting for a worker (OWNER_ANY): each is this process's alone once returned."""
        with self.db.session() as s:
            ids = list(s.scalars(select(Run.id).where(Run.status == "queued", Run.owner == OWNER_ANY)))
        mine = []
        for run_id in ids:
            with self.db.session() as s:
                res = s.execute(update(Run).where(Run.id == run_id, Run.owner == OWNER_ANY, Run.status == "queued")
                                .values(owner=owner.current()))
                if getattr(res, "rowcount", 0) and (row := s.get(Run, run_id)) is not None:
                    mine.append(row)
        return mine


def _ended(r: Run) -> bool:
    """Whether the run's process has ended. Runs from before revision 0005 have no owner: judged by the
    worker that started them (host:pid on this host), as then."""
    if r.owner:
        return owner.ended(r.owner)
    host, _, pid = (r.worker or "").rpartition(":")
    return (bool(r.worker) and host == WORKER.split(":")[0] and pid.isdigit() and r.worker != WORKER
            and not pid_alive(int(pid)))


def _orphan_message(s: Session, row: Run, started: bool) -> str:
    """What became of a run whose process ended: retried as rN when its schedule allows another attempt."""
    what = (f"its studio process ended at {row.progress:.0%}" if started
            else "its studio process ended while it waited in the queue")
    sched = s.get(Schedule, row.schedule_id) if row.schedule_id is not None else None
    if sched is None or not row.fire_key:
        return f"{what}: not retried (only scheduled jobs are); start it again"
    if sched.state != "active" or row.attempt > sched.retries:
        why = f"the schedule is {sched.state}" if sched.state != "active" else \
            f"attempt {row.attempt} of {sched.retries + 1} was its last"
        if sched.trigger.startswith("at ") and sched.state == "active":
            sched.state = "finished"  # a one-off that will not run again
        return f"{what}: not retried ({why})"
    retry = Run(kind=row.kind, args=dict(row.args or {}), source=row.source, schedule_id=row.schedule_id,
                fire_key=f"{row.fire_key.rsplit('#', 1)[0]}#{row.attempt + 1}", attempt=row.attempt + 1,
                owner=OWNER_ANY, message=f"retry of r{row.id}, whose studio process ended: runs when "
                                         "`studio worker` runs")
    s.add(retry)
    s.flush()  # a second recovery's retry of the same fire collides here (unique fire key)
    return f"{what}: retried as r{retry.id} (attempt {retry.attempt} of {sched.retries + 1})"
