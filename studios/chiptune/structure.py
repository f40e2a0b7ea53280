"""Structure agent: reads the prompt, picks a game-music form (boss fight, title screen, level,
dungeon, ending...) and lays its sections out in bars to fill the requested duration.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from studios.score import Score, Section
from studios.theory import Key, choose, parse_key


@dataclass(frozen=True)
class Theme:
    name: str  # used in the title, e.g. "Boss Battle"
    words: tuple[str, ...]
    loops: tuple[str, ...]  # body sections cycled to fill the time
    bpm: float
    minor_bias: float  # added to the prompt's mood score: > 0 leans minor


THEMES: dict[str, Theme] = {
    "boss": Theme("Boss Battle", ("boss", "battle", "fight", "final", "villain", "showdown", "duel", "war"),
                  ("boss A", "boss B", "climax", "boss A"), 168, 2.0),
    "chase": Theme("Chase Scene", ("chase", "race", "racing", "escape", "run", "speed", "hurry", "timer"),
                   ("chase A", "chase B", "chase A", "climax"), 176, 0.5),
    "title": Theme("Title Screen", ("title", "intro", "menu", "start", "opening", "theme"),
                   ("theme A", "theme B", "theme A"), 134, -0.5),
    "dungeon": Theme("Dungeon Crawl", ("dungeon", "cave", "castle", "crypt", "haunted", "spooky", "ghost",
                                       "night", "underground", "mystery", "forest"),
                     ("dungeon A", "bridge", "dungeon B", "dungeon A"), 118, 2.0),
    "ending": Theme("Ending Theme", ("ending", "outro", "credits", "victory", "win", "finale", "clear",
                                     "celebration", "goodbye"),
                    ("ending A", "ending B", "finale"), 126, -1.0),
    "level": Theme("Level Theme", ("level", "stage", "overworld", "world", "adventure", "platformer", "jump",
                                   "hero", "quest"),
                   ("loop A", "loop B", "loop A", "loop C"), 150, 0.0),
}

_MINOR_WORDS = ("sad", "dark", "boss", "battle", "evil", "tense", "danger", "scary", "spooky", "haunted",
                "dungeon", "cave", "night", "lonely", "melancholy", "melancholic", "rain", "storm",
                "doom", "grim", "epic", "intense", "angry", "minor", "villain", "fight", "mysterious")
_MAJOR_WORDS = ("happy", "cheerful", "bright", "sunny", "joy", "joyful", "fun", "upbeat", "victory",
                "hopeful", "cute", "playful", "triumphant", "heroic", "major", "peaceful", "sweet")
_FAST_WORDS = ("fast", "faster", "speedy", "frantic", "hyper", "energetic", "intense", "rush")
_SLOW_WORDS = ("slow", "calm", "chill", "relaxed", "sad", "lonely", "peaceful", "sleepy", "ambient")
# Keys the NES-era composers leaned on; minor keys skew to A/E/D the way so many boss themes did.
_MAJOR_TONICS = ("C", "G", "D", "F", "A", "E", "Bb")
_MINOR_TONICS = ("A", "E", "D", "C", "G", "B", "F#")


@dataclass(frozen=True)
class SectionProfile:
    role: str  # "intro" | "main" | "contrast" | "bridge" | "climax" | "outro"
    motif: str  # which melodic idea the section states
    energy: float  # 0..1, drives density of melody, bass and drums


def words(prompt: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)?", prompt.lower())


def _has(ws: list[str], vocab: tuple[str, ...]) -> int:
    return sum(1 for w in ws if w in vocab or any(w.startswith(v) and len(v) > 4 for v in vocab))


def choose_theme(prompt: str) -> Theme:
    """The theme whose vocabulary the prompt uses most; a level theme when nothing matches."""
    ws = words(prompt)
    best, hits = THEMES["level"], 0
    for theme in THEMES.values():
        h = _has(ws, theme.words)
        if h > hits:
            best, hits = theme, h
    return best


def choose_bpm(prompt: str, rng: np.random.Generator) -> float:
    """Tempo for the theme, nudged by 'fast'/'slow' words, with a little seeded variety."""
    ws = words(prompt)
    bpm = choose_theme(prompt).bpm * (1.12 ** _has(ws, _FAST_WORDS)) * (0.88 ** _has(ws, _SLOW_WORDS))
    return float(np.clip(round(bpm + rng.integers(-6, 7)), 70, 200))


def choose_key(prompt: str, rng: np.random.Generator, requested: str | None = None) -> Key:
    """The requested key, else a minor or major key following the prompt's mood."""
    if requested:
        return parse_key(requested)
    ws = words(prompt)
    mood = _has(ws, _MINOR_WORDS) - _has(ws, _MAJOR_WORDS) + choose_theme(prompt).minor_bias
    minor = bool(rng.random() < 0.5) if mood == 0 else mood > 0
    tonics = _MINOR_TONICS if minor else _MAJOR_TONICS
    weights = np.linspace(2.0, 1.0, len(tonics))
    tonic = choose(rng, tonics, weights)
    return parse_key(tonic + ("m" if minor else ""))


_PREFIX_ENERGY = {"boss": 0.85, "chase": 0.85, "dungeon": 0.55, "theme": 0.6, "ending": 0.6, "loop": 0.65}


def section_profile(name: str) -> SectionProfile:
    """What a section is for, read from its name so every agent agrees without extra plumbing."""
    parts = name.lower().split() or ["loop"]
    head = parts[0]
    if head == "intro":
        return SectionProfile("intro", "A", 0.35)
    if head == "outro":
        return SectionProfile("outro", "A", 0.5)
    if head == "bridge":
        return SectionProfile("bridge", "C", 0.4)
    if head in ("climax", "finale"):
        return SectionProfile("climax", "C", 1.0 if head == "climax" else 0.8)
    base = _PREFIX_ENERGY.get(head, 0.65)
    letter = parts[-1][:1].upper() if len(parts) > 1 else "A"
    if letter == "A":
        return SectionProfile("main", "A", base)
    return SectionProfile("contrast", letter, min(1.0, base + 0.1))


FRONT_LOADED_BPM = 168.0


def front_loaded(bpm: float) -> bool:
    """Above ~168 BPM a plain kick/snare backbeat reads as half tempo (to listeners and to beat
    trackers, whose tempo priors centre near 120). The agents then front-load each bar: the band
    hits on beats 1-2 and sustains through 3-4, which keeps the pulse at the written tempo."""
    return bpm >= FRONT_LOADED_BPM


SLOW_PULSE_BPM = 90.0


def slow_pulse(bpm: float) -> bool:
    """Below ~90 BPM even 8ths (hats, broken-chord arps, 8th-note bass) read as the beat, at double
    tempo. The agents then keep the 8th off-beats empty: the beat, plus a 16th pickup before it."""
    return bpm < SLOW_PULSE_BPM


def total_bars(duration_s: float, bpm: float, beats_per_bar: int = 4) -> int:
    return max(1, math.ceil(duration_s * bpm / 60.0 / beats_per_bar - 1e-9))


def ending_bar(score: Score) -> int:
    """The bar holding the final hit: the last downbeat with at least a beat of time after it."""
    return max(0, int((score.total_beats - 1.0) // score.beats_per_bar))


def plan_sections(theme: Theme, bars: int, rng: np.random.Generator | None = None) -> list[Section]:
    """Intro, cycling body loops in 4/8-bar phrases, and an outro, summing to exactly `bars`."""
    if bars <= 2:
        return [Section(theme.loops[0], 0, bars)]
    if bars <= 5:
        return [Section("intro", 0, 1), Section(theme.loops[0], 1, bars - 1)]
    intro = 2 if bars >= 12 else 1
    if bars >= 24 and rng is not None and rng.random() < 0.5:
        intro = 4  # a longer build-up only when there is time for it
    outro = 2 if bars >= 20 else 1
    body = bars - intro - outro
    phrase = 8 if body >= 16 else 4
    names: list[str] = []
    lengths: list[int] = []
    # When the form ends where it starts (A B A), later passes skip the repeat so A never doubles.
    again = theme.loops[1:] if theme.loops[0] == theme.loops[-1] else theme.loops
    order = list(theme.loops) + list(again) * (body // (phrase // 2) + 1)
    i = 0
    while sum(lengths) < body:
        name = order[i]
        take = min(phrase, body - sum(lengths))
        if take < phrase // 2 and lengths:
            lengths[-1] += take  # too short to stand alone: extend the previous phrase
        else:
            names.append(name)
            lengths.append(take)
        i += 1
    sections = [Section("intro", 0, intro)]
    bar = intro
    for name, n in zip(names, lengths, strict=True):
        sections.append(Section(name, bar, n))
        bar += n
    sections.append(Section("outro", bar, outro))
    return sections


def structure_agent(score: Score, prompt: str, duration_s: float, rng: np.random.Generator) -> list[Section]:
    """Write the form into the score: sections sized so ceil(duration * bpm / 240) bars are covered."""
    theme = choose_theme(prompt)
    bars = total_bars(duration_s, score.bpm, score.beats_per_bar)
    score.sections = plan_sections(theme, bars, rng)
    score.total_beats = duration_s * score.bpm / 60.0
    return score.sections


def section_at(score: Score, bar: int) -> Section:
    for s in score.sections:
        if s.start_bar <= bar < s.start_bar + s.bars:
            return s
    return score.sections[-1]


def theme_of(score: Score) -> Theme:
    """Recover the theme from the section names (render only sees the score)."""
    heads = {s.name.split()[0] for s in score.sections if s.name}
    for theme in THEMES.values():
        if theme.loops[0].split()[0] in heads and theme.loops[0].split()[0] != "loop":
            return theme
    return THEMES["level"]
