"""Tool nodes: plain functions (state, services) -> partial state. TOOLS maps canonical names to them."""

from assistant.tools.generate import generate
from assistant.tools.library import list_tracks
from assistant.tools.studio import chat, current_studio, select_studio

TOOLS = {
    "generate": generate,
    "list_tracks": list_tracks,
    "select_studio": select_studio,
    "current_studio": current_studio,
    "chat": chat,
}

__all__ = ["TOOLS"]
