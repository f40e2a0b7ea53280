"""Which take-editor buttons can act now, and what the others honestly say.

Library actions are always there (services.library). Edit actions run as graph tools, so a button is
live only when its tool is registered in assistant.tools.TOOLS: the UI never fakes a result.
"""

from __future__ import annotations

from assistant.services import StudioServices
from library.models import Track

# take-editor op -> graph tool that does it (regenerate = in-paint the selection)
EDIT_TOOLS = {"regenerate": "inpaint", "extend": "extend", "upscale": "upscale", "stems": "separate_stems",
              "export": "export_daw", "midi": "export_midi"}
COMING = {op: f"{op} is coming: the {tool} tool is not in this build yet" for op, tool in EDIT_TOOLS.items()}


def tools() -> set[str]:
    from assistant.tools import TOOLS  # read late: tools register there as they land

    return set(TOOLS)


def available(services: StudioServices, track: Track) -> dict[str, bool]:
    have = tools()
    caps = {op: tool in have for op, tool in EDIT_TOOLS.items()}
    caps["stems"] = caps["stems"] or bool(track.stems)  # studio takes are saved with exact stems
    return caps
