"""REST API: studio selection, generation and track download with range requests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app


@pytest.fixture
def client(services):
    return TestClient(create_app(services))


def test_generate_then_fetch_with_range(client, services):
    r = client.post("/api/generate", json={"prompt": "boss battle", "duration_s": 3, "bpm": 150, "seed": 1})
    assert r.status_code == 200, r.text
    body = r.json()
    (take,) = body["takes"]
    assert body["studio"]["id"] == "chiptune" and take["bpm"] == 150 and take["duration_s"] == 3.0
    assert client.get(f"/api/library/tracks/{take['id']}").json()["title"] == take["title"]
    whole = client.get(take["audio_url"])
    assert whole.status_code == 200 and whole.headers["accept-ranges"] == "bytes"
    part = client.get(take["audio_url"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.content == whole.content[:100]
    assert [t["id"] for t in client.get("/api/library/tracks").json()] == [take["id"]]


def test_studio_select_and_current(client):
    assert client.get("/api/studio/current").json()["id"] == "chiptune"
    r = client.post("/api/studio/select", json={"studio": "polka"})
    assert r.status_code == 422 and "unknown studio" in r.json()["detail"]
    assert client.post("/api/studio/select", json={"studio": "Chiptune"}).json()["id"] == "chiptune"


@pytest.mark.parametrize("payload", [{"duration_s": 0}, {"duration_s": 3600}, {"bpm": 1000}, {"key": "Q"},
                                     {"variations": 50}, "not json"])
def test_bad_generate_requests_are_rejected_and_save_nothing(client, services, payload):
    r = client.post("/api/generate", json=payload) if isinstance(payload, dict) else client.post(
        "/api/generate", content=payload, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert services.tracks.count(include_trashed=True) == 0


def test_missing_track_is_a_404_with_a_hint(client):
    r = client.get("/api/library/tracks/42/audio")
    assert r.status_code == 404 and "no track #42" in r.json()["detail"]


def test_openapi_documents_the_studio_endpoints(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/generate", "/api/studio/select", "/api/studio/current", "/api/library/tracks"} <= set(paths)
