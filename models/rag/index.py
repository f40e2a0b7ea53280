"""The vector index: a Chroma PersistentClient in the data dir with one collection per kind of vector.

- "text": our MiniLM embedding function over each track's descriptive text (cosine).
- "audio": DSP "sounds like" vectors, given precomputed (no embedding function involved).
- "clap": CLAP audio embeddings, only when the user configured CLAP weights.
Metadata on every row: track_id, studio, trashed, stamp (the track's updated_at the row was built from),
text_hash (so a metadata-only change such as trash/restore skips re-embedding).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings

from models.rag.text import MiniLMEmbeddingFunction

KINDS = ("text", "audio", "clap")
Where = dict[str, Any] | None


@dataclass(frozen=True)
class Hit:
    track_id: int
    similarity: float  # cosine similarity, 1 = identical


def _key(track_id: int) -> str:
    return f"t{track_id}"


class VectorIndex:
    def __init__(self, path: Path, text_fn: MiniLMEmbeddingFunction) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        # Telemetry off: a private studio makes no network calls, not even anonymous ones.
        self.client = chromadb.PersistentClient(path=str(path), settings=Settings(anonymized_telemetry=False,
                                                                                   allow_reset=True))
        self.text_fn = text_fn
        self._cols: dict[str, Any] = {}

    def col(self, kind: str) -> Any:
        if kind not in self._cols:
            fn: Any = self.text_fn if kind == "text" else None  # audio/clap vectors come precomputed
            self._cols[kind] = self.client.get_or_create_collection(
                f"tracks_{kind}", embedding_function=fn, configuration={"hnsw": {"space": "cosine"}})
        return self._cols[kind]

    def upsert(self, kind: str, ids: Sequence[int], metas: Sequence[dict[str, Any]],
               documents: Sequence[str] | None = None, vectors: np.ndarray | None = None) -> None:
        if not ids:
            return
        kw: dict[str, Any] = {"ids": [_key(i) for i in ids], "metadatas": list(metas)}
        if documents is not None:
            kw["documents"] = list(documents)
        if vectors is not None:
            kw["embeddings"] = np.asarray(vectors, dtype=np.float32)
        self.col(kind).upsert(**kw)

    def update_meta(self, kind: str, ids: Sequence[int], metas: Sequence[dict[str, Any]]) -> None:
        if ids:
            self.col(kind).update(ids=[_key(i) for i in ids], metadatas=list(metas))

    def remove(self, ids: Sequence[int]) -> None:
        if ids:
            for kind in KINDS:
                self.col(kind).delete(ids=[_key(i) for i in ids])

    def metas(self, kind: str) -> dict[int, dict[str, Any]]:
        got = self.col(kind).get(include=["metadatas"])
        return {int(m["track_id"]): dict(m) for m in got["metadatas"] or []}

    def vector(self, kind: str, track_id: int) -> np.ndarray | None:
        got = self.col(kind).get(ids=[_key(track_id)], include=["embeddings"])
        emb = got.get("embeddings")
        return None if emb is None or len(emb) == 0 else np.asarray(emb[0], dtype=np.float32)

    def count(self, kind: str) -> int:
        return int(self.col(kind).count())

    def query(self, kind: str, vector: np.ndarray, k: int, where: Where = None,
              exclude: frozenset[int] = frozenset()) -> list[Hit]:
        """k nearest rows matching where, minus the track ids in exclude.

        A few excluded ids (the trash, the query track) are dropped after an over-fetch: Chroma's
        metadata pre-filter costs ~10 ms per 1,000 rows it admits, the over-fetch almost nothing.
        """
        n = self.count(kind)
        if n == 0:
            return []
        res = self.col(kind).query(query_embeddings=np.asarray([vector], dtype=np.float32),
                                   n_results=min(k + len(exclude), n), where=where,
                                   include=["metadatas", "distances"])
        metas, dists = res["metadatas"][0], res["distances"][0]
        hits = [Hit(int(m["track_id"]), 1.0 - float(d)) for m, d in zip(metas, dists, strict=True)]
        return [h for h in hits if h.track_id not in exclude][:k]

    def reset(self) -> None:
        for kind in KINDS:
            try:
                self.client.delete_collection(f"tracks_{kind}")
            except Exception:  # absent collection: nothing to drop  # noqa: BLE001
                pass
        self._cols.clear()
