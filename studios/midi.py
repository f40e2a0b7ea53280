"""Exact MIDI of a studio score: one instrument per part, the score's tempo and key."""

from __future__ import annotations

from pathlib import Path

import pretty_midi

from studios.score import Score

_KEY_NUMBER = {"C": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "F": 5, "F#": 6, "Gb": 6,
               "G": 7, "G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10, "B": 11}


def score_to_midi(score: Score) -> pretty_midi.PrettyMIDI:
    pm = pretty_midi.PrettyMIDI(initial_tempo=float(score.bpm))
    pm.time_signature_changes.append(pretty_midi.TimeSignature(score.beats_per_bar, 4, 0.0))
    tonic, minor = (score.key[:-1], True) if score.key.endswith("m") else (score.key, False)
    if tonic in _KEY_NUMBER:
        pm.key_signature_changes.append(pretty_midi.KeySignature(_KEY_NUMBER[tonic] + (12 if minor else 0), 0.0))
    end = score.seconds(score.total_beats) if score.total_beats else None
    for part in score.parts:
        inst = pretty_midi.Instrument(program=part.program if not part.is_drum else 0, is_drum=part.is_drum,
                                      name=part.name)
        for n in part.notes:
            start = score.seconds(n.start)
            if end is not None and start >= end:
                continue
            inst.notes.append(pretty_midi.Note(velocity=max(1, min(127, n.velocity)), pitch=n.pitch,
                                               start=start, end=start + max(score.seconds(n.length), 1e-3)))
        pm.instruments.append(inst)
    return pm


def write_midi(score: Score, path: Path) -> Path:
    score_to_midi(score).write(str(path))
    return path
