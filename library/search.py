"""Find similar tracks — by words, by a track ("sounds like"), or both — over the library's vector index.

The index lives in data_dir/rag. It is built on first use (or by `studio reindex`); from then on every
committed library change re-syncs the changed tracks in a background thread, and every query first
catches up with changes made by other processes (a cheap count/max(updated_at) check).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import select

from library.db import Database
from library.edits import LibraryInputError, find_album
from library.indexer import Indexer, Progress, SyncReport
from library.jobs import JobRunner, JobView
from library.models import AlbumTrack, Track
from library.repository import TrackNotFound, out_of_range
from library.store import AudioStore
from models.rag.index import Hit, VectorIndex

MAX_K = 50
log = logging.getLogger(__name__)
OVERFETCH = 4  # candidates per signal before the scores are merged
MAX_EXCLUDE = 1000  # beyond this many trashed tracks, Chroma filters them itself


@dataclass(frozen=True)
class SimilarQuery:
    query: str | None = None
    track_id: int | None = None
    k: int = 5
    include_trashed: bool = False
    studio: str | None = None
    album: int | str | None = None

    def checked(self) -> SimilarQuery:
        if not (self.query and self.query.strip()) and self.track_id is None:
            raise LibraryInputError("say what to search for: a description, a track, or both")
        if not 1 <= self.k <= MAX_K:
            raise LibraryInputError(f"k must be 1..{MAX_K}")
        if self.query and len(self.query) > 2000:
            raise LibraryInputError("a search text is at most 2000 characters")
        return self


@dataclass(frozen=True)
class Match:
    track: Track
    score: float  # merged similarity, higher is closer
    text_score: float | None
    audio_score: float | None


def _merge(signals: list[list[Hit]], k: int) -> list[tuple[int, float, list[float | None]]]:
    """Average each candidate's similarities; a signal that did not return it counts its lowest score."""
    floors = [min((h.similarity for h in hits), default=0.0) for hits in signals]
    by_id = [{h.track_id: h.similarity for h in hits} for hits in signals]
    candidates = set().union(*by_id) if by_id else set()
    rows = []
    for tid in candidates:
        scores = [got.get(tid) for got in by_id]
        merged = float(np.mean([s if s is not None else f for s, f in zip(scores, floors, strict=True)]))
        rows.append((tid, merged, scores))
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows[:k]


class SearchService:
    def __init__(self, db: Database, store: AudioStore, data_dir: Path, text_model: Path | None = None,
                 clap_model: Path | None = None) -> None:
        self.db, self.store = db, store
        self.path = data_dir / "rag"
        self._text_model, self._clap_model = text_model, clap_model
        self._indexer: Indexer | None = None
        self._lock = threading.RLock()
        self._queue_lock = threading.Lock()
        self._dirty: set[int] = set()
        self._worker: threading.Thread | None = None
        self.jobs = JobRunner(db)
        db.on_tracks_changed(self._changed)

    # -- the index ------------------------------------------------------------------------------------
    @property
    def active(self) -> bool:
        """True once an index exists on disk; until then nothing is embedded on library changes."""
        return self.path.exists()

    def indexer(self) -> Indexer:
        with self._lock:
            if self._indexer is None:
                from models.rag.clap import ClapBackend
                from models.rag.text import MiniLMEmbeddingFunction, TextEmbedder

                clap = ClapBackend(self._clap_model) if self._clap_model else None
                index = VectorIndex(self.path, MiniLMEmbeddingFunction(TextEmbedder(self._text_model)))
                self._indexer = Indexer(self.db, self.store, index, clap)
            return self._indexer

    def sync(self, progress: Progress | None = None) -> SyncReport:
        """Catch up with every change (cheap when nothing changed)."""
        with self._lock:
            ix = self.indexer()
            if ix.signature is not None and ix.signature == ix.db_signature():
                return SyncReport()
            return ix.sync(None, progress or (lambda _f, _m: None))

    def rebuild(self, progress: Progress | None = None) -> SyncReport:
        """Drop every vector and embed the whole library again."""
        with self._lock:
            ix = self.indexer()
            ix.index.reset()
            ix.forget()
            return self.sync(progress)

    def start_reindex(self, full: bool = False) -> JobView:
        """Re-index in the background (full: drop and rebuild); poll jobs.get(id) for progress."""
        def work(progress: Progress) -> str:
            report = self.rebuild(progress) if full else self.sync(progress)
            return report.summary()

        return self.jobs.start("reindex", work, {"full": full})

    def _changed(self, ids: set[int]) -> None:
        """Called after every commit that touched tracks (from any thread): queue them for the worker.

        Only the small queue lock is taken here, so a commit never waits for a long re-index."""
        if not self.active:
            return
        with self._queue_lock:
            self._dirty |= ids
            if self._worker is None:
                self._worker = threading.Thread(target=self._drain, name="rag-sync", daemon=True)
                self._worker.start()

    def _drain(self) -> None:
        while True:
            with self._queue_lock:
                ids, self._dirty = self._dirty, set()
                if not ids:
                    self._worker = None  # under the lock: a later _changed starts a new worker
                    return
            try:
                with self._lock:
                    self.indexer().sync(ids)
            except Exception:  # the next query's catch-up sync retries; a commit must never fail for this
                log.exception("background index sync failed for tracks %s", sorted(ids)[:10])

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Block until background syncing is done (tests, CLI before exit)."""
        worker = self._worker
        if worker is not None:
            worker.join(timeout)

    # -- queries --------------------------------------------------------------------------------------
    def _plan(self, q: SimilarQuery) -> tuple[dict[str, Any] | None, frozenset[int]]:
        """(Chroma where clause, ids to drop after the search): the trash and the query track are
        usually few, so they are dropped from an over-fetch rather than filtered inside Chroma."""
        clauses: list[dict[str, Any]] = []
        exclude = {q.track_id} if q.track_id is not None else set()
        if not q.include_trashed:
            with self.db.session() as s:
                trashed = set(s.scalars(select(Track.id).where(Track.trashed_at.is_not(None))
                                        .limit(MAX_EXCLUDE + 1)))
            if len(trashed) > MAX_EXCLUDE:
                clauses.append({"trashed": False})
            else:
                exclude |= trashed
        if q.studio:
            clauses.append({"studio": q.studio})
        if q.album is not None:
            with self.db.session() as s:
                album = find_album(s, q.album)
                ids = list(s.scalars(select(AlbumTrack.track_id).where(AlbumTrack.album_id == album.id)))
            clauses.append({"track_id": {"$in": ids or [-1]}})
        where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
        return where, frozenset(exclude)

    def similar(self, q: SimilarQuery) -> list[Match]:
        q = q.checked()
        if q.track_id is not None:
            if out_of_range(q.track_id):  # past 64 bits SQLite raises OverflowError: it is simply no track
                raise TrackNotFound(q.track_id)
            with self.db.session() as s:
                if s.get(Track, q.track_id) is None:
                    raise TrackNotFound(q.track_id)
        self.sync()
        ix = self.indexer()
        (where, exclude), n = self._plan(q), q.k * OVERFETCH
        text_hits: list[Hit] | None = None
        audio_hits: list[Hit] | None = None
        if q.query and q.query.strip():
            text_hits = ix.index.query("text", ix.index.text_fn([q.query.strip()])[0], n, where, exclude)
            if ix.clap is not None:  # CLAP puts words and sounds in one space
                audio_hits = ix.index.query("clap", ix.clap.embed_text([q.query.strip()])[0], n, where, exclude)
        if q.track_id is not None:
            kind = "clap" if ix.clap is not None else "audio"
            vec = ix.index.vector(kind, q.track_id)
            if vec is not None:
                audio_hits = ix.index.query(kind, vec, n, where, exclude)
            if text_hits is None and (tvec := ix.index.vector("text", q.track_id)) is not None:
                text_hits = ix.index.query("text", tvec, n, where, exclude)
        signals = [h for h in (text_hits, audio_hits) if h is not None]
        merged = _merge(signals, q.k)
        tracks = self._tracks([tid for tid, _, _ in merged])
        out = []
        for tid, score, scores in merged:
            if tid in tracks:
                text_s = scores[0] if text_hits is not None else None
                audio_s = scores[-1] if audio_hits is not None else None
                out.append(Match(tracks[tid], score, text_s, audio_s))
        return out

    def _tracks(self, ids: list[int]) -> dict[int, Track]:
        from sqlalchemy.orm import selectinload

        q = select(Track).where(Track.id.in_(ids)).options(selectinload(Track.stems), selectinload(Track.tags))
        with self.db.session() as s:
            return {t.id: t for t in s.scalars(q)}
