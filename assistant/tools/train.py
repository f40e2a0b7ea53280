"""train_lora{album | tracks, name}: a MusicGen LoRA style from library tracks, registered for their studio.

Runs in the chat turn with a chat-sized step count; the full-length run is `studio train` (or a job).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.tools.common import ToolInputError, args_of, reply, track_refs
from library.repository import TrackNotFound
from models.musicgen.errors import MusicGenError

CHAT_STEPS = 200  # enough to hear the style on a small album; `studio train --steps` for more
CHUNK_S, MIN_CHUNK_S = 10.0, 1.0


def _tracks(state: ChatState, services: StudioServices, a: dict[str, Any]) -> list[Any]:
    if a.get("album") is not None:
        try:
            ids = list(services.library.album(a["album"]).track_ids)
        except LookupError as err:
            raise ToolInputError(str(err).strip("'\"")) from err
        if not ids:
            raise ToolInputError(f"album {a['album']!r} is empty: add tracks to it first")
    else:
        ids = track_refs(state, a.get("tracks"))
    try:
        return [services.get_track(i) for i in ids]
    except TrackNotFound as err:
        raise ToolInputError(str(err).strip("'\"")) from err


def train_lora(state: ChatState, services: StudioServices) -> dict[str, Any]:
    from models.training.lora import LoraSettings
    from models.training.pipeline import train_style
    from models.training.preprocess import ChunkSpec, PreprocessError

    a = args_of(state)
    try:
        tracks = _tracks(state, services, a)
        paths: list[Path] = [services.track_path(t) for t in tracks]
        studio = Counter(t.studio for t in tracks).most_common(1)[0][0] or None  # whose takes they mostly are
        run = train_style(paths, str(a.get("name")), services.settings, studio=studio,
                          spec=ChunkSpec(seconds=CHUNK_S, min_seconds=MIN_CHUNK_S),
                          cfg=LoraSettings(steps=CHAT_STEPS, checkpoint_every=max(1, CHAT_STEPS // 4)),
                          say=lambda _msg: None)
    except (MusicGenError, PreprocessError, ToolInputError) as err:
        return reply(f"I couldn't train that style: {err}. Nothing was registered.")
    where = f" and the {studio} studio will use it" if studio else ""
    return reply(f"Trained style **{run.adapter.name}** on {len(tracks)} track(s) ({run.clips} clips, "
                 f"{run.adapter.steps} steps; loss {run.loss_before:.3f} → {run.loss_after:.3f}). It is registered"
                 f"{where}: generate with engine musicgen to hear it.")
