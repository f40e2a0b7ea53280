"""The orchestrator graph: routing to tools, replies, and thread state that outlives the process."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from assistant.graph.runner import ChatRunner


def test_generate_turn_creates_a_track_and_focuses_it(services):
    runner = ChatRunner(services)
    result = runner.turn("make a 5 second chiptune track at 150 bpm", "t1")
    assert result.route["tool"] == "generate"
    (take,) = result.takes
    assert f"track #{take['id']}" in result.reply and "150 BPM" in result.reply
    assert services.get_track(take["id"]).duration_s == 5.0
    state = runner.state("t1")
    assert state["current_track"] == take["id"] and state["studio"] == "chiptune"


def test_bad_input_answers_clearly_and_saves_nothing(services):
    runner = ChatRunner(services)
    for text, says in [("make a 0 second track", "duration 0 s is out of range"),
                       ("make a -3 second tune", "duration -3 s is out of range"),
                       ("make a 3600 second song", "duration 3600 s is out of range"),
                       ("make a track at 0 bpm", "tempo 0 BPM is out of range"),
                       ("make a track at 1000 bpm", "tempo 1000 BPM is out of range")]:
        result = runner.turn(text, "bad")
        assert says in result.reply and "Nothing was saved" in result.reply and result.takes == []
    assert services.tracks.count(include_trashed=True) == 0


def test_other_tools(services):
    runner = ChatRunner(services)
    assert "library is empty" in runner.turn("list my tracks", "t").reply
    runner.turn("make a 3 second chiptune loop", "t")
    assert "1 track" in runner.turn("list my tracks", "t").reply
    assert "Chiptune" in runner.turn("which studio am I in?", "t").reply
    assert "Switched to the **Blue Note** studio" in runner.turn("switch to the bluenote studio", "t").reply
    assert runner.state("t")["studio"] == "bluenote"
    assert "unknown studio" in runner.turn("switch to the polka studio", "t").reply
    assert "make a 20 second chiptune track" in runner.turn("hi, what can you do?", "t").reply


def test_thread_state_survives_a_new_process(services, data_dir):
    ChatRunner(services).turn("make a 4 second chiptune track at 120 bpm", "persist")
    code = (
        "import json; from assistant.settings import StudioSettings; from assistant.services import StudioServices;"
        "from assistant.graph.runner import ChatRunner;"
        f"r = ChatRunner(StudioServices(StudioSettings(data_dir={str(data_dir)!r})));"
        "s = r.state('persist');"
        "print(json.dumps({'n': len(s['messages']), 'current': s['current_track'], 'first': s['messages'][0].content}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ}).stdout
    got = json.loads(out.strip().splitlines()[-1])
    assert got == {"n": 2, "current": 1, "first": "make a 4 second chiptune track at 120 bpm"}
