"""Prompt interpretation for the Virtuoso studio: form, ensemble, mood, tempo and key from plain words.

Words honoured (case-insensitive, whole words or phrases):
- form: minuet/menuet/waltz/scherzo (3/4), sonatina/sonata, binary, ternary/aba/nocturne/song,
  variations/variation/theme and variations, chorale/hymn/anthem, prelude/etude/arpeggio/arpeggiated,
  canon/fugue/fugal/counterpoint/invention/round/imitative
- ensemble: piano/pianoforte/keyboard/solo piano, harpsichord/cembalo/baroque, string quartet/quartet,
  strings/string orchestra/string ensemble/chamber orchestra, orchestra/orchestral/symphony/symphonic/
  cinematic/epic/full orchestra
- mood -> minor: sad, melancholy, melancholic, dark, tragic, somber, sombre, mournful, lament, elegy,
  stormy, dramatic, minor, gloomy, grief, nocturnal, haunting, tempestuous;
  mood -> major: happy, joyful, bright, cheerful, triumphant, pastoral, elegant, graceful, sunny, major,
  playful, festive, heroic, noble, gentle
- tempo: grave, largo, lento, adagio, larghetto, andante, andantino, moderato, allegretto, allegro,
  vivace, presto, prestissimo; also slow/calm/peaceful (slower) and fast/lively/energetic (faster)
- dynamics: soft/quiet/gentle/tender/lullaby/pianissimo (softer); loud/powerful/grand/majestic/forte/
  epic/heroic/triumphant (louder)
- harmony colour: romantic/chromatic/lush (more secondary dominants); simple/plain/pure/baroque (fewer)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from studios.theory import Key, choose, parse_key

FORMS = ("minuet", "sonatina", "binary", "ternary", "variations", "chorale", "prelude", "canon")
ENSEMBLES = ("piano", "harpsichord", "quartet", "strings", "orchestra")

_FORM_WORDS: dict[str, tuple[str, ...]] = {
    "minuet": ("minuet", "menuet", "minuetto", "waltz", "scherzo", "valse"),
    "variations": ("theme and variations", "variations", "variation"),
    "chorale": ("chorale", "choral", "hymn", "anthem"),
    "prelude": ("prelude", "etude", "étude", "arpeggio", "arpeggiated", "arpeggios"),
    "canon": ("canon", "fugue", "fugal", "fughetta", "counterpoint", "contrapuntal", "invention", "round",
              "imitative", "imitation"),
    "sonatina": ("sonatina", "sonata", "sonatine"),
    "binary": ("binary",),
    "ternary": ("ternary", "aba", "a-b-a", "nocturne", "song without words", "romance", "romanza"),
}
# Checked in this order so "string quartet" wins over "strings" and "orchestra" over "piano" accompaniment.
_ENSEMBLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("quartet", ("string quartet", "quartet")),
    ("orchestra", ("full orchestra", "orchestra", "orchestral", "symphony", "symphonic", "cinematic", "epic",
                   "philharmonic")),
    ("strings", ("string orchestra", "string ensemble", "strings", "chamber orchestra", "string")),
    ("harpsichord", ("harpsichord", "cembalo", "clavecin", "baroque")),
    ("piano", ("solo piano", "piano", "pianoforte", "keyboard")),
)
_MINOR_WORDS = ("sad", "melancholy", "melancholic", "dark", "tragic", "somber", "sombre", "mournful", "lament",
                "elegy", "stormy", "dramatic", "minor", "gloomy", "grief", "nocturnal", "haunting",
                "tempestuous", "sorrowful")
_MAJOR_WORDS = ("happy", "joyful", "bright", "cheerful", "triumphant", "pastoral", "elegant", "graceful",
                "sunny", "major", "playful", "festive", "heroic", "noble", "gentle")
_TEMPO_WORDS: dict[str, float] = {
    "grave": 44, "largo": 52, "lento": 56, "adagio": 66, "larghetto": 64, "andante": 80, "andantino": 88,
    "moderato": 100, "allegretto": 112, "allegro": 132, "vivace": 152, "presto": 176, "prestissimo": 200,
}
_SLOW_WORDS = ("slow", "calm", "peaceful", "serene", "lullaby", "tranquil", "meditative")
_FAST_WORDS = ("fast", "lively", "energetic", "quick", "brisk", "spirited", "virtuosic")
_SOFT_WORDS = ("soft", "quiet", "gentle", "tender", "lullaby", "pianissimo", "intimate", "delicate")
_LOUD_WORDS = ("loud", "powerful", "grand", "majestic", "forte", "epic", "heroic", "triumphant", "fortissimo")
_CHROMATIC_WORDS = ("romantic", "chromatic", "lush", "passionate", "yearning")
_PLAIN_WORDS = ("simple", "plain", "pure", "baroque", "classical", "innocent")

# A typical tempo (quarter-note BPM) for each form when the prompt names none.
FORM_BPM: dict[str, float] = {
    "minuet": 126, "sonatina": 120, "binary": 108, "ternary": 92, "variations": 100, "chorale": 72,
    "prelude": 96, "canon": 100,
}
MAJOR_KEYS = ("C", "G", "D", "F", "Bb", "Eb", "A")
MINOR_KEYS = ("Am", "Dm", "Gm", "Cm", "Em", "Fm")
BAROQUE_KEYS = ("D", "G", "C", "F", "Dm", "Gm", "Am")


@dataclass(frozen=True)
class Brief:
    """What the prompt asked for; None fields are left to the studio's defaults and its rng."""

    form: str | None = None
    ensemble: str | None = None
    minor: bool | None = None
    tempo_word: str | None = None
    tempo_shift: float = 0.0  # from slow/fast words when no Italian tempo word is given
    dynamics: float = 0.0  # -1 soft .. +1 loud
    chromatic: float = 0.25  # chance a predominant becomes a secondary dominant
    baroque: bool = False
    words: tuple[str, ...] = ()  # the honoured words found, for describe()


def _has(text: str, word: str) -> bool:
    return re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text) is not None


def _first(text: str, table: dict[str, tuple[str, ...]] | tuple[tuple[str, tuple[str, ...]], ...]
           ) -> tuple[str | None, str | None]:
    items = table.items() if isinstance(table, dict) else table
    for name, words in items:
        for w in words:
            if _has(text, w):
                return name, w
    return None, None


def interpret(prompt: str) -> Brief:
    """Read the prompt's words; deterministic (no rng), so the same prompt always means the same."""
    text = " " + prompt.lower() + " "
    found: list[str] = []
    form, w = _first(text, _FORM_WORDS)
    found += [w] if w else []
    ensemble, w = _first(text, _ENSEMBLE_WORDS)
    found += [w] if w else []
    minor_hits = [w for w in _MINOR_WORDS if _has(text, w)]
    major_hits = [w for w in _MAJOR_WORDS if _has(text, w)]
    minor = None if len(minor_hits) == len(major_hits) else len(minor_hits) > len(major_hits)
    found += minor_hits + major_hits
    tempo_word = next((t for t in _TEMPO_WORDS if _has(text, t)), None)
    found += [tempo_word] if tempo_word else []
    shift = 0.0
    if tempo_word is None:
        shift = -0.2 * any(_has(text, w) for w in _SLOW_WORDS) + 0.2 * any(_has(text, w) for w in _FAST_WORDS)
    soft = any(_has(text, w) for w in _SOFT_WORDS)
    loud = any(_has(text, w) for w in _LOUD_WORDS)
    chromatic = 0.25 + 0.25 * any(_has(text, w) for w in _CHROMATIC_WORDS)
    chromatic -= 0.17 * any(_has(text, w) for w in _PLAIN_WORDS)
    return Brief(form=form, ensemble=ensemble, minor=minor, tempo_word=tempo_word, tempo_shift=shift,
                 dynamics=float(loud) - float(soft), chromatic=chromatic, baroque=_has(text, "baroque"),
                 words=tuple(dict.fromkeys(found)))


def choose_form(brief: Brief, rng: np.random.Generator) -> str:
    if brief.form:
        return brief.form
    if brief.baroque:
        return str(rng.choice(["canon", "prelude", "binary"]))
    return choose(rng, ["ternary", "sonatina", "minuet", "variations", "binary", "prelude"],
                  [0.25, 0.2, 0.15, 0.15, 0.15, 0.1])


def choose_ensemble(brief: Brief, form: str) -> str:
    """The named ensemble, else by mood: grand -> orchestra, tender/sad -> piano, otherwise strings."""
    if brief.ensemble:
        return brief.ensemble
    if brief.baroque:
        return "harpsichord"
    if brief.dynamics > 0:
        return "orchestra"
    if form == "chorale":
        return "strings"
    if brief.dynamics < 0 or brief.minor or form in ("prelude", "variations", "sonatina", "minuet"):
        return "piano"
    return "strings"


def choose_bpm(brief: Brief, form: str) -> float:
    if brief.tempo_word:
        return float(_TEMPO_WORDS[brief.tempo_word])
    return round(FORM_BPM[form] * (1.0 + brief.tempo_shift))


def choose_key(brief: Brief, rng: np.random.Generator, requested: str | None) -> Key:
    """The requested key as given; otherwise a common classical key, minor when the mood says so."""
    if requested:
        return parse_key(requested)
    minor = brief.minor if brief.minor is not None else bool(rng.random() < 0.3)
    if brief.baroque:
        pool = [k for k in BAROQUE_KEYS if k.endswith("m") == minor]
    else:
        pool = list(MINOR_KEYS if minor else MAJOR_KEYS)
    return parse_key(str(rng.choice(pool)))
