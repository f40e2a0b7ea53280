"""Local language models: the engine interface, the llama.cpp engine, and the shipped default GGUF.

get_engine(settings) picks the user's GGUF (STUDIO_LLM_GGUF) when set, else the shipped Qwen2.5 GGUF
(assembled and verified once into the models dir). One engine per GGUF per process.
"""

from __future__ import annotations

import threading
from pathlib import Path

from assistant.settings import StudioSettings
from models.llm import shipped
from models.llm.engine import LLMEngine, LLMUnavailable, Message

_ENGINES: dict[Path, LLMEngine] = {}
_LOCK = threading.Lock()


def resolve_gguf(settings: StudioSettings) -> Path:
    """The GGUF to load: the user's, or the shipped one (prepared now if needed)."""
    if settings.llm_gguf is not None:
        if not settings.llm_gguf.is_file():
            raise LLMUnavailable(f"no GGUF at {settings.llm_gguf} (STUDIO_LLM_GGUF): fix the path or unset it "
                                 "to use the shipped model")
        return settings.llm_gguf
    try:
        return shipped.prepare(settings.model_dir).path
    except shipped.ShippedModelError as err:
        raise LLMUnavailable(str(err)) from err


def get_engine(settings: StudioSettings) -> LLMEngine:
    from models.llm.llamacpp import LlamaCppEngine

    path = resolve_gguf(settings)
    with _LOCK:
        if path not in _ENGINES:
            _ENGINES[path] = LlamaCppEngine(path)
        return _ENGINES[path]


__all__ = ["LLMEngine", "LLMUnavailable", "Message", "get_engine", "resolve_gguf", "shipped"]
