"""Which backend does a job: by what the user asked for, what the take is, and what is installed here.

Studio takes whose score is recovered edit symbolically (exact, lossless); other audio goes to the
neural/external backend the user configured, else to the offline default that always runs.
"""

from __future__ import annotations

from typing import Any

from models.edit.audio import EditError
from models.edit.base import BackendUnavailable, Source

INPAINT = ("symbolic", "musicgen", "vampnet", "offline")
EXTEND = ("symbolic", "musicgen", "offline")
UPSCALE = ("rerender", "audiosr", "offline", "resample")
STEMS = ("exact", "demucs", "offline")


def _check(job: str, wanted: str | None, allowed: tuple[str, ...]) -> str | None:
    if wanted is None:
        return None
    w = wanted.strip().lower()
    if w not in allowed:
        raise EditError(f"unknown {job} backend {wanted!r}: choose one of {', '.join(allowed)}")
    return w


def _configured(command: str | None) -> bool:
    return bool((command or "").strip())


def _neural(settings: Any, src: Source, wanted: str | None, musicgen_first: bool) -> Any:
    from models.edit.neural import MusicGenEditor, musicgen_generator

    if wanted == "musicgen" or (wanted is None and musicgen_first and getattr(settings, "musicgen", None)):
        return MusicGenEditor(musicgen_generator(settings))
    return None


def inpainter(settings: Any, src: Source, wanted: str | None = None) -> Any:
    from models.edit.external import VampNetInpainter
    from models.edit.inpaint import ConcatInpainter
    from models.edit.symbolic import SymbolicEditor

    w = _check("in-paint", wanted, INPAINT)
    if w == "symbolic" or (w is None and src.studio is not None):
        if src.studio is None:
            raise BackendUnavailable("symbolic in-painting needs a studio take whose score reproduces")
        return SymbolicEditor()
    if w == "vampnet" or (w is None and _configured(settings.vampnet)):
        return VampNetInpainter(settings.vampnet)
    return _neural(settings, src, w, True) or ConcatInpainter()


def extender(settings: Any, src: Source, wanted: str | None = None) -> Any:
    from models.edit.extend import LoopExtender
    from models.edit.symbolic import SymbolicEditor

    w = _check("extend", wanted, EXTEND)
    if w == "symbolic" or (w is None and src.studio is not None):
        if src.studio is None:
            raise BackendUnavailable("symbolic continuation needs a studio take whose score reproduces")
        return SymbolicEditor()
    return _neural(settings, src, w, True) or LoopExtender()


def upscaler(settings: Any, src: Source, wanted: str | None = None) -> Any:
    from models.edit.external import AudioSRUpscaler
    from models.edit.symbolic import SymbolicEditor
    from models.edit.upscale import BandwidthUpscaler, ResampleUpscaler

    w = _check("upscale", wanted, UPSCALE)
    if w == "rerender" or (w is None and src.studio is not None):
        if src.studio is None:
            raise BackendUnavailable("re-rendering needs a studio take whose score reproduces")
        return SymbolicEditor()
    if w == "audiosr" or (w is None and _configured(settings.audiosr)):
        return AudioSRUpscaler(settings.audiosr)
    return ResampleUpscaler() if w == "resample" else BandwidthUpscaler()


def separator(settings: Any, wanted: str | None = None) -> Any:
    from models.edit.demucs_sep import DemucsSeparator
    from models.edit.stems import HpssSeparator

    w = _check("stems", wanted, STEMS)
    repo = getattr(settings, "demucs_repo", None)
    if w == "demucs" or (w is None and repo is not None):
        return DemucsSeparator(repo, settings.demucs_model)
    return HpssSeparator()
