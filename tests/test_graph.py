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
        "print(json.dumps({'n': len(s['messages']), 'current': s['current_track'], 'first': s['messages'][0].content,"
        "'quality': s['messages'][-1].content[:14]}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ}).stdout
    got = json.loads(out.strip().splitlines()[-1])
    assert got == {"n": 3, "current": 1, "first": "make a 4 second chiptune track at 120 bpm",
                   "quality": "Quality check:"}  # the take's reply, then the Quality Agent's


def test_follow_ups_act_on_the_track_in_focus(services):
    # The Quality Agent may add a retried take to a turn: the take in focus afterwards is the turn's last.
    runner = ChatRunner(services, use_llm=False)
    first = runner.turn("make a 4 second chiptune track at 120 bpm in A minor, seed 7", "mt").takes[-1]
    faster = runner.turn("make it faster", "mt")
    assert faster.reply.startswith(f"Based on track #{first['id']}")
    take = faster.takes[-1]
    assert take["bpm"] == 138 and take["studio"] == "chiptune" and take["duration_s"] == 4.0 and take["key"] == "Am"
    minor = runner.turn("same but in D minor", "mt")
    assert minor.reply.startswith(f"Based on track #{take['id']}") and minor.takes[-1]["key"] == "Dm"
    assert minor.takes[-1]["bpm"] == 138  # the tempo of the track it was based on
    filed = runner.turn("put it in the Night Drive album", "mt")
    assert f"#{minor.takes[-1]['id']}" in filed.reply and "Night Drive" in filed.reply
    assert services.library.album("Night Drive").track_ids == [minor.takes[-1]["id"]]


def test_no_track_in_focus_is_said_plainly(services):
    result = ChatRunner(services, use_llm=False).turn("make it faster", "empty")
    assert "no track in focus" in result.reply and result.takes == []


def test_tools_not_built_yet_route_and_say_so(services, monkeypatch):
    from assistant.tools import TOOLS

    monkeypatch.delitem(TOOLS, "train_lora")  # a catalogue tool without a node function gets the "coming" node
    result = ChatRunner(services, use_llm=False).turn("train a lora on the Night Drive album called nd", "t")
    assert result.route["tool"] == "train_lora"
    assert "not built yet" in result.reply and "Nothing was changed" in result.reply


def test_bulk_trash_waits_for_a_yes_from_another_process(services, studio_cli):
    runner = ChatRunner(services, use_llm=False)
    ids = [t.id for t in services.generate("tiny loop", studio="chiptune", duration_s=2, variations=3, seed=1).takes]
    asked = runner.turn(f"trash tracks {ids[0]}, {ids[1]} and {ids[2]}", "bulk")
    assert asked.pending and "3 tracks" in asked.reply and services.tracks.count() == 3  # nothing done yet
    out = json.loads(studio_cli("ask", "yes", "--thread", "bulk", "--json").stdout)
    assert not out["pending"] and "Moved to the trash" in out["reply"]
    assert services.tracks.count() == 0 and services.tracks.count(include_trashed=True) == 3


def test_a_no_or_a_new_request_cancels_the_pending_action(services):
    runner = ChatRunner(services, use_llm=False)
    services.generate("tiny loop", studio="chiptune", duration_s=2, variations=2, seed=1)
    assert runner.turn("delete tracks 1 and 2", "c").pending
    assert "cancelled" in runner.turn("no", "c").reply and services.tracks.count() == 2
    assert runner.turn("trash tracks 1-2", "c").pending
    assert "2 tracks" in runner.turn("list my tracks", "c").reply  # cancelled, then answered
    assert services.tracks.count() == 2 and runner.pending_question("c") is None
