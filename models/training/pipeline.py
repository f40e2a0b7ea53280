"""The whole style-training run as one call: audio files -> clips -> text labels -> codes -> LoRA -> registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import StudioSettings
from models.musicgen.loader import load
from models.training import adapters
from models.training.autolabel import describe
from models.training.lora import LoraSettings, StepProgress, encode_examples, fixed_batch_loss, train_lora
from models.training.preprocess import ChunkSpec, chunk_files

Say = Callable[[str], None]
EVAL_CLIPS = 4  # the fixed batch whose loss is reported before and after


@dataclass(frozen=True)
class StyleRun:
    adapter: adapters.AdapterInfo
    clips: int
    loss_before: float
    loss_after: float
    resumed_from: int


def run_dir(s: StudioSettings, name: str) -> Path:
    return s.model_dir / "training" / adapters.check_name(name)


def train_style(files: list[Path], name: str, s: StudioSettings, base: str | None = None, style: str = "",
                studio: str | None = None, spec: ChunkSpec | None = None, cfg: LoraSettings | None = None,
                resume: bool = True, say: Say = print, progress: StepProgress | None = None) -> StyleRun:
    """Train adapter `name` on `files`; rerunning after an interruption resumes (resume=False starts over)."""
    adapters.check_name(name)
    spec, cfg = spec or ChunkSpec(), cfg or LoraSettings()
    lm = load(base, s)  # WeightsMissing names STUDIO_MUSICGEN before any audio work
    clips = chunk_files(files, spec)
    say(f"{len(clips)} clips of up to {spec.seconds:g} s from {len(files)} file(s); labelling")
    texts = [describe(c.audio, c.sample_rate, style) for c in clips]
    say(f"e.g. “{texts[0]}”; encoding to EnCodec codes")
    examples = encode_examples(lm, clips, texts)
    before = fixed_batch_loss(lm, examples[:EVAL_CLIPS])
    result = train_lora(lm, examples, run_dir(s, name), cfg, progress, resume)
    meta = {"base": str(lm.path), "base_shape": adapters.base_shape(lm.model), "style": style, "studio": studio,
            "steps": result.steps, "final_loss": result.losses[-1] if result.losses else None}
    info = adapters.register(s, name, result.adapter_dir, meta)
    adapters.apply_adapter(lm, name, s)
    return StyleRun(info, len(clips), before, fixed_batch_loss(lm, examples[:EVAL_CLIPS]), result.resumed_from)
