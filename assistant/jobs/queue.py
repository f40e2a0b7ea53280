"""The job queue: bounded concurrency shared by chat, REST and the scheduler, with cancellation.

Heavy jobs (renders, pipelines) hold a heavy slot (assistant/jobs/heavy.py: a DB lease shared with chat,
REST and CLI renders and with other studio processes) for their whole run, so one heavy thing runs at a
time; a queued run waits for it with "waiting for ..." as its message. Light jobs (index, imports) have
their own small pool. Failed runs are retried per their policy.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from assistant.jobs.context import JobCancelled, JobContext, JobError, JobOutcome
from assistant.jobs.heavy import HeavyStopped
from assistant.jobs.kinds import kind_of
from assistant.jobs.store import RunStore, RunView
from assistant.services import StudioServices
from library.job_tables import FINISHED

log = logging.getLogger(__name__)
MAX_PENDING = 200


class QueueFull(RuntimeError):
    def __init__(self) -> None:
        super().__init__(f"the job queue already holds {MAX_PENDING} runs: wait, or cancel some "
                         "(`studio jobs runs`, `studio jobs cancel rN`)")


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 1  # extra attempts after a failure
    delay_s: float = 60.0

    def __post_init__(self) -> None:
        if not 0 <= self.retries <= 10 or not 0 <= self.delay_s <= 86400:
            raise JobError("retries must be 0..10 and the retry delay 0..86400 s")


Done = Callable[[RunView], None]


class JobQueue:
    def __init__(self, services: StudioServices, store: RunStore, light_slots: int = 2):
        self.services, self.store = services, store
        self._heavy = ThreadPoolExecutor(services.heavy.slots, thread_name_prefix="job-heavy")
        self._light = ThreadPoolExecutor(light_slots, thread_name_prefix="job-light")
        self._pending: dict[int, Future[None]] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()

    def submit(self, kind: str, args: dict[str, Any], source: str, *, policy: RetryPolicy | None = None,
               schedule_id: int | None = None, fire_key: str | None = None, attempt: int = 1,
               done: Done | None = None) -> int | None:
        """Queue a run; returns its id, or None when fire_key was claimed already (no double run)."""
        kind_of(kind)  # an unknown kind is refused before a run is claimed
        with self._lock:
            self._pending = {i: f for i, f in self._pending.items() if not f.done()}
            if len(self._pending) >= MAX_PENDING:
                raise QueueFull()
        run_id = self.store.claim(kind, args, source, schedule_id, fire_key, attempt)
        if run_id is None:
            return None
        self.enqueue(run_id, kind, args, source, policy=policy, schedule_id=schedule_id, fire_key=fire_key,
                     attempt=attempt, done=done)
        return run_id

    def enqueue(self, run_id: int, kind: str, args: dict[str, Any], source: str, *,
                policy: RetryPolicy | None = None, schedule_id: int | None = None, fire_key: str | None = None,
                attempt: int = 1, done: Done | None = None) -> None:
        """Queue a run already claimed by this process (submit, or a retry it adopted after a crash)."""
        k = kind_of(kind)
        job = _Job(run_id, kind, args, source, policy or RetryPolicy(0), schedule_id, fire_key, attempt, done)
        pool = self._heavy if k.heavy else self._light
        fut = pool.submit(self._execute, job, k.heavy)
        with self._lock:
            self._pending[run_id] = fut

    def cancel(self, run_id: int) -> RunView:
        return self.store.request_cancel(run_id)

    def wait(self, run_id: int, timeout: float = 600.0) -> RunView:
        """Block until the run (and any retries of it already queued) has finished or timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            view = self.store.run(run_id)
            if view.status in ("done", "failed", "cancelled"):
                return view
            time.sleep(0.05)
        return self.store.run(run_id)

    def shutdown(self, wait: bool = True) -> None:
        self._closed.set()
        self._heavy.shutdown(wait=wait, cancel_futures=not wait)
        self._light.shutdown(wait=wait, cancel_futures=not wait)

    # -- execution ---------------------------------------------------------------------------------
    def _execute(self, job: _Job, heavy: bool) -> None:
        if not heavy:
            self._finished(job, self._run(job))
            return

        def stop() -> bool:  # cancelled while it waited, or this process is stopping
            return self._closed.is_set() or self.store.run(job.run_id).status in FINISHED

        try:
            with self.services.heavy.hold(f"run r{job.run_id} ({job.kind})", run_id=job.run_id, wait_s=None,
                                          on_wait=lambda msg: self._waiting(job.run_id, msg), stop=stop):
                view = self._run(job)
        except HeavyStopped:
            view = self.store.run(job.run_id)
            if view.status not in FINISHED:
                view = self.store.finish(job.run_id, "cancelled", "this process stopped before the run started")
        self._finished(job, view)

    def _waiting(self, run_id: int, message: str) -> None:
        self.store.progress(run_id, 0.0, message)  # `studio jobs runs` shows whom a queued run waits for

    def _run(self, job: _Job) -> RunView:
        if not self.store.start(job.run_id):  # cancelled while it waited
            return self.store.run(job.run_id)
        return self._attempt(job)

    def _attempt(self, job: _Job) -> RunView:
        def report(frac: float, msg: str) -> bool:
            return self.store.progress(job.run_id, frac, msg)

        ctx = JobContext(self.services, job.run_id, report)
        try:
            out: JobOutcome = kind_of(job.kind).fn(ctx, job.args)
        except JobCancelled as err:
            return self.store.finish(job.run_id, "cancelled", str(err))
        except Exception as err:  # any failure is recorded on the run (and retried), never lost  # noqa: BLE001
            log.warning("run r%s (%s) failed: %s", job.run_id, job.kind, err)
            detail = "" if isinstance(err, JobError) else traceback.format_exc(limit=4)
            return self.store.finish(job.run_id, "failed", f"{type(err).__name__}: {err}", detail or str(err))
        return self.store.finish(job.run_id, "done", out.summary, takes=out.takes)

    def _finished(self, job: _Job, view: RunView) -> None:
        if view.status == "failed" and job.attempt <= job.policy.retries and not self._closed.is_set():
            timer = threading.Timer(job.policy.delay_s, self._retry, args=(job,))
            timer.daemon = True
            timer.start()
            return
        if job.done is not None:
            job.done(view)

    def _retry(self, job: _Job) -> None:
        base = job.fire_key.rsplit("#", 1)[0] if job.fire_key else None
        key = f"{base}#{job.attempt + 1}" if base else None
        new_id = self.submit(job.kind, job.args, job.source, policy=job.policy, schedule_id=job.schedule_id,
                             fire_key=key, attempt=job.attempt + 1, done=job.done)
        log.info("run r%s retried as r%s", job.run_id, new_id)


@dataclass(frozen=True)
class _Job:
    run_id: int
    kind: str
    args: dict[str, Any]
    source: str
    policy: RetryPolicy
    schedule_id: int | None
    fire_key: str | None
    attempt: int
    done: Done | None
