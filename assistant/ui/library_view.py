"""The library in the chat: favorites, albums, trash, search and similar tracks as compact lists with
players (the TrackList element), and its batch buttons (add the checked tracks to an album, trash, restore)."""

from __future__ import annotations

from typing import Any

import chainlit as cl

from assistant.api import audio_url
from assistant.ui.runtime import in_thread, services
from library.edits import AlbumNotFound, LibraryInputError
from library.models import Track
from library.repository import TrackFilter, TrackNotFound
from library.search import SimilarQuery

VIEWS = {"favorites": "★ Favorites", "recent": "Recent takes", "trash": "Trash", "albums": "Albums",
         "search": "Search"}
LIST_SIZE = 25


def row(t: Track, score: float | None = None) -> dict[str, Any]:
    return {"id": t.id, "title": t.title, "studio": t.studio, "duration": round(t.duration_s, 1),
            "bpm": round(t.bpm) if t.bpm else None, "key": t.key, "url": audio_url(t.id), "favorite": t.favorite,
            "trashed": t.trashed, **({"score": round(score, 3)} if score is not None else {})}


def rows_for(view: str, arg: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    """(title, rows) of one library view; arg = album name, search text or track id."""
    lib = services().library
    if view == "favorites":
        return VIEWS[view], [row(t) for t in lib.page(TrackFilter(favorites=True, limit=LIST_SIZE)).tracks]
    if view == "trash":
        return VIEWS[view], [row(t) for t in lib.page(TrackFilter(trashed_only=True, limit=LIST_SIZE)).tracks]
    if view == "recent":
        return VIEWS[view], [row(t) for t in lib.page(TrackFilter(limit=LIST_SIZE)).tracks]
    if view == "album":
        album = lib.album(str(arg))
        flt = TrackFilter(album_id=album.id, sort="position", descending=False, limit=LIST_SIZE)
        return f"Album “{album.name}”", [row(t) for t in lib.page(flt).tracks]
    if view == "search":  # by meaning (text embeddings, CLAP when configured), like "find tracks like ..."
        matches = services().search.similar(SimilarQuery(query=str(arg), k=10))
        return f"Tracks like “{arg}”", [row(m.track, m.score) for m in matches]
    if view == "similar":
        matches = services().search.similar(SimilarQuery(track_id=int(str(arg)), k=8))
        return f"Similar to #{arg}", [row(m.track, m.score) for m in matches if m.track.id != int(str(arg))]
    raise LibraryInputError(f"unknown library view {view!r}")


def album_names() -> list[str]:
    return [a.name for a in services().library.albums()]


async def send_view(view: str, arg: str | None = None) -> None:
    if view == "albums":
        albums = await in_thread(services().library.albums)
        actions = [cl.Action(name="library", payload={"view": "album", "arg": a.name},
                             label=f"{a.name} ({len(a.track_ids)})") for a in albums]
        await cl.Message(content="Your albums:" if albums else "No albums yet: type a name in a take's box and press "
                         "*Add to album*.", actions=actions).send()
        return
    title, rows = await in_thread(rows_for, view, arg)
    props = {"title": title, "view": view, "arg": arg, "tracks": rows, "albums": await in_thread(album_names)}
    element = cl.CustomElement(name="TrackList", props=props, display="inline")
    await cl.Message(content=f"{title}: {len(rows)} track{'s' if len(rows) != 1 else ''}",
                     elements=[element]).send()  # type: ignore[list-item]


def batch(op: str, ids: list[int], album: str | None) -> str:
    lib = services().library
    if not ids:
        raise LibraryInputError("tick at least one track first")
    if op == "album":
        name = (album or "").strip()
        try:
            view = lib.add_to_album(name, ids)
        except AlbumNotFound:
            lib.create_album(name)
            view = lib.add_to_album(name, ids)
        return f"{len(ids)} track(s) added to “{view.name}” ({len(view.track_ids)} in it now)"
    if op in ("trash", "restore", "favorite"):
        done = getattr(lib, op)(ids)
        return f"{op}: {', '.join(f'#{i}' for i in done)}"
    raise LibraryInputError(f"unknown batch action {op!r}")


def library_actions() -> list[cl.Action]:
    return [cl.Action(name="library", payload={"view": v}, label=label) for v, label in VIEWS.items()]


async def ask_search() -> str | None:
    answer = await cl.AskUserMessage(content="What should I look for? (e.g. *dark boss battle*)", timeout=300).send()
    # Chainlit's ask marks a task as running again when answered ("task_start"), and an action callback
    # (unlike a message) has no wrapper that ends it: without this the chat keeps its Stop button for good.
    await cl.context.emitter.task_end()
    text = str((answer or {}).get("output") or "").strip()
    return text or None


@cl.action_callback("library")
async def on_library(action: cl.Action) -> None:
    p = dict(action.payload or {})
    try:
        if p.get("view") == "search" and not p.get("arg"):
            p["arg"] = await ask_search()
            if not p["arg"]:
                return
        await send_view(str(p.get("view")), p.get("arg"))
    except (LibraryInputError, TrackNotFound, AlbumNotFound) as err:
        await cl.Message(content=f"I couldn't show that: {err}").send()


@cl.action_callback("batch")
async def on_batch(action: cl.Action) -> dict[str, Any]:
    p = dict(action.payload or {})
    try:
        ids = [int(i) for i in p.get("tracks") or []]
        message = await in_thread(batch, str(p.get("op")), ids, p.get("album"))
    except (LibraryInputError, TrackNotFound, AlbumNotFound, ValueError) as err:
        return {"message": f"couldn't do that: {err}"}
    view, arg = str(p.get("view") or "recent"), p.get("arg")
    _, rows = await in_thread(rows_for, view, arg) if view != "albums" else ("", [])
    return {"message": message, "props": {"tracks": rows, "albums": await in_thread(album_names)}}
