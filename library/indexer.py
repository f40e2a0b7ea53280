"""Keeps the vector index in step with the library database.

Incremental: each row remembers the track's updated_at ("stamp") it was built from, so a sync only
touches tracks that changed; a trash/restore (same text) updates metadata without re-embedding; a
deleted track's rows are removed. Audio vectors are computed once per track (its audio never changes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import soundfile as sf
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from library.db import Database
from library.models import Track
from library.store import AudioStore
from library.track_text import text_hash, track_text
from models.rag.audio import audio_vector
from models.rag.clap import ClapBackend
from models.rag.index import VectorIndex

BATCH = 64
MAX_AUDIO_S = 60.0  # "sounds like" looks at the first minute
Progress = Callable[[float, str], None]


@dataclass
class SyncReport:
    embedded: int = 0
    relabelled: int = 0  # metadata-only updates
    removed: int = 0
    audio: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        head = (f"embedded={self.embedded} relabelled={self.relabelled} removed={self.removed} "
                f"audio={self.audio}")
        return "; ".join([head, *self.problems[:5]])


def meta_of(t: Track, text: str) -> dict[str, Any]:
    return {"track_id": t.id, "studio": t.studio or "", "trashed": t.trashed_at is not None,
            "stamp": t.updated_at.isoformat() if t.updated_at else "", "text_hash": text_hash(text)}


def _noop(_frac: float, _msg: str) -> None:
    pass


class Indexer:
    def __init__(self, db: Database, store: AudioStore, index: VectorIndex, clap: ClapBackend | None) -> None:
        self.db, self.store, self.index, self.clap = db, store, index, clap
        self._known: dict[int, dict[str, Any]] | None = None  # text-row metadata by track id
        self._audio_known: set[int] = set()
        self.signature: tuple[Any, ...] | None = None  # (count, max updated_at) at the last sync

    def db_signature(self) -> tuple[Any, ...]:
        with self.db.session() as s:
            return tuple(s.execute(select(func.count(Track.id), func.max(Track.updated_at))).one())

    def known(self) -> dict[int, dict[str, Any]]:
        if self._known is None:
            self._known = self.index.metas("text")
            self._audio_known = set(self.index.metas("audio"))
        return self._known

    def forget(self) -> None:
        self._known, self._audio_known, self.signature = None, set(), None

    def sync(self, ids: Iterable[int] | None = None, progress: Progress = _noop) -> SyncReport:
        """Bring index rows for `ids` (None: every track) up to date with the database."""
        known = self.known()
        signature = self.db_signature()
        q = select(Track.id, Track.updated_at)
        wanted = None if ids is None else set(ids)
        if wanted is not None:
            q = q.where(Track.id.in_(wanted))
        with self.db.session() as s:
            stamps = {i: (u.isoformat() if u else "") for i, u in s.execute(q)}
        scope = set(known) if wanted is None else wanted & set(known)
        report = SyncReport(removed=len(gone := sorted(scope - set(stamps))))
        self.index.remove(gone)
        for i in gone:
            known.pop(i, None)
            self._audio_known.discard(i)
        stale = sorted(i for i, st in stamps.items() if known.get(i, {}).get("stamp") != st
                       or i not in self._audio_known)
        for n in range(0, len(stale), BATCH):
            self._sync_batch(stale[n:n + BATCH], report)
            progress((n + BATCH) / max(len(stale), 1), f"indexed {min(n + BATCH, len(stale))} of {len(stale)}")
        if wanted is None:
            self.signature = signature
        return report

    def load(self, ids: list[int]) -> list[Track]:
        """Tracks with everything their index text needs (tags, comments), detached."""
        q = select(Track).where(Track.id.in_(ids)).options(selectinload(Track.tags), selectinload(Track.comments))
        with self.db.session() as s:
            return list(s.scalars(q))

    def _sync_batch(self, ids: list[int], report: SyncReport) -> None:
        tracks = self.load(ids)
        known = self.known()
        texts = {t.id: track_text(t) for t in tracks}
        metas = {t.id: meta_of(t, texts[t.id]) for t in tracks}
        fresh = [t for t in tracks if known.get(t.id, {}).get("text_hash") != metas[t.id]["text_hash"]]
        same = [t for t in tracks if t not in fresh and known[t.id].get("stamp") != metas[t.id]["stamp"]]
        self.index.upsert("text", [t.id for t in fresh], [metas[t.id] for t in fresh],
                          documents=[texts[t.id] for t in fresh])
        self.index.update_meta("text", [t.id for t in same], [metas[t.id] for t in same])
        audio_meta = [t for t in tracks if t.id in self._audio_known]
        self.index.update_meta("audio", [t.id for t in audio_meta], [metas[t.id] for t in audio_meta])
        if self.clap is not None:
            self.index.update_meta("clap", [t.id for t in audio_meta], [metas[t.id] for t in audio_meta])
        for t in tracks:
            if t.id not in self._audio_known:
                self._index_audio(t, metas[t.id], report)
            known[t.id] = metas[t.id]
        report.embedded += len(fresh)
        report.relabelled += len(same)

    def _index_audio(self, t: Track, meta: dict[str, Any], report: SyncReport) -> None:
        try:
            path = self.store.resolve(t.file_path)
            info = sf.info(str(path))
            audio, sr = sf.read(str(path), frames=int(MAX_AUDIO_S * info.samplerate), dtype="float32",
                                always_2d=True)
        except Exception as err:  # missing/corrupt file: text search still works for it  # noqa: BLE001
            report.problems.append(f"track #{t.id}: no audio vector ({err})")
            self._audio_known.add(t.id)  # do not retry on every sync; a rebuild will
            return
        if len(audio) < sr // 4:
            report.problems.append(f"track #{t.id}: audio too short for a 'sounds like' vector")
            self._audio_known.add(t.id)
            return
        self.index.upsert("audio", [t.id], [meta], vectors=np.asarray([audio_vector(audio, sr)]))
        if self.clap is not None:
            self.index.upsert("clap", [t.id], [meta], vectors=np.asarray([self.clap.embed_audio(audio, sr)]))
        self._audio_known.add(t.id)
        report.audio += 1
