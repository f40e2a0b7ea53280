"""Confirmation for destructive or bulk actions: the graph pauses with interrupt() and resumes on an answer.

The pause is checkpointed, so the answer may come from another process (`studio ask "yes" --thread T`).
"""

from __future__ import annotations

import re
from typing import Any

from langgraph.types import interrupt

from assistant.graph.state import ChatState
from assistant.tools.common import reply

BULK = 10  # acting on more tracks than this needs a yes
_YES = re.compile(r"^\s*(y|yes|yeah|yep|sure|ok|okay|confirm|confirmed|do it|go ahead|go for it|please do)\b[\s.!]*$",
                  re.IGNORECASE)
_NO = re.compile(r"^\s*(n|no|nope|cancel|stop|don'?t|abort|never ?mind)\b", re.IGNORECASE)


def is_yes(answer: Any) -> bool:
    return bool(_YES.match(str(answer)))


def is_answer(text: str) -> bool:
    """True when text answers a pending question (yes or no) rather than asking something new."""
    return bool(_YES.match(text) or _NO.match(text))


def question_for(route: dict[str, Any]) -> str | None:
    """The question to ask before running route, or None when it can run straight away."""
    tool, args = route.get("tool"), route.get("args") or {}
    tracks: list[Any] = args["tracks"] if isinstance(args.get("tracks"), list) else []
    if route.get("via") == "llm" and tool in ("trash", "cancel_job"):
        # A model's guess never deletes on its own (prompt injection, odd wording): the user confirms.
        what = "trash " + (_ids(tracks) if tracks else _ids([args.get("track")])) if tool == "trash" else \
            f"cancel job {args.get('job')}"
        return f"Did you mean: {what}? (yes/no)"
    if tool == "trash" and len(tracks) > 1:
        return f"Move these {len(tracks)} tracks to the trash: {_ids(tracks)}? (yes/no)"
    if tool == "cancel_job" and args.get("job") == "all":
        return "Cancel ALL scheduled jobs? (yes/no)"
    if len(tracks) > BULK:
        return f"That {str(tool).replace('_', ' ')} acts on {len(tracks)} tracks ({_ids(tracks)}). Go ahead? (yes/no)"
    return None


def _ids(tracks: list[Any]) -> str:
    shown = ", ".join(f"#{t}" if isinstance(t, int) else "the current track" for t in tracks[:12])
    return shown + (f" and {len(tracks) - 12} more" if len(tracks) > 12 else "")


def confirm(state: ChatState) -> dict[str, Any]:
    route = state.get("route") or {}
    answer = interrupt({"question": question_for(route), "route": route})
    if is_yes(answer):
        return {"confirmed": True}
    return reply("OK, cancelled: nothing was changed.", confirmed=False)
