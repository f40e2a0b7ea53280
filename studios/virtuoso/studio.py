"""VirtuosoStudio: classical music from an ensemble of agents writing one shared Score, played by
General MIDI soundfont instruments in a concert hall.

Agents, in order: form (sections, phrases, cadences) -> harmony (functional progressions) ->
counterpoint (soprano melody, bass, canonic imitation) -> texture (accompaniment figures carrying the
pulse) -> orchestration (instruments, ranges, doublings, dynamics, articulation).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pedalboard as pb

from studios import effects
from studios.base import GenerationRequest
from studios.meter import parse_time_signature
from studios.score import Score
from studios.sfstudio import SoundFontStudio
from studios.theory import parse_key
from studios.virtuoso.brief import choose_bpm, choose_ensemble, choose_form, choose_key, interpret
from studios.virtuoso.counterpoint import bass_agent, imitation_agent, melody_agent
from studios.virtuoso.form import form_agent
from studios.virtuoso.harmony import harmony_agent
from studios.virtuoso.orchestration import ENSEMBLE_NAMES, orchestration_agent
from studios.virtuoso.texture import texture_agent

FORM_TITLES = {"minuet": "Minuet", "sonatina": "Sonatina", "binary": "Air", "ternary": "Romance",
               "variations": "Theme and Variations", "chorale": "Chorale", "prelude": "Prelude",
               "canon": "Canon"}


@dataclass
class VirtuosoScore(Score):
    """The shared Score plus what the agents decided, for the title and the one-line description."""

    plan: dict[str, str] = field(default_factory=dict)


def concert_hall() -> pb.Pedalboard:
    """A hall reverb on the whole ensemble, then gentle glue compression."""
    return pb.Pedalboard([*effects.hall(size=0.78, wet=0.22), *effects.bus_glue(threshold_db=-20.0, ratio=2.0)])


class VirtuosoStudio(SoundFontStudio):
    """Classical studio: minuets, sonatinas, binary and ternary forms, theme and variations, chorales,
    preludes and canons for solo piano, harpsichord, string quartet, string orchestra or orchestra.

    neural_style_lora: the orchestral LoRA slot. A neural renderer that restyles the soundfont
    performance loads this adapter by name ("virtuoso-orchestral"); the soundfont path needs nothing
    loaded, so the slot is only declared here. Set it to None to opt out of neural restyling.
    """

    id = "virtuoso"
    name = "Virtuoso"
    genre = "classical"
    keywords = ("classical", "orchestra", "orchestral", "symphony", "symphonic", "sonata", "sonatina",
                "string quartet", "quartet", "baroque", "piano", "harpsichord", "fugue", "canon", "strings",
                "minuet", "menuet", "waltz", "chorale", "prelude", "variations", "concerto", "chamber",
                "adagio", "allegro", "andante", "nocturne", "etude")
    default_bpm = 100.0
    time_signatures = ("4/4", "3/4")
    neural_style_lora: str | None = "virtuoso-orchestral"
    part_chains: dict = {}  # the players stay dry; the hall is shared on the bus
    bus_chain = staticmethod(concert_hall)

    def compose(self, request: GenerationRequest, rng: np.random.Generator) -> Score:
        """Run the agents in order; each reads what the ones before it wrote into the score."""
        brief = interpret(request.prompt)
        form = choose_form(brief, rng)
        ensemble = choose_ensemble(brief, form)
        key = choose_key(brief, rng, request.key)
        bpm = float(request.bpm) if request.bpm else float(choose_bpm(brief, form))
        # An asked metre wins; otherwise the form decides (minuets and waltzes in three).
        bpb = int(parse_time_signature(request.time_signature).quarter_beats) if request.time_signature \
            else (3 if form == "minuet" else 4)
        bars = max(1, math.ceil(float(request.duration_s) * bpm / 60.0 / bpb - 1e-9))
        score = VirtuosoScore(bpm=bpm, key=key.short, beats_per_bar=bpb, total_beats=float(bars * bpb))
        form_agent(score, form, rng)
        slots = harmony_agent(score, form, rng, brief.chromatic)
        chosen = melody_agent(score, rng)
        bass_agent(score, rng)
        if form == "canon":
            imitation_agent(score, rng)
        figures = texture_agent(score, form, ensemble, rng)
        main_figure = next(iter(figures.values()), "")
        roles = orchestration_agent(score, ensemble, rng, brief.dynamics, main_figure)
        opening = "–".join(s.numeral for s in slots[:6])
        score.plan = {
            "form": form, "ensemble": ensemble, "harmony": opening, "figures": ", ".join(
                f"{sec} {fig}" for sec, fig in figures.items()),
            "melody": chosen["melody"], "variations": chosen["variations"],
            "orchestration": "; ".join(f"{k}: {v}" for k, v in roles.items()),
            "words": ", ".join(brief.words), "mood": next((w for w in brief.words if w in _MOODS), ""),
        }
        return score

    def title_for(self, score: Score) -> str:
        plan = getattr(score, "plan", {})
        form = FORM_TITLES.get(plan.get("form", ""), "Piece")
        mood = plan.get("mood", "")
        ensemble = ENSEMBLE_NAMES.get(plan.get("ensemble", ""), "")
        head = f"{mood.capitalize()} {form}" if mood else form
        tail = f" for {ensemble.title()}" if ensemble else ""
        return f"{head} in {parse_key(score.key).name}{tail}"

    def describe(self, score: Score) -> str:
        plan = getattr(score, "plan", {})
        sections = " ".join(f"{s.name}({s.bars})" for s in score.sections)
        meter = f"{score.beats_per_bar}/4"
        parts = [f"{plan.get('form', 'classical')} form {sections}", f"{parse_key(score.key).name}",
                 f"{score.bpm:g} BPM {meter}", f"ensemble: {ENSEMBLE_NAMES.get(plan.get('ensemble', ''), '?')}",
                 f"harmony opens {plan.get('harmony', '')}", f"texture: {plan.get('figures', '')}",
                 f"melody: {plan.get('melody', '')}"]
        if plan.get("variations"):
            parts.append(f"variations: {plan['variations']}")
        parts.append(f"orchestration: {plan.get('orchestration', '')}")
        if plan.get("words"):
            parts.append(f"prompt words: {plan['words']}")
        return " | ".join(parts)


_MOODS = ("sad", "melancholy", "melancholic", "dark", "tragic", "somber", "sombre", "mournful", "stormy",
          "dramatic", "gloomy", "haunting", "tempestuous", "sorrowful", "happy", "joyful", "bright", "cheerful",
          "triumphant", "pastoral", "elegant", "graceful", "sunny", "playful", "festive", "heroic", "noble",
          "gentle")
