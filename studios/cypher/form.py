"""Arrangement agent: the Cypher score type and the song form (intro / verse / hook / outro).

CypherScore extends the shared Score with what only this studio needs (its Style, the lyrics and
each agent's choice) so describe() can report them without any shared mutable state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from studios.cypher.style import Style
from studios.score import Score, Section


@dataclass
class CypherScore(Score):
    style: Style | None = None
    lyrics: list[str] = field(default_factory=list)
    hook_lyrics: list[str] = field(default_factory=list)
    choices: dict[str, str] = field(default_factory=dict)  # agent name -> what it chose, for describe()

    def sections_named(self, *prefixes: str) -> list[Section]:
        return [s for s in self.sections if s.name.split()[0] in prefixes]

    def section_at(self, beat: float) -> Section:
        bar = int(beat // self.beats_per_bar)
        for s in self.sections:
            if s.start_bar <= bar < s.start_bar + s.bars:
                return s
        return self.sections[-1]


def bars_for(duration_s: float, bpm: float, beats_per_bar: int = 4) -> int:
    return max(1, math.ceil(duration_s * bpm / 60.0 / beats_per_bar - 1e-9))


def plan_sections(total_bars: int) -> list[Section]:
    """Intro, then verse/hook in 8-bar blocks, then a 2-bar outro; short takes keep a single loop.

    Block sizes stay multiples of 2 so 2- and 4-chord loops land on the tonic at every section start.
    """
    if total_bars <= 4:
        return [Section("verse", 0, total_bars)]
    intro = 4 if total_bars >= 20 else 2
    outro = 2 if total_bars >= 8 else 0
    body = total_bars - intro - outro
    sections = [Section("intro", 0, intro)]
    bar, verse_no, is_hook = intro, 1, False
    block = 8 if body >= 24 else 4  # short takes still get a verse and a hook
    while body > 0:
        size = min(block, body)
        if 0 < body - size < block // 2:  # never leave a stub section: fold it into this one
            size = body
        name = "hook" if is_hook else ("verse" if verse_no == 1 else f"verse {verse_no}")
        sections.append(Section(name, bar, size))
        if not is_hook:
            verse_no += 1
        is_hook = not is_hook
        bar += size
        body -= size
    if outro:
        sections.append(Section("outro", bar, outro))
    return sections


def new_score(style: Style, duration_s: float) -> CypherScore:
    bars = bars_for(duration_s, style.bpm)
    score = CypherScore(bpm=style.bpm, key=style.key.short, beats_per_bar=4, total_beats=bars * 4.0,
                        style=style)
    score.sections = plan_sections(bars)
    score.choices["form"] = " / ".join(f"{s.name} ({s.bars})" for s in score.sections)
    return score
