"""Import the old app's metadata/*.json sidecars (title, prompt, genre, bpm, key, mood, file).

Idempotent (the audio's SHA-256 is the identity, as in library.importer) and forgiving: every file that
is not imported is listed with the reason; a bad field (bpm "fast", key "H") is ignored with a note and
autolabel fills it in instead, so one typo does not lose the take.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from library.autolabel import MOODS
from library.importer import MAX_FILES, Importer, ImportReport, ImportSkip, TrackMeta
from studios.base import StudioError, normalise_key
from studios.manager import StudioManager

MAX_SIDECAR_BYTES = 256 * 1024
FIELDS = ("title", "prompt", "genre", "bpm", "key", "mood", "file")


def _text(raw: dict[str, Any], name: str, limit: int) -> str:
    value = raw.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def _bpm(raw: dict[str, Any], notes: list[str]) -> float | None:
    value = raw.get("bpm")
    if value is None:
        return None
    try:
        bpm = float(value)
    except (TypeError, ValueError):
        notes.append(f"bpm {value!r} is not a number: detected from the audio instead")
        return None
    if not 20 <= bpm <= 300:
        notes.append(f"bpm {bpm:g} is outside 20..300: detected from the audio instead")
        return None
    return bpm


def _key(raw: dict[str, Any], notes: list[str]) -> str | None:
    value = raw.get("key")
    if not value:
        return None
    text = str(value).strip().replace(" minor", "m").replace(" major", "").replace("min", "m")
    try:
        return normalise_key(text)
    except StudioError:
        notes.append(f"key {value!r} is not a key: detected from the audio instead")
        return None


def _studio(genre: str, prompt: str) -> str:
    info = StudioManager.match(f"{genre} {prompt}")
    return info.id if info is not None else ""


def parse_sidecar(path: Path) -> tuple[dict[str, Any], TrackMeta, list[str]]:
    """(raw json, metadata, notes); raises ImportSkip with the reason the file cannot be used."""
    if path.stat().st_size > MAX_SIDECAR_BYTES:
        raise ImportSkip(f"larger than {MAX_SIDECAR_BYTES // 1024} KB: not a sidecar")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as err:
        raise ImportSkip(f"not UTF-8 text ({err.reason})") from err
    except json.JSONDecodeError as err:
        raise ImportSkip(f"not valid JSON (line {err.lineno}: {err.msg})") from err
    except RecursionError as err:  # the decoder recurses per bracket: a hostile file would be a 500
        raise ImportSkip("JSON too deeply nested to be a sidecar") from err
    if not isinstance(raw, dict):
        raise ImportSkip(f"expected a JSON object with {', '.join(FIELDS)}; got {type(raw).__name__}")
    if not isinstance(raw.get("file"), str) or not raw["file"].strip():
        raise ImportSkip("no 'file' field naming the audio")
    notes: list[str] = []
    genre, prompt = _text(raw, "genre", 60), _text(raw, "prompt", 2000)
    mood = _text(raw, "mood", 20).lower() or None
    if mood and mood not in MOODS:
        notes.append(f"mood {mood!r} kept as a tag (moods here: {', '.join(MOODS)})")
    tags = tuple(t for t in (genre.lower(), mood if mood and mood not in MOODS else "") if t)
    meta = TrackMeta(title=_text(raw, "title", 200) or None, prompt=prompt, studio=_studio(genre, prompt),
                     bpm=_bpm(raw, notes), key=_key(raw, notes), mood=mood if mood in MOODS else None,
                     tags=tags, extra={"sidecar": path.name})
    return raw, meta, notes


def audio_for(sidecar: Path, name: str) -> Path:
    """The sidecar's audio: an absolute path, or relative to the metadata folder or the folder above it."""
    p = Path(name).expanduser()
    candidates = [p] if p.is_absolute() else [sidecar.parent / p, sidecar.parent.parent / p]
    for c in candidates:
        if c.is_file():
            return c
    raise ImportSkip(f"its audio file {name!r} does not exist (looked in {', '.join(str(c) for c in candidates)})")


def migrate_sidecars(importer: Importer, folder: Path) -> ImportReport:
    """Import every *.json in folder (the old metadata/ dir); safe to run again."""
    report = ImportReport()
    if not folder.is_dir():
        report.skipped.append((str(folder), "no such folder: point at the old app's metadata/ folder"))
        return report
    for path in sorted(folder.glob("*.json"))[:MAX_FILES]:
        try:
            raw, meta, notes = parse_sidecar(path)
            audio = audio_for(path, raw["file"])
        except ImportSkip as why:
            report.skipped.append((str(path), str(why)))
            continue
        if importer.import_one(audio, meta, report) is not None:
            report.notes += [(str(path), n) for n in notes]
        else:  # name the sidecar, not only its audio, in the reason
            audio_path, reason = report.skipped.pop()
            report.skipped.append((str(path), f"{reason} ({Path(audio_path).name})"))
    return report
