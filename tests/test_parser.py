"""The fast-path parser turns clear commands into canonical tool calls."""

import pytest

from assistant.graph.commands import parse
from assistant.graph.parser import normalise_numbers, parse_duration, parse_key, words_to_number


@pytest.mark.parametrize(
    ("text", "value"),
    [("ninety", 90), ("one hundred twenty", 120), ("hundred and forty", 140), ("thirty-five", 35),
     ("two", 2), ("seven hundred", 700)],
)
def test_words_to_number(text, value):
    assert words_to_number(text) == value


def test_spoken_numbers_become_digits():
    assert normalise_numbers("a hundred and forty bpm, one minute") == "140 bpm, 1 minute"
    assert normalise_numbers("make a -5 second track") == "make a -5 second track"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("20 second", 20), ("20s", 20), ("1:32", 92), ("2 minutes", 120), ("1 minute 30 seconds", 90),
     ("a 20-second loop", 20), ("-5 seconds", -5), ("1 hour", 3600), ("no length here", None)],
)
def test_durations(text, seconds):
    assert parse_duration(normalise_numbers(text)) == seconds


@pytest.mark.parametrize(
    ("text", "key"),
    [("in D minor", "Dm"), ("in F sharp major", "F#"), ("in Bb", "Bb"), ("key of c# minor", "C#m"),
     ("something in C#m", "C#m"), ("no key", None)],
)
def test_keys(text, key):
    assert parse_key(text) == key


def test_the_headline_request():
    r = parse("make a 20 second chiptune track at 140 bpm").as_dict()
    assert r == {"tool": "generate", "args": {"prompt": "make a 20 second chiptune track at 140 bpm",
                                              "studio": "chiptune", "duration_s": 20.0, "bpm": 140.0}}


def test_spoken_style_request():
    args = parse("generate a one hundred twenty bpm boss theme two minutes long in a minor").args
    assert args["bpm"] == 120 and args["duration_s"] == 120 and args["key"] == "Am"


def test_variations_and_seed():
    args = parse("compose 3 variations of a dungeon theme in F# minor seed 7").args
    assert (args["variations"], args["seed"], args["key"]) == (3, 7, "F#m")


@pytest.mark.parametrize(
    ("text", "tool"),
    [("list my tracks", "list_tracks"), ("show me the library", "list_tracks"),
     ("switch to the chiptune studio", "select_studio"), ("which studio am I in?", "current_studio"),
     ("hello!", "chat"), ("", "chat"), ("chiptune, 140 bpm, 30 seconds", "generate")],
)
def test_tools(text, tool):
    assert parse(text).tool == tool


def test_out_of_range_values_are_kept_for_validation():
    # The parser must not silently drop bad numbers: validation turns them into a clear message.
    args = parse("make a 0 second track at 1000 bpm").args
    assert args["duration_s"] == 0 and args["bpm"] == 1000
