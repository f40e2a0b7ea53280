"""BlueNoteStudio: a small jazz combo of composing agents rendered with the General MIDI soundfont.

Agents, in the order they play into the shared Score: harmony (form + chord chart with voice-led
rootless voicings), walking bass, comping, drums, melody (head, solos, head out). The prompt words the
studio honours are listed in studios/bluenote/style.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pedalboard as pb

from studios import effects
from studios.base import GenerationRequest
from studios.bluenote.bass import walking_bass_agent
from studios.bluenote.comping import comping_agent
from studios.bluenote.drums import drums_agent
from studios.bluenote.feel import fold_to_three
from studios.bluenote.harmony import describe_chart, harmony_agent
from studios.bluenote.melody import melody_agent
from studios.bluenote.style import COMPERS, LEADS, SUBSTYLE_NAMES, Style, interpret
from studios.score import Note, Part, Score
from studios.sfstudio import SoundFontStudio
from studios.theory import humanise

TITLE_WORDS: dict[str, tuple[str, ...]] = {
    "soft": ("Smoky", "Late-Night", "Velvet", "Quiet"),
    "hot": ("Burning", "Hot", "Uptown", "Hard-Driving"),
    "minor": ("Midnight", "Blue", "Shadow", "Rainy"),
    "major": ("Sunday", "Easy", "Bright", "Uptown"),
}


@dataclass
class JazzScore(Score):
    """The shared Score plus what the agents decided, for the title and the describe() line."""

    style: Style | None = None
    title: str = ""
    decisions: dict[str, str] = field(default_factory=dict)


def untangle(part: Part) -> None:
    """Shorten any note that would still sound when the same pitch strikes again (a note-off would cut it)."""
    ordered = sorted(part.notes, key=lambda n: (n.start, n.pitch))
    last: dict[int, int] = {}
    out: list[Note] = []
    for n in ordered:
        if n.pitch in last:
            j = last[n.pitch]
            prev = out[j]
            if prev.start + prev.length > n.start - 0.01:
                out[j] = Note(prev.start, max(0.02, n.start - prev.start - 0.02), prev.pitch, prev.velocity)
        last[n.pitch] = len(out)
        out.append(n)
    part.notes = out


def _bus() -> pb.Pedalboard:
    return pb.Pedalboard([*effects.room(size=0.35, wet=0.1), *effects.bus_glue(threshold_db=-20.0, ratio=2.0)])


def _lead_chain() -> pb.Pedalboard:
    return pb.Pedalboard([pb.HighpassFilter(110), *effects.room(size=0.45, wet=0.14)])


def _bass_chain() -> pb.Pedalboard:
    return pb.Pedalboard([pb.HighpassFilter(32), pb.Compressor(threshold_db=-22, ratio=3, attack_ms=8,
                                                               release_ms=120), pb.Gain(2)])


def _comping_chain() -> pb.Pedalboard:
    return pb.Pedalboard([pb.HighpassFilter(140), *effects.room(size=0.3, wet=0.1)])


class BlueNoteStudio(SoundFontStudio):
    """Jazz combo studio: swing, bebop, ballad, bossa nova, blues and modal pieces.

    neural_style_lora names the style adapter a future neural renderer will look up ("bluenote-jazz");
    this studio renders symbolically with the soundfont and loads nothing for it today.
    """

    id = "bluenote"
    name = "Blue Note"
    genre = "jazz"
    keywords = ("jazz", "swing", "bebop", "blues", "bossa", "ii-v-i", "trio", "sax", "ballad", "modal",
                "quartet", "walking bass")
    default_bpm = 150.0
    time_signatures = ("4/4", "3/4")
    neural_style_lora: str | None = "bluenote-jazz"
    part_chains = {"lead": _lead_chain, "bass": _bass_chain, "comping": _comping_chain}
    bus_chain = staticmethod(_bus)

    def compose(self, request: GenerationRequest, rng: np.random.Generator) -> Score:
        style = interpret(request.prompt, request.bpm, request.key, rng)
        waltz = request.time_signature == "3/4"
        bars = max(1, math.ceil(request.duration_s * style.bpm / 60.0 / (3 if waltz else 4) - 1e-9))
        score = JazzScore(bpm=style.bpm, key=style.key_name, beats_per_bar=4, total_beats=bars * 4.0,
                          style=style)
        chart = harmony_agent(score, style, rng)
        walking_bass_agent(score, chart, style, rng)
        comping_agent(score, chart, style, rng)
        drums_agent(score, style, rng)
        melody_agent(score, chart, style, rng)
        for part in score.parts:
            if part.name in ("bass", "comping"):
                part.notes = humanise(part.notes, rng, timing=0.006, velocity=4)
            untangle(part)
        if waltz:
            fold_to_three(score)
        score.title = self._title(style, rng) + (" (Jazz Waltz)" if waltz else "")
        score.decisions = self._decisions(style, chart, score)
        if waltz:
            score.decisions["metre"] = "jazz waltz in 3/4 (the band's 4/4 grooves folded to three beats)"
        return score

    @staticmethod
    def _title(style: Style, rng: np.random.Generator) -> str:
        mood = next((w for w in ("soft", "hot") if w in style.words), "minor" if style.minor else "major")
        words = TITLE_WORDS[mood]
        return f"{words[int(rng.integers(len(words)))]} {SUBSTYLE_NAMES[style.substyle]} in {style.key.name}"

    @staticmethod
    def _decisions(style: Style, chart: list, score: Score) -> dict[str, str]:
        lead = LEADS[style.lead][3]
        comper = COMPERS[style.comper][1]
        bass = {"bossa": "root-fifth bossa pattern", "ballad": "two-feel head, walking solos"}.get(
            style.substyle, "walking quarters with chromatic approaches")
        comp = {"bossa": "syncopated bossa pattern", "ballad": "rolled sustained voicings",
                "modal": "quartal 'So What' voicings"}.get(style.substyle, "Charleston, pushes and anticipations")
        drums = {"bossa": "cross-stick clave, straight 8th hat", "ballad": "soft ride and ghosted snare"}.get(
            style.substyle, f"ride spang-a-lang (swing {style.swing_ratio:.2f}), hat on 2 & 4, feathered kick")
        solos = sum(s.name.startswith("solo") for s in score.sections)
        return {"harmony": describe_chart(chart), "bass": bass, "comping": f"{comper}: {comp}",
                "drums": drums, "lead": f"{lead}: head, {solos} solo chorus{'es' if solos != 1 else ''}"}

    def title_for(self, score: Score) -> str:
        if isinstance(score, JazzScore) and score.title:
            return score.title
        return f"{self.name} piece in {score.key}"

    def describe(self, score: Score) -> str:
        form = " / ".join(f"{s.name} ({s.bars})" for s in score.sections)
        if not isinstance(score, JazzScore) or score.style is None:
            return f"Form: {form}."
        st = score.style
        agents = "; ".join(f"{k}: {v}" for k, v in score.decisions.items())
        return (f"{SUBSTYLE_NAMES[st.substyle]} in {st.key.name} at {score.bpm:g} BPM, "
                f"{'piano trio' if st.trio else 'quartet'}. Form: {form}. {agents}.")
