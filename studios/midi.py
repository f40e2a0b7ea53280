"""Exact MIDI of a studio score: one instrument per part, the score's tempo and key."""

from __future__ import annotations

from pathlib import Path

import pretty_midi

from studios.score import Note, Part, Score

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


class MidiReadError(ValueError):
    pass


def midi_to_score(path: Path) -> Score:
    """Read a take's MIDI back into a Score (beats at the file's first tempo): the reference for remixes."""
    try:
        pm = pretty_midi.PrettyMIDI(str(path))
    except (OSError, ValueError, EOFError) as err:  # mido raises these for missing or corrupt files
        raise MidiReadError(f"cannot read MIDI file {path}: {err}") from err
    _times, tempi = pm.get_tempo_changes()
    bpm = round(float(tempi[0]), 3) if len(tempi) else 120.0  # MIDI stores microseconds per beat
    beats = bpm / 60.0
    key = "C"
    if pm.key_signature_changes:
        number = pm.key_signature_changes[0].key_number
        key = _KEY_NAMES[number % 12] + ("m" if number >= 12 else "")
    bpb = 4
    if pm.time_signature_changes:
        ts = pm.time_signature_changes[0]
        bpb = max(1, round(ts.numerator * 4 / ts.denominator))
    score = Score(bpm=bpm, key=key, beats_per_bar=bpb, total_beats=round(pm.get_end_time() * beats, 6))
    for inst in pm.instruments:
        part = Part(inst.name or f"program {inst.program}", "midi", is_drum=inst.is_drum, program=inst.program)
        part.notes = [Note(round(n.start * beats, 6), round((n.end - n.start) * beats, 6), n.pitch, n.velocity)
                      for n in sorted(inst.notes, key=lambda n: (n.start, n.pitch))]
        score.parts.append(part)
    return score


_KEY_NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
