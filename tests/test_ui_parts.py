"""The chat adapter's pieces without a browser: peaks, settings folded into routes, the chat history
tables and their JSON round trip, take props, library actions and upload import."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf


def test_peaks_follow_the_audio_and_are_bounded(tmp_path: Path) -> None:
    from assistant.ui.peaks import MAX_PEAKS, peaks

    rate = 44100
    t = np.arange(rate * 4) / rate
    quiet_then_loud = np.where(t < 2, 0.1, 0.8) * np.sin(2 * np.pi * 110 * t)
    path = tmp_path / "a.wav"
    sf.write(path, np.stack([quiet_then_loud, quiet_then_loud], axis=1), rate)
    values, duration = peaks(path)
    assert duration == pytest.approx(4.0)
    assert len(values) == 160  # 40 per second
    first, second = np.abs(values[:80]), np.abs(values[80:])
    assert first.max() == pytest.approx(0.1, abs=0.01) and second.min() > 0.7
    long_path = tmp_path / "long.wav"
    sf.write(long_path, np.zeros(8000 * 200), 8000)
    assert len(peaks(long_path)[0]) == MAX_PEAKS


def test_settings_fill_only_what_the_message_left_open() -> None:
    from assistant.ui.chat_settings import describe, generate_defaults
    from assistant.ui.turns import with_settings

    panel = {"studio": "bluenote", "weirdness": 0.8, "melody_loyalty": 0.5, "duration_s": 45, "bpm": 0,
             "key": "auto", "genre_shift": 0.5, "structure_consistency": 0.9}
    defaults = generate_defaults(panel)
    assert "bpm" not in defaults and "key" not in defaults  # 0 / auto: the studio decides
    route = {"tool": "generate", "args": {"prompt": "a 20 second waltz", "duration_s": 20.0}}
    args = with_settings(route, defaults)["args"]
    assert args["duration_s"] == 20.0  # typed wins
    assert args["studio"] == "bluenote" and args["weirdness"] == 0.8 and args["structure_consistency"] == 0.9
    other = {"tool": "list_tracks", "args": {}}
    assert with_settings(other, defaults) == other
    assert "weirdness 0.8" in describe(panel) and "studio bluenote" in describe(panel)


def test_chat_history_tables_round_trip_json(tmp_path: Path) -> None:
    from assistant.ui.persistence import TABLES, create_tables, data_layer

    layer = data_layer(tmp_path, refresh=lambda name, props: {**props, "seen": name})
    create_tables(tmp_path / "chat-history.sqlite")  # idempotent
    with sqlite3.connect(tmp_path / "chat-history.sqlite") as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert set(TABLES) <= names

    async def work() -> dict:
        await layer.execute_sql('INSERT INTO threads ("id", "name", "tags", "metadata") VALUES (:id, :n, :t, :m)',
                                {"id": "t1", "n": "jam", "t": ["music"], "m": {"chat_settings": {"weirdness": 0.7}}})
        await layer.execute_sql('INSERT INTO elements ("id", "threadId", "name", "type", "props") VALUES '
                                '(:id, :th, :n, :ty, :p)',
                                {"id": "e1", "th": "t1", "n": "TakeEditor", "ty": "custom", "p": {"id": 3}})
        thread = await layer.get_thread("t1")
        assert thread is not None
        return dict(thread)

    thread = asyncio.run(work())
    assert thread["tags"] == ["music"] and thread["metadata"]["chat_settings"] == {"weirdness": 0.7}
    assert thread["elements"][0]["props"] == {"id": 3, "seen": "TakeEditor"}


def test_take_props_and_library_actions(services, monkeypatch) -> None:
    from assistant.ui import actions, runtime, takes

    monkeypatch.setattr(runtime, "services", lambda: services)
    monkeypatch.setattr(actions, "services", lambda: services)
    take = services.generate("boss battle", studio="chiptune", duration_s=6.0, bpm=150, seed=3, weirdness=0.9).takes[0]
    props = takes.take_props(services, take)
    assert props["url"] == f"/api/library/tracks/{take.id}/audio" and props["duration"] == pytest.approx(6.0)
    assert len(props["peaks"]) == 240 and "Weirdness 0.90" in props["remix"]
    assert props["capabilities"]["midi"] and props["capabilities"]["stems"]  # saved with every studio take
    assert props["lineage"] == [{"id": take.id, "title": take.title, "operation": "generate"}]

    assert asyncio.run(actions.dispatch({"op": "favorite", "track": take.id}))["props"]["favorite"] is True
    out = asyncio.run(actions.dispatch({"op": "album", "track": take.id, "album": "Boss Themes"}))
    assert "new album" in out["message"] and services.library.album("Boss Themes").track_ids == [take.id]
    out = asyncio.run(actions.dispatch({"op": "comment", "track": take.id, "at": 2.5, "text": "drop here"}))
    assert "0:02.5" in out["message"] and services.library.comments(take.id)[0].text == "drop here"
    assert asyncio.run(actions.dispatch({"op": "trash", "track": take.id}))["props"]["trashed"] is True
    links = asyncio.run(actions.dispatch({"op": "midi", "track": take.id}))["props"]["links"]
    assert links == [{"label": f"#{take.id} MIDI", "url": f"/api/tracks/{take.id}/midi"}]
    stems = asyncio.run(actions.dispatch({"op": "stems", "track": take.id}))["props"]["links"]
    assert {s["url"] for s in stems} == {f"/ui/tracks/{take.id}/stems/{s.name}" for s in take.stems}
    out = asyncio.run(actions.dispatch({"op": "export", "track": take.id}))
    assert out["props"]["links"][0]["url"] == f"/ui/tracks/{take.id}/exports/track-{take.id}.dawproject"
    fresh = takes.refreshed(services, "TakeEditor", {**props, "favorite": False})
    assert fresh["favorite"] is True and fresh["trashed"] is True  # resumed threads show the library as it is


def test_upload_import_keeps_the_file_name(services, monkeypatch, tmp_path: Path) -> None:
    from assistant.ui import runtime, uploads

    monkeypatch.setattr(runtime, "services", lambda: services)
    monkeypatch.setattr(uploads, "services", lambda: services)
    src = tmp_path / "a1b2c3"  # Chainlit stores uploads under random names
    t = np.arange(22050 * 2) / 22050
    sf.write(src, 0.3 * np.sin(2 * np.pi * 330 * t), 22050, format="WAV")
    report = uploads.import_uploads([(str(src), "../../My Riff.wav")])
    assert len(report.imported) == 1
    track = services.get_track(report.imported[0][1])
    assert track.duration_s == pytest.approx(2.0) and "riff" in track.title.lower()


def test_download_routes_serve_stems_and_exports_only(services) -> None:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from assistant.export_service import ExportService
    from assistant.ui.files import build_files_router, export_url, stem_url

    take = services.generate("tiny loop", studio="chiptune", duration_s=4.0, seed=1).takes[0]
    app = FastAPI()
    app.include_router(build_files_router(services))
    client = TestClient(app)
    stem = take.stems[0].name
    resp = client.get(stem_url(take.id, stem))
    assert resp.status_code == 200 and resp.headers["content-type"] == "audio/wav" and len(resp.content) > 10_000
    assert client.get(stem_url(take.id, "kazoo")).status_code == 404
    name = ExportService(services).daw(take.id).path.name
    assert client.get(export_url(take.id, name)).status_code == 200
    assert client.get(export_url(take.id, ".hidden")).status_code == 404
    assert client.get(f"/ui/tracks/{take.id}/exports/..%2Fmix.wav").status_code == 404
    assert client.get(stem_url(9999, stem)).status_code == 404


def test_similar_and_search_lists_come_from_the_library_search(services, monkeypatch) -> None:
    from assistant.ui import library_view, runtime

    monkeypatch.setattr(runtime, "services", lambda: services)
    monkeypatch.setattr(library_view, "services", lambda: services)
    a = services.generate("dark boss battle", studio="chiptune", duration_s=4.0, seed=1).takes[0]
    b = services.generate("smoky late night jazz", studio="bluenote", duration_s=4.0, seed=2).takes[0]
    title, rows = library_view.rows_for("similar", str(a.id))
    assert title == f"Similar to #{a.id}" and [r["id"] for r in rows] == [b.id] and "score" in rows[0]
    title, rows = library_view.rows_for("search", "late night jazz")
    assert rows[0]["id"] == b.id and rows[0]["url"] == f"/api/library/tracks/{b.id}/audio"
