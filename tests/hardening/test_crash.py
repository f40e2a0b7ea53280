"""kill -9 a studio process in the middle of generate, a queued job, import and in-paint; then restart.

The restart is what a user does: a new process opens the same data dir (StudioServices, then the REST app,
which runs library.recovery). After it: no half-written take in the library (every row's files complete,
every take folder filed), no temp file left, the killed job's run marked failed, integrity_check ok.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from tests.conftest import ROOT
from tests.library_fixtures import groove, write


def run_child(data_dir: Path, mode: str, arg: str = "", kill_after_s: float = 0.0) -> dict:
    """Start the child, wait until it reports its stop point, SIGKILL it (after kill_after_s), reap it."""
    ready = data_dir.parent / f"ready-{mode}.json"
    ready.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "tests.hardening.crash_child", str(data_dir), mode, str(ready),
                             arg], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            if proc.poll() is not None:
                raise AssertionError(f"child {mode} ended early: {proc.stdout.read().decode()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"child {mode} never reached its stop point")
            time.sleep(0.02)
        time.sleep(kill_after_s)
        info = json.loads(ready.read_text())
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(30)  # reaped: a zombie would still look alive to the recovery's pid check
    assert proc.returncode == -signal.SIGKILL
    return info


def restart(data_dir: Path):
    """What the next studio start does: services, then the REST app (which runs the startup recovery)."""
    from assistant.api import create_app
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    services = StudioServices(StudioSettings(data_dir=data_dir))
    create_app(services)
    return services


def assert_consistent(services, rows_before: int) -> list:
    """Every row's files complete; every take folder and file in the store filed; no temps; DB intact."""
    from library.recovery import referenced_paths, top_folder

    store = services.store.root
    tracks = _all_tracks(services)
    assert len(tracks) == rows_before, f"{len(tracks) - rows_before} take(s) filed by the killed process"
    for t in tracks:
        info = sf.info(str(store / t.file_path))  # raises on a truncated or missing file
        assert abs(info.frames / info.samplerate - t.duration_s) < 0.01, f"track #{t.id}'s audio is incomplete"
        for stem in t.stems:
            assert sf.info(str(store / stem.file_path)).frames == info.frames
    temps = list(store.rglob(".tmp-*"))
    assert not temps, f"temp files left: {temps}"
    filed = {top_folder(p) for p in referenced_paths(services.db)}
    folders = {p.name for p in store.iterdir() if p.is_dir() and not p.name.startswith(".")}
    assert folders == filed, f"take folders without a row: {sorted(folders - filed)}"
    db = services.settings.data_dir / "library.sqlite"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    if tracks:  # the killed writer's lock died with it: the library takes writes at once
        services.library.comment(tracks[0].id, 0.0, "after the crash")
    return tracks


def _all_tracks(services) -> list:
    from library.repository import TrackFilter

    return services.tracks.list(TrackFilter(include_trashed=True, limit=1000))


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory):
    """One data dir for the module: each test kills a child in it and checks what the restart leaves."""
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    data_dir = tmp_path_factory.mktemp("crash") / "data"
    services = StudioServices(StudioSettings(data_dir=data_dir))
    parent = services.generate("chiptune parent take", duration_s=3.0, seed=7).takes[0]
    return data_dir, parent.id


def rows(data_dir: Path) -> int:
    with sqlite3.connect(data_dir / "library.sqlite") as conn:
        return int(conn.execute("SELECT count(*) FROM tracks").fetchone()[0])


def test_kill_mid_file_write_during_generate(studio):
    data_dir, _ = studio
    before = rows(data_dir)
    info = run_child(data_dir, "generate_write")
    assert Path(info["temp"]).exists()  # the kill really hit a write in progress
    assert assert_consistent(restart(data_dir), rows_before=before)


def test_kill_inside_the_filing_transaction_of_a_queued_generate(studio):
    from assistant.jobs.runtime import runtime_for

    data_dir, _ = studio
    before = rows(data_dir)
    info = run_child(data_dir, "job_flush")
    assert info["filing"].endswith("mix.wav")  # its files were complete, its row inserted, not committed
    services = restart(data_dir)
    with sqlite3.connect(data_dir / "library.sqlite") as conn:  # marked by the restart itself, before any job call
        statuses = [r[0] for r in conn.execute("SELECT status FROM job_runs ORDER BY id")]
    assert statuses[0] == "failed", statuses
    assert_consistent(services, rows_before=before)
    running, waiting = sorted(runtime_for(services).store.runs(limit=2), key=lambda r: r.id)
    assert running.kind == "generate" and running.status == "failed", running
    assert "ended" in running.error
    assert waiting.status == "failed", waiting  # never started: judged by the process that queued it
    assert "ended while it waited in the queue" in waiting.message and "not retried" in waiting.message


def test_kill_inside_the_transaction_of_an_import(studio, tmp_path: Path):
    data_dir, _ = studio
    before = rows(data_dir)
    song = write(tmp_path / "in" / "song.wav", groove(100, (220.0, 277.2, 329.6), seconds=4.0))
    info = run_child(data_dir, "import_flush", str(song))
    assert info["filing"].endswith("original.wav")  # the copy was complete, its row inserted, not committed
    services = restart(data_dir)
    assert_consistent(services, rows_before=before)
    report = services.library.import_paths([song])  # nothing half-imported blocks a retry (no duplicate)
    assert len(report.imported) == 1 and not report.skipped


def test_kill_inside_the_filing_transaction_of_an_inpaint(studio):
    data_dir, parent_id = studio
    before = rows(data_dir)
    info = run_child(data_dir, "inpaint_flush", str(parent_id))
    assert info["filing"].endswith("mix.wav")
    tracks = assert_consistent(restart(data_dir), rows_before=before)
    assert not [t for t in tracks if t.operation == "inpaint"]


def test_kill_at_a_random_moment_of_a_generate_loop(studio):
    data_dir, _ = studio
    before = rows(data_dir)
    delay = random.Random().uniform(0.0, 1.5)
    info = run_child(data_dir, "loop", kill_after_s=delay)
    services = restart(data_dir)
    tracks = _all_tracks(services)
    assert len(tracks) >= before + info["takes"]  # every take it reported as filed survived
    assert_consistent(services, rows_before=len(tracks))


def test_kill_inside_the_filing_transaction_of_a_stem_separation(studio):
    data_dir, parent_id = studio
    before = rows(data_dir)
    info = run_child(data_dir, "separate_flush", str(parent_id))  # the offline HPSS split, then its filing
    assert info["filing"].endswith("mix.wav")
    tracks = assert_consistent(restart(data_dir), rows_before=before)
    assert not [t for t in tracks if t.operation == "stems"]


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("torch")
    pytest.importorskip("peft")
    from models.musicgen.shapes import save_random, tiny_config

    return save_random(tmp_path_factory.mktemp("base") / "tiny", tiny_config())


def _train_args(tiny_base: Path, tmp_path: Path) -> dict[str, str]:
    song = write(tmp_path / "in" / "style.wav", groove(100, (220.0, 277.2, 329.6), seconds=4.0))
    return {"base": str(tiny_base), "file": str(song), "models": str(tmp_path / "models")}


def _retrain(data_dir: Path, args: dict[str, str]):
    """What the user does next: the same `studio train` again, which resumes from the last whole checkpoint."""
    from assistant.settings import StudioSettings
    from tests.hardening.crash_child import train

    settings = StudioSettings(data_dir=data_dir, models_dir=Path(args["models"]))
    train(settings, args)
    return settings


@pytest.mark.parametrize("mode", ["train_checkpoint", "train_register"])
def test_kill_during_lora_training_registers_nothing_half_written(studio, tiny_base, tmp_path, mode):
    from models.training import adapters
    from models.training.pipeline import run_dir
    from tests.hardening.crash_child import TRAIN_STEPS

    data_dir, _ = studio
    before = rows(data_dir)
    args = _train_args(tiny_base, tmp_path)
    info = run_child(data_dir, mode, json.dumps(args))
    assert Path(info["temp"]).is_dir()  # the kill really hit a write in progress
    services = restart(data_dir)
    assert_consistent(services, rows_before=before)
    from assistant.settings import StudioSettings

    settings = StudioSettings(data_dir=data_dir, models_dir=Path(args["models"]))
    assert adapters.list_adapters(settings) == []  # nothing usable, not even the complete-but-unrenamed copy
    with pytest.raises(adapters.AdapterError, match="no adapter 'crash-style'"):
        adapters.get_adapter(settings, "crash-style")
    if mode == "train_checkpoint":  # the half checkpoint is not resumed from; the previous whole one is
        state = json.loads((run_dir(settings, "crash-style") / "checkpoint" / "state.json").read_text())
        assert state["step"] == info["step"] - 2
    _retrain(data_dir, args)
    (adapter,) = adapters.list_adapters(settings)
    assert adapter.name == "crash-style" and adapter.steps == TRAIN_STEPS
    assert (adapter.path / "adapter_model.safetensors").is_file()
    temps = [p for p in Path(args["models"]).rglob("*") if p.name.endswith(".tmp")]
    assert not temps, f"temp files left: {temps}"
