"""NeuralServices and the CLI on tiny random MusicGen / MusicGen-Melody checkpoints saved to tmp folders."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from assistant.neural_service import CROSSFADE_S, NeuralServices
from assistant.services import StudioServices
from assistant.settings import StudioSettings
from models.musicgen import BadRequest, WeightsMissing
from tests import musicgen_fixtures
from tests.conftest import files_under

ckpts = musicgen_fixtures.ckpts  # tiny checkpoints, once per module


@pytest.fixture
def neural(tmp_path, ckpts) -> NeuralServices:
    s = StudioSettings(data_dir=tmp_path / "data", models_dir=tmp_path / "models", musicgen=str(ckpts["text"]))
    return NeuralServices(StudioServices(s))


def audio_of(neural: NeuralServices, track) -> tuple[np.ndarray, int]:
    a, sr = sf.read(str(neural.s.track_path(track)), dtype="float32", always_2d=True)
    return a, sr


def test_text_to_music_files_takes_of_the_requested_duration(neural):
    seen: list[float] = []
    res = neural.generate("lofi piano calm", studio="bluenote", duration_s=1.5, variations=2, seed=3,
                          weirdness=0.6, progress=lambda msg, frac: seen.append(frac))
    assert len(res.takes) == 2 and res.backend == "musicgen:text" and seen[-1] == 1.0
    for t in res.takes:
        row = neural.s.get_track(t.id)
        a, sr = audio_of(neural, row)
        assert a.shape[0] / sr == pytest.approx(1.5, abs=0.01) and row.duration_s == pytest.approx(1.5, abs=0.01)
        assert row.operation == "generate" and row.studio == "bluenote" and row.seed == 3
        assert row.params["backend"] == "musicgen:text" and row.params["weirdness"] == 0.6
        assert np.abs(a).max() > 1e-3  # real sound, not silence
    assert not np.allclose(audio_of(neural, res.takes[0])[0], audio_of(neural, res.takes[1])[0])


def test_continue_keeps_the_parent_and_adds_seconds(neural):
    parent = neural.s.generate("chiptune boss battle", studio="chiptune", duration_s=3.0, seed=1).takes[0]
    res = neural.continue_track(parent.id, 1.5, seed=2)
    child = neural.s.get_track(res.takes[0].id)
    assert child.parent_id == parent.id and child.operation == "extend"
    a, sr = audio_of(neural, child)
    p, psr = audio_of(neural, parent)
    assert sr == psr and child.duration_s == pytest.approx(4.5, abs=0.01)
    exact = p.shape[0] - int(CROSSFADE_S * sr)
    np.testing.assert_allclose(a[:exact], p[:exact], atol=1e-4)  # the parent untouched up to the crossfade
    assert np.abs(a[p.shape[0]:]).max() > 1e-3  # and new audio after it


def test_neural_rerender_keeps_the_studio_take_duration(neural, ckpts):
    parent = neural.s.generate("jazz trio", studio="bluenote", duration_s=2.5, seed=4).takes[0]
    res = neural.rerender(parent.id, model=str(ckpts["melody"]), prompt="jazz piano", seed=5)
    row = neural.s.get_track(res.takes[0].id)
    assert row.operation == "rerender" and row.parent_id == parent.id and row.bpm == parent.bpm
    assert row.duration_s == pytest.approx(parent.duration_s, abs=1e-3)
    assert row.params["backend"] == "musicgen:melody" and row.params["melody_loyalty"] == 0.9


def test_rerender_on_a_text_only_checkpoint_says_which_model_is_needed(neural):
    parent = neural.s.generate("jazz trio", studio="bluenote", duration_s=2.0, seed=4).takes[0]
    with pytest.raises(BadRequest, match="MusicGen-Melody"):
        neural.rerender(parent.id)
    assert len(neural.s.list_tracks()) == 1


def test_missing_weights_name_the_fix_and_save_nothing(tmp_path):
    s = StudioSettings(data_dir=tmp_path / "data", models_dir=tmp_path / "models", musicgen=str(tmp_path / "none"))
    neural = NeuralServices(StudioServices(s))
    with pytest.raises(WeightsMissing, match="STUDIO_MUSICGEN"):
        neural.generate("lofi", duration_s=1.0)
    assert neural.s.list_tracks() == [] and files_under(s.audio_dir) == []


def test_bad_duration_is_refused_before_loading(neural):
    with pytest.raises(BadRequest, match="duration"):
        neural.generate("lofi", duration_s=9999)


def test_cli_generate_and_continue(studio_cli, ckpts, monkeypatch):
    monkeypatch.setenv("STUDIO_MUSICGEN", str(ckpts["text"]))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    out = studio_cli("generate", "lofi piano", "--engine", "musicgen", "--duration", "2.5", "--seed", "1").stdout
    assert "track #1" in out and "2.5 s" in out and "musicgen:text" in out
    out = studio_cli("continue", "1", "--seconds", "1").stdout
    assert "track #2" in out and "3.5 s" in out and "from track #1" in out


def test_cli_without_weights_fails_clearly(studio_cli, tmp_path, monkeypatch):
    monkeypatch.setenv("STUDIO_MUSICGEN", str(tmp_path / "nowhere"))
    proc = studio_cli("generate", "lofi", "--engine", "musicgen", "--duration", "1", check=False)
    assert proc.returncode == 2 and "STUDIO_MUSICGEN" in proc.stderr and "Nothing was saved" in proc.stderr


def test_rest_generate_with_engine_then_continue(neural):
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    client = TestClient(create_app(neural.s))
    r = client.post("/api/generate", json={"prompt": "lofi piano", "engine": "musicgen", "duration_s": 2.5, "seed": 1})
    assert r.status_code == 200, r.text
    [take] = r.json()["takes"]
    assert take["duration_s"] == pytest.approx(2.5, abs=0.01) and take["operation"] == "generate"
    r = client.post("/api/neural/continue", json={"track_id": take["id"], "seconds": 1.0, "seed": 2})
    assert r.status_code == 200, r.text
    child = r.json()["takes"][0]
    assert child["parent_id"] == take["id"] and child["duration_s"] == pytest.approx(3.5, abs=0.01)
    r = client.post("/api/neural/rerender", json={"track_id": take["id"]})  # text-only checkpoint
    assert r.status_code == 422 and "MusicGen-Melody" in r.json()["detail"]


def test_rest_without_weights_is_503_with_the_fix(tmp_path):
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    s = StudioSettings(data_dir=tmp_path / "data", models_dir=tmp_path / "models", musicgen=str(tmp_path / "none"))
    services = StudioServices(s)
    r = TestClient(create_app(services)).post("/api/generate", json={"prompt": "x", "engine": "musicgen"})
    assert r.status_code == 503 and "STUDIO_MUSICGEN" in r.json()["detail"] and services.list_tracks() == []


@pytest.fixture
def in_process_cli(tmp_path, ckpts, monkeypatch):
    """`studio` in this process on a tmp data dir with the tiny melody checkpoint as STUDIO_MUSICGEN."""
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.settings import get_settings

    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STUDIO_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("STUDIO_MUSICGEN", str(ckpts["melody"]))
    monkeypatch.setenv("COLUMNS", "250")
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(app, list(args))
    get_settings.cache_clear()


def test_models_list_shows_musicgen_and_pull_fails_clearly_offline(in_process_cli):
    out = in_process_cli("models", "list")
    assert out.exit_code == 0 and "MusicGen" in out.output and "STUDIO_MUSICGEN" in out.output, out.output
    pulled = in_process_cli("models", "pull", "small")
    assert pulled.exit_code == 2 and "cannot be downloaded" in pulled.output
    gone = in_process_cli("models", "remove", "small")
    assert gone.exit_code == 2 and "no folder" in gone.output


def test_generate_musicgen_refuses_studio_only_options(in_process_cli):
    out = in_process_cli("generate", "lofi", "--engine", "musicgen", "--bpm", "120")
    assert out.exit_code == 2 and "--bpm only apply to --engine studio" in out.output
    out = in_process_cli("generate", "lofi", "--engine", "tape")
    assert out.exit_code == 2 and "studio or musicgen" in out.output
