"""`studio train` end to end on a tiny random MusicGen: files, library tracks, albums, clear errors."""

from __future__ import annotations

import os

import numpy as np
import pytest
import soundfile as sf

os.environ["HF_HUB_OFFLINE"] = "1"
pytest.importorskip("torch")
pytest.importorskip("peft")

from models.musicgen.shapes import save_random, tiny_config  # noqa: E402

TRAIN = ("--steps", "3", "--chunk-seconds", "1", "--batch-size", "2", "--lr", "0.01", "--checkpoint-every", "2")


@pytest.fixture(autouse=True)
def own_models_dir(data_dir, monkeypatch):
    """Adapters and runs go to this test's data dir, not the run-wide shared models dir (conftest)."""
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(data_dir / "models"))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return save_random(tmp_path_factory.mktemp("base") / "tiny", tiny_config())


def test_train_from_files_registers_the_adapter(studio_cli, base, tmp_path, data_dir):
    sr = 32000
    t = np.arange(sr * 3) / sr
    wav = tmp_path / "riff.wav"
    sf.write(wav, (0.3 * np.sin(2 * np.pi * 330 * t)).astype(np.float32), sr)
    out = studio_cli("train", "--file", str(wav), "--name", "riff-style", "--base", str(base), "--style", "jazz",
                     "--studio", "bluenote", *TRAIN).stdout
    assert "adapter 'riff-style' registered" in out and "3 clips" in out
    assert (data_dir / "models" / "adapters" / "riff-style" / "meta.json").is_file()


def test_train_from_an_album_of_library_tracks(studio_cli, services, base):
    take = services.generate("chiptune boss battle", studio="chiptune", duration_s=4.0, seed=1).takes[0]
    services.library.create_album("Night Drive")
    services.library.add_to_album("Night Drive", [take.id])
    out = studio_cli("train", "--album", "Night Drive", "--tracks", str(take.id), "--name", "night-drive",
                     "--base", str(base), *TRAIN).stdout
    assert "adapter 'night-drive' registered" in out and "8 clips" in out  # 4 s twice (album + track id)


def test_train_errors_name_the_fix(studio_cli, tmp_path):
    wav = tmp_path / "a.wav"
    sf.write(wav, np.zeros(32000, np.float32) + 0.1, 32000)
    proc = studio_cli("train", "--file", str(wav), "--name", "x", check=False)
    assert proc.returncode == 2 and "STUDIO_MUSICGEN" in proc.stderr
    proc = studio_cli("train", "--tracks", "999", "--name", "x", check=False)
    assert proc.returncode == 2 and "studio tracks" in proc.stderr


def test_doctor_reports_the_musicgen_line_truthfully(studio_cli, base):
    plain = studio_cli("doctor").stdout
    assert "not configured (STUDIO_MUSICGEN unset)" in plain
    os.environ["STUDIO_MUSICGEN"] = str(base)
    try:
        ready = studio_cli("doctor").stdout
    finally:
        del os.environ["STUDIO_MUSICGEN"]
    assert "transformers MusicGen (text)" in ready
