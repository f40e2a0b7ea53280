"""ChiptuneStudio: an ensemble of small agents (structure, harmony, melody, arpeggio, bass, drums)
writing one shared Score, rendered on an emulated NES sound chip and mastered to -14 LUFS.
"""

from __future__ import annotations

import numpy as np

from studios.base import GenerationRequest, Render, Studio
from studios.chiptune.arp import arp_agent
from studios.chiptune.harmony import harmony_agent
from studios.chiptune.melody import melody_agent
from studios.chiptune.rhythm import bass_agent, drums_agent
from studios.chiptune.structure import choose_bpm, choose_key, structure_agent, theme_of
from studios.chiptune.synth import parse_instrument, render_stems
from studios.mastering import exact_length, master
from studios.score import Score
from studios.theory import parse_key


def describe(score: Score) -> str:
    """One line on what the agents chose: form, key, tempo, duty cycles."""
    form = " · ".join(f"{s.name} {s.bars}" for s in score.sections)
    voices = []
    for p in score.parts:
        wave, _, duties = parse_instrument(p.instrument)
        if wave == "pulse":
            voices.append(f"{p.name} duty " + "→".join(f"{d * 100:g}%" for _, d in duties))
        else:
            voices.append(f"{p.name} {wave}")
    return (f"{theme_of(score).name} form: {form} bars | {parse_key(score.key).name} | {score.bpm:g} BPM | "
            + ", ".join(voices))


def title_for(score: Score) -> str:
    """e.g. 'Boss Battle in A minor': the theme the structure agent read from the prompt."""
    return f"{theme_of(score).name} in {parse_key(score.key).name}"


class ChiptuneStudio(Studio):
    id = "chiptune"
    name = "Chiptune"
    genre = "8/16-bit game music"
    keywords = ("chiptune", "chip", "8-bit", "8bit", "16-bit", "16bit", "nes", "famicom", "gameboy",
                "game boy", "retro", "arcade", "boss", "pixel", "video game", "videogame", "game", "level",
                "dungeon", "overworld", "platformer", "rpg", "8 bit", "bit", "snes", "sega")
    default_bpm = 150.0

    def compose(self, request: GenerationRequest, rng: np.random.Generator) -> Score:
        """Run the agents in order; each reads what the ones before it wrote into the score."""
        key = choose_key(request.prompt, rng, request.key)
        bpm = float(request.bpm) if request.bpm else choose_bpm(request.prompt, rng)
        score = Score(bpm=bpm, key=key.short)
        structure_agent(score, request.prompt, float(request.duration_s), rng)
        harmony_agent(score, rng)
        melody_agent(score, rng)
        arp_agent(score, rng)
        bass_agent(score, rng)
        drums_agent(score, rng)
        return score

    def render(self, score: Score, duration_s: float, sample_rate: int) -> Render:
        n = int(round(duration_s * sample_rate))
        fade = min(0.35, 0.1 * duration_s)  # let the final hit ring, then close cleanly
        stems = {name: exact_length(s, n, sample_rate, fade) for name, s in render_stems(score, n, sample_rate).items()}
        mix = np.zeros((n, 2), dtype=np.float64)
        for stem in stems.values():
            mix += stem
        audio = master(mix, sample_rate)
        return Render(audio, sample_rate, score, stems, title_for(score), score.bpm, score.key, describe(score),
                      premaster=mix.astype(np.float32))
