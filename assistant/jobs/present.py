"""Text for chat and CLI: one line per schedule and per run, the same words everywhere."""

from __future__ import annotations

from assistant.jobs.runtime import ScheduleView
from assistant.jobs.store import RunView


def run_line(r: RunView) -> str:
    took = f" in {r.duration_s:.1f} s" if r.duration_s is not None else ""
    pct = f" {r.progress:.0%}" if r.status == "running" else ""
    takes = f"; takes {', '.join(f'#{t}' for t in r.takes)}" if r.takes else ""
    retry = f" (attempt {r.attempt})" if r.attempt > 1 else ""
    return f"run r{r.id} {r.kind}: {r.status}{pct}{retry}{took} — {r.message or r.error}{takes}"


def schedule_line(s: ScheduleView) -> str:
    nxt = f"next {s.next_run:%a %Y-%m-%d %H:%M}" if s.next_run else "no next run"
    what = s.description or f"{s.kind} {s.args}"
    last = f"; last: {run_line(s.last_run)}" if s.last_run else ""
    return f"job {s.id} [{s.state}] {what} ({s.trigger}; {nxt}){last}"
