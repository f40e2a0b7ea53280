"""What each capability will run on this machine, and what would upgrade it (`studio doctor`).

Every probe only looks (imports, file checks); none loads weights or touches the network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assistant.settings import StudioSettings
from studios.sfsynth import SoundFontMissing, find_soundfont


@dataclass(frozen=True)
class Capability:
    name: str
    backend: str  # what runs now
    ready: bool  # False: the capability is unavailable until the upgrade is done
    upgrade: str  # what would make it better (or make it work at all)


def _coming(name: str, what: str, later: str) -> Capability:
    return Capability(name, f"none yet: {what}", False, later)


def llm(s: StudioSettings) -> Capability:
    import importlib.util

    from models.llm import shipped

    parser = "fast command parser"
    if importlib.util.find_spec("llama_cpp") is None:
        return Capability("LLM", f"{parser} only: llama-cpp-python is not installed", False,
                          "run scripts/setup.sh (llama-cpp-python==0.3.36)")
    if s.llm_gguf is not None:
        if s.llm_gguf.is_file():
            return Capability("LLM", f"{parser} + llama.cpp with your GGUF {s.llm_gguf}", True,
                              "any chat GGUF via STUDIO_LLM_GGUF")
        return Capability("LLM", f"{parser} only: STUDIO_LLM_GGUF={s.llm_gguf} does not exist", False,
                          "fix the path or unset STUDIO_LLM_GGUF to use the shipped model")
    upgrade = "a bigger chat GGUF (e.g. Llama-3.2-3B-Instruct) via STUDIO_LLM_GGUF"
    if shipped.is_prepared(s.model_dir):
        return Capability("LLM", f"{parser} + llama.cpp, shipped Qwen2.5-Coder-1.5B Q4_K_M (verified): "
                          f"{s.model_dir / shipped.NAME}", True, upgrade)
    if all(importlib.util.find_spec(p) is not None for p in shipped.PARTS):
        return Capability("LLM", f"{parser} + shipped Qwen2.5-Coder-1.5B, not assembled yet (first chat "
                          "assembles it)", True, "run `studio models prepare` now; or " + upgrade)
    return Capability("LLM", f"{parser} only: the shipped model packages are not installed", False,
                      f"{shipped.FIX}, or set STUDIO_LLM_GGUF")


def asr(s: StudioSettings) -> Capability:
    from models.asr.loader import describe  # only looks at files and installed packages

    backend, ready, upgrade = describe(s.whisper, s.model_dir)
    return Capability("ASR", backend, ready, upgrade)


def embeddings(s: StudioSettings) -> Capability:
    from models.rag.probe import embeddings_capability  # the search stack's own probe (files only)

    return Capability(*embeddings_capability(s.text_embedder, s.clap_model))


def musicgen(s: StudioSettings) -> Capability:
    from models.musicgen.probe import describe  # only looks at files and importability

    backend, ready, upgrade = describe(s)
    return Capability("MusicGen", backend, ready, upgrade)


def stems(s: StudioSettings) -> Capability:
    from models.edit import probe

    return Capability("stems", *probe.stems(s))


def upscaler(s: StudioSettings) -> Capability:
    from models.edit import probe

    return Capability("upscaler", *probe.upscaler(s))


def inpainter(s: StudioSettings) -> Capability:
    from models.edit import probe

    return Capability("in-painter", *probe.inpainter(s))


def soundfont(s: StudioSettings) -> Capability:
    upgrade = "apt-get install fluid-soundfont-gm (FluidR3_GM, better) or set STUDIO_SOUNDFONT=/path/to/file.sf2"
    try:
        path = find_soundfont(s.soundfont)
    except SoundFontMissing as err:
        return Capability("soundfont", f"none: {err}", False, upgrade)
    if s.soundfont and path != s.soundfont:
        return Capability("soundfont", f"{path} (STUDIO_SOUNDFONT={s.soundfont} does not exist)", True, upgrade)
    bundled = "TimGM6mb" in path.name
    return Capability("soundfont", f"{path.name}{' (6 MB, bundled with pretty-midi)' if bundled else ''}: {path}",
                      True, upgrade if bundled else "any GM .sf2 via STUDIO_SOUNDFONT")


PROBES: tuple[Callable[[StudioSettings], Capability], ...] = (
    llm, asr, embeddings, musicgen, stems, upscaler, inpainter, soundfont,
)


def capabilities(s: StudioSettings) -> list[Capability]:
    return [probe(s) for probe in PROBES]
