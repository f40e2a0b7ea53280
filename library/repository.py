"""Track repository: the one place that reads and writes library rows (graph, CLI, API, UI all use it)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from library.db import Database
from library.models import Stem, Track


class TrackNotFound(LookupError):
    def __init__(self, track_id: int) -> None:
        super().__init__(f"no track #{track_id} in the library (see `studio tracks` for the ids)")
        self.track_id = track_id


@dataclass(frozen=True)
class TrackFilter:
    studio: str | None = None
    favorites: bool = False
    include_trashed: bool = False
    limit: int = 50
    offset: int = 0


class TrackRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, track: Track, stems: dict[str, str] | None = None) -> Track:
        with self.db.session() as s:
            for name, path in (stems or {}).items():
                track.stems.append(Stem(name=name, file_path=path))
            s.add(track)
            s.flush()
            s.refresh(track, ["stems"])
        return track

    def get(self, track_id: int) -> Track:
        with self.db.session() as s:
            track = s.get(Track, track_id, options=[selectinload(Track.stems)])
            if track is None:
                raise TrackNotFound(track_id)
            return track

    def list(self, flt: TrackFilter | None = None) -> list[Track]:
        flt = flt or TrackFilter()
        q = select(Track).options(selectinload(Track.stems))
        if not flt.include_trashed:
            q = q.where(Track.trashed_at.is_(None))
        if flt.studio:
            q = q.where(Track.studio == flt.studio)
        if flt.favorites:
            q = q.where(Track.favorite.is_(True))
        q = q.order_by(Track.created_at.desc(), Track.id.desc()).limit(flt.limit).offset(flt.offset)
        with self.db.session() as s:
            return list(s.scalars(q))

    def count(self, include_trashed: bool = False) -> int:
        q = select(func.count(Track.id))
        if not include_trashed:
            q = q.where(Track.trashed_at.is_(None))
        with self.db.session() as s:
            return int(s.scalar(q) or 0)

    def latest(self) -> Track | None:
        found = self.list(TrackFilter(limit=1))
        return found[0] if found else None
