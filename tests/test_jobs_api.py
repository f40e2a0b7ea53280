"""REST: /api/jobs (schedule, pause, resume, cancel), /api/runs (the shared queue), /api/voice."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(services):
    from assistant.api import create_app
    from assistant.jobs.runtime import runtime_for

    with TestClient(create_app(services)) as c:
        yield c
    runtime_for(services).shutdown()


def test_schedule_lifecycle_over_rest(client):
    made = client.post("/api/jobs", json={"text": "every night at 2am generate five chiptune tracks"})
    assert made.status_code == 201, made.text
    job = made.json()
    assert job["trigger"] == "cron 0 2 * * *" and job["args"]["variations"] == 5 and job["next_run"]
    assert [j["id"] for j in client.get("/api/jobs").json()] == [job["id"]]
    assert client.post(f"/api/jobs/{job['id']}/pause").json()["next_run"] is None
    assert client.post(f"/api/jobs/{job['id']}/resume").json()["state"] == "active"
    assert client.delete(f"/api/jobs/{job['id']}").json()["state"] == "cancelled"
    assert client.get("/api/jobs").json() == []
    assert client.post("/api/jobs/99/pause").status_code == 404
    bad = client.post("/api/jobs", json={"job": "reindex", "cron": "61 * * * *"})
    assert bad.status_code == 422 and "cron" in bad.json()["detail"]
    assert client.post("/api/jobs", json={"text": "generate a song"}).status_code == 422


def test_a_schedule_shows_its_last_run(client, services):
    from assistant.jobs.runtime import runtime_for

    job = client.post("/api/jobs", json={"job": "reindex", "cron": "0 3 * * *", "retries": 0}).json()
    run_id = runtime_for(services).store.claim("reindex", {}, "scheduler", job["id"], f"{job['id']}@t#1")
    (listed,) = client.get("/api/jobs").json()
    assert listed["last_run"] == {"id": run_id, "schedule_id": job["id"], "kind": "reindex", "status": "queued",
                                  "attempt": 1, "progress": 0.0, "message": "", "error": "", "takes": [],
                                  "duration_s": None, "source": "scheduler"}
    assert client.get(f"/api/runs?job={job['id']}").json() == [listed["last_run"]]


def test_queue_a_run_and_poll_it(client):
    run = client.post("/api/runs", json={"kind": "generate", "args": {"prompt": "chiptune", "duration_s": 2}})
    assert run.status_code == 202
    for _ in range(600):
        view = client.get(f"/api/runs/{run.json()['id']}").json()
        if view["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert view["status"] == "done" and len(view["takes"]) == 1 and view["source"] == "rest"
    assert client.post("/api/runs", json={"kind": "nope"}).status_code == 422


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="apt-get install espeak-ng")
def test_voice_upload_and_mic_pcm(client, tmp_path: Path):
    from models.asr.synth import speak
    from tests.test_asr import _mic_bytes

    wav = speak("show the scheduled jobs", tmp_path, "en-us", 150)
    up = client.post("/api/voice?run=true", content=wav.read_bytes())
    assert up.status_code == 200, up.text
    assert up.json()["route"]["tool"] == "list_jobs" and "scheduled jobs" in up.json()["reply"].lower()
    mic = client.post("/api/voice?rate=24000", content=_mic_bytes(wav)).json()
    assert "schedule" in mic["text"] and mic["reply"] is None
    assert client.post("/api/voice", content=b"nonsense").status_code == 422
