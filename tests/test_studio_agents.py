"""Each studio's composing agents, called one at a time on a shared Score: every agent writes its own
part (or the score facts it owns) and leaves what the others wrote alone. Plus the multitrack a take
keeps: stems that sum to the pre-master mix, and MIDI that is exactly the score."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pretty_midi
import pytest

from studios.base import GenerationRequest
from studios.manager import CATALOGUE, StudioManager
from studios.midi import midi_to_score, write_midi
from studios.score import Score

SR = 22050
manager = StudioManager()


def snapshot(score: Score) -> dict[str, list]:
    return {p.name: list(p.notes) for p in score.parts}


def run_alone(score: Score, agent: Callable[[], object], writes: tuple[str, ...]) -> object:
    """Run one agent; it must add exactly the parts it owns and not touch the parts already there."""
    before = snapshot(score)
    out = agent()
    after = snapshot(score)
    for name, notes in before.items():
        assert after.get(name) == notes, f"an agent rewrote the {name!r} part it does not own"
    assert set(after) - set(before) == set(writes)
    for name in writes:
        for n in after[name]:
            assert 0 <= n.start < score.total_beats + 1e-6 and n.length > 0 and 0 <= n.pitch <= 127
    return out


def test_chiptune_agents_alone():
    from studios.chiptune.arp import arp_agent
    from studios.chiptune.harmony import harmony_agent
    from studios.chiptune.melody import melody_agent
    from studios.chiptune.rhythm import bass_agent, drums_agent
    from studios.chiptune.structure import structure_agent

    rng = np.random.default_rng(1)
    score = Score(bpm=140, key="Am")
    run_alone(score, lambda: structure_agent(score, "boss battle", 6.0, rng), ())
    assert score.sections and score.total_beats >= 6.0 * 140 / 60
    run_alone(score, lambda: harmony_agent(score, rng), ())
    assert score.chords
    for agent, part in ((melody_agent, "lead"), (arp_agent, "arp"), (bass_agent, "bass"), (drums_agent, "drums")):
        run_alone(score, lambda agent=agent: agent(score, rng), (part,))
        assert score.part(part).notes


def test_cypher_agents_alone():
    from studios.cypher.bass import bass_agent
    from studios.cypher.beats import beat_agent
    from studios.cypher.chops import chop_agent
    from studios.cypher.flow import flow_agent
    from studios.cypher.form import new_score
    from studios.cypher.harmony import keys_agent
    from studios.cypher.hook import hook_agent
    from studios.cypher.style import interpret

    rng = np.random.default_rng(2)
    style = interpret("dusty boom bap", 90, "Cm", rng)
    score = new_score(style, 12.0)
    run_alone(score, lambda: keys_agent(score, rng), ("keys",))
    kicks = run_alone(score, lambda: beat_agent(score, rng), ("drums",))
    assert kicks and all(0 <= k.start < score.total_beats for k in kicks)  # type: ignore[attr-defined]
    run_alone(score, lambda: bass_agent(score, kicks, rng), ("808",))
    run_alone(score, lambda: chop_agent(score, rng), ("chops",))
    run_alone(score, lambda: hook_agent(score, rng), ("hook",))
    verse = flow_agent(4, "AABB", True, style.themes, rng)  # lyrics are text, not a part
    assert len(verse.lines) == 4 and verse.scheme == "AABB" and all(line.strip() for line in verse.lines)


def test_ironclad_agents_alone():
    from studios.ironclad.bass import bass_agent
    from studios.ironclad.drums import drummer_agent
    from studios.ironclad.form import arrange, bars_for, write_form
    from studios.ironclad.guitar import DISTORTION, rhythm_guitar_agent
    from studios.ironclad.keys import keys_agent
    from studios.ironclad.lead import lead_agent
    from studios.ironclad.riffs import write_riff
    from studios.ironclad.style import read_prompt

    rng = np.random.default_rng(3)
    style = read_prompt("thrash metal with a guitar solo and keys")
    arr = arrange(style, "Em", 160.0, bars_for(12.0, 160.0), rng)
    score = Score(bpm=160.0, key=arr.key.short)
    run_alone(score, lambda: write_form(score, arr), ())
    assert score.sections
    run_alone(score, lambda: write_riff(arr, rng), ())
    run_alone(score, lambda: rhythm_guitar_agent(score, arr, rng, DISTORTION), ("rhythm_l", "rhythm_r"))
    run_alone(score, lambda: bass_agent(score, arr, rng), ("bass",))
    run_alone(score, lambda: drummer_agent(score, arr, rng), ("drums",))
    leads = lead_agent(score, arr, rng)
    assert all(p.notes for p in leads)
    run_alone(score, lambda: keys_agent(score, arr, rng, "keys"), ("keys",))


def test_bluenote_agents_alone():
    from studios.bluenote.bass import walking_bass_agent
    from studios.bluenote.comping import comping_agent
    from studios.bluenote.drums import drums_agent
    from studios.bluenote.harmony import harmony_agent
    from studios.bluenote.melody import melody_agent
    from studios.bluenote.studio import JazzScore
    from studios.bluenote.style import interpret

    rng = np.random.default_rng(4)
    style = interpret("medium swing", 160, "F", rng)
    score = JazzScore(bpm=style.bpm, key=style.key_name, total_beats=32.0, style=style)
    chart = run_alone(score, lambda: harmony_agent(score, style, rng), ())
    assert chart and score.chords
    run_alone(score, lambda: walking_bass_agent(score, chart, style, rng), ("bass",))
    # Walking bass: one note per beat almost everywhere.
    assert len(score.part("bass").notes) >= 0.8 * score.total_beats - 8
    run_alone(score, lambda: comping_agent(score, chart, style, rng), ("comping",))
    run_alone(score, lambda: drums_agent(score, style, rng), ("drums",))
    run_alone(score, lambda: melody_agent(score, chart, style, rng), ("lead",))


def test_virtuoso_agents_alone():
    from studios.virtuoso.counterpoint import bass_agent, melody_agent
    from studios.virtuoso.form import form_agent
    from studios.virtuoso.harmony import harmony_agent
    from studios.virtuoso.orchestration import orchestration_agent
    from studios.virtuoso.studio import VirtuosoScore
    from studios.virtuoso.texture import texture_agent

    rng = np.random.default_rng(5)
    score = VirtuosoScore(bpm=100.0, key="G", beats_per_bar=3, total_beats=48.0)
    run_alone(score, lambda: form_agent(score, "minuet", rng), ())
    assert [s.name for s in score.sections][:2] == ["A", "A (repeat)"]
    slots = run_alone(score, lambda: harmony_agent(score, "minuet", rng, False), ())
    assert slots and score.chords
    before = len(score.parts)
    melody_agent(score, rng)
    bass_agent(score, rng)
    texture_agent(score, "minuet", "quartet", rng)
    assert len(score.parts) > before and all(p.notes for p in score.parts)
    roles = orchestration_agent(score, "quartet", rng, 0.0, "")
    assert roles and {p.program for p in score.parts} <= {40, 41, 42}  # violin, viola, cello


@pytest.mark.parametrize("studio_id", [i.id for i in CATALOGUE])
def test_stems_sum_to_the_premaster_mix_and_the_master_follows_it(studio_id):
    r = manager.get(studio_id).generate(GenerationRequest("piece", 4.0, 110, "G", seed=3), SR)
    assert r.premaster is not None and r.premaster.shape == r.audio.shape
    assert np.max(np.abs(np.sum(list(r.stems.values()), axis=0) - r.premaster)) < 1e-4
    # Mastering is gain, gentle compression and limiting: the master is still the same signal.
    a, b = r.premaster.ravel().astype(np.float64), r.audio.ravel().astype(np.float64)
    assert float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))) > 0.8


@pytest.mark.parametrize("studio_id", [i.id for i in CATALOGUE])
def test_midi_parses_and_is_the_rendered_score(studio_id, tmp_path):
    r = manager.get(studio_id).generate(GenerationRequest("piece", 4.0, 120, "D", seed=8), SR)
    path = write_midi(r.score, tmp_path / "take.mid")
    pm = pretty_midi.PrettyMIDI(str(path))
    assert abs(pm.get_tempo_changes()[1][0] - 120) < 0.01
    spb = 60.0 / 120
    for part in r.score.parts:
        inst = next((i for i in pm.instruments if i.name == part.name), None)
        if inst is None:  # an empty part (e.g. no hook in a short take) leaves no track behind
            assert not part.notes
            continue
        want = sorted((n.pitch, n.start * spb) for n in part.notes if n.start < r.score.total_beats)
        got = sorted((n.pitch, n.start) for n in inst.notes)
        assert [p for p, _ in got] == [p for p, _ in want] and inst.is_drum == part.is_drum
        tick = 60.0 / 120 / pm.resolution  # MIDI times are whole ticks
        assert np.allclose([t for _, t in got], [t for _, t in want], atol=tick)
    back = midi_to_score(path)  # what a remix reads back as its reference
    assert back.key == r.score.key and back.beats_per_bar == r.score.beats_per_bar
    assert sum(len(p.notes) for p in back.parts) == sum(len(i.notes) for i in pm.instruments)
