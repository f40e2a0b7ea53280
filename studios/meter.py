"""Time signatures for the studios: parsing, the prompt words that imply one, and what a studio supports."""

from __future__ import annotations

import re
from dataclasses import dataclass

from studios.errors import StudioError

_TS_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*$")
_TS_IN_TEXT = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
# Dance and form names that fix the metre, so "a sad waltz" needs no --time-signature.
METER_WORDS: dict[str, str] = {"waltz": "3/4", "minuet": "3/4", "menuet": "3/4", "mazurka": "3/4",
                               "polonaise": "3/4", "sarabande": "3/4", "jig": "6/8", "gigue": "6/8",
                               "tarantella": "6/8", "march": "4/4"}


@dataclass(frozen=True)
class TimeSignature:
    numerator: int
    denominator: int

    @property
    def text(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    @property
    def quarter_beats(self) -> float:
        """Bar length in quarter notes, the unit every Score uses."""
        return self.numerator * 4.0 / self.denominator


def parse_time_signature(text: str) -> TimeSignature:
    """'3/4' -> TimeSignature(3, 4); anything else is a StudioError naming the accepted form."""
    m = _TS_RE.match(str(text))
    num, den = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    if not m or not 1 <= num <= 16 or den not in (2, 4, 8, 16):
        raise StudioError(f"unknown time signature {text!r}: write beats/note value, e.g. 4/4, 3/4 or 6/8")
    return TimeSignature(num, den)


def meter_in_prompt(prompt: str) -> str | None:
    """A time signature the prompt implies: a literal '3/4', or a word such as 'waltz' or 'jig'."""
    text = prompt.lower()
    m = _TS_IN_TEXT.search(text)
    if m:
        try:
            return parse_time_signature(m.group(0)).text
        except StudioError:
            pass  # '24/7' in a prompt is not a metre
    words = set(re.findall(r"[a-z]+", text))
    return next((ts for word, ts in METER_WORDS.items() if word in words), None)


def check_meter(studio_name: str, supported: tuple[str, ...], asked: str | None,
                from_prompt: str | None) -> tuple[str | None, str]:
    """The metre a studio will write, and a note for the user when a prompt-implied one is not possible.

    An explicit request the studio cannot honour is an error; a metre only implied by a prompt word is
    stated in the take's notes instead, since the words may have meant the mood rather than the metre.
    """
    if asked is not None:
        if asked not in supported:
            elsewhere = ("; Virtuoso (minuets, waltzes) and Blue Note (jazz waltz) write 3/4"
                         if asked == "3/4" else "")
            raise StudioError(f"the {studio_name} studio writes in {' or '.join(supported)} only, not {asked}: "
                              f"choose one of those{elsewhere}")
        return asked, ""
    if from_prompt is not None and from_prompt not in supported:
        return None, (f" (The prompt suggests {from_prompt}, but the {studio_name} studio writes in "
                      f"{' or '.join(supported)}; this take is in {supported[0]}.)")
    return from_prompt, ""
