"""The editing operations through their adapters: chat tool nodes, the `studio` CLI and REST."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant.tools import TOOLS
from tests.test_edit_support import studio_take


@pytest.fixture
def take(services):
    return studio_take(services, seconds=4.0)


def _turn(services, tool: str, current: int | None = None, **args):
    state = {"route": {"tool": tool, "args": args}, "current_track": current, "messages": []}
    return TOOLS[tool](state, services)


def test_chat_tools_name_the_backend_and_focus_the_new_take(services, take):
    out = _turn(services, "inpaint", current=take.id, track="@current", start_s=1.0, end_s=2.5)
    text = out["messages"][0].content
    assert "symbolic re-compose" in text and f"from track #{take.id}" in text and "Check:" in text
    assert out["current_track"] == out["takes"][0]["id"] != take.id
    longer = _turn(services, "extend", track=f"#{take.id}", seconds=2)
    assert longer["takes"][0]["duration_s"] == pytest.approx(6.0, abs=1e-3)
    stems = _turn(services, "separate_stems", track=take.id, stems=["drums"])
    assert "already has exact stems" in stems["messages"][0].content
    daw = _turn(services, "export_daw", track=take.id, format="reaper")
    assert "reaper export" in daw["messages"][0].content and ".rpp.zip" in daw["messages"][0].content


def test_chat_tool_refusal_says_why_and_saves_nothing(services, take):
    before = services.tracks.count()
    out = _turn(services, "inpaint", track=take.id, start_s=3.0, end_s=1.0)
    assert "couldn't" in out["messages"][0].content and "before its end" in out["messages"][0].content
    assert out["takes"] == [] and services.tracks.count() == before


def test_cli_commands(studio_cli, services, take):
    up = studio_cli("upscale", str(take.id), "--rate", "48000")
    assert "48000 Hz" in up.stdout and f"from #{take.id}" in up.stdout
    bad = studio_cli("inpaint", str(take.id), "3", "1", check=False)
    assert bad.returncode == 2 and "before its end" in bad.stderr


def test_rest_routes(services, take):
    from assistant.api import create_app

    client = TestClient(create_app(services))
    r = client.post(f"/api/tracks/{take.id}/extend", json={"seconds": 2, "loop": True})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["parent_id"] == take.id and body["take"]["operation"] == "extend" and "seams" in body["quality"]
    assert client.post(f"/api/tracks/{take.id}/inpaint", json={"start_s": 3, "end_s": 1}).status_code == 422
    assert client.post("/api/tracks/999/upscale", json={}).status_code == 404
    midi = client.get(f"/api/tracks/{take.id}/midi")
    assert midi.status_code == 200 and midi.content[:4] == b"MThd"
    proj = client.post(f"/api/tracks/{take.id}/export", json={"format": "dawproject"})
    assert proj.status_code == 200 and proj.content[:2] == b"PK"
