"""The take editor's buttons. Library actions call services.library; edit actions run their graph tool
through the same turn as a typed command (so they are checkpointed and their takes shown with lineage)."""

from __future__ import annotations

from typing import Any

import chainlit as cl
from chainlit.logger import logger

from assistant.ui import capabilities, library_view
from assistant.ui.chat import run_turn
from assistant.ui.files import export_url, midi_url, stem_url
from assistant.ui.runtime import in_thread, services
from library.edits import AlbumNotFound, LibraryInputError
from library.repository import TrackNotFound

FLAG_OPS = {"favorite": ("favorite", "favorited", "unfavorited"), "dislike": ("disliked", "disliked", "undisliked")}


def _fmt(s: float) -> str:
    return f"{int(s // 60)}:{s % 60:04.1f}"


def _flags(track_id: int) -> dict[str, Any]:
    t = services().get_track(track_id)
    return {"favorite": t.favorite, "disliked": t.disliked, "trashed": t.trashed}


def toggle(op: str, track_id: int) -> dict[str, Any]:
    lib, (field, on_word, off_word) = services().library, FLAG_OPS[op]
    on = not getattr(services().get_track(track_id), field)
    (lib.favorite if op == "favorite" else lib.dislike)([track_id], on)
    return {"message": f"#{track_id} {on_word if on else off_word}", "props": _flags(track_id)}


def trash(op: str, track_id: int) -> dict[str, Any]:
    (services().library.trash if op == "trash" else services().library.restore)([track_id])
    word = "moved to the trash (restore it any time)" if op == "trash" else "restored from the trash"
    return {"message": f"#{track_id} {word}", "props": _flags(track_id)}


def add_to_album(track_id: int, name: str) -> dict[str, Any]:
    lib, name = services().library, name.strip()
    try:
        album = lib.add_to_album(name, [track_id])
        made = ""
    except AlbumNotFound:
        lib.create_album(name)  # naming a new album in the box is how you start one
        album = lib.add_to_album(name, [track_id])
        made = " (new album)"
    return {"message": f"#{track_id} added to album “{album.name}”{made}: {len(album.track_ids)} tracks"}


def comment(track_id: int, at_s: float, text: str) -> dict[str, Any]:
    c = services().library.comment(track_id, float(at_s), text)
    return {"message": f"comment at {_fmt(c.at_s)} saved on #{track_id}"}


def stem_links(track_id: int) -> dict[str, Any]:
    """Stems saved with the take (exact from a studio render, or from an earlier separation), as links."""
    stems = services().get_track(track_id).stems
    links = [{"label": f"{s.name} stem", "url": stem_url(track_id, s.name)} for s in stems]
    return {"message": f"{len(links)} stem{'s' if len(links) != 1 else ''} ready", "props": {"links": links}}


def midi_link(track_id: int) -> dict[str, Any]:
    exact = bool(services().get_track(track_id).midi_path)
    how = "the exact score" if exact else "transcribed from the audio when you click (takes a few seconds)"
    return {"message": f"MIDI: {how}", "props": {"links": [{"label": f"#{track_id} MIDI", "url": midi_url(track_id)}]}}


def export(track_id: int, fmt: str = "dawproject") -> dict[str, Any]:
    from assistant.export_service import ExportService  # the same service as `studio export` and REST

    out = ExportService(services()).daw(track_id, fmt)
    link = {"label": f"{out.format} project", "url": export_url(track_id, out.path.name)}
    return {"message": f"exported: {out.notes}", "props": {"links": [link]}}


def edit_route(op: str, track_id: int, p: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The command text shown in the chat and the route for an edit tool."""
    tool = capabilities.EDIT_TOOLS[op]
    if op == "regenerate":
        start, end = float(p.get("start") or 0), float(p.get("end") or 0)
        if end <= start:
            raise LibraryInputError("drag on the waveform to select the part to regenerate first")
        return (f"Regenerate {_fmt(start)}–{_fmt(end)} of track #{track_id}",
                {"tool": tool, "args": {"track": track_id, "start_s": start, "end_s": end}})
    return f"{op.capitalize()} track #{track_id}", {"tool": tool, "args": {"track": track_id}}


async def run_edit(op: str, track_id: int, p: dict[str, Any]) -> dict[str, Any]:
    text, route = edit_route(op, track_id, p)
    await cl.Message(content=text, author="You", type="user_message").send()  # the chat shows what was asked
    msg = await run_turn(text, route=route)
    return {"message": msg.content.splitlines()[0] if msg.content else "done"}


async def dispatch(p: dict[str, Any]) -> dict[str, Any]:
    op, track_id = str(p.get("op")), int(p["track"])
    if op in FLAG_OPS:
        return await in_thread(toggle, op, track_id)
    if op in ("trash", "restore"):
        return await in_thread(trash, op, track_id)
    if op == "album":
        return await in_thread(add_to_album, track_id, str(p.get("album") or ""))
    if op == "comment":
        return await in_thread(comment, track_id, float(p.get("at") or 0), str(p.get("text") or ""))
    if op == "similar":
        await library_view.send_view("similar", str(track_id))  # a list message of its own
        return {"message": "similar tracks listed below"}
    if op not in capabilities.EDIT_TOOLS:
        return {"message": f"unknown action {op!r}"}
    if op == "stems" and services().get_track(track_id).stems:
        return await in_thread(stem_links, track_id)
    if capabilities.EDIT_TOOLS[op] not in capabilities.tools():
        return {"message": capabilities.COMING[op]}
    if op == "midi":
        return await in_thread(midi_link, track_id)
    if op == "export":
        return await in_thread(export, track_id)
    return await run_edit(op, track_id, p)  # regenerate, extend, upscale, separate: a new take


@cl.action_callback("take")
async def on_take(action: cl.Action) -> dict[str, Any]:
    try:
        return await dispatch(dict(action.payload or {}))
    except (TrackNotFound, LibraryInputError, ValueError, KeyError) as err:
        return {"message": f"couldn't do that: {err}"}
    except Exception as err:  # noqa: BLE001 - export/transcription errors name their fix; the chat must say it
        logger.exception("take action failed")
        return {"message": f"couldn't do that: {err}. Nothing was saved."}
