"""The fast-path parser turns clear commands into canonical tool calls."""

import pytest

from assistant.graph.commands import fast_parse, parse
from assistant.graph.parser import (
    fix_typos,
    normalise_numbers,
    parse_duration,
    parse_key,
    parse_tracks,
    words_to_number,
)


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


@pytest.mark.parametrize(
    ("text", "normalised"),
    [("one twenty bpm", "120 bpm"), ("at one thirty two", "at 1:32"), ("from one thirty to one forty five",
                                                                         "from 1:30 to 1:45"),
     ("two oh five bpm", "205 bpm"), ("one thirty two", "132"),
     ("delete tracks three and four", "delete tracks 3 and 4"),
     ("one hundred and twenty", "120"), ("three four five", "3 4 5")],  # without a time word: numbers
)
def test_spoken_times_and_tempos(text, normalised):
    assert normalise_numbers(text) == normalised


@pytest.mark.parametrize(
    ("text", "refs"),
    [("track 5", [5]), ("#12", [12]), ("tracks 3, 4 and 5", [3, 4, 5]), ("tracks 2-4", [2, 3, 4]),
     ("tracks 2 3 and 5", [2, 3, 5]), ("this one", ["@current"]), ("the last track", ["@current"]),
     ("comment on track 3: more bass", [3]), ("at 1:32", [])],
)
def test_track_references(text, refs):
    assert parse_tracks(text) == refs


def test_typos_are_fixed_but_real_words_kept():
    assert fix_typos("genrate a trak at 120 bmp") == "generate a track at 120 bpm"
    assert fix_typos("undelete the scheduled favorites") == "undelete the scheduled favorites"


@pytest.mark.parametrize(
    ("text", "route"),
    [("comment at 1:32: nice drop here", {"tool": "comment", "args": {"track": "@current", "at_s": 92.0,
                                                                       "text": "nice drop here"}}),
     ("redo 1:00 to 1:15 with a guitar solo", {"tool": "inpaint", "args": {"track": "@current", "start_s": 60.0,
                                                                           "end_s": 75.0, "prompt": "a guitar solo"}}),
     ("extend track 4 by one minute", {"tool": "extend", "args": {"track": 4, "seconds": 60.0}}),
     ("trash tracks 3, 4 and 5", {"tool": "trash", "args": {"tracks": [3, 4, 5]}}),
     ("make it faster", {"tool": "generate", "args": {"track": "@current", "tempo": "faster"}}),
     ("same but in D minor", {"tool": "generate", "args": {"track": "@current", "key": "Dm"}}),
     ("put it in the Night Drive album", {"tool": "add_to_album", "args": {"tracks": ["@current"],
                                                                           "album": "Night Drive"}}),
     ("export it to ableton", {"tool": "export_daw", "args": {"track": "@current", "format": "zip"}}),
     ("cancel all jobs", {"tool": "cancel_job", "args": {"job": "all"}}),
     ("delete tracks three and four", {"tool": "trash", "args": {"tracks": [3, 4]}}),
     ("what have I made so far", {"tool": "list_tracks", "args": {"filters": {}}}),
     ("every night at 2am generate a lofi beat", {"tool": "schedule", "args": {
         "job": "generate", "cron": "0 2 * * *", "args": {"prompt": "generate a lofi beat"}}}),
     ("schedule a reindex every day at midnight", {"tool": "schedule", "args": {"job": "reindex", "cron": "0 0 * * *",
                                                                                 "args": {}}}),
     ("neural re-render track 1", {"tool": "generate", "args": {"prompt": "neural re-render track 1", "reference": 1,
                                                                "engine": "musicgen"}})],
)
def test_clear_commands_for_other_tools(text, route):
    assert parse(text).as_dict() == route


@pytest.mark.parametrize("text", ["i love fl studio", "make it jazzier"])
def test_unclear_text_is_left_to_the_llm(text):
    assert fast_parse(text) is None


@pytest.mark.parametrize("text, tool, args", [
    ("i want to keep working on this in fl studio", "export_daw", {"track": "@current", "format": "zip"}),
    ("take track 3 into reaper", "export_daw", {"track": 3, "format": "reaper"}),
    ("can i get the drums on their own from track 2", "separate_stems", {"track": 2, "stems": ["drums"]}),
    ("pull the vocals out of this one", "separate_stems", {"track": "@current", "stems": ["vocals"]}),
    ("show me all my jazz stuff from the bluenote studio", "list_tracks", {"filters": {"studio": "bluenote"}}),
    ("i want the midi for this so i can play it in my keyboard", "export_midi", {"track": "@current"}),
    ("is there anything in my collection with a summery vibe", "find_similar", {"query": "summery"}),
    ("note at 0:45 the snare is too loud", "comment", {"track": "@current", "at_s": 45.0,
                                                       "text": "the snare is too loud"}),
    ("throw track 8 away", "trash", {"track": 8}),
])
def test_everyday_wordings_of_clear_commands(text, tool, args):
    route = fast_parse(text)
    assert route is not None and (route.tool, route.args) == (tool, args)


@pytest.mark.parametrize("text, seconds", [("a minute and a half of boss music", 90.0),
                                            ("two and a half minutes of jazz", 150.0),
                                            ("3 minutes and a half please", 210.0)])
def test_and_a_half(text, seconds):
    assert parse_duration(normalise_numbers(text)) == seconds
