"""SQLAlchemy 2 models. A Track is one take; lineage (parent + operation) records how it was made."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Track(Base):
    __tablename__ = "tracks"

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

    stems: Mapped[list[Stem]] = relationship(
        back_populates="track", cascade="all, delete-orphan", order_by="Stem.name"
    )


class Stem(Base):
    __tablename__ = "stems"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    track_id: Mapped[int] = mapped_column(ForeignKey("tracks.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    file_path: Mapped[str] = mapped_column(String(400))
    source: Mapped[str] = mapped_column(String(20), default="render")  # render (exact) or a separator

    track: Mapped[Track] = relationship(back_populates="stems")
