"""CypherStudio: hip hop (boom bap, trap, lofi) from an ensemble of agents over one Score.

Agents, in the order they write: arrangement (form.new_score), harmony/keys (harmony.keys_agent),
beat maker (beats.beat_agent), 808/bass (bass.bass_agent, follows the kicks), chops
(chops.chop_agent), hook melody (hook.hook_agent) and flow/lyrics (flow.flow_agent). Prompt words are
read once by style.interpret (see its docstring for the list).
"""

from __future__ import annotations

import numpy as np

from studios import effects
from studios.base import GenerationRequest, Render
from studios.cypher.bass import bass_agent
from studios.cypher.beats import beat_agent
from studios.cypher.chops import chop_agent
from studios.cypher.flow import flow_agent
from studios.cypher.form import CypherScore, new_score
from studios.cypher.harmony import keys_agent
from studios.cypher.hook import hook_agent
from studios.cypher.mixdown import bus_chain, render_stems
from studios.cypher.style import interpret
from studios.mastering import exact_length, master
from studios.score import Score
from studios.sfstudio import SoundFontStudio

PART_ORDER = ("drums", "808", "bass", "keys", "chops", "hook")
SUBGENRE_TITLES = {"boom bap": "Boom Bap", "trap": "Trap", "lofi": "Lofi"}


class CypherStudio(SoundFontStudio):
    id = "cypher"
    name = "Cypher"
    genre = "hip hop"
    keywords = ("hip hop", "hiphop", "hip-hop", "rap", "trap", "boom bap", "lofi", "lo-fi", "beat", "808")
    default_bpm = 90.0

    def compose(self, request: GenerationRequest, rng: np.random.Generator) -> CypherScore:
        style = interpret(request.prompt, request.bpm, request.key, rng)
        score = new_score(style, request.duration_s)
        keys_agent(score, rng)
        kicks = beat_agent(score, rng)
        bass_agent(score, kicks, rng)
        chop_agent(score, rng)
        hook_agent(score, rng)
        verse_bars = sum(s.bars for s in score.sections_named("verse")) or int(score.total_beats // 4)
        verse = flow_agent(min(16, verse_bars), style.scheme, style.key.is_minor, style.themes, rng)
        score.lyrics, score.hook_lyrics = verse.lines, verse.hook
        score.choices["flow"] = f"{verse.scheme} over the {'/'.join(verse.families)} rhyme families"
        score.parts.sort(key=lambda p: PART_ORDER.index(p.name) if p.name in PART_ORDER else len(PART_ORDER))
        return score

    def title_for(self, score: Score) -> str:
        style = getattr(score, "style", None)
        if style is None:
            return super().title_for(score)
        return f"{style.mood} {SUBGENRE_TITLES[style.subgenre]} in {style.key.name}"

    def describe(self, score: Score) -> str:
        style = getattr(score, "style", None)
        if style is None:
            return super().describe(score)
        choices: dict[str, str] = getattr(score, "choices", {})
        agents = "; ".join(f"{k}: {v}" for k, v in choices.items() if k != "form")
        text = (f"{SUBGENRE_TITLES[style.subgenre]} in {style.key.name} at {score.bpm:g} BPM. "
                f"Form: {choices.get('form', '')}. {agents}.")
        lyrics: list[str] = getattr(score, "lyrics", [])
        hook: list[str] = getattr(score, "hook_lyrics", [])
        if lyrics:
            text += f" Lyrics ({style.scheme}): " + " / ".join(lyrics)
        if hook:
            text += " | Hook: " + " / ".join(hook)
        return text

    def render(self, score: Score, duration_s: float, sample_rate: int) -> Render:
        style = getattr(score, "style", None)
        if style is None:  # a plain Score (e.g. re-rendered from MIDI): the shared soundfont path
            return super().render(score, duration_s, sample_rate)
        n = int(round(duration_s * sample_rate))
        stems = render_stems(score.parts, style, score.bpm, n, sample_rate, self.soundfont)
        mix = np.sum(list(stems.values()), axis=0) if stems else np.zeros((n, 2), np.float32)
        mastered = master(effects.apply(bus_chain(style), mix, sample_rate), sample_rate)
        audio = exact_length(mastered, n, sample_rate)
        return Render(audio=audio, sample_rate=sample_rate, score=score, stems=stems,
                      title=self.title_for(score), bpm=score.bpm, key=score.key, notes=self.describe(score),
                      premaster=mix)
