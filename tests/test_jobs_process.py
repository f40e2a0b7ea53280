"""Jobs across processes: a schedule made by one `studio` process is fired by later ones, exactly once
even when two workers run at the same time."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tests.conftest import STUDIO


def _worker(data_dir: Path, seconds: int) -> subprocess.Popen[str]:
    env = {**os.environ, "STUDIO_DATA_DIR": str(data_dir), "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.Popen([str(STUDIO), "worker", "--for", str(seconds), "--until-idle"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def test_schedule_survives_restart_and_two_workers_run_it_once(studio_cli, data_dir: Path):
    made = studio_cli("schedule", "in 5 seconds generate a chiptune boss tune", "--retries", "0")
    assert "scheduled: job 1 [active]" in made.stdout
    assert "job 1 [active]" in studio_cli("jobs", "list").stdout  # a new process sees it
    t0 = time.monotonic()
    workers = [_worker(data_dir, 150), _worker(data_dir, 150)]
    outs = [w.communicate(timeout=200) for w in workers]
    assert all(w.returncode == 0 for w in workers), outs
    assert time.monotonic() - t0 < 150  # both stopped once idle, well before --for
    runs = studio_cli("jobs", "runs").stdout.strip().splitlines()
    assert len(runs) == 1, runs  # the DB claim let only one worker run the fire
    assert "generate: done" in runs[0] and "takes #1" in runs[0]
    printed = "".join(o for o, _e in outs)
    assert printed.count("run r1 generate: done") == 1  # exactly one worker ran it
    assert "job 1 [finished]" in studio_cli("jobs", "list", "--all").stdout
