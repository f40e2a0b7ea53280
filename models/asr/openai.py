"""openai-whisper backend for users with its .pt checkpoints ({"dims", "model_state_dict"})."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from models.asr.base import ASRError, Transcriber


class OpenAIWhisper(Transcriber):
    def __init__(self, checkpoint: Path, *, threads: int = 2) -> None:
        import torch
        import whisper

        if not checkpoint.is_file():
            raise ASRError(f"no openai-whisper checkpoint at {checkpoint}; set STUDIO_WHISPER to a .pt file "
                           "saved by openai-whisper, or unset it to use the shipped faster-whisper model")
        torch.set_num_threads(threads)
        try:
            self.model = whisper.load_model(str(checkpoint), device="cpu")
        except Exception as err:  # torch.load raises pickle, struct, key and runtime errors for bad files
            raise ASRError(f"{checkpoint} is not an openai-whisper checkpoint: {err}") from err
        self.name = f"openai-whisper {checkpoint.stem}"

    def transcribe_array(self, audio: np.ndarray, prompt: str | None = None) -> str:
        # Multilingual checkpoints would detect the language; commands are English.
        lang = "en" if self.model.is_multilingual else None
        out = self.model.transcribe(audio, language=lang, fp16=False, temperature=0.0, initial_prompt=prompt,
                                    condition_on_previous_text=False, without_timestamps=True)
        return str(out["text"])
