"""Speech to command text: one Transcriber interface, faster-whisper and openai-whisper backends.

Callers (Chainlit mic, REST upload, `studio listen`) use transcribe_pcm / transcribe_file and get text
the router reads like typed text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.settings import StudioSettings, get_settings
from models.asr.base import ASRError, Transcriber, Transcript, load_audio, pcm16_to_float, to_asr_rate
from models.asr.loader import get_transcriber
from models.asr.normalise import normalise_transcript
from models.asr.prompt import command_prompt


def transcribe(audio: np.ndarray, settings: StudioSettings | None = None) -> Transcript:
    """16 kHz mono float32 -> Transcript with the command-biased prompt."""
    s = settings or get_settings()
    return get_transcriber(s.whisper, s.model_dir, s.whisper_shipped).transcribe(audio, command_prompt())


def transcribe_pcm(raw: bytes, rate: int = 24000, settings: StudioSettings | None = None) -> str:
    """Chainlit mic audio (raw int16 mono PCM at rate) -> router-ready command text."""
    return normalise_transcript(transcribe(pcm16_to_float(raw, rate), settings).text)


def transcribe_file(path: Path, settings: StudioSettings | None = None) -> str:
    """An uploaded or local audio file -> router-ready command text."""
    return normalise_transcript(transcribe(load_audio(path), settings).text)


__all__ = ["ASRError", "Transcriber", "Transcript", "command_prompt", "get_transcriber", "load_audio",
           "normalise_transcript", "pcm16_to_float", "to_asr_rate", "transcribe", "transcribe_file",
           "transcribe_pcm"]
