"""Named MusicGen errors; every message says what to do next."""

from __future__ import annotations


class MusicGenError(RuntimeError):
    """Base class: anything the neural music backend refuses to do."""


class WeightsMissing(MusicGenError):
    """No usable MusicGen checkpoint where we looked (never downloaded implicitly)."""

    def __init__(self, what: str, looked: list[str]) -> None:
        where = "; ".join(looked) if looked else "nowhere"
        super().__init__(
            f"no MusicGen weights for {what!r} (looked: {where}). Set STUDIO_MUSICGEN=/path/to/musicgen-folder "
            f"(a folder with config.json and model weights) or a model id already in your Hugging Face cache, "
            f"e.g. STUDIO_MUSICGEN=facebook/musicgen-small after `huggingface-cli download facebook/musicgen-small` "
            f"on a machine with a network"
        )
        self.what = what
        self.looked = looked


class BackendUnavailable(MusicGenError):
    """torch/transformers (or peft for training) are not importable in this environment."""

    def __init__(self, package: str, err: Exception) -> None:
        super().__init__(f"the MusicGen backend needs {package!r}, which cannot be imported here ({err}); "
                         f"install the project's model requirements into the venv (scripts/setup.sh)")


class BadRequest(MusicGenError, ValueError):
    """A request the backend cannot honour (duration out of range, melody on a text-only model, ...)."""


class NoNetwork(MusicGenError):
    """`pull` was asked to download where no model hub is reachable."""
