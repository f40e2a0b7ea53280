"""Follow-ups of the hardening work: an exposed `--host` is refused by `studio serve` / `studio ui`, a voice
upload over its limit is refused before it is read, emptying the trash keeps files live takes still use,
and every studio start cleans up after a crash (unfiled takes, runs and library jobs of dead processes)."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from assistant.settings import get_settings

MB = 1 << 20


# -- exposed --host -------------------------------------------------------------------------------------
@pytest.fixture
def no_login(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    for var in ("STUDIO_HOST", "STUDIO_API_TOKEN", "STUDIO_UI_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize("command", ["serve", "ui"])
@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20"])
def test_an_exposed_host_option_without_a_login_is_refused(no_login, monkeypatch, command: str, host: str):
    import uvicorn
    from typer.testing import CliRunner

    from assistant.cli import app

    started: list[str] = []  # what would have listened: nothing may, so neither server really starts
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.append(f"uvicorn {kw.get('host')}"))
    monkeypatch.setattr(os, "execve", lambda path, argv, env: started.append(" ".join(argv)))
    run = CliRunner().invoke(app, [command, "--host", host, "--port", "8765"])
    assert started == [], started
    assert run.exit_code == 2, run.output
    assert "STUDIO_API_TOKEN" in run.output and "STUDIO_HOST=127.0.0.1" in run.output
    assert repr(host) in run.output


@pytest.mark.parametrize("command", ["serve", "ui"])
def test_a_loopback_host_option_still_starts(no_login, monkeypatch, command: str):
    import uvicorn
    from typer.testing import CliRunner

    from assistant.cli import app

    started: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.append(str(kw.get("host"))))
    monkeypatch.setattr(os, "execve", lambda path, argv, env: started.append(argv[argv.index("--host") + 1]))
    run = CliRunner().invoke(app, [command, "--host", "127.0.0.1", "--no-open"] if command == "ui"
                             else [command, "--host", "127.0.0.1"])
    assert run.exit_code == 0, run.output
    assert started == ["127.0.0.1"]


def test_an_exposed_host_option_with_a_token_starts(no_login, monkeypatch):
    import uvicorn
    from typer.testing import CliRunner

    from assistant.cli import app

    monkeypatch.setenv("STUDIO_API_TOKEN", "a-long-enough-secret-token")
    get_settings.cache_clear()
    started: list[str] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: started.append(str(kw.get("host"))))
    run = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0"])
    assert run.exit_code == 0, run.output
    assert started == ["0.0.0.0"]


# -- /api/voice upload limit ------------------------------------------------------------------------------
def _asgi_post(app, path: str, chunks: int, chunk: bytes, declare: bool) -> tuple[int, bytes, int]:
    """POST chunks x chunk straight into the ASGI app; returns (status, body, bytes the app read)."""
    sent = [0]
    read = [0]
    out: dict = {"body": b""}
    headers = [(b"content-type", b"application/octet-stream")]
    if declare:
        headers.append((b"content-length", str(chunks * len(chunk)).encode()))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}

    async def receive() -> dict:
        if sent[0] < chunks:
            sent[0] += 1
            read[0] += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": sent[0] < chunks}
        await asyncio.sleep(3600)  # the client has nothing more to say
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            out["status"] = message["status"]
        elif message["type"] == "http.response.body":
            out["body"] += message.get("body", b"")

    asyncio.run(app(scope, receive, send))
    return out["status"], out["body"], read[0]


@pytest.fixture
def api_app(services):
    from assistant.api import create_app

    return create_app(services)


def test_a_21_mb_voice_upload_is_refused_naming_the_limit(api_app):
    from fastapi.testclient import TestClient

    res = TestClient(api_app).post("/api/voice", content=b"\0" * (21 * MB))
    assert res.status_code == 413
    assert "20 MB" in res.json()["detail"], res.json()


def test_an_oversized_voice_upload_is_refused_before_it_is_read(api_app):
    status, body, read = _asgi_post(api_app, "/api/voice", 30, b"\0" * MB, declare=True)
    assert status == 413 and b"20 MB" in body
    assert read == 0  # the declared length was enough to say no
    status, body, read = _asgi_post(api_app, "/api/voice", 30, b"\0" * MB, declare=False)  # chunked
    assert status == 413 and b"20 MB" in body
    assert read <= 21 * MB, f"read {read / MB:.0f} MB of a 30 MB upload before refusing it"


def test_other_job_routes_keep_the_small_body_limit(api_app):
    from fastapi.testclient import TestClient

    res = TestClient(api_app).post("/api/runs", content=b'{"kind": "reindex", "args": {"x": "' + b"a" * (2 * MB)
                                   + b'"}}', headers={"content-type": "application/json"})
    assert res.status_code == 413, res.text


# -- emptying the trash ---------------------------------------------------------------------------------------
def test_emptying_a_trashed_parent_keeps_the_midi_its_live_upscale_shares(services):
    from assistant.edit_service import EditService
    from assistant.export_service import ExportService

    parent = services.generate("chiptune trash parent", duration_s=3.0, seed=11).takes[0]
    child = EditService(services).upscale(parent.id, 48000, backend="resample").take
    assert child.midi_path == parent.midi_path  # same notes: the upscale points at its parent's score.mid
    root = services.store.root
    parent_folder = root / parent.file_path.split("/")[0]
    assert services.library.trash([parent.id]) == [parent.id]
    assert services.library.empty_trash() == [parent.id]
    midi = ExportService(services).midi(child.id)  # the child still exports its exact MIDI
    assert midi.exact_midi and midi.path.is_file() and midi.path.read_bytes()[:4] == b"MThd"
    assert (root / child.file_path).is_file()
    assert all((root / s.file_path).is_file() for s in services.tracks.get(child.id).stems)
    assert not (root / parent.file_path).exists()  # what only the parent used is gone
    assert not [s for s in parent.stems if (root / s.file_path).exists()]
    assert (parent_folder / "score.json").is_file()  # the score stays beside the MIDI it belongs to
    # Once the last take pointing there goes, nothing of either is left behind.
    services.library.trash([child.id])
    assert services.library.empty_trash([child.id]) == [child.id]
    assert not parent_folder.exists() and not (root / child.file_path.split("/")[0]).exists()


def test_emptying_the_trash_still_removes_whole_unshared_take_folders(services):
    a, b = services.generate("chiptune two takes", duration_s=2.0, seed=3, variations=2).takes
    root = services.store.root
    services.library.trash([a.id])
    assert services.library.empty_trash() == [a.id]
    assert not (root / a.file_path.split("/")[0]).exists()
    assert (root / b.file_path).is_file() and services.tracks.get(b.id).id == b.id


# -- crash recovery at every start ------------------------------------------------------------------------------
OWNER_OF_CHILD = "from library.owner import current; print(current(), flush=True)"


def _ended_owner() -> str:
    """The owner string of a real studio-like process that has since ended (and been reaped)."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = subprocess.run([sys.executable, "-c", OWNER_OF_CHILD], cwd=ROOT, capture_output=True, text=True,
                         check=True, timeout=60)
    return out.stdout.strip()


def _set_owner(services, run_id: int, owner: str, **values: object) -> None:
    """Hand a run to another process's owner string, as if that process had queued (or started) it."""
    from sqlalchemy import update

    from library.job_tables import Run

    with services.db.session() as s:
        s.execute(update(Run).where(Run.id == run_id).values(owner=owner, **values))


def test_an_owner_is_ended_only_when_its_process_is_gone():
    import subprocess
    import sys

    from library import owner
    from tests.conftest import ROOT

    me = owner.current()
    assert not owner.ended(me)
    live = subprocess.Popen([sys.executable, "-c", OWNER_OF_CHILD + "; import time; time.sleep(60)"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        theirs = live.stdout.readline().strip()  # type: ignore[union-attr]
        assert theirs.split(":")[1] == str(live.pid) and not owner.ended(theirs)
    finally:
        live.kill()
        live.wait(30)
    assert owner.ended(theirs)  # killed and reaped
    host, pid, boot, start = me.split(":")
    assert owner.ended(f"{host}:{pid}:{boot}:{int(start or 0) + 1}")  # this pid, but an earlier process
    if boot:
        assert owner.ended(f"{host}:{pid}:{'0' * len(boot)}:{start}")  # before a reboot
    for foreign in ("", "*", "box:42", f"another-host:{pid}:{boot}:{start}", f"{host}:x:{boot}:{start}"):
        assert not owner.ended(foreign), foreign  # not judged: nothing proves those ended


def _scheduled_run(services, retries: int, trigger: str = "cron 0 2 * * *", attempt: int = 1) -> tuple[int, int]:
    from assistant.jobs.store import RunStore

    store = RunStore(services.db)
    sched = store.add_schedule("list_tracks", {}, trigger, "list every night", retries, 0.0)
    run_id = store.claim("list_tracks", {}, "scheduler", sched.id, f"{sched.id}@2026-12-02T02:00:00+00:00#{attempt}",
                         attempt)
    assert run_id is not None
    return sched.id, run_id


def test_a_killed_scheduled_run_is_retried_once_by_the_next_worker(services):
    from assistant.jobs.runtime import JobRuntime
    from assistant.jobs.store import RunStore

    sched_id, run_id = _scheduled_run(services, retries=1)
    _set_owner(services, run_id, _ended_owner(), status="running", progress=0.4)
    store = RunStore(services.db)
    (failed,) = store.fail_orphans()
    assert failed.id == run_id and failed.status == "failed" and "ended (killed or crashed) mid-run" in failed.error
    retry = store.runs(sched_id, limit=5)[0]
    assert failed.message == f"its studio process ended at 40%: retried as r{retry.id} (attempt 2 of 2)"
    assert (retry.status, retry.attempt) == ("queued", 2) and "studio worker" in retry.message
    assert store.fail_orphans() == [] and len(store.runs(sched_id, limit=5)) == 2  # idempotent: one retry
    rt = JobRuntime(services, run_scheduler=False)  # chat / REST / CLI: they leave it to the worker
    rt.shutdown()
    assert store.run(retry.id).status == "queued"
    worker = JobRuntime(services, run_scheduler=True)
    try:
        done = worker.queue.wait(retry.id, timeout=60)
    finally:
        worker.shutdown()
    assert done.status == "done", done
    assert done.worker.endswith(f":{os.getpid()}")  # the worker ran it


def test_a_killed_run_on_its_last_attempt_or_unscheduled_is_failed_not_retried(services):
    from assistant.jobs.store import RunStore

    store = RunStore(services.db)
    dead = _ended_owner()
    sched_id, last = _scheduled_run(services, retries=1, trigger="at 2026-12-02T02:00:00+00:00", attempt=2)
    manual = store.claim("generate", {"prompt": "x"}, "chat")
    assert manual is not None
    for run_id in (last, manual):
        _set_owner(services, run_id, dead)  # still queued when its process was killed
    mine = store.claim("list_tracks", {}, "cli")  # this process is alive: its run is left alone
    failed = {v.id: v for v in store.fail_orphans()}
    assert set(failed) == {last, manual}
    assert failed[last].message == ("its studio process ended while it waited in the queue: not retried "
                                    "(attempt 2 of 2 was its last)")
    assert failed[manual].message.endswith("not retried (only scheduled jobs are); start it again")
    assert store.schedule(sched_id).state == "finished"  # the one-off will not fire again
    assert mine is not None and store.run(mine).status == "queued"
    assert len(store.runs(sched_id, limit=5)) == 1


def test_every_studio_start_cleans_up_after_a_killed_process(settings, services):
    """StudioServices (the CLI, `studio worker`, the UI): unfiled take folders, library jobs, runs."""
    import subprocess
    import sys

    from assistant.jobs.store import RunStore
    from assistant.services import StudioServices
    from library.models import Job
    from tests.conftest import ROOT

    code = ("import sys; from pathlib import Path; from library.store import AudioStore; "
            "s = AudioStore(Path(sys.argv[1])); d = s.new_take_dir(); (s.resolve(d) / 'mix.wav').write_bytes(b'x'); "
            "print(d)")
    folder = subprocess.run([sys.executable, "-c", code, str(services.store.root)], cwd=ROOT, check=True,
                            capture_output=True, text=True, timeout=60).stdout.strip()
    assert (services.store.root / folder).is_dir()  # its process ended before filing it
    with services.db.session() as s:
        job = Job(kind="reindex", status="running", progress=0.25, params={}, owner=_ended_owner())
        s.add(job)
        s.flush()
        job_id = job.id
    run_id = RunStore(services.db).claim("reindex", {}, "cli")
    assert run_id is not None
    _set_owner(services, run_id, _ended_owner())
    again = StudioServices(settings)  # the next `studio ...` command
    assert again.recovered.takes_removed == [folder] and not (services.store.root / folder).exists()
    view = again.search.jobs.get(job_id)
    assert view.status == "failed" and view.message == ("the studio process running this reindex ended (killed "
                                                        "or crashed) at 25%: start it again")
    with again.db.engine.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT status FROM job_runs WHERE id = {run_id}").scalar() == "failed"
    assert again.search.start_reindex().status == "running"  # nothing stale blocks a new one
