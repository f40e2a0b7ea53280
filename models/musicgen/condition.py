"""Conditioning tensors for the decoder, computed once per request (text, melody chroma, CFG null half).

Mirrors transformers' MusicGen / MusicGen-Melody generate so our fast loop and the stock one see the
same inputs: MusicGen cross-attends to the projected T5 states; MusicGen-Melody prepends
[projected chroma (chroma_length frames) ; projected T5 states] to the decoder sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.musicgen.loader import LoadedMusicGen, import_torch

MAX_TEXT_TOKENS = 64  # prompts are a sentence; the melody model's position budget assumes this many


@dataclass
class Conditioning:
    batch: int  # B: rows the user asked for (before the CFG null half is appended)
    guidance: float  # > 1 appends an unconditional half of the batch
    cross: Any = None  # (rows, S, D) cross-attention states (MusicGen)
    cross_mask: Any = None  # (rows, S) bool, False = padding
    prefix: Any = None  # (rows, P, D) states prepended to the sequence (MusicGen-Melody)

    @property
    def rows(self) -> int:
        return self.batch * (2 if self.guidance > 1 else 1)


def encode_text(lm: LoadedMusicGen, texts: list[str]) -> tuple[Any, Any]:
    torch = import_torch()
    tok = lm.tokenizer(texts, return_tensors="pt", padding=True, truncation=True, max_length=MAX_TEXT_TOKENS)
    ids, mask = tok["input_ids"].to(lm.device), tok["attention_mask"].to(lm.device)
    with torch.inference_mode():
        hidden = lm.model.text_encoder(input_ids=ids, attention_mask=mask).last_hidden_state
        if getattr(lm.model, "enc_to_dec_proj", None) is not None:
            hidden = lm.model.enc_to_dec_proj(hidden)
    return hidden * mask[..., None].to(hidden.dtype), mask


def build(lm: LoadedMusicGen, texts: list[str], guidance: float, prompt_weight: float = 1.0,
          chroma: Any = None) -> Conditioning:
    """`chroma`: (T, 12) or (B, T, 12) features (models.musicgen.chroma); only MusicGen-Melody accepts it."""
    torch = import_torch()
    hidden, mask = encode_text(lm, texts)
    hidden = hidden * prompt_weight
    cfg = guidance > 1
    if cfg:  # the null half: zero text states, fully masked (exactly what stock generate appends)
        hidden = torch.cat([hidden, torch.zeros_like(hidden)])
        mask = torch.cat([mask, torch.zeros_like(mask)])
    if not lm.melody:
        return Conditioning(len(texts), guidance, cross=hidden, cross_mask=mask.bool())
    return Conditioning(len(texts), guidance, prefix=_melody_prefix(lm, hidden, chroma, len(texts), cfg))


def _melody_prefix(lm: LoadedMusicGen, text: Any, chroma: Any, batch: int, cfg: bool) -> Any:
    torch = import_torch()
    cfg_m = lm.model.config
    null = torch.zeros((batch, 1, cfg_m.num_chroma), device=lm.device, dtype=lm.dtype)
    null[:, :, 0] = 1  # the model's "no melody" input
    if chroma is None:
        audio = null
    else:
        audio = chroma.to(lm.device, lm.dtype)
        audio = audio[None].expand(batch, -1, -1) if audio.ndim == 2 else audio
        null = null.expand(batch, audio.shape[1], -1)
    if cfg:
        audio = torch.cat([audio, null])
    with torch.inference_mode():
        if getattr(lm.model, "audio_enc_to_dec_proj", None) is not None:
            audio = lm.model.audio_enc_to_dec_proj(audio)
    reps = -(-cfg_m.chroma_length // audio.shape[1])  # tile short melodies, as the reference does
    audio = audio.repeat(1, reps, 1)[:, : cfg_m.chroma_length]
    return torch.cat([audio, text], dim=1)
