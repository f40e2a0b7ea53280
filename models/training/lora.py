"""PEFT LoRA on the MusicGen decoder's attention projections, trained on EnCodec codes.

Checkpoints (adapter weights + optimizer + step + RNG state) are written atomically every N steps and
on interruption, so a killed run resumes where it stopped and ends with the same weights it would
have had uninterrupted.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.musicgen import codec
from models.musicgen.chroma import chroma_features
from models.musicgen.errors import BackendUnavailable
from models.musicgen.fast import codebook_delays, delay_pattern
from models.musicgen.loader import LoadedMusicGen, import_torch
from models.training.preprocess import Chunk

# Decoder attention only (self + cross); the T5 encoder's projections are named q/k/v/o and stay frozen.
TARGET = r".*decoder\.model\.decoder\.layers\.\d+\.(self_attn|encoder_attn)\.(q_proj|k_proj|v_proj|out_proj)"
StepProgress = Callable[[int, int, float], None]  # (step, total, loss)


@dataclass(frozen=True)
class LoraSettings:
    rank: int = 8
    alpha: int = 16
    dropout: float = 0.05
    learning_rate: float = 1e-4
    steps: int = 500
    batch_size: int = 2
    checkpoint_every: int = 50
    seed: int = 0


@dataclass
class Example:
    codes: Any  # (K, frames) long
    text: str
    chroma: Any = None  # (frames, 12) for MusicGen-Melody


@dataclass
class TrainResult:
    adapter_dir: Path
    steps: int
    resumed_from: int
    losses: list[float] = field(default_factory=list)


def encode_examples(lm: LoadedMusicGen, chunks: list[Chunk], texts: list[str]) -> list[Example]:
    """EnCodec codes (and chroma for Melody) of every clip, once, before training."""
    return [Example(codec.encode(lm, c.audio, c.sample_rate)[0],
                    t, chroma_features(c.audio, c.sample_rate) if lm.melody else None)
            for c, t in zip(chunks, texts, strict=True)]


def delayed_labels(lm: LoadedMusicGen, codes: Any) -> Any:
    """(B, K, frames) codes -> (B, positions, K) labels in generation's delayed layout (pads are ignored)."""
    gc = lm.model.generation_config
    seq = delay_pattern(codes.shape[0], codes.shape[-1], codebook_delays(lm.num_codebooks, lm.channels),
                        int(gc.decoder_start_token_id), int(gc.pad_token_id), codes.device, prompt=codes)
    return seq[:, :, 1:].transpose(1, 2).contiguous()


def _peft() -> Any:
    try:
        import peft
    except ImportError as err:
        raise BackendUnavailable("peft", err) from err
    return peft


def _batch(lm: LoadedMusicGen, examples: list[Example], picks: list[int]) -> dict[str, Any]:
    torch = import_torch()
    frames = min(examples[i].codes.shape[-1] for i in picks)  # crop to the shortest clip in the batch
    codes = torch.stack([examples[i].codes[:, :frames] for i in picks]).to(lm.device)
    tok = lm.tokenizer([examples[i].text for i in picks], return_tensors="pt", padding=True).to(lm.device)
    batch = {"input_ids": tok["input_ids"], "attention_mask": tok["attention_mask"],
             "labels": delayed_labels(lm, codes)}
    if lm.melody:
        width = min(examples[i].chroma.shape[0] for i in picks)
        batch["input_features"] = torch.stack([examples[i].chroma[:width] for i in picks]).to(lm.device, lm.dtype)
    return batch


def _save_checkpoint(model: Any, optimizer: Any, state: dict[str, Any], run_dir: Path) -> None:
    torch = import_torch()
    tmp, final = run_dir / "checkpoint.tmp", run_dir / "checkpoint"
    shutil.rmtree(tmp, ignore_errors=True)
    model.save_pretrained(tmp)
    torch.save({"optimizer": optimizer.state_dict(), "rng": torch.get_rng_state()}, tmp / "trainer.pt")
    (tmp / "state.json").write_text(json.dumps(state))
    if final.exists():
        shutil.rmtree(final)
    tmp.rename(final)  # the previous checkpoint survives until the new one is complete


def _load_checkpoint(model: Any, optimizer: Any, run_dir: Path) -> dict[str, Any] | None:
    torch = import_torch()
    ckpt = run_dir / "checkpoint"
    if not (ckpt / "state.json").is_file():
        return None
    peft = _peft()
    weights = peft.utils.load_peft_weights(str(ckpt), device=str(model.device))
    peft.set_peft_model_state_dict(model, weights)
    trainer = torch.load(ckpt / "trainer.pt", weights_only=False)
    optimizer.load_state_dict(trainer["optimizer"])
    torch.set_rng_state(trainer["rng"])
    return dict(json.loads((ckpt / "state.json").read_text()))


def train_lora(lm: LoadedMusicGen, examples: list[Example], run_dir: Path, cfg: LoraSettings = LoraSettings(),
               progress: StepProgress | None = None, resume: bool = True) -> TrainResult:
    """Train (or resume) a LoRA; the finished adapter is saved in run_dir/adapter. lm.model stays unchanged."""
    torch, peft = import_torch(), _peft()
    if not examples:
        raise ValueError("no training examples")
    run_dir.mkdir(parents=True, exist_ok=True)
    config = lm.model.config
    if config.decoder.decoder_start_token_id is None:  # training shifts labels right with this token
        config.decoder.decoder_start_token_id = lm.model.generation_config.decoder_start_token_id
    torch.manual_seed(cfg.seed)
    lora = peft.LoraConfig(r=cfg.rank, lora_alpha=cfg.alpha, lora_dropout=cfg.dropout, target_modules=TARGET)
    model = peft.get_peft_model(lm.model, lora)
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=cfg.learning_rate)
    state = (_load_checkpoint(model, optimizer, run_dir) if resume else None) or {"step": 0, "losses": []}
    start, losses = int(state["step"]), list(state["losses"])
    model.train()
    done = start
    try:
        for step in range(start, cfg.steps):
            loss = model(**_batch(lm, examples, _picks(len(examples), cfg, step))).loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(float(loss.detach()))
            done = step + 1
            if done % cfg.checkpoint_every == 0:
                _save_checkpoint(model, optimizer, {"step": done, "losses": losses}, run_dir)
            if progress is not None:
                progress(done, cfg.steps, losses[-1])
        model.save_pretrained(run_dir / "adapter")
        return TrainResult(run_dir / "adapter", cfg.steps, start, losses)
    except KeyboardInterrupt:  # Ctrl-C: keep every finished step, `studio train` again resumes here
        if done > start:
            _save_checkpoint(model, optimizer, {"step": done, "losses": losses}, run_dir)
        raise
    finally:
        model.eval()
        lm.model = model.unload()  # base weights back, untouched: LoRA only ever trained its own matrices


def _picks(n: int, cfg: LoraSettings, step: int) -> list[int]:
    """The batch for `step`: a function of (seed, step) only, so resuming replays the same data order."""
    import random

    rng = random.Random(cfg.seed * 1_000_003 + step)
    return [rng.randrange(n) for _ in range(min(cfg.batch_size, n))]


def fixed_batch_loss(lm: LoadedMusicGen, examples: list[Example]) -> float:
    """Loss on all examples at once (eval mode): what tests and the CLI report before/after training."""
    torch = import_torch()
    with torch.inference_mode():
        return float(lm.model(**_batch(lm, examples, list(range(len(examples))))).loss)
