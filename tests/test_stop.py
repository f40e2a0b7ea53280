"""Stop in the chat: a render running in the graph's worker thread ends at its next step, before filing."""

from __future__ import annotations

import threading
import time

from assistant import stop
from assistant.graph.runner import ChatRunner


def test_stop_ends_a_running_generate_before_the_next_take_is_filed(services):
    runner = ChatRunner(services, use_llm=False)
    result: dict[str, str] = {}
    turn = threading.Thread(target=lambda: result.update(
        reply=runner.turn("make 4 variations of a 20 second chiptune track", "t").reply))
    turn.start()
    deadline = time.monotonic() + 120
    while not services.list_tracks() and time.monotonic() < deadline:  # the first take is filed ...
        time.sleep(0.01)
    stop.request("t")  # ... then the user presses Stop
    turn.join(timeout=120)
    kept = services.list_tracks()
    assert 1 <= len(kept) < 4  # what was filed before the stop stays; nothing after it
    assert result["reply"].startswith("Stopped. Kept the takes finished before the stop: track #1")
    assert all(f"#{t.id}" in result["reply"] for t in kept)
    assert all(services.track_path(t).is_file() for t in kept)


def test_a_stop_does_not_carry_over_to_the_next_message(services):
    runner = ChatRunner(services, use_llm=False)
    stop.request("u")  # a stop pressed on an earlier request
    reply = runner.turn("make a 3 second chiptune loop", "u").reply
    assert "you stopped it" not in reply and len(services.list_tracks()) == 1


def test_outside_a_chat_turn_nothing_is_stoppable():
    check = stop.stoppable()
    stop.request("t")
    check("rendering", 0.5)  # the CLI and REST have no Stop button: no error
