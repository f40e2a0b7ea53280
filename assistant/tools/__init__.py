"""Tool nodes: plain functions (state, services) -> partial state. TOOLS maps canonical names to them."""

from assistant.tools.edit import export_daw, export_midi, extend, inpaint, separate_stems, upscale
from assistant.tools.generate import generate
from assistant.tools.library import list_tracks
from assistant.tools.studio import chat, current_studio, select_studio

TOOLS = {
    "generate": generate,
    "list_tracks": list_tracks,
    "select_studio": select_studio,
    "current_studio": current_studio,
    "inpaint": inpaint,
    "extend": extend,
    "upscale": upscale,
    "separate_stems": separate_stems,
    "export_midi": export_midi,
    "export_daw": export_daw,
    "chat": chat,
}

__all__ = ["TOOLS"]
