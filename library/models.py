"""SQLAlchemy 2 models. A Track is one take; lineage (parent + operation) records how it was made.

Schema changes go through an Alembic revision in library/migrations/versions so users' databases
upgrade in place; keep the models and the newest revision in step.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

OPERATIONS = ("generate", "inpaint", "extend", "upscale", "stems", "import")


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


track_tags = Table(
    "track_tags", Base.metadata,
    Column("track_id", ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Track(Base):
    __tablename__ = "tracks"
    __table_args__ = (  # revision 0003: list views walk these in created_at order
        Index("ix_tracks_trashed_created", "trashed_at", "created_at"),
        Index("ix_tracks_studio_trashed_created", "studio", "trashed_at", "created_at"),
        Index("ix_tracks_favorite_trashed_created", "favorite", "trashed_at", "created_at"),
        Index("ix_tracks_trashed_bpm", "trashed_at", "bpm"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    prompt: Mapped[str] = mapped_column(Text, default="")
    studio: Mapped[str] = mapped_column(String(40), default="", index=True)
    bpm: Mapped[float | None] = mapped_column(Float)
    key: Mapped[str | None] = mapped_column(String(8))
    duration_s: Mapped[float] = mapped_column(Float)
    sample_rate: Mapped[int] = mapped_column(Integer)
    channels: Mapped[int] = mapped_column(Integer, default=2)
    seed: Mapped[int | None] = mapped_column(Integer)
    # Paths are relative to the audio store so the data dir can move between machines.
    file_path: Mapped[str] = mapped_column(String(400))
    midi_path: Mapped[str | None] = mapped_column(String(400))
    loudness_lufs: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("tracks.id", ondelete="SET NULL"), index=True)
    operation: Mapped[str] = mapped_column(String(20), default="generate")
    favorite: Mapped[bool] = mapped_column(default=False)
    disliked: Mapped[bool] = mapped_column(default=False)
    trashed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rating: Mapped[int | None] = mapped_column(Integer)
    play_count: Mapped[int] = mapped_column(Integer, default=0)
    # Added by revision 0002: autolabel, change stamp (the search index syncs on it), import origin.
    mood: Mapped[str | None] = mapped_column(String(20))
    energy: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow,
                                                 index=True)
    source_ref: Mapped[str | None] = mapped_column(String(400), index=True)  # dedupes re-imports

    stems: Mapped[list[Stem]] = relationship(
        back_populates="track", cascade="all, delete-orphan", order_by="Stem.name"
    )
    tags: Mapped[list[Tag]] = relationship(secondary=track_tags, order_by="Tag.name")
    comments: Mapped[list[Comment]] = relationship(
        back_populates="track", cascade="all, delete-orphan", order_by="Comment.at_s"
    )

    @property
    def trashed(self) -> bool:
        return self.trashed_at is not None


class Stem(Base):
    __tablename__ = "stems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    file_path: Mapped[str] = mapped_column(String(400))
    source: Mapped[str] = mapped_column(String(20), default="render")  # render (exact) or a separator

    track: Mapped[Track] = relationship(back_populates="stems")


class Tag(Base):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)


class Album(Base):
    __tablename__ = "albums"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    entries: Mapped[list[AlbumTrack]] = relationship(
        back_populates="album", cascade="all, delete-orphan", order_by="AlbumTrack.position"
    )


class AlbumTrack(Base):
    """Ordered membership: position is the running order on the album (0-based, gapless)."""

    __tablename__ = "album_tracks"
    __table_args__ = (UniqueConstraint("album_id", "track_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    album_id: Mapped[int] = mapped_column(ForeignKey("albums.id", ondelete="CASCADE"), index=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)

    album: Mapped[Album] = relationship(back_populates="entries")
    track: Mapped[Track] = relationship()


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    at_s: Mapped[float] = mapped_column(Float, default=0.0)  # where in the take the note points
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    track: Mapped[Track] = relationship(back_populates="comments")


class Export(Base):
    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(10))
    file_path: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Job(Base):
    """A background task (re-index, import) whose progress REST/CLI can poll."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued, running, done, failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    owner: Mapped[str] = mapped_column(String(120), default="", server_default="")  # library.owner (0005)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
