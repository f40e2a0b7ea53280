"""Library tool nodes: list_tracks{filters}, favorite, dislike, trash, restore, create_album, add_to_album,
comment. Each names the track(s) it acted on; refusals change nothing and say why."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from assistant.graph.state import ChatState
from assistant.services import StudioServices
from assistant.tools.common import ToolInputError, args_of, reply, track_ref, track_refs
from library.edits import AlbumNotFound, LibraryInputError
from library.repository import FilterError, TrackFilter, TrackNotFound

LIST_LIMIT = 20
_REFUSED = (ToolInputError, TrackNotFound, AlbumNotFound, LibraryInputError, FilterError)
Node = Callable[[ChatState, StudioServices], dict[str, Any]]


def refusing(node: Node) -> Node:
    """Turn the library's named errors into a plain reply: nothing changed, here is why."""
    def wrapped(state: ChatState, services: StudioServices) -> dict[str, Any]:
        try:
            return node(state, services)
        except _REFUSED as err:
            return reply(f"I couldn't do that: {err}. Nothing was changed.")

    wrapped.__name__ = node.__name__
    wrapped.__doc__ = node.__doc__
    return wrapped


def names(services: StudioServices, ids: list[int]) -> str:
    parts = []
    for i in ids:
        t = services.library.get(i)
        parts.append(f"#{t.id} **{t.title}**")
    return ", ".join(parts)


def _filter(services: StudioServices, f: dict[str, Any]) -> TrackFilter:
    album = f.get("album")
    return TrackFilter(
        studio=f.get("studio"), favorites=bool(f.get("favorites")), trashed_only=bool(f.get("trashed")),
        hide_disliked=f.get("disliked") is False, disliked_only=bool(f.get("disliked")),
        album_id=services.library.album(album).id if album else None,
        key=f.get("key"), bpm_min=f.get("min_bpm"), bpm_max=f.get("max_bpm"),
        sort="position" if album else "created", descending=not album, limit=LIST_LIMIT)


@refusing
def list_tracks(state: ChatState, services: StudioServices) -> dict[str, Any]:
    filters = dict(args_of(state).get("filters") or {})
    page = services.library.page(_filter(services, filters))
    if not page.tracks:
        if services.tracks.count(include_trashed=True) == 0:
            return reply("The library is empty. Try: *make a 20 second chiptune track at 140 bpm*.")
        return reply("No tracks match that." if not filters.get("trashed") else "The trash is empty.")
    rows = [f"- #{t.id} **{t.title}** · {t.studio or 'imported'} · {t.duration_s:.1f} s · "
            f"{t.bpm:g} BPM · {t.key}{' · ♥' if t.favorite else ''}" if t.bpm else
            f"- #{t.id} **{t.title}** · {t.duration_s:.1f} s" for t in page.tracks]
    what = "in the trash" if filters.get("trashed") else "matching" if any(filters.values()) else "in your library"
    head = f"{page.total} track{'s' if page.total != 1 else ''} {what}" + (
        "; in album order:" if filters.get("album") else "; newest first:")
    return reply("\n".join([head, *rows]))


def _flag(action: str, done: str) -> Node:
    @refusing
    def node(state: ChatState, services: StudioServices) -> dict[str, Any]:
        a = args_of(state)
        ids = track_refs(state, a["tracks"]) if a.get("tracks") else [track_ref(state, a.get("track"))]
        acted = getattr(services.library, action)(ids)
        hint = " Say *restore track N* to bring one back." if action == "trash" else ""
        return reply(f"{done.capitalize()}: {names(services, acted)}.{hint}", current_track=acted[-1])

    node.__name__ = action
    return node


favorite = _flag("favorite", "marked as favorite")
dislike = _flag("dislike", "marked as disliked")
trash = _flag("trash", "moved to the trash")
restore = _flag("restore", "restored from the trash")


@refusing
def create_album(state: ChatState, services: StudioServices) -> dict[str, Any]:
    album = services.library.create_album(str(args_of(state).get("name") or ""))
    return reply(f"Created the album **{album.name}**. Add tracks with *add track 3 to {album.name}*.")


@refusing
def add_to_album(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)
    ids = track_refs(state, a.get("tracks") or ["@current"])
    name = str(a.get("album") or "").strip()
    created = ""
    for tid in ids:  # every track first: a missing one must not leave a new, empty album behind
        services.library.get(tid)
    try:
        services.library.album(name)
    except AlbumNotFound:
        services.library.create_album(name)
        created = " (a new album)"
    album = services.library.add_to_album(name, ids)
    return reply(f"Added {names(services, ids)} to **{album.name}**{created}; it now has "
                 f"{len(album.track_ids)} track{'s' if len(album.track_ids) != 1 else ''}.",
                 current_track=ids[-1])


@refusing
def comment(state: ChatState, services: StudioServices) -> dict[str, Any]:
    a = args_of(state)
    tid = track_ref(state, a.get("track"))
    c = services.library.comment(tid, float(a.get("at_s") or 0.0), str(a.get("text") or ""))
    return reply(f"Noted on {names(services, [tid])} at {c.at_s:.1f} s: “{c.text}”.", current_track=tid)
