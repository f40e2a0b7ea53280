"""Chat latency in real headless Chromium, printed (goal: message -> player on screen <= 3 s for a 30 s
studio track). Also the region action -> new take time for Regenerate (in-paint) and Extend.

The figures split what the studio spends rendering (read from the same library, by timing the same
request through StudioServices in this process on the same data dir) from the UI's own overhead.
Run: .venv/bin/python bench/ui_latency.py [--runs 3] [--studio chiptune]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.ui_server import CHROMIUM, CHROMIUM_ARGS, studio_server  # noqa: E402


def ready_js(track_id: int) -> str:
    sel = f'.take-editor[data-track="{track_id}"]'
    return (f"(() => {{ const e = document.querySelector('{sel}'); if (!e) return false;"
            f" const w = e.querySelector('.take-wave'); const a = e.querySelector('audio');"
            f" return w && w.dataset.ready === 'yes' && a && a.readyState >= 1; }})()")


def newest_id(services) -> int:  # type: ignore[no-untyped-def]
    tracks = services.list_tracks()
    return tracks[0].id if tracks else 0


def wait_new(page, services, before: int, timeout: float = 120.0) -> tuple[int, float]:  # type: ignore[no-untyped-def]
    """Seconds until a take newer than `before` is drawn with a playable player; prints the milestones
    (take saved by the server, element mounted, waveform + player ready)."""
    t0 = time.monotonic()
    marks: dict[str, float] = {}
    while time.monotonic() - t0 < timeout:
        tid = newest_id(services)
        if tid > before:
            marks.setdefault("saved", time.monotonic() - t0)
            if page.evaluate(f"document.body.innerText.includes('track #{tid},')"):
                marks.setdefault("reply shown", time.monotonic() - t0)
            if page.evaluate(f"!!document.querySelector('.take-editor[data-track=\"{tid}\"]')"):
                marks.setdefault("mounted", time.monotonic() - t0)
            if page.evaluate(ready_js(tid)):
                total = time.monotonic() - t0
                print("   " + ", ".join(f"{k} {v:.2f} s" for k, v in marks.items()) + f", ready {total:.2f} s")
                return tid, total
        page.wait_for_timeout(25)
    raise TimeoutError("no new take appeared")


def drag(page, track_id: int, start: float, end: float) -> None:  # type: ignore[no-untyped-def]
    box = page.locator(f'.take-editor[data-track="{track_id}"] .take-wave').last.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * start, y)
    page.mouse.down()
    for i in range(1, 11):
        page.mouse.move(box["x"] + box["width"] * (start + (end - start) * i / 10), y)
    page.mouse.up()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--studio", default="chiptune")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    tmp = Path(tempfile.mkdtemp(prefix="ui-latency-"))
    data = tmp / "data"
    data.mkdir()
    services = StudioServices(StudioSettings(data_dir=data))  # before the server: see tests/test_ui_studio.py
    with studio_server(data, tmp / "server.log") as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url)
        page.wait_for_selector("text=Studio ready", timeout=60_000)
        page.wait_for_timeout(20_000)  # the server warms up (a render + the quality check), as a user reads
        totals, renders, shown = [], [], 0
        for i in range(args.runs):
            before = newest_id(services)
            page.fill("#chat-input", f"make a 30 second {args.studio} track at 140 bpm seed {100 + i}")
            page.click("#chat-submit")
            tid, total = wait_new(page, services, before)
            totals.append(total)
            shown = tid
            t1 = time.monotonic()
            services.generate("bench", studio=args.studio, duration_s=30.0, bpm=140, seed=100 + i)
            renders.append(time.monotonic() - t1)
            print(f"run {i + 1}: message -> player on screen {total:.2f} s (track #{tid}; "
                  f"the same render in-process {renders[-1]:.2f} s)", flush=True)
        med, rmed = statistics.median(totals), statistics.median(renders)
        print(f"message -> player, 30 s {args.studio} track: median {med:.2f} s over {args.runs} runs "
              f"(goal <= 3 s: {'met' if med <= 3 else 'NOT met'}); studio render {rmed:.2f} s; "
              f"chat/UI overhead ~{med - rmed:.2f} s")
        target = shown
        for op in ("regenerate", "extend"):
            if op == "regenerate":
                drag(page, target, 0.3, 0.5)
                page.wait_for_timeout(600)
            before = newest_id(services)
            page.locator(f'.take-editor[data-track="{target}"] [data-op="{op}"]').last.click()
            try:
                tid, secs = wait_new(page, services, before)
                print(f"region action {op} -> new take #{tid} on screen: {secs:.2f} s")
            except TimeoutError:
                print(f"region action {op}: no new take within 120 s (see {tmp / 'server.log'})")
        import os

        load = os.getloadavg()[0]
        print(f"machine load average while measuring: {load:.1f} on {os.cpu_count()} cores")
        browser.close()


if __name__ == "__main__":
    main()
