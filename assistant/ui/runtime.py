"""The one StudioServices and ChatRunner of the chat server, shared by every module of the adapter."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from assistant.graph.runner import ChatRunner
from assistant.services import StudioServices

T = TypeVar("T")


@lru_cache(maxsize=1)
def services() -> StudioServices:
    return StudioServices()


@lru_cache(maxsize=1)
def runner() -> ChatRunner:
    return ChatRunner(services())


async def in_thread(fn: Callable[..., T], *args: Any, **kw: Any) -> T:
    """Blocking service calls (DB, DSP, rendering) off the event loop, so the chat stays responsive."""
    return await asyncio.get_running_loop().run_in_executor(None, lambda: fn(*args, **kw))
