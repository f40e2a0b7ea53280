"""Chat turns on tiny random MusicGen checkpoints: generate{engine: musicgen}, neural re-render, train_lora."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.graph.runner import ChatRunner
from assistant.services import StudioServices
from assistant.settings import StudioSettings
from assistant.tools import TOOLS, train
from models.training.adapters import get_adapter
from tests import musicgen_fixtures
from tests.conftest import files_under

ckpts = musicgen_fixtures.ckpts  # tiny checkpoints, once per module


def services_with(tmp_path: Path, musicgen: Path) -> StudioServices:
    return StudioServices(StudioSettings(data_dir=tmp_path / "data", models_dir=tmp_path / "models",
                                         musicgen=str(musicgen)))


def test_chat_turn_with_musicgen_files_a_take(tmp_path, ckpts):
    services = services_with(tmp_path, ckpts["text"])
    result = ChatRunner(services, use_llm=False).turn("make a 2 second lofi piano track with musicgen", "t")
    assert result.route["tool"] == "generate" and "MusicGen" in result.reply
    [take] = result.takes
    row = services.get_track(take["id"])
    assert row.duration_s == pytest.approx(2.0, abs=0.01) and row.params["backend"] == "musicgen:text"
    assert "musicgen" not in row.prompt.lower()  # the engine word chose the engine, it is not music
    assert services.track_path(row).is_file()


def test_chat_without_weights_says_how_to_add_them_and_saves_nothing(tmp_path):
    services = services_with(tmp_path, tmp_path / "no-such-folder")
    result = ChatRunner(services, use_llm=False).turn("make a 2 second lofi piano track with musicgen", "t")
    assert "STUDIO_MUSICGEN" in result.reply and "Nothing was saved" in result.reply
    assert result.takes == [] and services.list_tracks() == [] and files_under(services.settings.audio_dir) == []


def test_generate_tool_with_engine_and_track_is_a_neural_rerender(tmp_path, ckpts):
    services = services_with(tmp_path, ckpts["melody"])
    parent = services.generate("jazz trio", studio="bluenote", duration_s=2.0, seed=1).takes[0]
    state = {"route": {"tool": "generate", "args": {"engine": "musicgen", "track": parent.id, "seed": 2}}}
    out = TOOLS["generate"](state, services)  # type: ignore[arg-type]
    row = services.get_track(out["current_track"])
    assert row.operation == "rerender" and row.parent_id == parent.id
    assert row.duration_s == pytest.approx(parent.duration_s, abs=1e-3)


def test_train_lora_on_an_album_registers_an_adapter_the_studio_then_uses(tmp_path, ckpts, monkeypatch):
    monkeypatch.setattr(train, "CHAT_STEPS", 3)  # a few steps: the pipeline end to end, not a good style
    services = services_with(tmp_path, ckpts["text"])
    ids = [services.generate("chiptune", studio="chiptune", duration_s=2.0, seed=s).takes[0].id for s in (1, 2)]
    services.library.create_album("Tiny")
    services.library.add_to_album("Tiny", ids)
    result = ChatRunner(services, use_llm=False).turn("teach it my style from the Tiny album, call it tiny", "t")
    assert result.route["tool"] == "train_lora" and "Trained style **tiny**" in result.reply, result.reply
    adapter = get_adapter(services.settings, "tiny")
    assert adapter.steps == 3 and adapter.studio == "chiptune"
    from assistant.neural_service import NeuralServices

    gen = NeuralServices(services).generate("boss battle", studio="chiptune", duration_s=1.0, seed=1)
    assert gen.adapter == "tiny" and services.get_track(gen.takes[0].id).params["adapter"] == "tiny"


def test_train_lora_on_an_unknown_album_says_so(tmp_path, ckpts):
    services = services_with(tmp_path, ckpts["text"])
    result = ChatRunner(services, use_llm=False).turn("teach it my style from the Nope album, call it x", "t")
    assert "couldn't train" in result.reply and "Nope" in result.reply
