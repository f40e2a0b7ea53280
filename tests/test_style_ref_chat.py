"""Style Ref in the chat: the library's nearest tracks condition a new take, and the reply names them."""

from __future__ import annotations

from assistant.graph.runner import ChatRunner


def test_in_the_style_of_a_track_takes_its_tempo_key_and_studio(services):
    (ref,) = services.generate("dusty boom bap", studio="cypher", duration_s=4.0, bpm=92, key="Gm", seed=1).takes
    runner = ChatRunner(services)
    result = runner.turn(f"make a 4 second track in the style of track {ref.id}", "style")
    assert result.route["args"]["style_ref"] == ref.id
    (take,) = [t for t in result.takes if t["id"] != ref.id][:1]
    assert take["studio"] == "cypher" and take["bpm"] == 92 and take["key"] == "Gm"
    assert "Style references:" in result.reply and f"#{ref.id}" in result.reply


def test_an_explicit_value_beats_the_reference(services):
    (ref,) = services.generate("dusty boom bap", studio="cypher", duration_s=4.0, bpm=92, key="Gm", seed=1).takes
    result = ChatRunner(services).turn(f"make a 4 second track at 120 bpm in the style of track {ref.id}", "style")
    assert result.takes and result.takes[0]["bpm"] == 120 and result.takes[0]["studio"] == "cypher"
