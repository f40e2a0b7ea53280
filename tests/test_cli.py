"""The `studio` command line, run as a user would, in a subprocess."""

from __future__ import annotations

import json
import re
from pathlib import Path

import soundfile as sf


def test_generate_prints_id_and_path_then_tracks_lists_it(studio_cli, data_dir: Path):
    out = studio_cli("generate", "chiptune boss battle", "--duration", "20", "--bpm", "140").stdout
    assert re.search(r"track #1\b", out)
    path = Path(re.search(r"file: (\S+\.wav)", out)[1])
    assert path.is_file() and path.is_relative_to(data_dir)
    info = sf.info(path)
    assert abs(info.frames / info.samplerate - 20.0) <= 0.010
    listing = studio_cli("tracks").stdout
    assert "chiptune" in listing and "140" in listing and re.search(r"^\W*1\s", listing, re.M)


def test_ask_runs_a_chat_turn(studio_cli, data_dir: Path):
    out = studio_cli("ask", "make a 6 second chiptune track at 160 bpm", "--json").stdout
    result = json.loads(out)
    assert result["route"]["tool"] == "generate"
    (take,) = result["takes"]
    assert Path(take["path"]).is_file() and take["bpm"] == 160
    plain = studio_cli("ask", "list my tracks").stdout
    assert "#1" in plain


def test_doctor_lists_every_capability(studio_cli):
    out = studio_cli("doctor").stdout
    for name in ("LLM", "ASR", "embeddings", "MusicGen", "stems", "upscaler", "in-painter", "soundfont"):
        assert re.search(rf"^\S?\s*{name}\b", out, re.M), name
    assert "TimGM6mb" in out or "FluidR3" in out


def test_route_prints_json(studio_cli):
    out = studio_cli("route", "make a 20 second chiptune track at 140 bpm").stdout
    assert json.loads(out)["args"]["bpm"] == 140


def test_bad_input_exits_with_a_clear_message(studio_cli, data_dir: Path):
    for args, says in [(["--duration", "0"], "duration 0 s is out of range"),
                       (["--duration", "-1"], "duration -1 s is out of range"),
                       (["--duration", "3600"], "duration 3600 s is out of range"),
                       (["--bpm", "0"], "tempo 0 BPM is out of range"),
                       (["--bpm", "1000"], "tempo 1000 BPM is out of range")]:
        proc = studio_cli("generate", "chiptune", *args, check=False)
        assert proc.returncode == 2 and says in proc.stderr and "Traceback" not in proc.stderr
    assert "library is empty" in studio_cli("tracks").stdout
    assert not list((data_dir / "audio").rglob("*.wav"))
