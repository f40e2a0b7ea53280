"""The library keeps takes safely: atomic files inside the data dir, rows only with files."""

import os
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from library.models import Track
from library.repository import TrackFilter, TrackNotFound
from library.store import AudioStore, StorePathError


def _track(**kw) -> Track:
    base = dict(title="t", prompt="p", studio="chiptune", bpm=120.0, key="C", duration_s=1.0,
                sample_rate=44100, file_path="x/mix.wav")
    return Track(**{**base, **kw})


def test_store_refuses_paths_outside(tmp_path: Path):
    store = AudioStore(tmp_path / "audio")
    for bad in ("../../etc/passwd", "/etc/passwd", "a/../../b.wav"):
        with pytest.raises(StorePathError, match="outside"):
            store.resolve(bad)


def test_atomic_write_leaves_no_temp_on_failure(tmp_path: Path):
    store = AudioStore(tmp_path / "audio")
    with pytest.raises(sf.LibsndfileError):
        store.write_wav("take/mix.wav", np.zeros((10, 2), np.float32), sample_rate=-1)
    assert not list((tmp_path / "audio").rglob("*.wav"))


def test_atomic_write_roundtrip_and_orphan_cleanup(tmp_path: Path):
    store = AudioStore(tmp_path / "audio")
    audio = (np.sin(np.linspace(0, 100, 4410)) * 0.5).astype(np.float32)[:, None].repeat(2, 1)
    rel = store.write_wav("take/mix.wav", audio, 44100)
    back, sr = sf.read(store.resolve(rel))
    assert sr == 44100 and back.shape == (4410, 2) and np.allclose(back, audio, atol=1e-4)
    crashed, busy = store.root / "take" / ".tmp-crash.wav", store.root / "take" / ".tmp-writing.wav"
    crashed.write_bytes(b"half")
    busy.write_bytes(b"being written by another process")
    old = time.time() - 3600
    os.utime(crashed, (old, old))
    assert store.clean_orphan_temps() == 1
    assert not crashed.exists() and busy.exists()  # a fresh temp file may be another process's write


def test_repository_roundtrip_lineage_and_trash(services):
    repo = services.tracks
    parent = repo.add(_track(title="first"), {"lead": "x/stems/lead.wav"})
    child = repo.add(_track(title="second", parent_id=parent.id, operation="extend"))
    got = repo.get(child.id)
    assert got.parent_id == parent.id and got.operation == "extend"
    assert [s.name for s in repo.get(parent.id).stems] == ["lead"]
    assert [t.title for t in repo.list()] == ["second", "first"]
    assert repo.count() == 2
    with pytest.raises(TrackNotFound, match="no track #999"):
        repo.get(999)
    assert repo.list(TrackFilter(studio="cypher")) == []
