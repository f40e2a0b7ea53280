"""faster-whisper (CTranslate2) backend: the shipped tiny.en/base models or any converted model folder."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.asr.base import ASRError, Transcriber


def is_ct2_dir(path: Path) -> bool:
    return path.is_dir() and (path / "model.bin").is_file() and (path / "config.json").is_file()


class FasterWhisper(Transcriber):
    def __init__(self, model_dir: Path, *, threads: int = 2, compute_type: str = "int8") -> None:
        from faster_whisper import WhisperModel

        if not is_ct2_dir(model_dir):
            raise ASRError(f"no faster-whisper model at {model_dir} (needs model.bin + config.json); "
                           "set STUDIO_WHISPER to a CTranslate2 Whisper folder or a whisper .pt file")
        self.name = f"faster-whisper {model_dir.name}"
        self.english_only = model_dir.name.endswith(".en") or "tiny.en" in str(model_dir)
        # local_files_only: a folder path never downloads, but say so explicitly.
        self.model = WhisperModel(str(model_dir), device="cpu", compute_type=compute_type, cpu_threads=threads,
                                  local_files_only=True)

    def transcribe_array(self, audio: np.ndarray, prompt: str | None = None) -> str:
        # Greedy, one window, no timestamps: a command is short and speed matters more than beam search.
        segments, _info = self.model.transcribe(
            audio, language="en", beam_size=1, temperature=0.0, initial_prompt=prompt, without_timestamps=True,
            condition_on_previous_text=False, vad_filter=False)
        return " ".join(s.text.strip() for s in segments)
