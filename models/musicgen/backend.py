"""MusicGen on transformers: text, melody, continuation, long-form, variations, streaming.

Every window runs our FastDecoder loop (models/musicgen/fast.py) on the checkpoint's own weights;
EnCodec decodes the codes. Long requests are windows of codes, each continued from the previous
window's last `overlap` frames (exact codes, no re-encoding) and joined with an equal-power crossfade.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any, TypeVar

import numpy as np

from models.musicgen import codec, longform
from models.musicgen.base import MusicGenerator, MusicRequest, MusicResult, Progress, no_progress
from models.musicgen.chroma import chroma_features
from models.musicgen.condition import build
from models.musicgen.errors import BadRequest
from models.musicgen.fast import FastDecoder, Sampling
from models.musicgen.loader import LoadedMusicGen, import_torch

T = TypeVar("T")
STREAM_CONTEXT_FRAMES = 50  # decoder context re-decoded before each streamed chunk (1 s at 50 Hz)


def _last(items: Iterator[T]) -> T:
    """Run a generator to the end and return its final item."""
    return deque(items, maxlen=1)[0]


class TransformersMusicGen(MusicGenerator):
    name = "musicgen (transformers)"

    def __init__(self, lm: LoadedMusicGen) -> None:
        self.lm = lm
        self.fast = FastDecoder(lm)

    @property
    def sample_rate(self) -> int:
        return self.lm.sample_rate

    @property
    def channels(self) -> int:
        return self.lm.channels

    @property
    def supports_melody(self) -> bool:
        return self.lm.melody

    # -- one window ----------------------------------------------------------------------------------
    def _frames(self, seconds: float) -> int:
        return max(1, int(round(seconds * self.lm.frame_rate)))

    def _chroma(self, req: MusicRequest, start: int, end: int) -> Any:
        if req.melody is None:
            return None
        fr, sr = self.lm.frame_rate, req.melody_sr
        piece = req.melody[int(start / fr * sr): int(end / fr * sr)]
        if piece.shape[0] < sr * 0.1:  # the melody ran out: keep its last second rather than none
            piece = req.melody[-sr:]
        return chroma_features(piece, sr, req.melody_strength)

    def _window_codes(self, req: MusicRequest, frames: int, prompt: Any, chroma: Any,
                      progress: Progress, seed: int | None) -> Any:
        cond = build(self.lm, [req.prompt] * req.variations, req.guidance, req.prompt_weight, chroma)
        sampling = Sampling(req.temperature, req.top_k, seed=seed)
        return self.fast.generate_codes(cond, frames, sampling, prompt, progress)

    def _prompt_codes(self, req: MusicRequest) -> Any:
        if req.continuation is None:
            return None
        codes = codec.encode(self.lm, req.continuation, req.continuation_sr)
        return codes.expand(req.variations, -1, -1).contiguous()

    # -- the public API ----------------------------------------------------------------------------------
    def check(self, req: MusicRequest) -> MusicRequest:
        req = req.validated()
        if req.melody is not None and not self.lm.melody:
            raise BadRequest(f"{self.lm.path.name} is a text-only MusicGen; melody conditioning needs a "
                             f"MusicGen-Melody checkpoint (STUDIO_MUSICGEN=facebook/musicgen-melody)")
        return req

    def plan(self, req: MusicRequest, prompt_frames: int = 0) -> list[longform.Window]:
        window = min(self._frames(req.window_s), self.lm.max_frames)
        overlap = min(self._frames(req.overlap_s), window - 1)
        grid = None
        if req.bpm and (req.bar_align or req.beat_snap):
            beats = req.beats_per_bar if req.bar_align else 1
            grid = 60.0 / req.bpm * beats * self.lm.frame_rate
        return longform.plan(self._frames(req.duration_s), window, overlap, grid, prompt_frames)

    def _iter_windows(self, req: MusicRequest, progress: Progress) -> Iterator[tuple[Any, list[int], bool]]:
        """(codes so far (variations, K, frames), seam frames so far, last window?) after each window."""
        torch = import_torch()
        prompt = self._prompt_codes(req)
        windows = self.plan(req, 0 if prompt is None else prompt.shape[-1])
        codes = prompt
        for i, w in enumerate(windows):
            def part(msg: str, frac: float, i: int = i) -> None:
                progress(f"window {i + 1}/{len(windows)}: {msg}", (i + frac) / len(windows))

            ctx = None if codes is None else codes[:, :, codes.shape[-1] - w.context:]
            new_frames = w.end - w.start + (0 if ctx is None else ctx.shape[-1])
            seed = None if req.seed is None else req.seed + i
            out = self._window_codes(req, new_frames, ctx, self._chroma(req, w.end - new_frames, w.end), part, seed)
            fresh = out[:, :, (0 if ctx is None else ctx.shape[-1]):]
            codes = fresh if codes is None else torch.cat([codes, fresh], dim=-1)
            yield codes, [x.start for x in windows[1:i + 1]], i == len(windows) - 1

    def _stitched(self, req: MusicRequest, progress: Progress) -> Iterator[tuple[np.ndarray, list[int], bool]]:
        """Audio (variations, samples, channels) joined so far, after each window.

        Each window is decoded with codec context from before its seam, so every join crossfades two decodes
        of the same codes region and carries no codec start-up transient.
        """
        hop = self.sample_rate // self.lm.frame_rate
        fade = int(round(req.crossfade_s * self.sample_rate))
        audio, done = None, 0
        for codes, seams, last in self._iter_windows(req, progress):
            lead = min(done, self._frames(req.crossfade_s) + STREAM_CONTEXT_FRAMES)
            piece = codec.decode(self.lm, codes[:, :, done - lead:])
            audio = piece if audio is None else longform.equal_power_join(audio, piece[:, lead * hop - fade:], fade)
            done = codes.shape[-1]
            yield audio, seams, last

    def generate_codes(self, req: MusicRequest, progress: Progress = no_progress) -> tuple[Any, list[int]]:
        """Codes (variations, K, frames) for the whole request and the seam frames (no decoding)."""
        codes, seams, _ = _last(self._iter_windows(self.check(req), progress))
        progress("done", 1.0)
        return codes, seams

    def generate(self, request: MusicRequest, progress: Progress = no_progress) -> MusicResult:
        req = self.check(request)
        audio, seams, _ = _last(self._stitched(req, progress))
        progress("done", 1.0)
        notes = f"{len(seams) + 1} windows, equal-power crossfades of {req.crossfade_s:g} s" if seams else ""
        return MusicResult(audio, self.sample_rate, [s / self.lm.frame_rate for s in seams], notes)

    def stream(self, request: MusicRequest, chunk_s: float = 1.0) -> Iterator[np.ndarray]:
        """Decoded audio of the first variation, in order, as soon as it is final.

        One window: a chunk every `chunk_s` while tokens are still being sampled. Long-form: after each window,
        everything up to its crossfade (the next window may still change the fade region).
        """
        req = self.check(request.with_(variations=1))
        prompt = self._prompt_codes(req)
        windows = self.plan(req, 0 if prompt is None else prompt.shape[-1])
        if len(windows) > 1:
            yield from self._stream_windows(req)
            return
        frames = windows[0].end
        cond = build(self.lm, [req.prompt], req.guidance, req.prompt_weight, self._chroma(req, 0, frames))
        chunk = self._frames(chunk_s)
        emitted = 0
        for ready, seq in self.fast.iter_steps(cond, frames, Sampling(req.temperature, req.top_k, seed=req.seed),
                                               prompt):
            if ready - emitted >= chunk or ready == frames:
                if ready > emitted:
                    yield self._decode_span(self.fast.undelay(seq, ready), emitted, ready)
                    emitted = ready

    def _stream_windows(self, req: MusicRequest) -> Iterator[np.ndarray]:
        fade = int(round(req.crossfade_s * self.sample_rate))
        emitted = 0
        for audio, _, last in self._stitched(req, no_progress):
            end = audio.shape[1] if last else audio.shape[1] - fade
            if end > emitted:
                yield audio[0, emitted:end]
                emitted = end

    def _decode_span(self, codes: Any, start: int, end: int) -> np.ndarray:
        """Audio of frames [start, end), decoded with up to 1 s of preceding codes as codec context."""
        hop = self.sample_rate // self.lm.frame_rate
        lead = min(start, STREAM_CONTEXT_FRAMES)
        audio = codec.decode(self.lm, codes[:1, :, start - lead: end])[0]
        return audio[lead * hop:]
