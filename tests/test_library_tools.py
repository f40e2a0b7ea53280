"""Chat tool nodes for the library: canonical args, track references, replies that name the tracks."""

from __future__ import annotations

from assistant.tools import TOOLS
from tests.library_fixtures import add_with_audio


def _run(services, tool: str, args: dict, current: int | None = None) -> tuple[str, dict]:
    state = {"route": {"tool": tool, "args": args}, "current_track": current, "messages": []}
    out = TOOLS[tool](state, services)
    return out["messages"][-1].content, out


def test_flags_accept_ints_words_and_current(services):
    a = add_with_audio(services, title="Alpha")
    b = add_with_audio(services, title="Beta")
    text, out = _run(services, "favorite", {"track": "@current"}, current=a.id)
    assert f"#{a.id} **Alpha**" in text and services.library.get(a.id).favorite and out["current_track"] == a.id
    text, _ = _run(services, "dislike", {"track": f"track {b.id}"})
    assert "disliked" in text and services.library.get(b.id).disliked
    text, _ = _run(services, "trash", {"tracks": [a.id, f"#{b.id}"]})
    assert "Alpha" in text and "Beta" in text and services.tracks.count() == 0
    text, _ = _run(services, "restore", {"track": a.id})
    assert "Restored" in text and [t.id for t in services.list_tracks()] == [a.id]
    text, _ = _run(services, "favorite", {"track": 99})
    assert "no track #99" in text and "Nothing was changed" in text
    text, _ = _run(services, "favorite", {"track": "@current"})
    assert "no track in focus" in text


def test_albums_comments_and_filtered_listing(services):
    ids = [add_with_audio(services, title=t, studio=s, bpm=b).id
           for t, s, b in [("One", "chiptune", 150), ("Two", "ironclad", 180), ("Three", "chiptune", 90)]]
    assert "Created the album **Boss Rush**" in _run(services, "create_album", {"name": "Boss Rush"})[0]
    text, _ = _run(services, "add_to_album", {"tracks": [ids[2], ids[0]], "album": "boss rush"})
    assert "**Three**" in text and "**One**" in text and "now has 2 tracks" in text
    text, _ = _run(services, "add_to_album", {"tracks": [ids[1]], "album": "Metal"})
    assert "(a new album)" in text
    listing, _ = _run(services, "list_tracks", {"filters": {"album": "Boss Rush"}})
    assert listing.index("Three") < listing.index("One") and "Two" not in listing
    fast, _ = _run(services, "list_tracks", {"filters": {"studio": "chiptune", "min_bpm": 120}})
    assert "One" in fast and "Three" not in fast and "1 track matching" in fast
    text, _ = _run(services, "comment", {"track": ids[1], "at_s": 4.0, "text": "solo starts"})
    assert "**Two** at 4.0 s" in text and services.library.comments(ids[1])[0].text == "solo starts"
    assert "within the take" in _run(services, "comment", {"track": ids[1], "at_s": 60, "text": "x"})[0]
    assert "The trash is empty" in _run(services, "list_tracks", {"filters": {"trashed": True}})[0]


def test_find_similar_and_reindex_nodes(services):
    a = add_with_audio(services, title="Neon Chase", prompt="fast synthwave chase with arpeggios")
    add_with_audio(services, title="Rainy Cafe", prompt="slow lofi jazz piano on a rainy day", studio="bluenote")
    text, out = _run(services, "find_similar", {"query": "rainy day jazz piano", "k": 1})
    assert "**Rainy Cafe**" in text and "similarity" in text and "Neon Chase" not in text
    text, _ = _run(services, "find_similar", {"track": "@current", "k": 1}, current=a.id)
    assert "Closest to track #" in text and "**Rainy Cafe**" in text  # the only other track
    text, _ = _run(services, "reindex", {})
    assert "background" in text and "job #" in text
    services.search.jobs.wait(int(text.split("job #")[1].split(")")[0]))
