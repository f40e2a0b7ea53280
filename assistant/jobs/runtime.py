"""JobRuntime: one per process and StudioServices — the run store, the queue and the scheduler.

Chat tools, the CLI, REST and `studio worker` all go through it, so a schedule made in chat is the
same row `studio jobs list` shows and the worker fires.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from assistant.jobs.context import JobError
from assistant.jobs.kinds import kind_of
from assistant.jobs.phrases import SchedulePlan, When, parse_schedule
from assistant.jobs.queue import JobQueue, RetryPolicy
from assistant.jobs.scheduler import JobScheduler, fire_key
from assistant.jobs.store import RunStore, RunView
from assistant.services import StudioServices
from library.job_tables import Schedule


@dataclass(frozen=True)
class ScheduleView:
    id: int
    kind: str
    args: dict[str, Any]
    trigger: str
    description: str
    state: str
    next_run: datetime | None
    last_run: RunView | None


class JobRuntime:
    def __init__(self, services: StudioServices, run_scheduler: bool = False) -> None:
        self.services = services
        self.store = RunStore(services.db)
        self.store.fail_orphans()  # StudioServices did at its start; again here for a long-lived services
        self.queue = JobQueue(services, self.store)  # heavy slots: services.heavy
        self.scheduler = JobScheduler(services.db.engine, self._fire, run=run_scheduler)
        if run_scheduler:
            self.adopt_retries()

    def adopt_retries(self) -> list[int]:
        """Queue here the retries of scheduled runs whose process was killed (made by fail_orphans)."""
        ids = []
        for run in self.store.adopt():
            sched = self.store.schedule(run.schedule_id) if run.schedule_id is not None else None
            policy = RetryPolicy(sched.retries, sched.retry_delay_s) if sched else RetryPolicy(0)
            done = self._one_off_done(sched.id) if sched and sched.trigger.startswith("at ") else None
            self.queue.enqueue(run.id, run.kind, dict(run.args or {}), run.source, policy=policy,
                               schedule_id=run.schedule_id, fire_key=run.fire_key, attempt=run.attempt, done=done)
            ids.append(run.id)
        return ids

    def _one_off_done(self, schedule_id: int) -> Any:
        return lambda _view: self.store.set_state(schedule_id, "finished")

    # -- scheduling --------------------------------------------------------------------------------
    def schedule(self, kind: str, args: dict[str, Any], when: When, description: str = "",
                 policy: RetryPolicy | None = None) -> ScheduleView:
        kind_of(kind)  # unknown kinds are refused before anything is stored
        policy = policy or RetryPolicy()
        if when.at is not None and when.at <= datetime.now(when.at.tzinfo):
            raise JobError(f"{when.at:%Y-%m-%d %H:%M} is in the past: pick a later time")
        row = self.store.add_schedule(kind, args, when.trigger_text(), description, policy.retries, policy.delay_s)
        try:
            self.scheduler.add(row.id, when)
        except BaseException:
            self.store.set_state(row.id, "cancelled")  # no row that looks scheduled but never fires
            raise
        return self.view(self.store.schedule(row.id))

    def schedule_text(self, text: str, policy: RetryPolicy | None = None) -> ScheduleView:
        plan: SchedulePlan = parse_schedule(text, datetime.now().astimezone())
        return self.schedule(plan.kind, plan.args, plan.when, plan.description, policy)

    def pause(self, schedule_id: int) -> ScheduleView:
        self.store.schedule(schedule_id)
        self.scheduler.pause(schedule_id)
        self.store.set_state(schedule_id, "paused")
        return self.view(self.store.schedule(schedule_id))

    def resume(self, schedule_id: int) -> ScheduleView:
        self.store.schedule(schedule_id)
        self.scheduler.resume(schedule_id)
        self.store.set_state(schedule_id, "active")
        return self.view(self.store.schedule(schedule_id))

    def cancel(self, schedule_id: int) -> ScheduleView:
        """Remove the trigger and stop its queued or running runs."""
        self.store.schedule(schedule_id)
        self.scheduler.remove(schedule_id)
        self.store.set_state(schedule_id, "cancelled")
        for run in self.store.runs(schedule_id, limit=50, active_only=True):
            self.store.request_cancel(run.id)
        return self.view(self.store.schedule(schedule_id))

    def schedules(self, include_ended: bool = False) -> list[ScheduleView]:
        return [self.view(s) for s in self.store.schedules(include_ended)]

    def view(self, row: Schedule) -> ScheduleView:
        last = self.store.runs(row.id, limit=1)
        return ScheduleView(row.id, row.kind, dict(row.args or {}), row.trigger, row.description, row.state,
                            self.scheduler.next_run(row.id), last[0] if last else None)

    # -- running -----------------------------------------------------------------------------------
    def run_now(self, kind: str, args: dict[str, Any], source: str, policy: RetryPolicy | None = None) -> int:
        run_id = self.queue.submit(kind, args, source, policy=policy)
        assert run_id is not None  # only fire keys can collide; a manual run has none
        return run_id

    def _fire(self, schedule_id: int, at: datetime, done: Any) -> None:
        """A trigger fired (in a worker): claim this fire in the DB, then queue it."""
        row = self.store.schedule(schedule_id)
        if row.state != "active":
            done(None)
            return
        policy = RetryPolicy(row.retries, row.retry_delay_s)

        def finished(view: RunView) -> None:
            if row.trigger.startswith("at "):
                self.store.set_state(schedule_id, "finished")
            done(view)

        run_id = self.queue.submit(row.kind, dict(row.args or {}), "scheduler", policy=policy,
                                   schedule_id=schedule_id, fire_key=fire_key(schedule_id, at), done=finished)
        if run_id is None:  # another process claimed this fire first
            done(None)

    def shutdown(self) -> None:
        self.scheduler.shutdown()
        self.queue.shutdown(wait=False)


_runtimes: weakref.WeakKeyDictionary[StudioServices, JobRuntime] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def runtime_for(services: StudioServices, run_scheduler: bool = False) -> JobRuntime:
    """The process's runtime for these services (chat tools and REST share it)."""
    with _lock:
        rt = _runtimes.get(services)
        if rt is None:
            rt = _runtimes[services] = JobRuntime(services, run_scheduler)
        return rt
