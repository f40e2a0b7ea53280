"""Harmony agent: plans the form (intro / head / solos / head out / ending), writes the chord chart from
the songbook with jazz extensions, occasional tritone substitutions and voice-led rootless voicings.

The chart is the contract with the other agents: a list of ChordSpan in beats, each carrying its
comping voicing; it is also written into Score.chords (root + voicing) for the MIDI export.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from studios.bluenote.chords import EXTENSIONS, ChordSpan, parse_numeral
from studios.bluenote.progressions import ENDINGS, FORMS, INTROS, VAMP_INTROS
from studios.bluenote.style import Style
from studios.score import Score, Section
from studios.theory import voice_lead

VOICING_LOW, VOICING_HIGH = 50, 74  # rootless voicings live between D3 and D5: warm, clear of the bass


def plan_form(bars: int, form_bars: int) -> list[Section]:
    """Split the take into intro / head / solo choruses / head out / ending.

    Short takes keep the head and the tonic ending (the key must be stated); long ones grow solo
    choruses between the head and the head out, the way a jazz set is played.
    """
    if bars <= 3:
        return [Section("head", 0, bars)]
    ending = 1 if bars < 12 else 2
    intro = 0 if bars < 8 else (2 if bars < 24 else 4)
    body = bars - intro - ending
    plan: list[tuple[str, int]] = [("intro", intro)] if intro else []
    head = min(body, form_bars)
    plan.append(("head", head))
    rest = body - head
    head_out = form_bars if rest >= form_bars + 4 else 0
    solo = rest - head_out
    chorus = 1
    while solo > 0:
        # A leftover shorter than half a chorus joins the last chorus instead of standing alone.
        n = solo if solo < form_bars + form_bars // 2 else form_bars
        plan.append(("solo" if chorus == 1 else f"solo {chorus}", n))
        solo -= n
        chorus += 1
    if head_out:
        plan.append(("head out", head_out))
    plan.append(("ending", ending))
    sections, start = [], 0
    for name, n in plan:
        sections.append(Section(name, start, n))
        start += n
    return sections


def _bar_numerals(section: Section, form: Sequence[str], intro: list[str], ending: Sequence[str],
                  vamp: str) -> list[str]:
    if section.name == "intro":
        return [intro[i % len(intro)] for i in range(section.bars)] if intro else [vamp] * section.bars
    if section.name == "ending":
        # One tonic bar, or the tonic held for two: the final chord everyone lands on.
        return [ending[0]] * section.bars
    return [form[i % len(form)] for i in range(section.bars)]


def _dress(numeral: str, nxt: str | None, style: Style, rng: np.random.Generator,
           fixed: bool) -> tuple[int, str, str]:
    """(offset, quality, numeral) after extensions and maybe a tritone substitution or alteration."""
    n = parse_numeral(numeral)
    offset, quality, text = n.offset, n.quality, n.text
    if quality in EXTENSIONS:
        opts = EXTENSIONS[quality]
        quality = opts[int(rng.integers(len(opts)))]
    if fixed or n.quality not in ("7", "7b9") or nxt is None:
        return offset, quality, text
    resolves = (parse_numeral(nxt).offset - offset) % 12 == 5  # a dominant falling a fifth
    if resolves and rng.random() < 0.08 + 0.5 * style.weirdness:
        # Tritone substitution: same guide tones (3rd/7th swap), root a half step above the target.
        return (offset + 6) % 12, "7#11" if rng.random() < 0.5 else "7", "bII7 (sub " + text + ")"
    if resolves and not style.minor and rng.random() < 0.6 * style.weirdness:
        return offset, "7alt", text + "alt"
    return offset, quality, text


def chart_bars(numerals: Sequence[str], first_bar: int, style: Style, rng: np.random.Generator,
               section: str, beats_per_bar: int = 4, fixed_first: bool = True) -> list[ChordSpan]:
    """Turn one numeral string per bar into ChordSpans (chords share their bar equally)."""
    tokens: list[tuple[float, float, str]] = []
    for i, bar in enumerate(numerals):
        chords = bar.split()
        length = beats_per_bar / len(chords)
        for j, c in enumerate(chords):
            tokens.append(((first_bar + i) * beats_per_bar + j * length, length, c))
    spans = []
    tonic = style.key.tonic
    for k, (start, length, text) in enumerate(tokens):
        nxt = tokens[k + 1][2] if k + 1 < len(tokens) else None
        # The first chord of a section is never substituted: it states the key (or the form's start).
        offset, quality, label = _dress(text, nxt, style, rng, fixed=(k == 0 and fixed_first))
        spans.append(ChordSpan(start, length, (tonic + offset) % 12, quality, label, section=section))
    return spans


def voice_chart(chart: Sequence[ChordSpan], previous: Sequence[int] | None = None) -> list[ChordSpan]:
    """Give every chord the rootless voicing nearest the previous one (smooth voice leading)."""
    out, prev = [], list(previous) if previous else None
    for c in chart:
        pitches = [48 + c.root + i for i in c.q.rootless]
        v = voice_lead(prev, pitches, VOICING_LOW, VOICING_HIGH)
        out.append(ChordSpan(c.start, c.beats, c.root, c.quality, c.numeral, tuple(v), c.section))
        prev = v
    return out


def choose_form(style: Style, rng: np.random.Generator) -> list[str]:
    forms = FORMS[style.substyle]["minor" if style.minor else "major"]
    return list(forms[int(rng.integers(len(forms)))])


def harmony_agent(score: Score, style: Style, rng: np.random.Generator,
                  form: Sequence[str] | None = None) -> list[ChordSpan]:
    """Plan the form if the score has none, write the chart and Score.chords; returns the chart."""
    mode = "minor" if style.minor else "major"
    form = list(form) if form else choose_form(style, rng)
    total_bars = int(round(score.total_beats / score.beats_per_bar))
    if not score.sections:
        score.sections = plan_form(total_bars, len(form))
    vamp_intro = style.substyle in ("bossa", "modal")
    intro: list[str] = []
    intro_bars = next((s.bars for s in score.sections if s.name == "intro"), 0)
    if intro_bars and not vamp_intro:
        options = INTROS[mode][4 if intro_bars >= 4 else 2]
        intro = options[int(rng.integers(len(options)))]
    ending = ENDINGS[mode]
    head_chart: list[ChordSpan] | None = None
    chart: list[ChordSpan] = []
    for sec in score.sections:
        numerals = _bar_numerals(sec, form, intro, ending, VAMP_INTROS[mode])
        if sec.name == "head out" and head_chart is not None:
            # The head out is the head again, chord for chord (only moved in time).
            shift = (sec.start_bar - score.sections[[s.name for s in score.sections].index("head")].start_bar)
            shift *= score.beats_per_bar
            chart += [ChordSpan(c.start + shift, c.beats, c.root, c.quality, c.numeral, (), sec.name)
                      for c in head_chart[: _count_within(head_chart, sec.bars * score.beats_per_bar)]]
            continue
        spans = chart_bars(numerals, sec.start_bar, style, rng, sec.name, score.beats_per_bar,
                           fixed_first=True)
        if sec.name == "head":
            head_chart = spans
        chart += spans
    chart = voice_chart(chart)
    score.chords = [(c.start, [36 + c.root, *c.voicing]) for c in chart]
    return chart


def _count_within(chart: Sequence[ChordSpan], beats: float) -> int:
    first = chart[0].start if chart else 0.0
    return sum(1 for c in chart if c.start - first < beats - 1e-6)


def describe_chart(chart: Sequence[ChordSpan]) -> str:
    """'ii-V-I changes, 2 tritone subs, 1 altered dominant': what the harmony agent chose."""
    subs = sum("sub" in c.numeral for c in chart)
    alts = sum(c.quality == "7alt" for c in chart)
    ext = sum(c.quality in ("maj9", "69", "m9", "13", "7#11") for c in chart)
    return f"{len(chart)} chords, {ext} extended (9/13), {subs} tritone subs, {alts} altered dominants"
