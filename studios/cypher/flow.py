"""Flow/lyrics agent: rhymed bars (one per verse bar) in an AABB or ABAB scheme, plus a 2-line hook.

Lines are built from a small built-in word bank: an opener (a scene), a verb phrase and an end word
drawn from a rhyme family, so rhyming lines share a family and no end word repeats in a verse.
Text only: the lines are reported to the user with the take's description.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Rhyme families: every end word is a noun so it fits "... the <word>".
RHYME_FAMILIES: dict[str, tuple[str, ...]] = {
    "ight": ("night", "light", "fight", "flight", "spotlight", "daylight", "headlight", "satellite", "height"),
    "ay": ("day", "way", "replay", "highway", "hallway", "runway", "payday", "doorway", "display"),
    "ame": ("name", "game", "flame", "frame", "fame", "claim", "aim", "picture frame"),
    "ow": ("flow", "show", "glow", "snow", "radio", "tempo", "echo", "studio", "stereo"),
    "eat": ("beat", "street", "heat", "seat", "concrete", "heartbeat", "backseat", "receipt"),
    "ain": ("rain", "pain", "train", "lane", "chain", "brain", "windowpane", "champagne", "terrain"),
    "eam": ("dream", "stream", "team", "beam", "scheme", "steam", "theme", "daydream", "moonbeam"),
    "ime": ("time", "rhyme", "climb", "dime", "prime", "chime", "overtime", "lifetime", "nursery rhyme"),
    "ound": ("sound", "ground", "underground", "background", "playground", "lost and found", "compound"),
    "old": ("gold", "cold", "hold", "threshold", "blindfold", "stronghold", "marigold"),
    "ine": ("line", "sign", "shine", "skyline", "deadline", "moonshine", "design", "valentine"),
}
# Theme words from the prompt favour the families that carry them.
THEME_FAMILIES = {"rain": "ain", "city": "eat", "street": "eat", "night": "ight", "gold": "old",
                  "dream": "eam", "money": "ime", "summer": "ay", "love": "ine", "time": "ime"}

OPENERS = {
    "minor": ("Late night", "Four AM", "Cold winter", "Head down", "Back in the day", "Pen to the pad",
              "Mic in my hand", "Rain on the glass", "Hood on my head", "Lights going out"),
    "major": ("Sunday morning", "Windows down", "Back in the day", "Pen to the pad", "Mic in my hand",
              "Summer breeze", "Eyes on the sky", "Smile on my face", "Crew by my side", "Wheels on the road"),
}
VERBS = ("I'm chasing the", "we ride for the", "still writing the", "I'm lost in the", "we came up from the",
         "I never forget the", "they can't touch the", "I'm holding the", "we built it from the",
         "I'm catching the", "keep moving through the", "I'm living for the")
ADJECTIVES = {
    "minor": ("", "", "cold", "midnight", "dusty", "broken", "neon", "endless", "heavy"),
    "major": ("", "", "golden", "sunny", "brand new", "easy", "bright", "endless", "open"),
}
HOOK_OPENERS = ("Turn it up, we own the", "Say it loud, we run the", "All night, we ride the",
                "Hands up, we feel the")


@dataclass(frozen=True)
class Verse:
    scheme: str
    lines: list[str]
    hook: list[str]
    families: list[str]


def _families(rng: np.random.Generator, count: int, themes: tuple[str, ...]) -> list[str]:
    preferred = [THEME_FAMILIES[t] for t in themes if t in THEME_FAMILIES]
    rest = [f for f in RHYME_FAMILIES if f not in preferred]
    rest = [rest[int(i)] for i in rng.permutation(len(rest))]
    ordered = list(dict.fromkeys(preferred + rest))
    return [ordered[i % len(ordered)] for i in range(count)]


def scheme_families(scheme: str, n_lines: int, fams: list[str]) -> list[str]:
    """The rhyme family of each line: AABB pairs lines 1-2, 3-4; ABAB pairs 1-3, 2-4, per quatrain."""
    out = []
    for i in range(n_lines):
        quatrain, pos = divmod(i, 4)
        slot = pos // 2 if scheme == "AABB" else pos % 2
        out.append(fams[(2 * quatrain + slot) % len(fams)])
    return out


def flow_agent(n_lines: int, scheme: str, minor: bool, themes: tuple[str, ...],
               rng: np.random.Generator) -> Verse:
    """Write n_lines rhymed bars in the scheme plus a two-line rhymed hook."""
    mood = "minor" if minor else "major"
    n_lines = max(2, n_lines)
    n_fams = 2 * ((n_lines + 3) // 4) + 1
    fams = _families(rng, n_fams, themes)
    line_fams = scheme_families(scheme, n_lines, fams[:-1])
    used: set[str] = set()
    lines: list[str] = []
    openers, verbs = OPENERS[mood], VERBS
    for fam in line_fams:
        words = [w for w in RHYME_FAMILIES[fam] if w not in used] or list(RHYME_FAMILIES[fam])
        word = words[int(rng.integers(len(words)))]
        used.add(word)
        adj = ADJECTIVES[mood][int(rng.integers(len(ADJECTIVES[mood])))]
        opener = openers[int(rng.integers(len(openers)))]
        verb = verbs[int(rng.integers(len(verbs)))]
        lines.append(f"{opener}, {verb} {adj + ' ' if adj else ''}{word}")
    hook_fam = fams[-1]
    pair = rng.choice(len(RHYME_FAMILIES[hook_fam]), 2, replace=False)
    hook_words = [RHYME_FAMILIES[hook_fam][int(i)] for i in pair]
    hooks = rng.choice(len(HOOK_OPENERS), 2, replace=False)
    hook = [f"{HOOK_OPENERS[int(h)]} {w}" for h, w in zip(hooks, hook_words, strict=True)]
    return Verse(scheme, lines, hook, sorted(set(line_fams)))
