"""Track repository: the one place that reads and writes library rows (graph, CLI, API, UI all use it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from library.db import Database
from library.models import AlbumTrack, Stem, Tag, Track

SORTS = {
    "created": Track.created_at, "updated": Track.updated_at, "title": Track.title, "bpm": Track.bpm,
    "rating": Track.rating, "plays": Track.play_count, "duration": Track.duration_s, "id": Track.id,
}
MAX_PAGE = 1000
MAX_ID = 2**63 - 1  # the largest id SQLite (and PostgreSQL's bigint) stores; a bigger one overflows the driver


def out_of_range(value: object) -> bool:
    """True for a whole number no row id can be (0, negative, past 64 bits): a missing row, said before any SQL."""
    return isinstance(value, int) and not 1 <= value <= MAX_ID


class TrackNotFound(LookupError):
    def __init__(self, track_id: int) -> None:
        what = "with a number that large" if isinstance(track_id, int) and abs(track_id) > MAX_ID else f"#{track_id}"
        super().__init__(f"no track {what} in the library (see `studio tracks` for the ids)")
        self.track_id = track_id


class FilterError(ValueError):
    """A filter or sort the library does not understand; the message lists what it does."""


@dataclass(frozen=True)
class TrackFilter:
    studio: str | None = None
    favorites: bool = False
    include_trashed: bool = False
    limit: int = 50
    offset: int = 0
    trashed_only: bool = False  # the trash view
    hide_disliked: bool = False
    disliked_only: bool = False
    text: str | None = None  # substring of title, prompt or description
    album_id: int | None = None
    tag: str | None = None
    key: str | None = None
    mood: str | None = None
    bpm_min: float | None = None
    bpm_max: float | None = None
    operation: str | None = None
    sort: str = "created"  # see SORTS; "position" = running order of album_id
    descending: bool = True

    def checked(self) -> TrackFilter:
        if self.sort not in SORTS and self.sort != "position":
            raise FilterError(f"unknown sort {self.sort!r}: use one of {', '.join([*SORTS, 'position'])}")
        if self.sort == "position" and self.album_id is None:
            raise FilterError("sort 'position' needs an album")
        if not 1 <= self.limit <= MAX_PAGE or not 0 <= self.offset <= MAX_ID:
            raise FilterError(f"limit must be 1..{MAX_PAGE} and offset 0..{MAX_ID}")
        if self.album_id is not None and out_of_range(self.album_id):
            raise FilterError(f"album id must be 1..{MAX_ID}")
        for name in ("bpm_min", "bpm_max"):
            value = getattr(self, name)
            if value is not None and value != value:  # NaN compares false with everything: name it instead
                raise FilterError(f"{name} must be a number of BPM")
        return self


def filtered(q: Select, flt: TrackFilter) -> Select:
    """Apply every filter of flt to a select over Track (shared by list and count)."""
    if flt.trashed_only:
        q = q.where(Track.trashed_at.is_not(None))
    elif not flt.include_trashed:
        q = q.where(Track.trashed_at.is_(None))
    equal = {Track.studio: flt.studio, Track.key: flt.key, Track.mood: flt.mood, Track.operation: flt.operation}
    for col, value in equal.items():
        if value:
            q = q.where(col == value)
    if flt.favorites:
        q = q.where(Track.favorite.is_(True))
    if flt.hide_disliked:
        q = q.where(Track.disliked.is_(False))
    if flt.disliked_only:
        q = q.where(Track.disliked.is_(True))
    if flt.bpm_min is not None:
        q = q.where(Track.bpm >= flt.bpm_min)
    if flt.bpm_max is not None:
        q = q.where(Track.bpm <= flt.bpm_max)
    if flt.text:
        # The words are literal: "100%" or "my_take" must not act as LIKE wildcards (a lone "%" matched everything).
        like = "%" + flt.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        q = q.where(or_(*(col.ilike(like, escape="\\") for col in (Track.title, Track.prompt, Track.description))))
    if flt.tag:
        q = q.where(Track.tags.any(Tag.name == flt.tag.strip().lower()))
    if flt.album_id is not None:
        q = q.join(AlbumTrack, AlbumTrack.track_id == Track.id).where(AlbumTrack.album_id == flt.album_id)
    return q


def _ordered(q: Select, flt: TrackFilter) -> Select:
    col = AlbumTrack.position if flt.sort == "position" else SORTS[flt.sort]
    if flt.descending:
        return q.order_by(col.desc(), Track.id.desc())
    return q.order_by(col.asc(), Track.id.asc())


class TrackRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, track: Track, stems: dict[str, str] | None = None) -> Track:
        with self.db.session() as s:
            for name, path in (stems or {}).items():
                track.stems.append(Stem(name=name, file_path=path))
            s.add(track)
            s.flush()
            s.refresh(track, ["stems", "tags", "comments"])
        return track

    def get(self, track_id: int) -> Track:
        if out_of_range(track_id):
            raise TrackNotFound(track_id)
        with self.db.session() as s:
            track = s.get(Track, track_id, options=[selectinload(Track.stems), selectinload(Track.tags),
                                                    selectinload(Track.comments)])
            if track is None:
                raise TrackNotFound(track_id)
            return track

    def list(self, flt: TrackFilter | None = None) -> list[Track]:
        flt = (flt or TrackFilter()).checked()
        q = filtered(select(Track), flt).options(selectinload(Track.stems), selectinload(Track.tags))
        q = _ordered(q, flt).limit(flt.limit).offset(flt.offset)
        with self.db.session() as s:
            return list(s.scalars(q))

    def count(self, include_trashed: bool = False, flt: TrackFilter | None = None) -> int:
        flt = flt or TrackFilter(include_trashed=include_trashed)
        q = filtered(select(func.count(Track.id)), flt)
        with self.db.session() as s:
            return int(s.scalar(q) or 0)

    def latest(self) -> Track | None:
        found = self.list(TrackFilter(limit=1))
        return found[0] if found else None
