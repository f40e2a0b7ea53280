"""The studios' one user-facing error type (its own module so every studios module can import it)."""

from __future__ import annotations


class StudioError(ValueError):
    """A request a studio cannot honour; the message tells the user what to change."""
