"""LibraryService: every library action the chat tools, the CLI and the REST API offer, one implementation.

Each public method is one transaction; batch() runs many actions on many tracks in ONE transaction,
so a failing step (an unknown track, a bad tag) leaves the library exactly as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from library import edits
from library.db import Database
from library.edits import AlbumNotFound, LibraryInputError
from library.importer import Importer, ImportReport
from library.models import Album, Comment, Export, Stem, Track, utcnow
from library.repository import TrackFilter, TrackNotFound, TrackRepository, out_of_range
from library.sidecars import migrate_sidecars
from library.store import AudioStore

BatchAction = Literal["favorite", "unfavorite", "dislike", "undislike", "trash", "restore", "tag", "untag",
                      "add_to_album", "remove_from_album"]
BATCH_ACTIONS: tuple[str, ...] = BatchAction.__args__  # type: ignore[attr-defined]
MAX_BATCH = 10_000
EDITABLE = ("title", "prompt", "description", "rating", "bpm", "key", "mood")
REQUIRED = ("title", "prompt", "description", "favorite", "disliked")  # may change, never to null


@dataclass(frozen=True)
class BatchEdit:
    track_ids: list[int]
    action: str
    album: int | str | None = None  # for add_to_album / remove_from_album
    tags: list[str] = field(default_factory=list)  # for tag / untag


@dataclass(frozen=True)
class AlbumView:
    id: int
    name: str
    description: str
    track_ids: list[int]  # running order


@dataclass(frozen=True)
class Page:
    tracks: list[Track]
    total: int


def _view(album: Album) -> AlbumView:
    return AlbumView(album.id, album.name, album.description, [e.track_id for e in album.entries])


def check_patch(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = set(changes) - {*EDITABLE, "tags", "favorite", "disliked"}
    if unknown:
        raise LibraryInputError(f"cannot edit {', '.join(sorted(unknown))}: editable are "
                                f"{', '.join([*EDITABLE, 'tags', 'favorite', 'disliked'])}")
    cleared = sorted(k for k in REQUIRED if k in changes and changes[k] is None)
    if cleared:  # the columns are NOT NULL: a null was an IntegrityError (a 500) after the checks had passed
        raise LibraryInputError(f"{', '.join(cleared)} cannot be null: leave a field out to keep it, or give a value")
    if "title" in changes and not 1 <= len(str(changes["title"]).strip()) <= 200:
        raise LibraryInputError("a title needs 1..200 characters")
    rating = changes.get("rating")
    if rating is not None and not (isinstance(rating, int) and 0 <= rating <= 5):
        raise LibraryInputError("rating is a whole number 0..5 (0 clears it)")
    bpm = changes.get("bpm")
    if bpm is not None and not 20 <= float(bpm) <= 300:
        raise LibraryInputError("bpm must be 20..300")
    return changes


def checked_ids(ids: Sequence[int]) -> list[int]:
    """ids as given; an id no row can have (0, negative, past 64 bits) is a missing track, said before any SQL
    (the database driver would overflow on it)."""
    ids = list(ids)
    for i in ids:
        if out_of_range(i):
            raise TrackNotFound(i)
    return ids


def find_album(s: Session, ref: int | str) -> Album:
    """edits.find_album, minus the refs it would crash on: an id past 64 bits (the driver overflows) and a name
    of digits int() cannot read, such as "²" (looked up as a name only)."""
    if out_of_range(ref):
        raise AlbumNotFound(ref)
    if isinstance(ref, str) and ref.strip().isdigit():
        named = s.scalar(select(Album).where(func.lower(Album.name) == ref.strip().lower()))
        if named is not None:
            return named
        if not ref.strip().isdecimal() or out_of_range(int(ref)):
            raise AlbumNotFound(ref)
    return edits.find_album(s, ref)


def _top(path: str) -> str:
    """The take folder a store path lies in ("" for a file at the store's top)."""
    return path.split("/", 1)[0] if "/" in path else ""


def _chunks(items: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:  # under SQLite's variable limit
    return [items[i:i + size] for i in range(len(items))[::size]]


def _live_paths(s: Session, paths: set[str]) -> set[str]:
    """Paths that rows (tracks, stems, exports) still point at inside the take folders of these paths, or at
    these very paths where they lie at the store's top."""
    cols = (Track.file_path, Track.midi_path, Stem.file_path, Export.file_path)
    folders = sorted({_top(p) for p in paths} - {""})
    loose = sorted(p for p in paths if not _top(p))
    live: set[str] = set()
    for col in cols:
        for chunk in _chunks(folders):
            live |= set(s.scalars(select(col).where(or_(*(col.startswith(f"{f}/") for f in chunk)))))
        for chunk in _chunks(loose):
            live |= set(s.scalars(select(col).where(col.in_(chunk))))
    return {p for p in live if p}


class LibraryService:
    def __init__(self, db: Database, store: AudioStore) -> None:
        self.db = db
        self.store = store
        self.tracks = TrackRepository(db)

    def _tx(self, work: Callable[[Session], Any]) -> Any:
        with self.db.session() as s:
            return work(s)

    # -- reading ------------------------------------------------------------------------------------
    def page(self, flt: TrackFilter) -> Page:
        return Page(self.tracks.list(flt), self.tracks.count(flt=flt))

    def get(self, track_id: int) -> Track:
        return self.tracks.get(track_id)

    def lineage(self, track_id: int) -> list[Track]:
        """The chain of takes that led to this one: the original first, this track last."""
        chain, seen = [self.get(track_id)], {track_id}
        while chain[0].parent_id is not None and chain[0].parent_id not in seen:
            seen.add(chain[0].parent_id)
            chain.insert(0, self.get(chain[0].parent_id))
        return chain

    def children(self, track_id: int) -> list[Track]:
        checked_ids([track_id])
        q = select(Track).where(Track.parent_id == track_id).order_by(Track.created_at)
        return list(self._tx(lambda s: s.scalars(q).all()))

    # -- import ----------------------------------------------------------------------------------------
    def import_paths(self, paths: Sequence[Path | str], tags: Sequence[str] = ()) -> ImportReport:
        """Audio files and folders (WAV/FLAC/MP3/OGG), autolabelled; re-importing skips duplicates."""
        return Importer(self.tracks, self.store).import_paths(paths, tags)

    def import_sidecars(self, folder: Path) -> ImportReport:
        """The old app's metadata/*.json sidecars and the audio they name."""
        return migrate_sidecars(Importer(self.tracks, self.store), folder)

    # -- one track ----------------------------------------------------------------------------------
    def update(self, track_id: int, changes: dict[str, Any]) -> Track:
        changes = check_patch(dict(changes))
        checked_ids([track_id])

        def work(s: Session) -> None:
            track = s.get(Track, track_id)
            if track is None:
                raise TrackNotFound(track_id)
            if "tags" in changes:
                track.tags = edits.tags_for(s, changes.pop("tags") or [])
            if changes.get("rating") == 0:
                changes["rating"] = None
            for name, value in changes.items():
                setattr(track, name, value.strip() if isinstance(value, str) else value)
            track.updated_at = utcnow()

        self._tx(work)
        return self.get(track_id)

    def played(self, track_id: int) -> None:
        checked_ids([track_id])

        def work(s: Session) -> None:
            track = s.get(Track, track_id)
            if track is None:
                raise TrackNotFound(track_id)
            track.play_count += 1

        self._tx(work)

    def comment(self, track_id: int, at_s: float, text: str) -> Comment:
        checked_ids([track_id])
        return self._tx(lambda s: edits.add_comment(s, track_id, at_s, text))

    def comments(self, track_id: int) -> list[Comment]:
        return list(self.get(track_id).comments)

    # -- many tracks (each is one transaction) ------------------------------------------------------
    def favorite(self, ids: Sequence[int], on: bool = True) -> list[int]:
        return self.batch(BatchEdit(list(ids), "favorite" if on else "unfavorite"))

    def dislike(self, ids: Sequence[int], on: bool = True) -> list[int]:
        return self.batch(BatchEdit(list(ids), "dislike" if on else "undislike"))

    def trash(self, ids: Sequence[int]) -> list[int]:
        return self.batch(BatchEdit(list(ids), "trash"))

    def restore(self, ids: Sequence[int]) -> list[int]:
        return self.batch(BatchEdit(list(ids), "restore"))

    def tag(self, ids: Sequence[int], tags: Sequence[str]) -> list[int]:
        return self.batch(BatchEdit(list(ids), "tag", tags=list(tags)))

    def batch(self, *steps: BatchEdit) -> list[int]:
        """Apply every step in one transaction; returns the ids acted on (in order, once each)."""
        done: dict[int, None] = {}

        def work(s: Session) -> None:
            for step in steps:
                done.update(dict.fromkeys(self._step(s, step)))

        self._tx(work)
        return list(done)

    def _step(self, s: Session, step: BatchEdit) -> list[int]:
        if len(step.track_ids) > MAX_BATCH:
            raise LibraryInputError(f"at most {MAX_BATCH} tracks per batch")
        checked_ids(step.track_ids)
        flags: dict[str, dict[str, Any]] = {
            "favorite": {"favorite": True}, "unfavorite": {"favorite": False},
            "dislike": {"disliked": True, "favorite": False}, "undislike": {"disliked": False},
            "trash": {"trashed_at": utcnow()}, "restore": {"trashed_at": None},
        }
        if step.action in flags:
            return edits.set_flags(s, step.track_ids, **flags[step.action])
        if step.action in ("tag", "untag"):
            if not step.tags:
                raise LibraryInputError(f"{step.action} needs at least one tag")
            fn = edits.add_tags if step.action == "tag" else edits.remove_tags
            return fn(s, step.track_ids, step.tags)
        if step.action in ("add_to_album", "remove_from_album"):
            if step.album is None:
                raise LibraryInputError(f"{step.action} needs an album (name or id)")
            album = find_album(s, step.album)
            if step.action == "add_to_album":
                return edits.add_to_album(s, album, step.track_ids)
            return edits.remove_from_album(s, album, step.track_ids)
        raise LibraryInputError(f"unknown batch action {step.action!r}: use one of {', '.join(BATCH_ACTIONS)}")

    # -- trash ----------------------------------------------------------------------------------------
    def empty_trash(self, ids: Sequence[int] | None = None) -> list[int]:
        """Delete trashed tracks for good (rows and files). Only tracks already in the trash qualify."""
        q = select(Track).where(Track.trashed_at.is_not(None))
        if ids is not None:
            q = q.where(Track.id.in_(checked_ids(ids)))

        def work(s: Session) -> tuple[list[int], set[str], set[str]]:
            doomed = list(s.scalars(q.options(selectinload(Track.stems))))
            gone = [t.id for t in doomed]
            paths = {p for t in doomed for p in (t.file_path, t.midi_path, *(x.file_path for x in t.stems)) if p}
            for chunk in _chunks(gone):
                paths |= set(s.scalars(select(Export.file_path).where(Export.track_id.in_(chunk))))
            for t in doomed:
                s.delete(t)
            s.flush()  # their stems and exports go with them (ON DELETE CASCADE)
            return gone, paths, _live_paths(s, paths)

        gone, paths, live = self._tx(work)
        # Files only after the rows are gone (a crash leaves files, never dead rows). A take folder goes
        # whole unless a live row still points into it (an upscale or stems take shares its parent's MIDI):
        # then only the files no row points at go, and the folder's other files (score.json) stay with it.
        kept = {_top(p) for p in live}
        for folder in {_top(p) for p in paths} - kept - {""}:
            self.store.remove_take_dir(folder)
        for path in paths - live:
            if _top(path) in kept or not _top(path):
                self.store.resolve(path).unlink(missing_ok=True)
        return gone

    def delete(self, track_id: int) -> None:
        """Permanent delete of one track; it must be in the trash first (nothing is lost by one click)."""
        track = self.get(track_id)
        if not track.trashed:
            raise LibraryInputError(f"track #{track_id} is not in the trash: trash it first, then delete it")
        self.empty_trash([track_id])

    # -- albums ---------------------------------------------------------------------------------------
    def create_album(self, name: str, description: str = "") -> AlbumView:
        return self._tx(lambda s: _view(edits.create_album(s, name, description)))

    def albums(self) -> list[AlbumView]:
        q = select(Album).options(selectinload(Album.entries)).order_by(Album.name)
        return self._tx(lambda s: [_view(a) for a in s.scalars(q)])

    def album(self, ref: int | str) -> AlbumView:
        return self._tx(lambda s: _view(find_album(s, ref)))

    def add_to_album(self, ref: int | str, ids: Sequence[int], position: int | None = None) -> AlbumView:
        def work(s: Session) -> AlbumView:
            album = find_album(s, ref)
            edits.add_to_album(s, album, checked_ids(ids), position)
            return _view(album)

        return self._tx(work)

    def remove_from_album(self, ref: int | str, ids: Sequence[int]) -> AlbumView:
        def work(s: Session) -> AlbumView:
            album = find_album(s, ref)
            edits.remove_from_album(s, album, checked_ids(ids))
            return _view(album)

        return self._tx(work)

    def reorder_album(self, ref: int | str, ids: Sequence[int]) -> AlbumView:
        def work(s: Session) -> AlbumView:
            album = find_album(s, ref)
            edits.reorder_album(album, checked_ids(ids))
            return _view(album)

        return self._tx(work)

    def delete_album(self, ref: int | str) -> None:
        """Removes the album only; its tracks stay in the library."""
        self._tx(lambda s: s.delete(find_album(s, ref)))


__all__ = ["LibraryService", "BatchEdit", "AlbumView", "Page", "LibraryInputError", "AlbumNotFound",
           "TrackNotFound", "BATCH_ACTIONS"]
