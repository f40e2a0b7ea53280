"""The one StudioServices and ChatRunner of the chat server, shared by every module of the adapter."""

from __future__ import annotations

import asyncio
import tempfile
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from assistant.graph.runner import ChatRunner
from assistant.services import StudioServices

T = TypeVar("T")
WARM = threading.Event()


@lru_cache(maxsize=1)
def services() -> StudioServices:
    return StudioServices()


@lru_cache(maxsize=1)
def runner() -> ChatRunner:
    return ChatRunner(services())


def warm_up() -> None:
    """Render two seconds in the default studio and throw them away: the first render in a process pays
    for imports, JIT and soundfont loading (~7 s on 2 busy cores), which the first chat message should not."""
    from studios.base import GenerationRequest

    try:
        s = services()
        engine = s.studios.get(s.studios.current_id)
        render = engine.generate(GenerationRequest("warm-up", 2.0, None, None, 0, 1).validated(),
                                 sample_rate=s.settings.sample_rate)
        _warm_quality_check(render.audio, render.sample_rate)
    finally:
        WARM.set()  # turns wait for this: a studio engine is not promised to be safe for two renders at once


def _warm_quality_check(audio: Any, rate: int) -> None:
    """The generate tool checks every take's tempo and key (assistant.agents.quality); its first call
    imports and JIT-compiles the analysis (~15 s on busy cores). Run it once on a temp file, outside the library."""
    import soundfile as sf

    from assistant.agents.quality import check_file

    with tempfile.TemporaryDirectory(prefix="studio-warm-") as tmp:
        path = f"{tmp}/warm.wav"
        sf.write(path, audio, rate)
        check_file(path, 120.0, "C")  # with a tempo and key: those analyses are the slow first calls


async def warmed() -> None:
    await in_thread(WARM.wait, 120)


async def in_thread(fn: Callable[..., T], *args: Any, **kw: Any) -> T:
    """Blocking service calls (DB, DSP, rendering) off the event loop, so the chat stays responsive."""
    return await asyncio.get_running_loop().run_in_executor(None, lambda: fn(*args, **kw))
