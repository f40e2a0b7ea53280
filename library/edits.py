"""Edits that run inside a caller's transaction, so one request or one batch is all-or-nothing.

Each function takes an open Session; library.service wraps them in Database.session().
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from library.db import mark_changed
from library.models import Album, AlbumTrack, Comment, Tag, Track, track_tags, utcnow
from library.repository import TrackNotFound

MAX_TAG = 60
MAX_COMMENT = 2000
MAX_NAME = 200


class LibraryInputError(ValueError):
    """A request the library refuses; nothing was changed. The message says what to do instead."""


class AlbumNotFound(LookupError):
    def __init__(self, ref: int | str) -> None:
        super().__init__(f"no album {ref!r} (see `studio album list`)")


def existing(s: Session, ids: Sequence[int]) -> list[int]:
    """ids, deduplicated in order; raises TrackNotFound for the first one missing."""
    unique = list(dict.fromkeys(int(i) for i in ids))
    if not unique:
        raise LibraryInputError("no tracks given")
    found = set(s.scalars(select(Track.id).where(Track.id.in_(unique))))
    for i in unique:
        if i not in found:
            raise TrackNotFound(i)
    return unique


def set_flags(s: Session, ids: Sequence[int], **values: object) -> list[int]:
    """One UPDATE for many tracks (favorite, disliked, trashed_at ...); bumps updated_at for the index."""
    ids = existing(s, ids)
    s.execute(update(Track).where(Track.id.in_(ids)).values(**values, updated_at=utcnow()))
    mark_changed(s, ids)
    return ids


def tag_names(names: Sequence[str]) -> list[str]:
    clean = list(dict.fromkeys(n.strip().lower() for n in names if n and n.strip()))
    for n in clean:
        if len(n) > MAX_TAG:
            raise LibraryInputError(f"tag {n[:20]!r}… is longer than {MAX_TAG} characters")
    return clean


def tags_for(s: Session, names: Sequence[str]) -> list[Tag]:
    clean = tag_names(names)
    have = {t.name: t for t in s.scalars(select(Tag).where(Tag.name.in_(clean)))}
    for n in clean:
        if n not in have:
            have[n] = Tag(name=n)
            s.add(have[n])
    return [have[n] for n in clean]


def add_tags(s: Session, ids: Sequence[int], names: Sequence[str]) -> list[int]:
    """Set-based (two statements whatever the batch size): 1,000 tracks in milliseconds, not seconds."""
    ids = existing(s, ids)
    tags = tags_for(s, names)
    s.flush()  # new tags get their ids
    tag_ids = [t.id for t in tags]
    have = {(r[0], r[1]) for r in s.execute(select(track_tags.c.track_id, track_tags.c.tag_id).where(
        track_tags.c.track_id.in_(ids), track_tags.c.tag_id.in_(tag_ids)))}
    rows = [{"track_id": i, "tag_id": g} for i in ids for g in tag_ids if (i, g) not in have]
    if rows:
        s.execute(insert(track_tags), rows)
    return set_flags(s, ids)  # bumps updated_at so the index re-embeds the new words


def remove_tags(s: Session, ids: Sequence[int], names: Sequence[str]) -> list[int]:
    ids = existing(s, ids)
    tag_ids = select(Tag.id).where(Tag.name.in_(tag_names(names)))
    s.execute(delete(track_tags).where(track_tags.c.track_id.in_(ids), track_tags.c.tag_id.in_(tag_ids)))
    return set_flags(s, ids)


def find_album(s: Session, ref: int | str) -> Album:
    album = s.get(Album, ref) if isinstance(ref, int) else s.scalar(
        select(Album).where(func.lower(Album.name) == str(ref).strip().lower()))
    if album is None and isinstance(ref, str) and ref.strip().isdigit():
        album = s.get(Album, int(ref))
    if album is None:
        raise AlbumNotFound(ref)
    return album


def create_album(s: Session, name: str, description: str = "") -> Album:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise LibraryInputError(f"an album needs a name of 1..{MAX_NAME} characters")
    if s.scalar(select(Album.id).where(func.lower(Album.name) == name.lower())) is not None:
        raise LibraryInputError(f"there is already an album called {name!r}")
    album = Album(name=name, description=description)
    s.add(album)
    s.flush()
    return album


def add_to_album(s: Session, album: Album, ids: Sequence[int], position: int | None = None) -> list[int]:
    """Insert tracks (in the given order) at position (default: the end); tracks already on it move."""
    ids = existing(s, ids)
    by_track = {e.track_id: e for e in album.entries}
    keep = [e for e in album.entries if e.track_id not in ids]
    at = len(keep) if position is None else max(0, min(position, len(keep)))
    placed = [by_track.get(i) or AlbumTrack(track_id=i, position=0) for i in ids]
    renumber(album, [*keep[:at], *placed, *keep[at:]])
    mark_changed(s, ids)
    return ids


def remove_from_album(s: Session, album: Album, ids: Sequence[int]) -> list[int]:
    drop = set(ids)
    gone = [e.track_id for e in album.entries if e.track_id in drop]
    if not gone:
        raise LibraryInputError(f"none of those tracks is on album {album.name!r}")
    renumber(album, [e for e in album.entries if e.track_id not in drop])  # delete-orphan drops the rest
    mark_changed(s, gone)
    return gone


def reorder_album(album: Album, ids: Sequence[int]) -> None:
    by_track = {e.track_id: e for e in album.entries}
    if sorted(ids) != sorted(by_track):
        raise LibraryInputError(f"give every track of {album.name!r} exactly once: {sorted(by_track)}")
    renumber(album, [by_track[i] for i in ids])


def renumber(album: Album, entries: Sequence[AlbumTrack]) -> None:
    for i, e in enumerate(entries):
        e.position = i
    album.entries = list(entries)


def add_comment(s: Session, track_id: int, at_s: float, text: str) -> Comment:
    track = s.get(Track, track_id)
    if track is None:
        raise TrackNotFound(track_id)
    text = (text or "").strip()
    if not text or len(text) > MAX_COMMENT:
        raise LibraryInputError(f"a comment needs 1..{MAX_COMMENT} characters of text")
    if not 0 <= at_s <= track.duration_s + 1e-6:
        raise LibraryInputError(f"at_s must be within the take: 0..{track.duration_s:.1f} s, not {at_s:g}")
    comment = Comment(track_id=track_id, at_s=float(at_s), text=text)
    s.add(comment)
    track.updated_at = utcnow()  # comments are part of the indexed text
    s.flush()
    return comment
