"""Tool nodes: plain functions (state, services) -> partial state. TOOLS maps canonical names to them."""

from assistant.tools.agents import enhance_prompt
from assistant.tools.edit import export_daw, export_midi, extend, inpaint, separate_stems, upscale
from assistant.tools.generate import generate
from assistant.tools.jobs import cancel_job, list_jobs, schedule
from assistant.tools.library import add_to_album, comment, create_album, dislike, favorite, list_tracks, restore, trash
from assistant.tools.similar import find_similar, reindex
from assistant.tools.studio import chat, current_studio, select_studio
from assistant.tools.train import train_lora

TOOLS = {
    "generate": generate,
    "enhance_prompt": enhance_prompt,
    "list_tracks": list_tracks,
    "favorite": favorite,
    "dislike": dislike,
    "trash": trash,
    "restore": restore,
    "create_album": create_album,
    "add_to_album": add_to_album,
    "comment": comment,
    "find_similar": find_similar,
    "reindex": reindex,
    "select_studio": select_studio,
    "current_studio": current_studio,
    "schedule": schedule,
    "list_jobs": list_jobs,
    "cancel_job": cancel_job,
    "inpaint": inpaint,
    "extend": extend,
    "upscale": upscale,
    "separate_stems": separate_stems,
    "export_midi": export_midi,
    "export_daw": export_daw,
    "train_lora": train_lora,
    "chat": chat,
}

__all__ = ["TOOLS"]
