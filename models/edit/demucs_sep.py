"""Demucs (HTDemucs / htdemucs_ft / 6-stem) from the user's local model repo, applied in chunks.

Chunks are the model's training segment long, overlap by 25 % and are joined by triangular
overlap-add (the same weighting demucs uses), with progress per chunk. Weights are never fetched:
`get_model(name, repo=...)` only reads `<sig>-<sha8>.th` files from STUDIO_DEMUCS_REPO.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from models.edit.base import BackendUnavailable, Source
from models.edit.stems import Progress, _quiet
from models.edit.upscale import resample

OVERLAP = 0.25


def load_demucs(repo: Path | None, name: str = "htdemucs") -> Any:
    if repo is None or not Path(repo).is_dir():
        raise BackendUnavailable(f"no Demucs model repo at {repo}; set STUDIO_DEMUCS_REPO to a folder with "
                                 "<sig>-<sha8>.th files (e.g. the htdemucs files from your demucs cache)")
    from demucs.pretrained import ModelLoadingError, get_model

    try:
        model = get_model(name, repo=Path(repo))
    except ModelLoadingError as err:
        raise BackendUnavailable(f"Demucs model {name!r} is not in {repo}: {err}") from err
    model.eval()
    return model


def _members(model: Any) -> list[tuple[Any, list[float]]]:
    """(model, per-source weight) pairs: a bag like htdemucs_ft weights each member per source."""
    if not hasattr(model, "models"):
        return [(model, [1.0] * len(model.sources))]
    return list(zip(model.models, model.weights, strict=True))


def chunk_starts(n: int, seg: int, overlap: float = OVERLAP) -> list[int]:
    hop = max(1, int(seg * (1 - overlap)))
    starts = list(range(0, max(1, n - seg) + 1, hop))
    if starts[-1] + seg < n:
        starts.append(n - seg)
    return starts


def _window(seg: int) -> np.ndarray:
    w = np.minimum(np.arange(1, seg + 1), np.arange(seg, 0, -1)).astype(np.float32)
    return w / w.max()


def apply_chunked(model: Any, mix: Any, progress: Progress = _quiet, batch: int = 2) -> Any:
    """(sources, channels, frames) from a (channels, frames) tensor already at model.samplerate."""
    import torch

    seg = int(model.segment * model.samplerate)
    n = mix.shape[-1]
    padded = torch.nn.functional.pad(mix, (0, max(0, seg - n)))
    starts = chunk_starts(padded.shape[-1], seg)
    out = torch.zeros(len(model.sources), mix.shape[0], padded.shape[-1])
    weight = torch.zeros(padded.shape[-1])
    win = torch.from_numpy(_window(seg))
    with torch.inference_mode():
        for i in range(0, len(starts), batch):
            group = starts[i: i + batch]
            chunks = torch.stack([padded[:, s: s + seg] for s in group])
            est = model(chunks)
            for s, e in zip(group, est, strict=True):
                out[:, :, s: s + seg] += e * win
                weight[s: s + seg] += win
            done = min(i + batch, len(starts))
            progress(f"Demucs: chunk {done}/{len(starts)}", done / len(starts))
    return (out / weight.clamp_min(1e-8))[..., :n]


class DemucsSeparator:
    def __init__(self, repo: Path | None, name: str = "htdemucs") -> None:
        self.model = load_demucs(repo, name)
        self.name = f"Demucs {name} (local repo {repo})"

    @property
    def sources(self) -> list[str]:
        return list(self.model.sources)

    def separate(self, src: Source, progress: Progress = _quiet) -> dict[str, np.ndarray]:
        import torch

        sr = int(self.model.samplerate)
        audio = resample(src.audio, src.sr, sr) if src.sr != sr else src.audio
        mix = torch.from_numpy(np.ascontiguousarray(audio.T, dtype=np.float32))
        ref = mix.mean(0)
        mean, std = ref.mean(), ref.std() + 1e-8  # demucs separates normalised audio
        est: Any = 0
        total = torch.zeros(len(self.model.sources), 1, 1)
        for m, weights in _members(self.model):
            w = torch.tensor(weights, dtype=torch.float32)[:, None, None]
            est = est + apply_chunked(m, (mix - mean) / std, progress) * w
            total += w
        est = est / total.clamp_min(1e-8)
        est = est * std + mean
        out = {}
        for name, stem in zip(self.model.sources, est.numpy(), strict=True):
            s = stem.T.astype(np.float32)
            out[name] = resample(s, sr, src.sr) if src.sr != sr else s
        return out


def save_random_htdemucs(repo: Path, sig: str = "tinyhtd", seed: int = 0, **size: Any) -> Path:
    """A randomly initialised HTDemucs saved like a real checkpoint (tests and bench only)."""
    import torch
    from demucs.htdemucs import HTDemucs
    from demucs.states import get_state, save_with_checksum

    torch.manual_seed(seed)
    model = HTDemucs(sources=["drums", "bass", "other", "vocals"], **size)
    args, kwargs = model._init_args_kwargs  # noqa: SLF001 - the package layout demucs' own loader reads
    package = {"klass": HTDemucs, "args": args, "kwargs": kwargs, "state": get_state(model, None),
               "training_args": {}}  # serialize_model() needs omegaconf only for training_args
    repo.mkdir(parents=True, exist_ok=True)
    save_with_checksum(package, repo / f"{sig}.th")
    return repo
