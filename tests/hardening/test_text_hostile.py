"""SQL-ish, markup and prompt-injection text in titles, album names, tags, comments, searches and chat messages: it is
stored and shown as the words it is (never run as SQL, a path or a command), and a chat message never acts on its own
instructions: nothing changes without the user's confirmation."""

from __future__ import annotations

import zipfile

import pytest
from fastapi.testclient import TestClient

from tests.hardening.corpus import HOSTILE_TEXT
from tests.hardening.guards import assert_readable, db_digest

TEXTS = [pytest.param(t, id=f"{i}-{t[:24]}") for i, t in enumerate(HOSTILE_TEXT)]
FIELDS = {  # field -> (longest accepted, how to set it, how to read it back)
    "title": 200, "description": 5000, "album": 200, "comment": 2000, "tag": 60,
}


@pytest.fixture(scope="module")
def client(hostile):
    from assistant.api import create_app

    return TestClient(create_app(hostile.services), raise_server_exceptions=False)


def _set(client: TestClient, hostile, field: str, text: str):
    """Store text in field; returns (response, what reads back, how to undo it)."""
    tid = hostile.track_ids[1]
    if field in ("title", "description"):
        before = client.get(f"/api/library/tracks/{tid}").json()[field]
        r = client.patch(f"/api/library/tracks/{tid}", json={field: text})
        return r, lambda: client.get(f"/api/library/tracks/{tid}").json()[field], \
            lambda: client.patch(f"/api/library/tracks/{tid}", json={field: before})
    if field == "album":
        r = client.post("/api/library/albums", json={"name": text})
        aid = r.json().get("id") if r.status_code == 201 else None
        return r, lambda: client.get(f"/api/library/albums/{aid}").json()["name"], \
            lambda: client.delete(f"/api/library/albums/{aid}")
    if field == "comment":
        r = client.post(f"/api/library/tracks/{tid}/comments", json={"at_s": 1.0, "text": text})
        return r, lambda: client.get(f"/api/library/tracks/{tid}/comments").json()[-1]["text"], None
    r = client.post("/api/library/batch", json={"track_ids": [tid], "action": "tag", "tags": [text]})
    return r, lambda: client.get(f"/api/library/tracks/{tid}").json()["tags"][0], \
        lambda: client.post("/api/library/batch", json={"track_ids": [tid], "action": "untag", "tags": [text]})


@pytest.mark.parametrize("field", sorted(FIELDS))
@pytest.mark.parametrize("text", TEXTS)
def test_hostile_text_is_stored_as_words(hostile, client, text: str, field: str):
    others = {k: v for k, v in db_digest(hostile.db_file).items() if k not in ("tracks", "albums", "comments",
                                                                                "tags", "track_tags")}
    counts = {t: db_digest(hostile.db_file)[t][0] for t in ("tracks", "albums", "album_tracks")}
    r, read_back, undo = _set(client, hostile, field, text)
    expected = text.strip().lower() if field == "tag" else text.strip()
    if len(expected) > FIELDS[field]:  # too long for the field: refused, named, nothing stored
        assert r.status_code == 422, r.text[:300]
        assert_readable(str(r.json()["detail"]))
    else:
        assert r.status_code in (200, 201), r.text[:300]
        assert read_back() == expected  # verbatim: not escaped, not executed, not truncated
        if undo:
            assert undo().status_code in (200, 204)
    after = db_digest(hostile.db_file)
    assert {k: v for k, v in after.items() if k in others} == others  # no other table touched
    assert {t: after[t][0] for t in counts} == counts  # no track or album row appeared or vanished


@pytest.mark.parametrize("text", TEXTS)
def test_search_words_are_literal(hostile, client, text: str):
    r = client.get("/api/library/tracks", params={"q": text[:200]})
    assert r.status_code == 200 and r.json() == [] and r.headers["x-total-count"] == "0", r.text[:300]


@pytest.mark.parametrize("wild", ["%", "_", "%%", "\\", "_e_d"])
def test_like_wildcards_do_not_match_everything(hostile, client, wild: str):
    r = client.get("/api/library/tracks", params={"q": wild})
    assert r.status_code == 200 and r.json() == [], [t["title"] for t in r.json()]


@pytest.fixture(scope="module")
def runner(hostile):
    from assistant.graph.runner import ChatRunner

    return ChatRunner(hostile.services, use_llm=False)


@pytest.mark.parametrize("text", TEXTS)
def test_chat_message_never_acts_on_injected_instructions(hostile, runner, text: str):
    snap = hostile.snapshot()
    thread = f"inject-{HOSTILE_TEXT.index(text)}"
    turn = runner.turn(text, thread)
    assert_readable(turn.reply)
    assert not turn.takes
    if turn.pending:  # a destructive route waits for a yes; the user says no
        assert "?" in turn.reply
        runner.turn("no", thread)
    hostile.assert_unchanged(snap)


def test_injection_in_track_metadata_is_only_shown(hostile, client, runner):
    tid = hostile.track_ids[1]
    client.patch(f"/api/library/tracks/{tid}", json={"description": HOSTILE_TEXT[4]})
    snap = hostile.snapshot()
    turn = runner.turn("list my tracks", "inject-listing")
    assert "Seed 2" in turn.reply and turn.route["tool"] == "list_tracks"
    hostile.assert_unchanged(snap)
    client.patch(f"/api/library/tracks/{tid}", json={"description": ""})


def _exported_names(hostile, client, tid: int, fmt: str) -> list[str]:
    r = client.post(f"/api/tracks/{tid}/export", json={"format": fmt})
    assert r.status_code == 200, r.text[:300]
    out = hostile.root / "export.zip"
    out.write_bytes(r.content)
    try:
        return zipfile.ZipFile(out).namelist()
    finally:
        out.unlink()


@pytest.mark.parametrize("fmt", ["reaper", "zip", "dawproject"])
def test_export_of_a_hostile_title_stays_inside_the_archive(hostile, client, fmt: str):
    tid = hostile.track_ids[0]
    client.patch(f"/api/library/tracks/{tid}", json={"title": "../../../../tmp/evil \"quoted\" /etc/passwd"})
    try:
        names = _exported_names(hostile, client, tid, fmt)
        assert names and all(not n.startswith("/") and ".." not in n.split("/") for n in names), names
    finally:
        client.patch(f"/api/library/tracks/{tid}", json={"title": "Seed 1"})


def test_export_of_a_multiline_comment(hostile, client):
    tid = hostile.track_ids[0]
    c = client.post(f"/api/library/tracks/{tid}/comments", json={"at_s": 2.0, "text": "line one\nline two"})
    assert c.status_code == 201
    assert _exported_names(hostile, client, tid, "reaper")
