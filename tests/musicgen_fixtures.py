"""Tiny random MusicGen and MusicGen-Melody checkpoints saved once per test module (import the fixture)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"  # never reach for a hub: the checkpoints are local folders
torch = pytest.importorskip("torch")
torch.set_num_threads(1)


@pytest.fixture(scope="module")
def ckpts(tmp_path_factory) -> dict[str, Path]:
    from models.musicgen.shapes import save_random, tiny_config

    root = tmp_path_factory.mktemp("musicgen")
    return {name: save_random(root / name, tiny_config(melody=name == "melody")) for name in ("text", "melody")}
