"""schedule{job, cron|when, args}, list_jobs, cancel_job{job}: scheduled jobs from chat.

Schedules are stored in the studio database; `studio worker` fires them (see assistant/jobs).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from assistant.graph.state import ChatState
from assistant.jobs.context import JobError
from assistant.jobs.phrases import When, parse_every, parse_when
from assistant.jobs.present import run_line, schedule_line
from assistant.jobs.runtime import runtime_for
from assistant.jobs.store import JobNotFound
from assistant.services import StudioServices
from assistant.tools.common import args_of, reply

_WORKER_HINT = "It runs while `studio worker` is running."


def when_of(a: dict[str, Any]) -> When:
    if a.get("cron"):
        return When(cron=str(a["cron"]))
    text = str(a.get("when") or "")
    if (cron := parse_every(text)) is not None:
        return When(cron=cron)
    at = parse_when(text, datetime.now().astimezone())
    if at is None:
        raise JobError(f"I can't read a time in {text!r}: say e.g. 'tonight at 2am' or 'in 10 minutes'")
    return When(at=at)


def schedule(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)
    try:
        view = runtime_for(services).schedule(str(a.get("job", "")), dict(a.get("args") or {}), when_of(a),
                                              description=str(a.get("when") or a.get("cron") or ""))
    except JobError as err:
        return reply(f"I couldn't schedule that: {err}. Nothing was scheduled.")
    return reply(f"Scheduled: {schedule_line(view)}. {_WORKER_HINT} Say 'cancel job {view.id}' to stop it.")


def list_jobs(state: ChatState, services: StudioServices) -> dict[str, Any]:
    rt = runtime_for(services)
    lines = [f"- {schedule_line(s)}" for s in rt.schedules()]
    active = [f"- {run_line(r)}" for r in rt.store.runs(limit=10, active_only=True)]
    if not lines and not active:
        return reply("No scheduled jobs. Try: 'every night at 2am generate five chiptune tracks'.")
    return reply("\n".join(["Scheduled jobs:", *lines] if lines else []) +
                 ("\n" + "\n".join(["Running now:", *active]) if active else ""))


def cancel_job(state: ChatState, services: StudioServices) -> dict[str, Any]:
    ref = str(args_of(state).get("job", "")).strip().lower()
    rt = runtime_for(services)
    try:
        if ref == "all":
            gone = [rt.cancel(s.id).id for s in rt.schedules()]
            return reply(f"Cancelled {len(gone)} scheduled job(s)." if gone else "There were no scheduled jobs.")
        if ref.startswith("r") and ref[1:].isdigit():
            return reply(f"Cancel requested: {run_line(rt.queue.cancel(int(ref[1:])))}")
        if not ref.isdigit():
            return reply("Which job? Say e.g. 'cancel job 2' ('list jobs' shows them), or 'cancel all jobs'.")
        return reply(f"Cancelled: {schedule_line(rt.cancel(int(ref)))}")
    except JobNotFound as err:
        return reply(f"I couldn't cancel that: {err}.")
