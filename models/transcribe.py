"""Audio -> MIDI with basic-pitch (Spotify's ICASSP 2022 model, shipped as ONNX inside the wheel).

Studio takes never come here: their MIDI is the exact score. Runs on onnxruntime; nothing is downloaded.
"""

from __future__ import annotations

import contextlib
import io
import logging
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pretty_midi
import soundfile as sf

MAX_SECONDS = 600.0


class TranscriptionError(RuntimeError):
    """basic-pitch could not run; the message says what is missing."""


def _model_path() -> Path:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.getLogger().setLevel(logging.ERROR)  # it warns about every runtime it does not use
            from basic_pitch import ICASSP_2022_MODEL_PATH
    except ImportError as err:
        raise TranscriptionError("basic-pitch is not installed: run scripts/setup.sh (it installs basic-pitch "
                                 "--no-deps with onnxruntime)") from err
    path = Path(ICASSP_2022_MODEL_PATH)
    onnx = path if path.suffix == ".onnx" else path.with_suffix(".onnx")
    if not onnx.exists():
        raise TranscriptionError(f"basic-pitch's ONNX model is missing at {onnx}; reinstall basic-pitch")
    return onnx


def transcribe(audio: np.ndarray, sr: int, bpm: float | None = None, onset_threshold: float = 0.5,
               frame_threshold: float = 0.3) -> pretty_midi.PrettyMIDI:
    """A MIDI transcription of (frames,) or (frames, channels) audio; one piano track, tempo = bpm if known."""
    if audio.shape[0] / sr > MAX_SECONDS:
        raise TranscriptionError(f"transcription is limited to {MAX_SECONDS:g} s of audio")
    model = _model_path()
    from basic_pitch.inference import predict

    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):  # it prints progress
        wav = Path(tmp) / "in.wav"
        sf.write(wav, audio, sr)
        _out, midi, _events = predict(str(wav), str(model), onset_threshold=onset_threshold,
                                      frame_threshold=frame_threshold, midi_tempo=float(bpm or 120.0))
    return midi
