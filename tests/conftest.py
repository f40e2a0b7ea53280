from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Torch-free today, but keep numeric libraries polite on 2 shared cores.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
STUDIO = Path(sys.executable).with_name("studio")
# One models dir for the whole run (and for `studio` subprocesses, via the env): the shipped 1.1 GB GGUF
# is assembled and verified once, not once per test data dir.
MODELS_DIR = ROOT / ".cache" / "models"
os.environ.setdefault("STUDIO_MODELS_DIR", str(MODELS_DIR))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    d = tmp_path / "studio-data"
    d.mkdir()
    return d


@pytest.fixture
def settings(data_dir: Path):
    from assistant.settings import StudioSettings

    return StudioSettings(data_dir=data_dir)


@pytest.fixture
def services(settings):
    from assistant.services import StudioServices

    return StudioServices(settings)


@pytest.fixture
def studio_cli(data_dir: Path):
    """Run the installed `studio` console script against the test's data dir."""

    def run(*args: str, check: bool = True, timeout: float = 180) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "STUDIO_DATA_DIR": str(data_dir), "COLUMNS": "200", "NO_COLOR": "1"}
        proc = subprocess.run([str(STUDIO), *args], capture_output=True, text=True, env=env, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"studio {args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    return run


def files_under(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file())
