"""Score/form agent: lays the bars out as sections made of four-bar phrases and decides the cadences.

Every section ends on an authentic cadence (V-I), phrases inside a section alternate half cadences
(ending on V) and authentic ones, so two phrases make a classical period. Section names carry the
material they use ("A'" restates "A", "var 2" varies "theme", "recapitulation" restates "exposition"),
which is how the harmony and melody agents know what to repeat.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from studios.score import Score, Section

PHRASE_BARS = 4

# Section templates per form: (name, share of the phrases). Short pieces keep the first and last.
_TEMPLATES: dict[str, list[tuple[str, float]]] = {
    "ternary": [("A", 0.35), ("B", 0.3), ("A'", 0.35)],
    "binary": [("A", 0.5), ("B", 0.5)],
    "sonatina": [("exposition", 0.4), ("development", 0.25), ("recapitulation", 0.35)],
    "minuet": [("A", 0.25), ("A (repeat)", 0.25), ("B", 0.25), ("A'", 0.25)],
    "prelude": [("opening", 0.4), ("sequence", 0.35), ("pedal point", 0.25)],
    "canon": [("exposition", 0.4), ("episode", 0.3), ("final entries", 0.3)],
}
# Which earlier material a section restates (same harmony, same or varied melody).
_RESTATES = {"A'": "A", "A (repeat)": "A", "recapitulation": "exposition"}


@dataclass(frozen=True)
class Phrase:
    start_bar: int
    bars: int
    cadence: str  # "PAC" (perfect authentic, V-I) or "HC" (half cadence, ends on V)
    section: str
    index: int  # phrase number within its section
    last_in_piece: bool = False


def phrase_lengths(bars: int) -> list[int]:
    """Four-bar phrases; one spare bar extends the last phrase, two or three make a short closing phrase."""
    if bars <= PHRASE_BARS + 1:
        return [bars]
    full, rest = divmod(bars, PHRASE_BARS)
    out = [PHRASE_BARS] * full
    if rest == 1:
        out[-1] += 1
    elif rest:
        out.append(rest)
    return out


def material(section_name: str) -> str:
    """The material a section is built on: "A'" -> "A", "var 3" -> "theme", "B" -> "B"."""
    if section_name.startswith("var"):
        return "theme"
    return _RESTATES.get(section_name, section_name)


def variation_number(section_name: str) -> int:
    """0 for the theme and every non-variation section, n for "var n"."""
    m = re.match(r"var (\d+)", section_name)
    return int(m.group(1)) if m else 0


def _allocate(n_phrases: int, template: list[tuple[str, float]]) -> list[tuple[str, int]]:
    if n_phrases < len(template):
        keep = [template[0]] + ([template[-1]] if n_phrases > 1 else [])
        template = keep[:n_phrases]
    total = sum(s for _, s in template)
    counts = [max(1, round(n_phrases * s / total)) for _, s in template]
    while sum(counts) > n_phrases:  # trim the largest middle section first
        i = max(range(len(counts)), key=lambda j: (counts[j] > 1, counts[j], 0 < j < len(counts) - 1))
        counts[i] -= 1
    counts[-1] += n_phrases - sum(counts)
    return [(name, c) for (name, _), c in zip(template, counts, strict=True)]


def _variation_layout(n_phrases: int) -> list[tuple[str, int]]:
    theme = 2 if n_phrases >= 6 else 1
    out = [("theme", theme)]
    left, k = n_phrases - theme, 1
    while left >= theme:
        out.append((f"var {k}", theme))
        left, k = left - theme, k + 1
    if left:
        out.append(("coda", left))
    return out


def _chorale_layout(n_phrases: int) -> list[tuple[str, int]]:
    out, k, left = [], 1, n_phrases
    while left:
        take = 2 if left >= 2 else 1
        out.append((f"verse {k}", take))
        left, k = left - take, k + 1
    return out


def form_agent(score: Score, form: str, rng: np.random.Generator) -> list[Section]:
    """Fill score.sections for score.total_beats (rounded up to whole bars) in the given form."""
    bars = max(1, math.ceil(score.total_beats / score.beats_per_bar - 1e-9))
    score.total_beats = float(bars * score.beats_per_bar)
    lengths = phrase_lengths(bars)
    if form == "variations":
        layout = _variation_layout(len(lengths))
    elif form == "chorale":
        layout = _chorale_layout(len(lengths))
    else:
        template = _TEMPLATES.get(form, _TEMPLATES["ternary"])
        if form == "ternary" and len(lengths) >= 4 and rng.random() < 0.3:
            template = [("A", 0.3), ("B", 0.3), ("A'", 0.25), ("coda", 0.15)]
        layout = _allocate(len(lengths), template)
    sections, bar, i = [], 0, 0
    for name, count in layout:
        n = sum(lengths[i:i + count])
        sections.append(Section(name, bar, n))
        bar, i = bar + n, i + count
    score.sections = sections
    return sections


def phrases(score: Score) -> list[Phrase]:
    """The phrases of every section with their cadences (the last phrase of a section closes on V-I)."""
    sections = score.sections or [Section("A", 0, max(1, round(score.total_beats / score.beats_per_bar)))]
    out: list[Phrase] = []
    for si, sec in enumerate(sections):
        lengths = phrase_lengths(sec.bars)
        start = sec.start_bar
        for i, n in enumerate(lengths):
            last = i == len(lengths) - 1
            cadence = "PAC" if last or i % 2 == 1 else "HC"
            out.append(Phrase(start, n, cadence, sec.name, i, last and si == len(sections) - 1))
            start += n
    return out
