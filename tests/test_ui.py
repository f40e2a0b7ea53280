"""The chat UI in real headless Chromium: a chat message becomes a playable take."""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import pytest

from tests.ui_server import CHROMIUM, CHROMIUM_ARGS, ROOT, studio_server

pytestmark = pytest.mark.ui
ARTIFACTS = ROOT / "test-artifacts"

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI must run the UI tests: /usr/bin/chromium is missing (scripts/setup-browser.sh)")
    pytest.skip("Debian's chromium is not installed (scripts/setup-browser.sh)", allow_module_level=True)


@pytest.fixture
def page(tmp_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        yield pg
        browser.close()


def send(page, text: str) -> None:
    page.fill("#chat-input", text)
    page.click("#chat-submit")


def test_chat_message_becomes_a_playable_take(page, data_dir: Path, tmp_path: Path):
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    ARTIFACTS.mkdir(exist_ok=True)
    with studio_server(data_dir, tmp_path / "server.log") as url:
        page.goto(url)
        page.wait_for_selector("text=Studio ready", timeout=30_000)
        send(page, "make a 20 second chiptune track at 140 bpm")
        audio = page.wait_for_selector("audio", timeout=60_000)
        page.wait_for_selector("text=track #1", timeout=10_000)
        # The player must actually be able to load and decode the file the server serves.
        page.wait_for_function("document.querySelector('audio').readyState >= 1", timeout=20_000)
        duration = page.evaluate("document.querySelector('audio').duration")
        page.screenshot(path=str(ARTIFACTS / "ui-generate.png"), full_page=True)
        src = audio.get_attribute("src")
        assert src and "/api/library/tracks/1/audio" in src
        assert abs(duration - 20.0) < 0.05
        with urllib.request.urlopen(url + "/api/library/tracks/1/audio") as resp:
            assert resp.headers["content-type"] in ("audio/wav", "audio/x-wav") and len(resp.read()) > 1_000_000
        body = page.inner_text("body")
        assert "140 BPM" in body and "20.0 s" in body

        send(page, "make a 0 second track")
        page.wait_for_selector("text=out of range", timeout=20_000)
        page.screenshot(path=str(ARTIFACTS / "ui-bad-input.png"), full_page=True)
        assert "Nothing was saved" in page.inner_text("body")

    tracks = StudioServices(StudioSettings(data_dir=data_dir)).list_tracks()
    assert [(t.id, t.duration_s, t.bpm) for t in tracks] == [(1, 20.0, 140.0)]
