"""Import audio files and folders into the library: copied atomically into the store, autolabelled.

Idempotent: a file whose content is already in the library (same SHA-256) is skipped, with the reason
in the report, so re-running an import over the same folder adds nothing twice.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sqlalchemy import select

from library.autolabel import AudioInfo, AudioReadError, autolabel, load_excerpt, probe
from library.edits import tags_for
from library.models import Track
from library.repository import TrackRepository
from library.store import AudioStore

AUDIO_EXTS = (".wav", ".flac", ".mp3", ".ogg")
MAX_FILE_BYTES = 512 * 1024 * 1024
MAX_DURATION_S = 30 * 60.0
MAX_FILES = 5000
MAX_ENTRIES = 50_000  # entries a folder walk looks at before it gives up (an import of "/" must not crawl the disk)
RATES = (8000, 384_000)  # sample rates a take can have; 1 Hz or 10 MHz headers are broken or hostile
MAX_CHANNELS = 8  # up to 7.1 surround; more is a multitrack recording, not a take


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


def _walk(folder: Path, budget: list[int]) -> list[Path] | None:
    """Audio files under folder (recursively, sorted), or None once the import has looked at MAX_ENTRIES entries.

    os.walk, not Path.rglob: an entry that vanishes or cannot be read mid-walk (another program is changing the
    folder) is passed over instead of aborting the import, and symlinked folders are not followed (no loops).
    """
    found: list[Path] = []
    for top, dirs, files in os.walk(folder):
        budget[0] -= len(dirs) + len(files)
        if budget[0] < 0:
            return None
        found += [Path(top) / f for f in files if Path(f).suffix.lower() in AUDIO_EXTS]
    return sorted(f for f in found if f.is_file())


def audio_files(paths: Iterable[Path | str], report: ImportReport) -> list[Path]:
    """Expand folders (recursively) to audio files, sorted; everything not imported is reported.

    A path given twice, or a file also inside a given folder, is imported once; all folders together may hold
    MAX_ENTRIES entries (an import of "/" or of a thousand copies of one folder must not crawl the disk).
    """
    found: dict[Path, None] = {}
    exts = ", ".join(AUDIO_EXTS)
    budget = [MAX_ENTRIES]
    for given in dict.fromkeys(str(p) for p in paths):
        if not given.strip():  # Path("") is the current folder: never what an empty field meant
            report.skipped.append((given, "an empty path: give a file or a folder"))
            continue
        p = Path(given).expanduser()
        if p.is_dir():
            inside = _walk(p, budget)
            if inside is None:
                report.skipped.append((str(p), f"over {MAX_ENTRIES} files and folders to look through: "
                                               "import smaller folders"))
            elif not inside:
                report.skipped.append((str(p), f"no audio files ({exts}) in this folder"))
            found.update(dict.fromkeys(inside or []))
        elif p.is_file() and p.suffix.lower() in AUDIO_EXTS:
            found[p] = None
        elif p.is_file():
            report.skipped.append((str(p), f"not an audio file: use {exts}"))
        elif p.exists():
            report.skipped.append((str(p), "not a regular file (a device, pipe or socket): import audio files"))
        else:
            report.skipped.append((str(p), "no such file or folder"))
    return list(found)


def _duration(n_bytes: int, byte_rate: int) -> str:
    s = n_bytes / byte_rate
    return f"{s / 3600:.1f} h" if s >= 3600 else f"{s:.1f} s"


def check_wav_complete(path: Path) -> None:
    """Refuse a WAV whose data chunk promises more than the file holds (a cut download or copy).

    libsndfile reads such files silently as whatever is left; the user should know the take is broken.
    Streams that wrote 0 or 0xFFFFFFFF (length unknown) and RF64 files are not judged.
    """
    size = path.stat().st_size
    with path.open("rb") as fh:
        riff = fh.read(12)
        if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:] != b"WAVE":
            return
        byte_rate = 0
        for _ in range(64):  # a WAV has a handful of chunks; a header claiming more is not worth walking
            head = fh.read(8)
            if len(head) < 8:
                return
            cid, length = head[:4], struct.unpack("<I", head[4:])[0]
            if cid == b"fmt " and length >= 16:
                fmt = fh.read(16)
                if len(fmt) < 16:
                    return  # cut inside its header: libsndfile's own error names the file as unreadable
                byte_rate = struct.unpack("<I", fmt[8:12])[0]
                fh.seek(length - 16 + (length & 1), os.SEEK_CUR)
                continue
            if cid == b"data":
                held = size - fh.tell()
                if length in (0, 0xFFFFFFFF) or length <= held or not byte_rate:
                    return
                raise ImportSkip(f"truncated: its header promises {_duration(length, byte_rate)} of audio but the "
                                 f"file holds {_duration(held, byte_rate)}; export or copy it again")
            fh.seek(length + (length & 1), os.SEEK_CUR)


def check_format(info: AudioInfo) -> None:
    lo, hi = RATES
    if not lo <= info.sample_rate <= hi:
        raise ImportSkip(f"sample rate {info.sample_rate} Hz is outside {lo}..{hi} Hz: resample it "
                         "(e.g. to 44100 Hz) first")
    if not 1 <= info.channels <= MAX_CHANNELS:
        raise ImportSkip(f"{info.channels} channels: the library keeps 1 to {MAX_CHANNELS} channels; "
                         "mix it down to stereo first")


class Importer:
    def __init__(self, tracks: TrackRepository, store: AudioStore) -> None:
        self.tracks = tracks
        self.store = store

    def import_paths(self, paths: Iterable[Path | str], tags: Iterable[str] = ()) -> ImportReport:
        report = ImportReport()
        files = audio_files(paths, report)
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
        except OSError as err:  # unreadable (permissions), vanished mid-import, the store's disk full
            report.skipped.append((str(path), f"cannot import it: {err.strerror or err}"))
            return None
        report.imported.append((str(path), track.id))
        return track

    def duplicate_of(self, digest: str) -> int | None:
        with self.tracks.db.session() as s:
            return s.scalar(select(Track.id).where(Track.source_ref == f"sha256:{digest}").limit(1))

    def _import(self, path: Path, meta: TrackMeta) -> Track:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):
            raise ImportSkip("not a regular file (a device, pipe or socket): import audio files")
        size = st.st_size
        if size == 0:
            raise ImportSkip("empty file (0 bytes): nothing to import")
        if size > MAX_FILE_BYTES:
            raise ImportSkip(f"{size / 2**20:.0f} MB is over the {MAX_FILE_BYTES // 2**20} MB import limit")
        digest = sha256_of(path)
        dup = self.duplicate_of(digest)
        if dup is not None:
            raise ImportSkip(f"already in the library as track #{dup}")
        check_wav_complete(path)
        info = probe(path)
        check_format(info)
        if not 0.25 <= info.duration_s <= MAX_DURATION_S:
            raise ImportSkip(f"{info.duration_s:.1f} s is outside 0.25 s..{MAX_DURATION_S / 60:.0f} min")
        excerpt = load_excerpt(path)
        if not np.isfinite(excerpt).all():  # a float WAV of NaN/inf would poison the analysis and the mix
            raise ImportSkip("its samples are not finite numbers (NaN or infinite): export it again")
        labels = autolabel(excerpt)
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
