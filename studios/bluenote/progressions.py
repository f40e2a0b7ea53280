"""The Blue Note songbook: tune forms (one string per bar, one or two chords a bar), intros and endings.

Every form starts on the tonic (so the key is stated at each chorus) and ends with a turnaround that
leads back to it; the harmony agent cycles a form through head, solos and head out. Numerals follow
studios/bluenote/chords.py (jazz convention, relative to the major scale of the tonic).
"""

from __future__ import annotations

# ii-V-I standards: two 8-bar A sections, the second resolving home in bar 15 (where the head lands).
SWING: dict[str, list[list[str]]] = {
    "major": [
        ["Imaj7", "vi7", "ii7", "V7", "iii7", "VI7", "ii7", "V7",
         "Imaj7", "I7", "IVmaj7", "iv7 bVII7", "iii7 VI7", "ii7 V7", "I6", "ii7 V7"],
        ["Imaj7", "Imaj7", "ii7", "V7", "Imaj7", "vi7", "II7", "ii7 V7",
         "Imaj7", "#i°7", "ii7", "#ii°7", "iii7 VI7", "ii7 V7", "Imaj7", "iii7 VI7 ii7 V7"],
        ["Imaj7 vi7", "ii7 V7", "Imaj7 vi7", "ii7 V7", "IVmaj7", "iv7 bVII7", "iii7 VI7", "ii7 V7",
         "Imaj7 vi7", "ii7 V7", "v7 I7", "IVmaj7", "iiø7", "V7b9", "I6", "ii7 V7"],
        ["Imaj7", "IV7", "iii7", "VI7", "ii7", "V7", "Imaj7 vi7", "ii7 V7",
         "Imaj7", "IV7", "iii7", "VI7", "ii7", "V7", "I6", "ii7 V7"],
    ],
    "minor": [
        ["i6", "i6", "iiø7", "V7b9", "i6", "iv7", "iiø7", "V7b9",
         "i6", "i7", "iv7", "bVII7", "bIIImaj7", "iiø7 V7b9", "i6", "iiø7 V7b9"],
        ["i7", "iv7", "bVII7", "bIIImaj7", "bVImaj7", "iiø7", "V7b9", "i6",
         "iiø7", "V7b9", "i6", "i6", "iv7", "bVII7", "i6", "iiø7 V7b9"],
        ["imaj7", "i7", "i6", "bVI7", "iiø7", "V7b9", "i6", "iiø7 V7b9",
         "i6", "iv7", "iiø7", "V7b9", "i6", "bVI7", "i6", "iiø7 V7b9"],
    ],
}

# Ballads: slower harmonic rhythm inside an 8-bar phrase, two chords a bar where the melody breathes.
BALLAD: dict[str, list[list[str]]] = {
    "major": [
        ["Imaj7", "vi7", "ii7 V7", "Imaj7 IV7", "iii7 VI7", "ii7 V7", "Imaj7", "ii7 V7"],
        ["Imaj7 vi7", "ii7 V7", "iii7 VI7", "ii7 V7", "IVmaj7", "iv7 bVII7", "Imaj7", "ii7 V7"],
    ],
    "minor": [
        ["imaj7 i7", "iv7", "iiø7 V7b9", "i6", "bVImaj7", "iiø7 V7b9", "i6", "iiø7 V7b9"],
        ["i6", "iv7 bVII7", "bIIImaj7 bVImaj7", "iiø7 V7b9", "i6", "iv7", "i6", "iiø7 V7b9"],
    ],
}

# 12-bar jazz blues (with the #iv diminished and the bar-8 VI7), and the minor blues.
BLUES: dict[str, list[list[str]]] = {
    "major": [
        ["I7", "IV7", "I7", "v7 I7", "IV7", "#iv°7", "I7", "VI7", "ii7", "V7", "I7 VI7", "ii7 V7"],
        ["I7", "IV7", "I7", "I7", "IV7", "IV7", "I7", "iii7 VI7", "ii7", "V7", "I7", "ii7 V7"],
    ],
    "minor": [
        ["i7", "iv7", "i7", "i7", "iv7", "iv7", "i7", "i7", "bVI7", "V7b9", "i7", "iiø7 V7b9"],
        ["i6", "iv7", "i6", "i7", "iv7", "iv7", "i6", "i6", "iiø7", "V7b9", "i6", "iiø7 V7b9"],
    ],
}

# Bossa nova: 16 bars with long tonic stretches and a chromatic (bII7) pull home.
BOSSA: dict[str, list[list[str]]] = {
    "major": [
        ["Imaj7", "Imaj7", "II7", "II7", "ii7", "bII7", "Imaj7", "bII7",
         "Imaj7", "vi7", "ii7", "V7", "iii7", "VI7", "ii7 V7", "Imaj7"],
        ["Imaj7", "Imaj7", "ii7", "V7", "Imaj7", "Imaj7", "iv7", "bVII7",
         "iii7", "VI7", "ii7", "V7", "Imaj7", "IV7", "ii7", "V7"],
    ],
    "minor": [
        ["i7", "i7", "iv7", "iv7", "iiø7", "V7b9", "i7", "i7",
         "iv7", "bVII7", "bIIImaj7", "bVImaj7", "iiø7", "V7b9", "i6", "iiø7 V7b9"],
        ["i6", "i6", "iv7", "iv7", "i6", "i6", "iiø7", "V7b9",
         "i6", "bVImaj7", "iiø7", "V7b9", "i6", "iv7", "iiø7", "V7b9"],
    ],
}

# Modal: long vamps on the tonic (dorian in minor, ionian in major) with a short excursion.
MODAL: dict[str, list[list[str]]] = {
    "major": [
        ["Imaj7"] * 4 + ["IVmaj7"] * 2 + ["Imaj7"] * 2 + ["ii7"] * 2 + ["Imaj7"] * 2 + ["IVmaj7", "IVmaj7"]
        + ["Imaj7", "Imaj7"],
    ],
    "minor": [
        ["i7"] * 8 + ["IV7"] * 2 + ["i7"] * 2 + ["bVIImaj7"] * 2 + ["i7"] * 2,
        ["i7"] * 6 + ["iv7"] * 2 + ["i7"] * 4 + ["IV7", "IV7", "i7", "i7"],
    ],
}

FORMS: dict[str, dict[str, list[list[str]]]] = {
    "swing": SWING, "bebop": SWING, "ballad": BALLAD, "blues": BLUES, "bossa": BOSSA, "modal": MODAL,
}

# Intros (2 or 4 bars) that lead into bar 1 of the head; the first bar states the tonic.
INTROS: dict[str, dict[int, list[list[str]]]] = {
    "major": {2: [["Imaj7 vi7", "ii7 V7"], ["I6", "ii7 V7"]],
              4: [["Imaj7 vi7", "ii7 V7", "iii7 VI7", "ii7 V7"], ["I6", "I6", "ii7", "V7"]]},
    "minor": {2: [["i6", "iiø7 V7b9"], ["i7", "iiø7 V7b9"]],
              4: [["i6", "i6", "iiø7", "V7b9"], ["i7 iv7", "iiø7 V7b9", "i6 iv7", "iiø7 V7b9"]]},
}
# Vamp intros for the styles whose intro is a groove on the tonic.
VAMP_INTROS = {"major": "Imaj7", "minor": "i7"}
# Endings: the tonic, with the final tonic colour the ensemble sustains.
ENDINGS = {"major": ("I69", "Imaj7"), "minor": ("i6", "imaj7")}
