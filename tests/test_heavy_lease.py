"""One render at a time, whoever asks: chat, REST, CLI and queued runs share the heavy slot (a DB lease),
across threads and across processes on one database; a caller that must wait is told for whom."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.jobs import heavy
from assistant.jobs.heavy import HeavyBusy

# A separate studio process rendering through StudioServices, recording when its renders start and end.
PROCESS = r"""
import json, sys, time
from pathlib import Path
from assistant.services import StudioServices
from assistant.settings import StudioSettings

data, go, out, name = sys.argv[1:]
services = StudioServices(StudioSettings(data_dir=Path(data)))
engine = services.studios.get("chiptune")
real, spans, said = engine.generate, [], []

def recorded(req, sample_rate):
    t0 = time.time()
    render = real(req, sample_rate=sample_rate)
    spans.append((t0, time.time()))
    return render

engine.generate = recorded
Path(out + ".ready").touch()
while not Path(go).exists():
    time.sleep(0.01)
result = services.generate("chiptune " + name, studio="chiptune", duration_s=2, variations=3, seed=5,
                           progress=lambda msg, frac: said.append(msg))
Path(out).write_text(json.dumps({"spans": spans, "said": said, "takes": [t.id for t in result.takes]}))
"""


def _record_renders(services: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, float, float]]:
    """(thread name, start, end) of every render, taken inside the render path itself."""
    engine = services.studios.get("chiptune")
    real, spans = engine.generate, []

    def recorded(req: Any, sample_rate: int) -> Any:
        t0 = time.monotonic()
        render = real(req, sample_rate=sample_rate)
        spans.append((threading.current_thread().name, t0, time.monotonic()))
        return render

    monkeypatch.setattr(engine, "generate", recorded)
    return spans


def test_two_threads_never_render_at_once_and_the_second_is_told_why(services, monkeypatch):
    spans = _record_renders(services, monkeypatch)
    first_inside, second_waits = threading.Event(), threading.Event()
    said: list[str] = []
    results: dict[str, Any] = {}

    def first_progress(msg: str, _frac: float) -> None:
        if msg.startswith("Chiptune: composing take 1"):
            first_inside.set()
            second_waits.wait(20)  # hold the slot until the second caller is demonstrably waiting for it

    def second_progress(msg: str, _frac: float) -> None:
        said.append(msg)
        if msg.startswith("waiting for"):
            second_waits.set()

    def run(name: str, prompt: str, progress: Any) -> None:
        try:
            results[name] = services.generate(prompt, studio="chiptune", duration_s=2, variations=2, seed=3,
                                              progress=progress)
        except Exception as err:  # noqa: BLE001 (reported by the assertion below)
            results[name] = err

    first = threading.Thread(target=run, args=("first", "chiptune one", first_progress), name="first")
    second = threading.Thread(target=run, args=("second", "chiptune two", second_progress), name="second")
    first.start()
    assert first_inside.wait(30)
    second.start()
    first.join(60)
    second.join(60)
    assert [len(results[n].takes) for n in ("first", "second")] == [2, 2], results
    assert services.tracks.count() == 4
    assert second_waits.is_set()
    assert f"waiting for a generate of 'chiptune one' (process {os.getpid()}) to finish" in said[0]
    firsts = [s for s in spans if s[0] == "first"]
    seconds = [s for s in spans if s[0] == "second"]
    assert len(firsts) == len(seconds) == 2
    assert max(end for _, _, end in firsts) <= min(start for _, start, _ in seconds)  # no overlap
    assert services.heavy.holders() == []  # released


def test_chat_answers_promptly_naming_the_running_job_and_saves_nothing(services, monkeypatch):
    from assistant.tools.generate import generate

    monkeypatch.setattr(heavy, "CHAT_WAIT_S", 0.5)  # the chat's bound, shortened for the test
    state = {"route": {"tool": "generate", "args": {"prompt": "chiptune boss", "duration_s": 2}}}
    out: list[str] = []

    def chat_turn() -> None:  # another thread, as the UI's turn would be
        out.append(generate(state, services)["messages"][0].content)  # type: ignore[arg-type]

    with services.heavy.hold("run r7 (pipeline)", run_id=7):
        turn = threading.Thread(target=chat_turn)
        turn.start()
        turn.join(30)
    (text,) = out
    assert "busy with run r7 (pipeline)" in text and "cancel job r7" in text and "Nothing was saved" in text
    assert services.tracks.count() == 0
    turn = threading.Thread(target=chat_turn)
    turn.start()
    turn.join(60)
    assert "track #1" in out[1] and services.tracks.count() == 1  # free again: the same request renders


def test_rest_generate_is_503_while_busy_then_succeeds(services, monkeypatch):
    from fastapi.testclient import TestClient

    from assistant.api import create_app

    monkeypatch.setattr(heavy, "WAIT_S", 0.5)
    body = {"prompt": "chiptune", "duration_s": 2}
    with TestClient(create_app(services)) as client:
        with services.heavy.hold("run r3 (generate)", run_id=3):
            busy = client.post("/api/generate", json=body)
        assert busy.status_code == 503 and busy.headers["retry-after"] == "30"
        assert "busy with run r3 (generate)" in busy.json()["detail"] and services.tracks.count() == 0
        done = client.post("/api/generate", json=body)
        assert done.status_code == 200 and len(done.json()["takes"]) == 1


def test_a_queued_run_waits_for_a_chat_render_and_says_so(services):
    from assistant.jobs.runtime import JobRuntime
    from tests.test_jobs import wait_for

    rt = JobRuntime(services)
    try:
        with services.heavy.hold("a chat generate"):
            run = rt.run_now("generate", {"prompt": "chiptune", "duration_s": 2}, "scheduler")
            view = wait_for(lambda: (v := rt.store.run(run)).message and v)
            assert view.status == "queued" and view.message.startswith("waiting for a chat generate")
            other = rt.run_now("generate", {"prompt": "chiptune", "duration_s": 2}, "cli")
            rt.queue.cancel(other)  # cancelled while queued behind the lease: never starts
        done = rt.queue.wait(run)
        assert done.status == "done" and len(done.takes) == 1, done.error
        assert rt.queue.wait(other).status == "cancelled" and rt.store.run(other).started_at is None
    finally:
        rt.shutdown()


def test_busy_error_names_the_fix():
    err = HeavyBusy(heavy.Holder("heavy:0", "run r12 (pipeline)", 12), 10.2)
    assert str(err) == ("the renderer is busy with run r12 (pipeline) (one render at a time) and stayed busy for "
                        "10 s: try again when it finishes; `studio jobs cancel r12` (chat: 'cancel job r12') "
                        "stops it")


def test_two_processes_on_one_database_take_turns(data_dir: Path, tmp_path: Path):
    go = tmp_path / "go"
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    env = {**os.environ, "STUDIO_DATA_DIR": str(data_dir)}
    procs = [subprocess.Popen([sys.executable, "-c", PROCESS, str(data_dir), str(go), str(o), o.stem], env=env,
                              stderr=subprocess.PIPE, text=True) for o in outs]
    try:
        deadline = time.monotonic() + 120
        while not all(Path(f"{o}.ready").exists() for o in outs):  # both imported and opened the database
            assert time.monotonic() < deadline and all(p.poll() is None for p in procs), \
                [p.stderr.read() for p in procs if p.poll() is not None and p.stderr]
            time.sleep(0.05)
        go.touch()  # now both ask for the renderer at once
        errs = [p.communicate(timeout=120)[1] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert all(p.returncode == 0 for p in procs), errs
    a, b = (json.loads(o.read_text()) for o in outs)
    assert len(a["takes"]) == len(b["takes"]) == 3 and set(a["takes"]).isdisjoint(b["takes"])
    first, later = (a, b) if a["spans"][0][0] < b["spans"][0][0] else (b, a)
    assert max(end for _, end in first["spans"]) <= min(start for start, _ in later["spans"])  # never overlap
    waited = [m for m in later["said"] if m.startswith("waiting for")]
    name = "a" if first is a else "b"
    # told whom it waited for (the very first poll may land before the holder's label is readable)
    assert any(f"a generate of 'chiptune {name}'" in m for m in waited), waited


def test_the_lease_of_a_process_that_died_is_taken_over_at_once(services, monkeypatch):
    monkeypatch.setattr(heavy, "WAIT_S", 0.5)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    owner = f"{heavy.HOST}:{int(dead.stdout)}/abcd1234"  # that process has ended mid-render (lease still fresh)
    assert services.heavy.acquire("heavy:0", 60, owner, "a generate of 'x' (process gone)")
    alive = f"{heavy.HOST}:{os.getppid()}/abcd1234"  # a running process's lease is respected
    assert services.heavy.acquire("heavy:1", 60, alive, "run r2 (pipeline)", 2)
    two = heavy.HeavySlots(services.db, slots=2)
    with two.hold("a chat generate", wait_s=0.5) as slot:
        assert slot == "heavy:0"
        assert {h.label for h in two.holders()} == {"a chat generate", "run r2 (pipeline)"}
    assert services.heavy.acquire("heavy:0", 60, alive, "run r2 (pipeline)", 2)
    with pytest.raises(HeavyBusy, match="busy with run r2"), services.heavy.hold("x", wait_s=0.3):
        pass
