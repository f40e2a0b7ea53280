"""REST: the library endpoints do what the CLI and chat do, with documented shapes and clear errors."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.api import create_app
from tests.library_fixtures import add_with_audio, freq, groove, write


@pytest.fixture
def client(services):
    return TestClient(create_app(services))


@pytest.fixture
def three(services):
    return [add_with_audio(services, title=t, studio=s, bpm=b).id
            for t, s, b in [("Alpha", "chiptune", 150), ("Beta", "ironclad", 180), ("Gamma", "chiptune", 90)]]


def test_list_filters_sort_paging_and_total(client, three):
    r = client.get("/api/library/tracks", params={"studio": "chiptune", "sort": "bpm", "order": "asc"})
    assert [t["title"] for t in r.json()] == ["Gamma", "Alpha"] and r.headers["x-total-count"] == "2"
    page = client.get("/api/library/tracks", params={"limit": 1, "offset": 1, "sort": "title", "order": "asc"})
    assert [t["title"] for t in page.json()] == ["Beta"] and page.headers["x-total-count"] == "3"
    assert client.get("/api/library/tracks", params={"sort": "loudness"}).status_code == 422
    assert [t["title"] for t in client.get("/api/library/tracks", params={"q": "amm"}).json()] == ["Gamma"]


def test_patch_flags_trash_restore_and_delete(client, three):
    a, b, _ = three
    r = client.patch(f"/api/library/tracks/{a}", json={"title": "Alpha II", "rating": 5, "tags": ["boss"]})
    assert r.status_code == 200 and (r.json()["title"], r.json()["rating"], r.json()["tags"]) == (
        "Alpha II", 5, ["boss"])
    assert client.patch(f"/api/library/tracks/{a}", json={"rating": 7}).status_code == 422
    assert client.post(f"/api/library/tracks/{a}/favorite").json()["favorite"] is True
    assert client.post(f"/api/library/tracks/{a}/favorite", json={"on": False}).json()["favorite"] is False
    assert client.post(f"/api/library/tracks/{b}/dislike").json()["disliked"] is True
    assert client.post(f"/api/library/tracks/{b}/trash").json()["trashed"] is True
    assert b not in [t["id"] for t in client.get("/api/library/tracks").json()]
    assert [t["id"] for t in client.get("/api/library/tracks", params={"trashed": True}).json()] == [b]
    assert client.post(f"/api/library/tracks/{b}/restore").json()["trashed"] is False
    r = client.delete(f"/api/library/tracks/{b}", params={"permanent": True})
    assert r.status_code == 422 and "trash it first" in r.json()["detail"]
    assert client.delete(f"/api/library/tracks/{b}").status_code == 204  # → trash
    assert client.delete(f"/api/library/tracks/{b}", params={"permanent": True}).status_code == 204
    assert client.get(f"/api/library/tracks/{b}").status_code == 404


def test_albums_membership_order_and_comments(client, three):
    a, b, c = three
    album = client.post("/api/library/albums", json={"name": "Live Set"}).json()
    assert client.post("/api/library/albums", json={"name": "live set"}).status_code == 422
    url = f"/api/library/albums/{album['id']}"
    assert client.post(f"{url}/tracks", json={"track_ids": [a, b]}).json()["track_ids"] == [a, b]
    assert client.post(f"{url}/tracks", json={"track_ids": [c], "position": 0}).json()["track_ids"] == [c, a, b]
    assert client.put(f"{url}/order", json={"track_ids": [b, c, a]}).json()["track_ids"] == [b, c, a]
    assert client.delete(f"{url}/tracks/{c}").json()["track_ids"] == [b, a]
    listed = client.get("/api/library/tracks", params={"album": album["id"], "sort": "position", "order": "asc"})
    assert [t["id"] for t in listed.json()] == [b, a]
    assert [x["name"] for x in client.get("/api/library/albums").json()] == ["Live Set"]
    r = client.post(f"/api/library/tracks/{a}/comments", json={"at_s": 1.5, "text": "hook starts"})
    assert r.status_code == 201
    assert [(x["at_s"], x["text"]) for x in client.get(f"/api/library/tracks/{a}/comments").json()] == [
        (1.5, "hook starts")]
    assert client.post(f"/api/library/tracks/{a}/comments", json={"at_s": 99, "text": "x"}).status_code == 422
    assert client.get("/api/library/albums/999").status_code == 404


def test_batch_is_all_or_nothing(client, services, three):
    r = client.post("/api/library/batch", json={"track_ids": three, "action": "favorite"})
    assert r.status_code == 200 and r.json()["track_ids"] == three
    bad = client.post("/api/library/batch", json={"track_ids": [*three, 777], "action": "trash"})
    assert bad.status_code == 404 and "#777" in bad.json()["detail"]
    assert services.tracks.count() == 3  # nothing was trashed


def test_import_audio_range_download_and_lineage(client, services, tmp_path):
    src = write(tmp_path / "song.flac", groove(120, (freq("C", 4), freq("E", 4), freq("G", 4))), fmt="FLAC")
    r = client.post("/api/library/tracks", json={"paths": [str(src), str(tmp_path / "nope.wav")]})
    assert r.status_code == 201 and len(r.json()["imported"]) == 1 and r.json()["skipped"][0][1] == (
        "no such file or folder")
    tid = r.json()["imported"][0][1]
    audio = client.get(f"/api/library/tracks/{tid}/audio", headers={"Range": "bytes=0-3"})
    assert audio.status_code == 206 and audio.content == b"fLaC" and audio.headers["content-type"] == "audio/flac"
    child = add_with_audio(services, title="child", parent_id=tid, operation="extend")
    assert [t["id"] for t in client.get(f"/api/library/tracks/{child.id}/lineage").json()] == [tid, child.id]


def test_openapi_documents_the_library_and_rag(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/library/tracks", "/api/library/tracks/{track_id}", "/api/library/tracks/{track_id}/favorite",
            "/api/library/tracks/{track_id}/dislike", "/api/library/tracks/{track_id}/trash",
            "/api/library/tracks/{track_id}/restore", "/api/library/albums", "/api/library/batch",
            "/api/library/tracks/{track_id}/comments", "/api/rag/similar", "/api/rag/index"} <= set(paths)
    assert {"get", "patch", "delete"} <= set(paths["/api/library/tracks/{track_id}"])
