"""The four remix sliders and time signatures for the studios: validation with clear errors, and a
measurable effect of each slider in the right direction (on the composed score: fast, no audio)."""

from __future__ import annotations

import numpy as np
import pytest

from studios.base import GenerationRequest, StudioError
from studios.manager import CATALOGUE, StudioManager
from studios.meter import meter_in_prompt, parse_time_signature
from studios.midi import midi_to_score, write_midi
from studios.phrasing import melody_part, outside_fraction, phrase_repetition, pitch_entropy, shared_notes
from studios.reference import Reference, blend_request
from studios.remix import Remix
from studios.theory import choose, composing_temperature, tempered

manager = StudioManager()
STUDIOS = [i.id for i in CATALOGUE]
SEEDS = range(5)


def compose(studio_id: str, seed: int, remix: Remix, **kw) -> object:
    req = GenerationRequest(kw.pop("prompt", ""), kw.pop("duration_s", 12.0), kw.pop("bpm", 120), kw.pop("key", "C"),
                            seed=seed, remix=remix, **kw)
    return manager.get(studio_id).compose_take(req)[0]


# -- validation --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "lots", True])
@pytest.mark.parametrize("slider", ["melody_loyalty", "weirdness", "genre_shift", "structure_consistency"])
def test_slider_out_of_range_is_a_clear_error(slider, bad):
    with pytest.raises(StudioError, match=f"{slider.replace('_', ' ')} must be a number from 0 to 1"):
        GenerationRequest("x", 5.0, remix=Remix(**{slider: bad})).validated()


def test_unknown_slider_and_defaults():
    with pytest.raises(StudioError, match="unknown remix slider"):
        Remix.of(strangeness=0.5)
    r = Remix.of(weirdness=None, genre_shift=0.9)
    assert r == Remix(genre_shift=0.9) and r.temperature == pytest.approx(1.0)  # default weirdness = as tuned
    assert Remix(weirdness=0.0).temperature < 1.0 < Remix(weirdness=1.0).temperature


@pytest.mark.parametrize(("text", "message"), [("5/5", "unknown time signature"), ("waltz", "unknown time signature"),
                                               ("0/4", "unknown time signature")])
def test_bad_time_signature_is_a_clear_error(text, message):
    with pytest.raises(StudioError, match=message):
        GenerationRequest("x", 5.0, time_signature=text).validated()


def test_time_signature_a_studio_cannot_write_is_refused_by_name():
    with pytest.raises(StudioError, match="Chiptune studio writes in 4/4 only, not 3/4.*Blue Note"):
        manager.get("chiptune").compose_take(GenerationRequest("x", 4.0, time_signature="3/4"))
    with pytest.raises(StudioError, match=r"Virtuoso studio writes in 4/4 or 3/4 only, not 6/8: choose one of those$"):
        manager.get("virtuoso").compose_take(GenerationRequest("a jig", 4.0, time_signature="6/8"))


def test_prompt_words_give_the_metre():
    assert meter_in_prompt("a sad waltz for strings") == "3/4"
    assert meter_in_prompt("something in 6/8 please") == "6/8"
    assert meter_in_prompt("open 24/7 lofi") is None and meter_in_prompt("boss battle") is None
    assert parse_time_signature(" 3 / 4 ").quarter_beats == 3.0


@pytest.mark.parametrize("studio_id", ["virtuoso", "bluenote"])
def test_waltz_is_written_in_three(studio_id):
    score = compose(studio_id, 1, Remix(), prompt="a gentle waltz", duration_s=8.0)
    assert score.beats_per_bar == 3 and score.total_beats % 3 == 0
    # Every bar's downbeat is played by someone: the grid really is in three.
    onsets = np.array(sorted(n.start for p in score.parts for n in p.notes))
    bars = int(score.total_beats // 3)
    assert sum(np.min(np.abs(onsets - b * 3)) < 0.05 for b in range(bars)) >= 0.8 * bars


def test_waltz_words_in_a_four_only_studio_are_stated_not_failed():
    r = manager.get("chiptune").generate(GenerationRequest("chiptune waltz", 2.0, 120, "C", seed=1), 22050)
    assert r.score.beats_per_bar == 4 and "suggests 3/4" in r.notes


# -- the shared chooser -----------------------------------------------------------------------------------
def test_temperature_reshapes_every_weighted_choice():
    w = [0.7, 0.2, 0.1]
    assert tempered(w, 1.0) == pytest.approx([0.7, 0.2, 0.1])
    assert tempered(w, 0.5)[0] > 0.7 and tempered(w, 4.0)[0] < 0.45
    picks = {}
    for t in (0.5, 4.0):
        rng = np.random.default_rng(0)
        with composing_temperature(t):
            picks[t] = [choose(rng, "abc", w) for _ in range(2000)]
    assert picks[0.5].count("a") > 1700 > 1000 > picks[4.0].count("a")


# -- each slider moves the music the right way -----------------------------------------------------------
@pytest.mark.parametrize("studio_id", STUDIOS)
def test_weirdness_adds_outside_notes_and_pitch_entropy(studio_id):
    def measure(w: float) -> tuple[float, float]:
        scores = [compose(studio_id, s, Remix(weirdness=w)) for s in SEEDS]
        mel = [outside_fraction(melody_part(sc).notes, sc.key) for sc in scores]
        ent = [pitch_entropy([n for p in sc.parts if not p.is_drum for n in p.notes]) for sc in scores]
        return float(np.mean(mel)), float(np.mean(ent))

    (out_lo, ent_lo), (out_hi, ent_hi) = measure(0.0), measure(1.0)
    assert out_hi > out_lo + 0.15 and ent_hi > ent_lo


@pytest.mark.parametrize("studio_id", STUDIOS)
def test_structure_consistency_makes_repeats_exact_or_varied(studio_id):
    def repetition(c: float) -> float:
        return float(np.nanmean([phrase_repetition(compose(studio_id, s, Remix(structure_consistency=c),
                                                           duration_s=16.0)) for s in SEEDS]))

    low, mid, high = repetition(0.0), repetition(0.5), repetition(1.0)
    assert high > 0.95 and high > mid > low


def _reference(studio_id: str, tmp_path, seed: int = 11, prompt: str = "", duration_s: float = 8.0) -> Reference:
    """An earlier take, saved and read back as MIDI exactly like a library track's reference."""
    score = compose(studio_id, seed, Remix(), prompt=prompt, duration_s=duration_s, bpm=100, key="Am")
    return Reference(midi_to_score(write_midi(score, tmp_path / f"{studio_id}.mid")), studio_id, prompt, 1)


@pytest.mark.parametrize("studio_id", ["chiptune", "bluenote", "virtuoso"])
def test_melody_loyalty_keeps_the_reference_melody(studio_id, tmp_path):
    ref = _reference(studio_id, tmp_path, duration_s=16.0)
    ref_tune = melody_part(ref.score).notes
    kept = {}
    for loyalty in (0.0, 0.5, 1.0):
        shares = []
        for seed in (3, 4, 5):
            req = GenerationRequest("", 16.0, 100, "Am", seed=seed, remix=Remix(melody_loyalty=loyalty),
                                    reference=ref.score)
            take = manager.get(studio_id).compose_take(req)[0]
            shares.append(shared_notes(ref_tune, melody_part(take).notes, any_octave=True))
        kept[loyalty] = float(np.mean(shares))
    # Unrelated tunes in the same key and tempo share some downbeat chord tones, hence the margin.
    assert kept[1.0] >= 0.9 and kept[0.0] < kept[0.5] < kept[1.0] and kept[1.0] - kept[0.0] > 0.3


def test_loyal_melody_moves_into_the_new_key(tmp_path):
    ref = _reference("chiptune", tmp_path)
    req = GenerationRequest("", 8.0, 100, "Cm", seed=3, remix=Remix(melody_loyalty=1.0), reference=ref.score)
    take = manager.get("chiptune").compose_take(req)[0]
    # A minor -> C minor: the same tune a minor third up.
    up3 = [type(n)(n.start, n.length, n.pitch + 3, n.velocity) for n in melody_part(ref.score).notes]
    assert shared_notes(up3, melody_part(take).notes, any_octave=True) >= 0.8


def test_genre_shift_moves_tempo_key_and_words_from_reference_to_prompt(tmp_path):
    ref = Reference(_reference("chiptune", tmp_path).score, "chiptune", "dungeon crawl", 1)
    base = GenerationRequest("sunny overworld", 8.0, remix=Remix(genre_shift=0.0)).validated()
    out = {g: blend_request(GenerationRequest("sunny overworld", 8.0, remix=Remix(genre_shift=g)).validated(),
                            ref, prompt_bpm=160.0, prompt_key="G", supported_meters=("4/4",))
           for g in (0.0, 0.25, 0.75, 1.0)}
    assert [out[g].bpm for g in (0.0, 0.25, 0.75, 1.0)] == [100.0, 115.0, 145.0, 160.0]
    assert out[0.0].key == "Am" and out[1.0].key == "G"
    assert out[0.0].prompt == "dungeon crawl sunny overworld" and out[1.0].prompt == "sunny overworld"
    assert out[0.0].reference is ref.score and base.bpm is None
    explicit = blend_request(GenerationRequest("x", 8.0, bpm=90, key="E", remix=Remix(genre_shift=0.0)).validated(),
                             ref, 160.0, "G", ("4/4",))
    assert (explicit.bpm, explicit.key) == (90, "E")  # what the user typed always wins


@pytest.mark.parametrize("studio_id", STUDIOS)
def test_sliders_keep_tempo_and_length(studio_id):
    """Whatever the sliders, the grid stays at the asked tempo and the score covers the duration."""
    for remix in (Remix(0.0, 1.0, 1.0, 0.0), Remix(1.0, 0.0, 0.0, 1.0)):
        score = compose(studio_id, 2, remix, bpm=132, duration_s=6.0)
        assert score.bpm == 132 and score.total_beats >= 6.0 * 132 / 60 - 1e-6
        assert all(n.start >= 0 for p in score.parts for n in p.notes)
