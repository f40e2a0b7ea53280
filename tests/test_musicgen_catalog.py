"""Where MusicGen weights are found (models dir, HF cache, STUDIO_MUSICGEN), sizes, checksums, pull/remove."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import StudioSettings
from models.musicgen import catalog
from models.musicgen.errors import NoNetwork, WeightsMissing


def fake_checkpoint(folder: Path, payload: bytes = b"weights") -> Path:
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "musicgen"}))
    (folder / "model.safetensors").write_bytes(payload)
    return folder


@pytest.fixture
def hf_cache(tmp_path, monkeypatch) -> Path:
    cache = tmp_path / "hub"
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    return cache


def test_resolves_models_dir_then_hf_cache_then_explains(tmp_path, hf_cache):
    s = StudioSettings(data_dir=tmp_path / "data", models_dir=tmp_path / "models")
    with pytest.raises(WeightsMissing, match="STUDIO_MUSICGEN") as err:
        catalog.resolve("small", s)
    assert "facebook/musicgen-small not in the HF cache" in str(err.value)
    repo = hf_cache / "models--facebook--musicgen-melody"
    snap = fake_checkpoint(repo / "snapshots" / "abc123")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text("abc123")
    assert catalog.resolve("melody", s) == snap
    local = fake_checkpoint(catalog.musicgen_dir(s) / "melody", b"mine")
    assert catalog.resolve("facebook/musicgen-melody", s) == local  # the models dir wins over the cache


def test_list_local_reports_size_and_source_and_checksum_tracks_content(tmp_path, hf_cache):
    s = StudioSettings(data_dir=tmp_path / "data", models_dir=tmp_path / "models")
    fake_checkpoint(catalog.musicgen_dir(s) / "small", b"x" * 1000)
    fake_checkpoint(hf_cache / "models--facebook--musicgen-large" / "snapshots" / "r1", b"y" * 10)
    found = {m.name: m for m in catalog.list_local(s)}
    assert found["small"].source == "models dir" and found["small"].size_bytes >= 1000
    assert found["large"].source == "HF cache" and found["large"].repo_id == "facebook/musicgen-large"
    first = catalog.checksum(found["small"].path)
    assert first == catalog.checksum(found["small"].path) and len(first) == 64
    (found["small"].path / "model.safetensors").write_bytes(b"z" * 1000)
    assert catalog.checksum(found["small"].path) != first


def test_a_folder_without_weights_is_not_a_checkpoint(tmp_path):
    s = StudioSettings(data_dir=tmp_path / "data", models_dir=tmp_path / "models")
    (tmp_path / "empty").mkdir()
    with pytest.raises(WeightsMissing, match="no config.json"):
        catalog.resolve(str(tmp_path / "empty"), s)


def test_pull_offline_says_how_to_get_the_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    s = StudioSettings(data_dir=tmp_path / "data", models_dir=tmp_path / "models")
    with pytest.raises(NoNetwork, match="huggingface-cli download facebook/musicgen-small"):
        catalog.pull("small", s)
    assert not catalog.musicgen_dir(s).exists()


def test_remove_only_deletes_inside_the_models_dir(tmp_path):
    s = StudioSettings(data_dir=tmp_path / "data", models_dir=tmp_path / "models")
    keep = fake_checkpoint(tmp_path / "models" / "precious")
    gone = fake_checkpoint(catalog.musicgen_dir(s) / "small")
    for bad in ("", "..", "../precious"):
        with pytest.raises(WeightsMissing):
            catalog.remove(bad, s)
    catalog.remove("small", s)
    assert not gone.exists() and keep.exists()
