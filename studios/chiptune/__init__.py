"""Chiptune studio: 8/16-bit game music from a band-limited NES-style synth."""

from studios.chiptune.studio import ChiptuneStudio

__all__ = ["ChiptuneStudio"]
