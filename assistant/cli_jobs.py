"""`studio listen`, `studio schedule`, `studio jobs ...` and `studio worker` (registered by assistant/cli.py)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

console = Console(highlight=False)  # job lines hold "[active]": printed with markup=False
err_console = Console(stderr=True)
jobs_app = typer.Typer(help="Scheduled jobs and their runs.", no_args_is_help=True)


def _fail(message: str) -> None:
    err_console.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(2)


def _runtime(run_scheduler: bool = False) -> Any:
    from assistant.cli import _services
    from assistant.jobs.runtime import runtime_for

    return runtime_for(_services(), run_scheduler)


@contextmanager
def _job_errors(suffix: str = "") -> Iterator[None]:
    """A job error becomes a one-line message and exit code 2 (imports stay lazy for `studio --help`)."""
    from assistant.jobs.context import JobError
    from assistant.jobs.queue import QueueFull
    from assistant.jobs.store import JobNotFound

    try:
        yield
    except (JobError, JobNotFound, QueueFull, json.JSONDecodeError) as err:
        _fail(f"{err}{suffix}")


def _say(text: str) -> None:
    console.print(text, markup=False, soft_wrap=True)


def listen(
    file: str = typer.Argument(..., help="A wav/flac/ogg/mp3 voice command."),
    thread: str = typer.Option("cli", help="Conversation id, as for `studio ask`."),
    run: bool = typer.Option(True, "--run/--no-run", help="Run the transcript as a chat turn."),
) -> None:
    """Transcribe a spoken command, print it, and run it as a chat turn (like `studio ask`)."""
    from assistant.cli import _services
    from models.asr import ASRError, load_audio, normalise_transcript, transcribe

    services = _services()
    try:
        heard = transcribe(load_audio(Path(file)), services.settings)
    except ASRError as err:
        _fail(str(err))
    text = normalise_transcript(heard.text)
    _say(f"heard: {text}")
    err_console.print(f"({heard.backend}, {heard.duration_s:.1f} s audio in {heard.seconds:.2f} s)")
    if run and text:
        from assistant.graph.runner import ChatRunner

        result = ChatRunner(services).turn(text, thread)
        console.print(result.reply)
        for t in result.takes:
            console.print(f"take: track #{t['id']}  {t['path']}", soft_wrap=True)


def schedule(
    text: str = typer.Argument(None, help="e.g. 'every night at 2am generate five chiptune tracks'."),
    job: str = typer.Option(None, help="Job kind instead of plain language: generate, pipeline, reindex, watch."),
    cron: str = typer.Option(None, help="With --job: a 5-field cron line, e.g. '0 2 * * *'."),
    args: str = typer.Option("{}", help="With --job: the job's arguments as JSON."),
    retries: int = typer.Option(1, min=0, max=10, help="Extra attempts when a run fails."),
    retry_delay: float = typer.Option(60.0, min=0, help="Seconds between attempts."),
) -> None:
    """Schedule a job in plain language (or --job/--cron); it persists in the studio database."""
    from assistant.jobs.phrases import When
    from assistant.jobs.present import schedule_line
    from assistant.jobs.queue import RetryPolicy

    with _job_errors(". Nothing was scheduled."):
        rt, policy = _runtime(), RetryPolicy(retries, retry_delay)
        if job:
            if not cron:
                _fail("--job needs --cron (or give the whole sentence instead)")
            view = rt.schedule(job, json.loads(args), When(cron=cron), text or f"{job} {cron}", policy)
        elif text:
            view = rt.schedule_text(text, policy)
        else:
            _fail("say what and when, e.g. studio schedule \"reindex every Sunday\"")
    _say(f"scheduled: {schedule_line(view)}")
    console.print("it runs while `studio worker` is running")


@jobs_app.command("list")
def list_jobs(all_: bool = typer.Option(False, "--all", help="Include cancelled and finished jobs.")) -> None:
    """Scheduled jobs with their next and last run."""
    from assistant.jobs.present import schedule_line

    rows = _runtime().schedules(all_)
    if not rows:
        console.print("No scheduled jobs. Try: studio schedule \"reindex every Sunday\"")
    for s in rows:
        _say(schedule_line(s))


def _change(action: str, job: str) -> None:
    from assistant.jobs.present import run_line, schedule_line

    rt = _runtime()
    if job != "all" and not job.isdigit() and not (action == "cancel" and re.fullmatch(r"r\d+", job.lower())):
        _fail(f"{job!r} is not a job id: `studio jobs list` shows them (runs are rN)")
    with _job_errors():
        if action == "cancel" and job.lower().startswith("r") and job[1:].isdigit():
            _say(f"cancel requested: {run_line(rt.queue.cancel(int(job[1:])))}")
            return
        ids = [s.id for s in rt.schedules()] if job == "all" else [int(job)]
        for i in ids:
            _say(f"{action}: {schedule_line(getattr(rt, action)(i))}")


@jobs_app.command()
def pause(job: str = typer.Argument(..., help="Job id or 'all'.")) -> None:
    """Stop a job firing until resumed."""
    _change("pause", job)


@jobs_app.command()
def resume(job: str = typer.Argument(..., help="Job id or 'all'.")) -> None:
    """Let a paused job fire again."""
    _change("resume", job)


@jobs_app.command()
def cancel(job: str = typer.Argument(..., help="Job id, run id (r12) or 'all'.")) -> None:
    """Remove a scheduled job (stopping its runs), or stop one run."""
    _change("cancel", job)


@jobs_app.command()
def runs(job: int = typer.Option(None, help="Only this scheduled job's runs."),
         limit: int = typer.Option(20, min=1, max=500)) -> None:
    """Run records: status, attempt, duration, produced takes, errors."""
    from assistant.jobs.present import run_line

    for r in _runtime().store.runs(job, limit):
        _say(f"{r.created_at:%Y-%m-%d %H:%M:%S}  {run_line(r)}")


@jobs_app.command("run")
def run_now(kind: str = typer.Argument(..., help="generate, pipeline, reindex, watch, list_tracks."),
            args: str = typer.Option("{}", help="The job's arguments as JSON."),
            retries: int = typer.Option(0, min=0, max=10)) -> None:
    """Queue a job now in this process and wait for it (progress in the run record)."""
    from assistant.jobs.present import run_line
    from assistant.jobs.queue import RetryPolicy

    rt = _runtime()
    with _job_errors():
        run_id = rt.run_now(kind, json.loads(args), "cli", RetryPolicy(retries, 1.0))
    view = rt.queue.wait(run_id, timeout=24 * 3600)
    _say(run_line(view))
    if view.status != "done":
        raise typer.Exit(1)


def worker(seconds: float = typer.Option(0, "--for", help="Stop after this many seconds (0: until Ctrl-C)."),
           until_idle: bool = typer.Option(False, help="Stop once no job is scheduled or running (batch use)."),
           ) -> None:
    """Run the scheduler: fire due jobs through the queue and print each run it finished."""
    from assistant.jobs.present import run_line
    from assistant.jobs.store import WORKER

    rt = _runtime(run_scheduler=True)
    _say(f"worker: {len(rt.schedules())} scheduled job(s); Ctrl-C stops")
    seen: set[int] = set()  # runs this process finished and printed (the scheduler may fire before this line)
    end = time.monotonic() + seconds if seconds else float("inf")
    try:
        while time.monotonic() < end:
            time.sleep(min(1.0, max(0.05, end - time.monotonic())))
            # Idle is judged before printing, so the last finished run is printed before stopping.
            idle = until_idle and not rt.schedules() and not rt.store.runs(limit=1, active_only=True)
            for r in reversed(rt.store.runs(limit=50)):
                if r.id not in seen and r.worker == WORKER and r.status in ("done", "failed", "cancelled"):
                    seen.add(r.id)
                    _say(run_line(r))
            if idle:
                break
    except KeyboardInterrupt:
        pass
    finally:
        rt.shutdown()


def register(app: typer.Typer) -> None:
    app.command()(listen)
    app.command()(schedule)
    app.command()(worker)
    app.add_typer(jobs_app, name="jobs")
