"""IroncladStudio: metal from an ensemble of agents, rendered with the GM soundfont through amp chains.

compose() runs the agents in order, each writing into the shared Score:
  arranger (form + power-chord roots) -> riff writer -> rhythm guitars (L/R) -> bass -> drummer -> lead
  -> keys.
Prompt words are read by studios.ironclad.style (see its docstring for the list).
"""

from __future__ import annotations

import weakref

import numpy as np
import pedalboard as pb

from studios import effects
from studios.base import GenerationRequest
from studios.ironclad.bass import bass_agent
from studios.ironclad.drums import drummer_agent
from studios.ironclad.form import Arrangement, arrange, bars_for, write_form
from studios.ironclad.guitar import DISTORTION, OVERDRIVE, rhythm_guitar_agent
from studios.ironclad.keys import keys_agent
from studios.ironclad.lead import lead_agent
from studios.ironclad.riffs import write_riff
from studios.ironclad.style import pick_bpm, pick_key, read_prompt
from studios.score import Score
from studios.sfstudio import SoundFontStudio

_OVERDRIVE_WORDS = ("overdrive", "crunch", "vintage", "70s", "nwobhm")


def lead_tone() -> pb.Pedalboard:
    """The amp chain plus a slap of delay and some hall: leads sit above the wall of rhythm guitars."""
    return pb.Pedalboard([*effects.metal_guitar(), pb.Delay(delay_seconds=0.32, feedback=0.25, mix=0.18),
                          pb.Reverb(room_size=0.6, damping=0.4, wet_level=0.18, dry_level=0.9)])


def bass_tone() -> pb.Pedalboard:
    """A little grit and a tight low end so the bass is heard under distorted guitars."""
    return pb.Pedalboard([pb.HighpassFilter(35), pb.Distortion(drive_db=8), pb.LowpassFilter(3500),
                          pb.Gain(-4)])


def keys_tone() -> pb.Pedalboard:
    """Dark and washed: the keyboard is harmony behind the guitars, not a second lead."""
    return pb.Pedalboard([pb.LowpassFilter(2500), *effects.hall(0.7, 0.2)])


class IroncladStudio(SoundFontStudio):
    id = "ironclad"
    name = "Ironclad"
    genre = "metal"
    keywords = ("metal", "thrash", "djent", "doom", "riff", "shred", "heavy", "blast beat")
    default_bpm = 140.0
    part_chains = {
        "rhythm_l": effects.metal_guitar, "rhythm_r": effects.metal_guitar,
        "lead": lead_tone, "lead_harmony": lead_tone, "bass": bass_tone,
        "drums": lambda: effects.room(0.35, 0.1), "keys": keys_tone,
    }

    def __init__(self) -> None:
        self._plans: dict[int, tuple[weakref.ref, Arrangement]] = {}

    def compose(self, request: GenerationRequest, rng: np.random.Generator) -> Score:
        style = read_prompt(request.prompt)
        bpm = float(request.bpm) if request.bpm is not None else pick_bpm(style, rng)
        key = request.key or pick_key(style, rng)
        bars = bars_for(request.duration_s, bpm)
        arr = arrange(style, key, bpm, bars, rng)
        score = Score(bpm=bpm, key=arr.key.short)
        write_form(score, arr)
        write_riff(arr, rng)
        overdrive = any(w in request.prompt.lower() for w in _OVERDRIVE_WORDS)
        rhythm_guitar_agent(score, arr, rng, OVERDRIVE if overdrive else DISTORTION)
        bass_agent(score, arr, rng)
        drummer_agent(score, arr, rng)
        lead_agent(score, arr, rng)
        if style.keys:
            keys_agent(score, arr, rng, request.prompt)
        self._remember(score, arr)
        return score

    def _remember(self, score: Score, arr: Arrangement) -> None:
        self._plans = {k: v for k, v in self._plans.items() if v[0]() is not None}
        self._plans[id(score)] = (weakref.ref(score), arr)

    def arrangement(self, score: Score) -> Arrangement | None:
        """The plan behind a score this studio composed (None for a foreign score)."""
        entry = self._plans.get(id(score))
        return entry[1] if entry and entry[0]() is score else None

    def title_for(self, score: Score) -> str:
        arr = self.arrangement(score)
        label = arr.style.label if arr else "Metal"
        return f"{label} in {arr.key.name if arr else score.key}"

    def describe(self, score: Score) -> str:
        form = " / ".join(f"{s.name} {s.bars}" for s in score.sections)
        arr = self.arrangement(score)
        if arr is None:
            return f"Form: {form}. {score.bpm:g} BPM, key {score.key}."
        choices = "; ".join(f"{agent}: {what}" for agent, what in arr.choices.items())
        return (f"{arr.style.label}, {arr.key.name} ({arr.mood} harmony), {score.bpm:g} BPM. "
                f"Form: {form} bars. {choices}.")
