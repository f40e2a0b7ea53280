"""Stop for a chat turn's running work: the UI's Stop marks the thread, long operations check it.

Renders run in a worker thread that asyncio cannot cancel, so the tool nodes hand a progress callback
(stoppable()) to the services; services call progress between steps (each MusicGen token step, each
take, before a take is filed), and a stopped thread's next call raises TurnStopped there, before
anything is saved.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from studios.errors import StudioError

# Stops per thread, counted: a callback made before the latest stop of its thread is stopped, one made
# after it (the user's next message) is not, so a new turn never un-stops a render still winding down.
_STOPS: dict[str, int] = {}
_LOCK = threading.Lock()


class TurnStopped(StudioError):
    def __init__(self) -> None:
        super().__init__("you stopped it")
        self.kept: list[Any] = []  # takes a multi-take operation had filed before the stop


def request(thread_id: str) -> None:
    with _LOCK:
        _STOPS[thread_id] = _STOPS.get(thread_id, 0) + 1


def _current_thread() -> str | None:
    from langgraph.config import get_config

    try:
        return str(get_config()["configurable"]["thread_id"])
    except (RuntimeError, KeyError):  # outside a graph run (CLI, REST): nothing to stop from here
        return None


def stoppable(progress: Callable[[str, float], None] | None = None) -> Callable[[str, float], None]:
    """A progress callback for the graph thread running now that raises TurnStopped once it is stopped."""
    thread = _current_thread()
    seen = _STOPS.get(thread, 0) if thread is not None else 0

    def check(message: str, fraction: float) -> None:
        if thread is not None and _STOPS.get(thread, 0) != seen:
            raise TurnStopped()
        if progress is not None:
            progress(message, fraction)

    return check
