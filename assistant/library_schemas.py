"""Pydantic shapes of the library/RAG REST API (OpenAPI documents them from here)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field
from sqlalchemy import inspect as sa_inspect

from library.models import Track
from library.repository import MAX_ID
from library.search import Match
from library.service import BATCH_ACTIONS, AlbumView

Id = Annotated[int, Field(ge=1, le=MAX_ID)]  # a row id; past 64 bits the database driver would overflow (a 500)
SortName = Literal["created", "updated", "title", "bpm", "rating", "plays", "duration", "id", "position"]


def audio_url(track_id: int) -> str:
    return f"/api/library/tracks/{track_id}/audio"


def _loaded(t: Track, name: str) -> bool:
    return name not in sa_inspect(t).unloaded  # a detached row must not lazy-load


class TrackOut(BaseModel):
    id: int
    title: str
    prompt: str
    studio: str
    bpm: float | None
    key: str | None
    duration_s: float
    sample_rate: int
    seed: int | None
    parent_id: int | None
    operation: str
    favorite: bool
    disliked: bool = False
    trashed: bool = False
    rating: int | None = None
    play_count: int = 0
    mood: str | None = None
    energy: float | None = None
    tags: list[str] = []
    created_at: datetime
    description: str
    stems: list[str]
    audio_url: str

    @classmethod
    def of(cls, t: Track) -> TrackOut:
        return cls(id=t.id, title=t.title, prompt=t.prompt, studio=t.studio, bpm=t.bpm, key=t.key,
                   duration_s=t.duration_s, sample_rate=t.sample_rate, seed=t.seed, parent_id=t.parent_id,
                   operation=t.operation, favorite=t.favorite, disliked=t.disliked, trashed=t.trashed,
                   rating=t.rating, play_count=t.play_count, mood=t.mood, energy=t.energy,
                   tags=[x.name for x in t.tags] if _loaded(t, "tags") else [], created_at=t.created_at,
                   description=t.description, stems=[s.name for s in t.stems] if _loaded(t, "stems") else [],
                   audio_url=audio_url(t.id))


class TrackPatch(BaseModel):
    title: str | None = Field(None, min_length=1, max_length=200)
    prompt: str | None = Field(None, max_length=2000)
    description: str | None = Field(None, max_length=5000)
    rating: int | None = Field(None, ge=0, le=5, description="0 clears the rating")
    bpm: float | None = Field(None, ge=20, le=300)
    key: str | None = Field(None, max_length=8)
    mood: str | None = Field(None, max_length=20)
    tags: list[str] | None = Field(None, description="replaces the track's tags")
    favorite: bool | None = None
    disliked: bool | None = None


class FlagIn(BaseModel):
    on: bool = True


class CommentIn(BaseModel):
    at_s: float = Field(0.0, ge=0, description="seconds into the take")
    text: str = Field(..., min_length=1, max_length=2000)


class CommentOut(BaseModel):
    id: int
    track_id: int
    at_s: float
    text: str
    created_at: datetime


class AlbumIn(BaseModel):
    name: str = Field(..., min_length=1, max_length=200, examples=["Road Trip"])
    description: str = Field("", max_length=2000)


class AlbumOut(BaseModel):
    id: int
    name: str
    description: str
    track_ids: list[int] = Field(description="running order")

    @classmethod
    def of(cls, a: AlbumView) -> AlbumOut:
        return cls(id=a.id, name=a.name, description=a.description, track_ids=a.track_ids)


class MembershipIn(BaseModel):
    track_ids: list[Id] = Field(..., min_length=1, max_length=10_000)
    position: int | None = Field(None, ge=0, description="insert here (0 = first); default: at the end")


class OrderIn(BaseModel):
    track_ids: list[Id] = Field(..., max_length=10_000, description="every track of the album, in the new order")


class BatchIn(BaseModel):
    track_ids: list[Id] = Field(..., min_length=1, max_length=10_000)
    action: str = Field(..., examples=list(BATCH_ACTIONS), description=" | ".join(BATCH_ACTIONS))
    album: Id | str | None = Field(None, description="album id or name, for the album actions")
    tags: list[str] = Field(default_factory=list, description="for tag / untag")


class BatchOut(BaseModel):
    action: str
    track_ids: list[int]


class ImportIn(BaseModel):
    paths: list[str] = Field(..., min_length=1, max_length=1000, description="files or folders on this machine")
    tags: list[str] = Field(default_factory=list)


class SidecarIn(BaseModel):
    folder: str = Field(..., pattern=r"\S", description="the old app's metadata/ folder (an empty one would mean the "
                        "server's working folder)")


class ImportOut(BaseModel):
    imported: list[tuple[str, int]]
    skipped: list[tuple[str, str]]
    notes: list[tuple[str, str]]


class SimilarIn(BaseModel):
    query: str | None = Field(None, max_length=2000, examples=["dark synthwave with arpeggios"])
    track_id: Id | None = Field(None, description="find tracks that sound like this one")
    k: int = Field(5, ge=1, le=50)
    studio: str | None = None
    album: Id | str | None = None
    include_trashed: bool = False


class SimilarOut(BaseModel):
    track: TrackOut
    score: float
    text_score: float | None
    audio_score: float | None

    @classmethod
    def of(cls, m: Match) -> SimilarOut:
        return cls(track=TrackOut.of(m.track), score=round(m.score, 4), text_score=m.text_score,
                   audio_score=m.audio_score)


class IndexIn(BaseModel):
    full: bool = Field(False, description="drop the index and rebuild it; default: catch up with changes")


class JobOut(BaseModel):
    id: int
    kind: str
    status: str
    progress: float
    message: str
    created_at: datetime
    finished_at: datetime | None
