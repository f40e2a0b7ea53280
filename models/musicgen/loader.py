"""Load a MusicGen / MusicGen-Melody checkpoint from a local folder only (local_files_only, never a download)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.settings import StudioSettings
from models.musicgen.catalog import resolve
from models.musicgen.errors import BackendUnavailable, MusicGenError


def import_torch() -> Any:
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as err:
        raise BackendUnavailable("torch + transformers", err) from err
    return torch


@dataclass
class LoadedMusicGen:
    model: Any  # MusicgenForConditionalGeneration | MusicgenMelodyForConditionalGeneration
    tokenizer: Any
    path: Path
    melody: bool  # True: takes chroma `input_features` (MusicGen-Melody)

    @property
    def device(self) -> Any:
        return self.model.device

    @property
    def dtype(self) -> Any:
        return self.model.dtype

    @property
    def sample_rate(self) -> int:
        return int(self.model.config.audio_encoder.sampling_rate)

    @property
    def frame_rate(self) -> int:
        return int(self.model.config.audio_encoder.frame_rate)

    @property
    def channels(self) -> int:
        return int(self.model.config.decoder.audio_channels)

    @property
    def num_codebooks(self) -> int:
        return int(self.model.config.decoder.num_codebooks)

    @property
    def max_frames(self) -> int:
        """Longest single window the positional table was trained for (2048 positions in facebook/*).

        MusicGen-Melody spends positions on its prefix too (chroma frames + up to 64 text tokens)."""
        prefix = int(self.model.config.chroma_length) + 64 if self.melody else 0
        return int(self.model.config.decoder.max_position_embeddings) - self.num_codebooks - 1 - prefix


def pick_device(device: str | None = None) -> tuple[str, Any]:
    """CUDA with bf16 (fp16 on pre-Ampere cards), else CPU fp32: fp16 on CPU is slow and lossy."""
    torch = import_torch()
    name = device or ("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda"):
        return name, torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    return name, torch.float32


def model_kind(path: Path) -> str:
    try:
        kind = json.loads((path / "config.json").read_text()).get("model_type", "")
    except (OSError, ValueError) as err:
        raise MusicGenError(f"cannot read {path / 'config.json'}: {err}") from err
    if kind not in ("musicgen", "musicgen_melody"):
        raise MusicGenError(f"{path} holds a {kind or 'unknown'!r} model, not MusicGen; set STUDIO_MUSICGEN to a "
                            f"facebook/musicgen-* checkpoint folder")
    return str(kind)


def load(spec: str | None, settings: StudioSettings, device: str | None = None, dtype: Any = None) -> LoadedMusicGen:
    """Resolve (WeightsMissing names the fix), then load model + tokenizer strictly offline."""
    path = resolve(spec, settings)
    kind = model_kind(path)
    import_torch()
    from transformers import (
        AutoTokenizer,
        MusicgenForConditionalGeneration,
        MusicgenMelodyForConditionalGeneration,
    )

    cls = MusicgenMelodyForConditionalGeneration if kind == "musicgen_melody" else MusicgenForConditionalGeneration
    dev, auto_dtype = pick_device(device)
    model = cls.from_pretrained(path, local_files_only=True, dtype=dtype or auto_dtype)
    model.to(dev).eval()  # type: ignore[arg-type]  # transformers types .to() as its dtype-checking wrapper
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    return LoadedMusicGen(model, tokenizer, path, melody=kind == "musicgen_melody")
