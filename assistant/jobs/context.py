"""What a job function gets (services, progress that doubles as the cancel check) and returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assistant.services import StudioServices


class JobError(RuntimeError):
    """A job that cannot run as asked; the message names the fix. Recorded on the run row."""


class JobCancelled(Exception):
    """Raised inside a job at its next progress step after `cancel`; the run is recorded cancelled."""


@dataclass
class JobOutcome:
    summary: str
    takes: list[int] = field(default_factory=list)


@dataclass
class JobContext:
    services: StudioServices
    run_id: int
    report: Callable[[float, str], bool]  # (fraction, message) -> cancel requested?
    extra: dict[str, Any] = field(default_factory=dict)

    def progress(self, message: str, frac: float) -> None:
        """StudioServices' Progress signature; stops the job when a cancel was requested."""
        if self.report(frac, message):
            raise JobCancelled(f"cancelled at: {message}")


JobFn = Callable[[JobContext, dict[str, Any]], JobOutcome]
