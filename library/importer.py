"""Import audio files and folders into the library: copied atomically into the store, autolabelled.

Idempotent: a file whose content is already in the library (same SHA-256) is skipped, with the reason
in the report, so re-running an import over the same folder adds nothing twice.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from library.autolabel import AudioReadError, autolabel, load_excerpt, probe
from library.edits import tags_for
from library.models import Track
from library.repository import TrackRepository
from library.store import AudioStore

AUDIO_EXTS = (".wav", ".flac", ".mp3", ".ogg")
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_DURATION_S = 30 * 60.0
MAX_FILES = 5000


class ImportSkip(Exception):
    """Why one file was not imported; collected in the report, never fatal for the rest."""


@dataclass(frozen=True)
class TrackMeta:
    """What a user already knows about a file (from a sidecar); autolabel fills the gaps."""

    title: str | None = None
    prompt: str = ""
    studio: str = ""
    bpm: float | None = None
    key: str | None = None
    mood: str | None = None
    tags: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)


@dataclass
class ImportReport:
    imported: list[tuple[str, int]] = field(default_factory=list)  # (source path, new track id)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (source path, why)
    notes: list[tuple[str, str]] = field(default_factory=list)  # imported, but something was ignored

    def summary(self) -> str:
        lines = [f"imported {len(self.imported)}, skipped {len(self.skipped)}"]
        lines += [f"  + {p} → track #{i}" for p, i in self.imported]
        lines += [f"  - {p}: {why}" for p, why in self.skipped]
        lines += [f"  ! {p}: {why}" for p, why in self.notes]
        return "\n".join(lines)


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def audio_files(paths: Iterable[Path], report: ImportReport) -> list[Path]:
    """Expand folders (recursively) to audio files, sorted; unknown extensions are reported."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in AUDIO_EXTS)
        elif p.is_file() and p.suffix.lower() in AUDIO_EXTS:
            found.append(p)
        elif p.exists():
            report.skipped.append((str(p), f"not an audio file: use {', '.join(AUDIO_EXTS)}"))
        else:
            report.skipped.append((str(p), "no such file or folder"))
    return found


class Importer:
    def __init__(self, tracks: TrackRepository, store: AudioStore) -> None:
        self.tracks = tracks
        self.store = store

    def import_paths(self, paths: Iterable[Path], tags: Iterable[str] = ()) -> ImportReport:
        report = ImportReport()
        files = audio_files([Path(p).expanduser() for p in paths], report)
        if len(files) > MAX_FILES:
            report.skipped += [(str(f), f"over {MAX_FILES} files in one import: import sub-folders")
                               for f in files[MAX_FILES:]]
            files = files[:MAX_FILES]
        for f in files:
            self.import_one(f, TrackMeta(tags=tuple(tags)), report)
        return report

    def import_one(self, path: Path, meta: TrackMeta, report: ImportReport) -> Track | None:
        try:
            track = self._import(path, meta)
        except (ImportSkip, AudioReadError) as why:
            report.skipped.append((str(path), str(why)))
            return None
        report.imported.append((str(path), track.id))
        return track

    def duplicate_of(self, digest: str) -> int | None:
        with self.tracks.db.session() as s:
            return s.scalar(select(Track.id).where(Track.source_ref == f"sha256:{digest}").limit(1))

    def _import(self, path: Path, meta: TrackMeta) -> Track:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ImportSkip(f"{size / 2**20:.0f} MB is over the {MAX_FILE_BYTES // 2**20} MB import limit")
        digest = sha256_of(path)
        dup = self.duplicate_of(digest)
        if dup is not None:
            raise ImportSkip(f"already in the library as track #{dup}")
        info = probe(path)
        if not 0.25 <= info.duration_s <= MAX_DURATION_S:
            raise ImportSkip(f"{info.duration_s:.1f} s is outside 0.25 s..{MAX_DURATION_S / 60:.0f} min")
        labels = autolabel(load_excerpt(path))
        folder = self.store.new_take_dir()
        try:
            rel = self.store.write_file(f"{folder}/original{path.suffix.lower()}",
                                        lambda tmp: shutil.copyfile(path, tmp))
            track = Track(
                title=(meta.title or path.stem)[:200], prompt=meta.prompt, studio=meta.studio,
                bpm=meta.bpm or labels.bpm, key=meta.key or labels.key, mood=meta.mood or labels.mood,
                energy=labels.energy, duration_s=round(info.duration_s, 3), sample_rate=info.sample_rate,
                channels=info.channels, file_path=rel, operation="import", source_ref=f"sha256:{digest}",
                description=f"imported from {path.name}",
                params={"source": str(path), "autolabel": labels.__dict__, **meta.extra},
            )
            with self.tracks.db.session() as s:
                track.tags = tags_for(s, meta.tags)
                s.add(track)
        except BaseException:
            self.store.remove_take_dir(folder)  # no file without a row
            raise
        return track
