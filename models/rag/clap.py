"""CLAP audio–text embeddings (transformers ClapModel): the upgrade for "sounds like" and text→audio search.

Weights come only from a local folder the user points STUDIO_CLAP_MODEL at (e.g. a saved
laion/clap-htsat-unfused); nothing is downloaded. Without it the DSP vectors in models.rag.audio are used.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import librosa
import numpy as np

CLAP_SR = 48_000
MAX_CLAP_S = 10.0  # CLAP sees ~10 s windows; the start of the take is what we embed
_lock = threading.Lock()


class ClapMissing(RuntimeError):
    """No CLAP weights where the settings point; the message names the fix."""


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / (np.linalg.norm(x, axis=-1, keepdims=True) + 1e-9)).astype(np.float32)


class ClapBackend:
    def __init__(self, path: Path) -> None:
        if not (path / "config.json").exists():
            raise ClapMissing(f"no CLAP model at {path}: set STUDIO_CLAP_MODEL to a folder saved with "
                              "ClapModel.save_pretrained (config.json + weights) and its processor")
        import torch
        from transformers import ClapModel, ClapProcessor

        self.torch = torch
        self.path = path
        self.model = ClapModel.from_pretrained(str(path), local_files_only=True).eval()
        self.processor: Any = ClapProcessor.from_pretrained(str(path), local_files_only=True)

    @property
    def dim(self) -> int:
        return int(self.model.config.projection_dim)

    def embed_text(self, texts: list[str]) -> np.ndarray:
        inputs = self.processor(text=texts, return_tensors="pt", padding=True)
        with _lock, self.torch.no_grad():
            out = self.model.get_text_features(input_ids=inputs["input_ids"],
                                               attention_mask=inputs.get("attention_mask"))
        return _unit(_tensor(out).numpy())

    def embed_audio(self, audio: np.ndarray, sr: int) -> np.ndarray:
        y = audio.mean(axis=1) if audio.ndim == 2 else audio
        y = librosa.resample(y.astype(np.float32), orig_sr=sr, target_sr=CLAP_SR) if sr != CLAP_SR else y
        y = y[: int(MAX_CLAP_S * CLAP_SR)]
        # Fused checkpoints take 4 stacked mel views; unfused ones a single one (clips ≤ 10 s are padded).
        fused = bool(getattr(self.model.config.audio_config, "enable_fusion", False))
        inputs = self.processor(audio=[y], sampling_rate=CLAP_SR, return_tensors="pt",
                                truncation="fusion" if fused else "rand_trunc")
        with _lock, self.torch.no_grad():
            out = self.model.get_audio_features(input_features=inputs["input_features"])
        return _unit(_tensor(out).numpy()[0])


def _tensor(out: Any) -> Any:
    # transformers 5 may return a model output object rather than a bare tensor
    if hasattr(out, "numpy"):
        return out
    pooled = getattr(out, "pooler_output", None)
    return pooled if pooled is not None else out[0]
