"""Access: loopback by default, a bearer token on every REST route once a login is configured (track audio
included), no exposed bind without one, and the REST import/upload limits."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import STUDIO
from tests.library_fixtures import add_with_audio

TOKEN = "correct horse battery staple"


def client_for(data_dir: Path, **settings) -> tuple[TestClient, object]:
    from assistant.api import create_app
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    services = StudioServices(StudioSettings(data_dir=data_dir, **settings))
    return TestClient(create_app(services)), services


@pytest.fixture
def guarded(data_dir: Path):
    client, services = client_for(data_dir, api_token=TOKEN)
    track = add_with_audio(services, title="private demo")
    return client, track.id


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_every_route_needs_the_token(guarded):
    client, tid = guarded
    for method, url in [("GET", "/api/library/tracks"), ("GET", f"/api/library/tracks/{tid}"),
                        ("GET", f"/api/library/tracks/{tid}/audio"), ("GET", "/api/studio/current"),
                        ("POST", f"/api/library/tracks/{tid}/favorite"), ("GET", "/api/library/albums"),
                        ("GET", f"/api/tracks/{tid}/midi"), ("GET", "/api/jobs")]:
        r = client.request(method, url)
        assert r.status_code == 401, (url, r.status_code)
        assert "Authorization: Bearer" in r.json()["detail"] and "STUDIO_API_TOKEN" in r.json()["detail"]
        assert r.headers["www-authenticate"] == "Bearer"
    wrong = client.get(f"/api/library/tracks/{tid}/audio", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401 and "not this studio's" in wrong.json()["detail"]
    basic = client.get("/api/library/tracks", headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    assert not client.get(f"/api/library/tracks/{tid}").json().get("favorite")  # the refused POST changed nothing


def test_the_token_opens_the_api_and_the_track_files(guarded):
    client, tid = guarded
    listed = client.get("/api/library/tracks", headers=AUTH)
    assert listed.status_code == 200 and [t["title"] for t in listed.json()] == ["private demo"]
    audio = client.get(f"/api/library/tracks/{tid}/audio", headers=AUTH)
    assert audio.status_code == 200 and audio.content[:4] == b"RIFF"
    part = client.get(f"/api/library/tracks/{tid}/audio", headers={**AUTH, "Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.content) == 100
    assert client.post(f"/api/library/tracks/{tid}/favorite", headers=AUTH).json()["favorite"] is True


def test_the_chat_password_is_the_token_when_no_api_token_is_set(data_dir: Path):
    client, services = client_for(data_dir, ui_password="open sesame")
    tid = add_with_audio(services).id
    assert client.get(f"/api/library/tracks/{tid}/audio").status_code == 401
    ok = client.get(f"/api/library/tracks/{tid}/audio", headers={"Authorization": "Bearer open sesame"})
    assert ok.status_code == 200


def test_no_login_configured_means_open_on_loopback(data_dir: Path):
    from assistant.settings import StudioSettings

    client, services = client_for(data_dir)
    assert services.settings.host == "127.0.0.1" and StudioSettings().host == "127.0.0.1"
    assert client.get("/api/library/tracks").status_code == 200


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "studio.example.org"])
def test_an_exposed_bind_without_a_login_is_refused(data_dir: Path, host: str):
    from pydantic import ValidationError

    from assistant.settings import StudioSettings

    with pytest.raises(ValidationError, match="STUDIO_API_TOKEN"):
        StudioSettings(data_dir=data_dir, host=host)
    assert StudioSettings(data_dir=data_dir, host=host, api_token=TOKEN).host == host
    assert StudioSettings(data_dir=data_dir, host=host, ui_password="pw").rest_token == "pw"
    for loopback in ("127.0.0.1", "::1", "localhost", "127.0.0.2"):
        assert StudioSettings(data_dir=data_dir, host=loopback).exposure_problem(loopback) is None


def test_cli_refuses_an_exposed_host_from_the_environment_with_a_clear_message(tmp_path: Path, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.settings import get_settings

    monkeypatch.setenv("STUDIO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("STUDIO_HOST", "0.0.0.0")
    monkeypatch.delenv("STUDIO_API_TOKEN", raising=False)
    monkeypatch.delenv("STUDIO_UI_PASSWORD", raising=False)
    get_settings.cache_clear()
    try:
        run = CliRunner().invoke(app, ["backup", str(tmp_path / "bk")])
    finally:
        get_settings.cache_clear()
    assert run.exit_code == 1 and not (tmp_path / "bk").exists()
    assert isinstance(run.exception, SystemExit)  # a message for the user, not a traceback
    assert "STUDIO_API_TOKEN" in run.output and "STUDIO_HOST=127.0.0.1" in run.output


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as /proc/net/tcp writes them) with a socket listening on port."""
    out = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                out.append(local.rsplit(":", 1)[0])
    return out


def test_studio_serve_binds_loopback_by_default(data_dir: Path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "STUDIO_DATA_DIR": str(data_dir), "STUDIO_PORT": str(port), "NO_COLOR": "1"}
    env.pop("STUDIO_HOST", None)
    proc = subprocess.Popen([str(STUDIO), "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 90
        while not _listening(port):
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "studio serve did not start listening"
            time.sleep(0.2)
        assert _listening(port) == ["0100007F"]  # 127.0.0.1 only, no 0.0.0.0 / :: socket
    finally:
        proc.terminate()
        proc.wait(30)


def test_rest_import_refuses_non_audio_and_oversized_files(data_dir: Path, tmp_path: Path):
    client, services = client_for(data_dir, api_token=TOKEN)
    fake = tmp_path / "up" / "song.wav"
    fake.parent.mkdir()
    fake.write_text("not audio at all, just text pretending")
    huge = tmp_path / "up" / "huge.wav"
    with open(huge, "wb") as fh:  # sparse: 600 MB on paper, nothing on disk
        fh.truncate(600 * 2**20)
    script = tmp_path / "up" / "run.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    r = client.post("/api/library/tracks", json={"paths": [str(fake), str(huge), str(script), "/etc/passwd"]},
                    headers=AUTH)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["imported"] == []
    why = dict(body["skipped"])
    assert "512 MB import limit" in why[str(huge)]
    assert "not an audio file" in why[str(script)] and "not an audio file" in why["/etc/passwd"]
    assert why[str(fake)]  # unreadable as audio: named, not imported
    assert services.tracks.count(include_trashed=True) == 0
    assert not [p for p in services.store.root.rglob("*") if p.is_file() and ".writers" not in p.parts]
    assert client.post("/api/library/tracks", json={"paths": [str(fake)]}).status_code == 401


def test_voice_upload_is_size_limited(data_dir: Path):
    client, _ = client_for(data_dir, api_token=TOKEN)
    r = client.post("/api/voice", content=b"\0" * (21 * 2**20), headers={**AUTH, "Content-Type": "audio/wav"})
    assert r.status_code == 413 and "MB" in r.json()["detail"]
    assert client.post("/api/voice", content=b"\0" * 100).status_code == 401


def test_a_logged_in_chat_browser_gets_track_audio_by_its_session_cookie(data_dir: Path, monkeypatch):
    """Inside the chat server the players' <audio> URLs carry no header: Chainlit's signed login cookie counts,
    a cookie signed with another secret does not."""
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "s" * 48)
    from chainlit.auth.jwt import create_jwt
    from chainlit.user import User

    client, services = client_for(data_dir, ui_password="open sesame")
    tid = add_with_audio(services).id
    good = create_jwt(User(identifier="studio"))
    client.cookies.set("access_token", good)
    assert client.get(f"/api/library/tracks/{tid}/audio").status_code == 200
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "t" * 48)
    forged = create_jwt(User(identifier="studio"))
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "s" * 48)
    client.cookies.set("access_token", forged)
    assert client.get(f"/api/library/tracks/{tid}/audio").status_code == 401
