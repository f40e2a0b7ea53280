"""The node for catalogue tools that are not built yet: routed and understood, answered honestly."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.tools.common import args_of, reply

ToolNode = Callable[..., dict[str, Any]]


def _coming(state: ChatState, services: StudioServices, tool: str) -> dict[str, Any]:
    args = ", ".join(f"{k}={v}" for k, v in args_of(state).items())
    what = tool.replace("_", " ")
    return reply(f"I understood that as **{tool}**({args}), but {what} is not built yet: it is coming. "
                 "Nothing was changed.")


def coming(tool: str) -> ToolNode:
    return functools.partial(_coming, tool=tool)
