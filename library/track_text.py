"""The words a track is found by: what the text index embeds, and its change hash."""

from __future__ import annotations

import hashlib

from library.models import Track
from studios.manager import StudioManager

MAX_DESCRIPTION = 300
MAX_COMMENTS = 10


def genre_of(studio: str) -> str:
    try:
        return StudioManager.info(studio).genre if studio else ""
    except Exception:  # an imported track's studio may be free text  # noqa: BLE001
        return ""


def track_text(t: Track) -> str:
    """Title, prompt, studio/genre, tags, mood, tempo, key, and the user's comments, as one passage."""
    parts = [t.title, t.prompt]
    if t.studio:
        parts.append(f"studio {t.studio} {genre_of(t.studio)}".strip())
    if t.tags:
        parts.append("tags " + ", ".join(tag.name for tag in t.tags))
    if t.mood:
        parts.append(f"mood {t.mood}")
    if t.bpm:
        parts.append(f"{t.bpm:.0f} bpm")
    if t.key:
        parts.append(f"key {t.key}")
    if t.description:
        parts.append(t.description[:MAX_DESCRIPTION])
    parts += [c.text for c in t.comments[:MAX_COMMENTS]]
    return ". ".join(p.strip() for p in parts if p and p.strip())


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]
