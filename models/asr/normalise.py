"""Transcript -> router text: Whisper's punctuation, casing and number spellings made router-friendly.

Spoken number words go through the router's own normaliser (assistant.graph.parser.normalise_numbers),
so "ninety bpm" -> "90 bpm" and "at one thirty two" -> "at 1:32" mean the same typed or spoken.
"""

from __future__ import annotations

import re

_DOTTED = ((re.compile(r"\bb\.?\s?p\.?\s?m\b\.?", re.I), "bpm"), (re.compile(r"\ba\.\s?m\.", re.I), "am"),
           (re.compile(r"\bp\.\s?m\.", re.I), "pm"))
# Whisper writes a spoken clock time as "1.32" or "1,32"; after a time word it is a time, not a decimal.
_DECIMAL_TIME = re.compile(r"\b(at|from|to|until|till|between|and|after|around)\s+(\d{1,2})[.,](\d{2})\b")
_THOUSANDS = re.compile(r"\b(\d{1,3}),(\d{3})\b")
_AMPM = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s+(am|pm)\b")
_EDGE_PUNCT = re.compile(r"^[\s\"'.,!?-]+|[\s\"'.,!?]+$")
# Words as Whisper spells what it hears (seen in bench/voice_eval.py), rewritten to what the router knows.
_SOUND_ALIKES = ((re.compile(r"(?<=[a-z]),\s*"), " "),  # Whisper's commas between words; "3, 4" keeps its comma
                 (re.compile(r"\bchip[\s-]?(?:tune|tunes|two|2|to)\b"), "chiptune"),
                 (re.compile(r"\b(?:cipher|syphon|siphon)\b"), "cypher"),
                 (re.compile(r"\biron[\s-]clad\b"), "ironclad"),
                 (re.compile(r"\bblue[\s-]note\b"), "bluenote"), (re.compile(r"\bup[\s-]scale\b"), "upscale"))
_FILLERS = re.compile(r"^(?:(?:okay|ok|hey|um+|uh+|so|please),?\s+)+", re.I)


def normalise_transcript(text: str) -> str:
    from assistant.graph.parser import normalise_numbers  # the router's rules: one definition of "a number"

    t = _EDGE_PUNCT.sub("", " ".join(text.split()))
    t = _FILLERS.sub("", t)
    for pattern, repl in _DOTTED:
        t = pattern.sub(repl, t)
    t = t.lower()
    for pattern, repl in _SOUND_ALIKES:
        t = pattern.sub(repl, t)
    t = normalise_numbers(t)
    t = _DECIMAL_TIME.sub(lambda m: f"{m[1]} {m[2]}:{m[3]}", t)
    t = _THOUSANDS.sub(r"\1\2", t)
    t = _AMPM.sub(lambda m: f"{m[1]}{':' + m[2] if m[2] else ''}{m[3]}", t)
    return _EDGE_PUNCT.sub("", t)
