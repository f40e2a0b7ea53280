"""APScheduler over the studio database: triggers persist in apscheduler_jobs, runs go to the JobQueue.

Never a double run: coalesce=True and max_instances=1 within a process, and across processes each
fire is claimed by a unique row (schedule@fire-time#attempt) in job_runs — the database refuses the
second claim, so two workers (or a restarted one) cannot both run the same fire.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.executors.base import BaseExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from assistant.jobs.context import JobError
from assistant.jobs.phrases import When, named_weekdays
from assistant.jobs.store import JobNotFound, RunView

FUNC_REF = "assistant.jobs.scheduler:scheduled"
MISFIRE_GRACE_S = 6 * 3600  # a 2am job missed while the machine slept still runs (once) on wake-up
WAKEUP_S = 5.0  # a worker re-reads the job store this often: jobs added by other processes are seen

Fire = Callable[[int, datetime, Callable[[RunView | None], None]], None]


def scheduled(schedule_id: int) -> None:
    """The stored job's callable. QueueExecutor intercepts every fire, so this only runs if a stock
    executor is configured by mistake: say so rather than run outside the queue and its claim."""
    raise JobError(f"schedule {schedule_id} fired outside the studio job queue; run `studio worker`")


class QueueExecutor(BaseExecutor):
    """Hands each fire (with its scheduled time, which the claim needs) to the runtime's queue."""

    def __init__(self, fire: Fire) -> None:
        super().__init__()
        self._fire = fire

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        def done(_view: RunView | None) -> None:
            self._run_job_success(job.id, [])  # frees the max_instances slot

        # Coalesced: several missed fire times run once, keyed by the latest.
        threading.Thread(target=self._fire, args=(int(job.kwargs["schedule_id"]), run_times[-1], done),
                         daemon=True, name=f"fire-{job.id}").start()


def trigger_for(when: When) -> CronTrigger | DateTrigger:
    if when.cron:
        try:
            return CronTrigger.from_crontab(named_weekdays(when.cron))
        except ValueError as err:
            raise JobError(f"bad cron line {when.cron!r}: {err} (five fields: minute hour day month weekday)") \
                from err
    if when.at is None:
        raise JobError("a schedule needs a cron line or a time")
    return DateTrigger(run_date=when.at)


def fire_key(schedule_id: int, at: datetime, attempt: int = 1) -> str:
    return f"{schedule_id}@{at.astimezone(UTC).isoformat(timespec='seconds')}#{attempt}"


class JobScheduler:
    """run=False (chat, CLI, REST): edits the persisted schedule but never fires; `studio worker` runs."""

    def __init__(self, engine: Any, fire: Fire, run: bool) -> None:
        self.running = run
        self._sched = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs")},
            executors={"default": QueueExecutor(fire)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_S})
        self._sched.start(paused=not run)
        self._stop = threading.Event()
        if run:
            threading.Thread(target=self._tick, daemon=True, name="scheduler-wakeup").start()

    def _tick(self) -> None:
        # APScheduler sleeps until its next known fire; other processes' new jobs need a nudge.
        while not self._stop.wait(WAKEUP_S):
            self._sched.wakeup()

    def add(self, schedule_id: int, when: When) -> datetime | None:
        job = self._sched.add_job(FUNC_REF, trigger_for(when), id=str(schedule_id),
                                  kwargs={"schedule_id": schedule_id}, replace_existing=True)
        return self.next_run(schedule_id) if job else None

    def next_run(self, schedule_id: int) -> datetime | None:
        job = self._sched.get_job(str(schedule_id))
        return getattr(job, "next_run_time", None) if job else None

    def pause(self, schedule_id: int) -> None:
        self._call(self._sched.pause_job, schedule_id)

    def resume(self, schedule_id: int) -> None:
        self._call(self._sched.resume_job, schedule_id)

    def remove(self, schedule_id: int) -> None:
        try:
            self._sched.remove_job(str(schedule_id))
        except JobLookupError:
            pass  # a one-off job that already fired is gone from the store; the schedule row remains

    def _call(self, fn: Callable[[str], Any], schedule_id: int) -> None:
        try:
            fn(str(schedule_id))
        except JobLookupError as err:
            raise JobNotFound(f"active trigger for job {schedule_id} (one-off jobs end after they run)") from err

    def shutdown(self) -> None:
        self._stop.set()
        self._sched.shutdown(wait=False)
