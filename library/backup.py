"""`studio backup` / `studio restore`: the databases and the audio store, consistent while the studio runs.

Backup: each SQLite database is copied with SQLite's online backup API in one step (a consistent snapshot;
WAL lets the studio keep writing meanwhile), then exactly the files the snapshot's rows point at are copied
and hashed. A file deleted meanwhile (trash emptied) makes it snapshot again, so the backup never holds a row
without its file. It is built in a hidden sibling folder and renamed into place when complete and verified.

Restore: refuses a data dir that holds a library unless forced and a database another process has open; the
backup is copied into data_dir/.restore-* and checked there (hashes, integrity_check, every row's file),
then swapped in entry by entry. A READY marker makes the swap roll forward if it is interrupted
(library.recovery.finish_interrupted_restore, run before the studio opens the data dir).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

FORMAT = 1
MANIFEST = "manifest.json"
LIBRARY = "library.sqlite"
READY = "RESTORE-READY"
EXTRA_DIRS = ("chat-files",)  # chat attachments: copied whole, beside the databases and the audio
STALE = ("rag",)  # the search index of the replaced library: dropped, rebuilt on first search
ATTEMPTS = 3

_REFS = ("SELECT file_path FROM tracks UNION SELECT midi_path FROM tracks WHERE midi_path IS NOT NULL "
         "UNION SELECT file_path FROM stems")


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; nothing was changed. The message says what to do."""


@dataclass
class BackupReport:
    dest: Path
    tracks: int
    files: int
    bytes: int
    seconds: float
    snapshots: int = 1
    missing_at_source: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"backed up {self.tracks} tracks, {self.files} files ({self.bytes / 2**20:.1f} MB) to {self.dest} "
                f"in {self.seconds:.1f} s")
        if self.missing_at_source:
            gone = self.missing_at_source
            text += f"; {len(gone)} file(s) were already missing from the library: {', '.join(gone[:5])}"
        return text


def library_path(db_url: str) -> Path:
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(f"studio backup copies SQLite libraries; {url.get_backend_name()} is backed up with its own "
                          "tools (PostgreSQL: pg_dump) plus a copy of the data dir's audio folder")
    return Path(url.database).expanduser().resolve()


def sha256_copy(src: Path, dst: Path) -> tuple[int, str]:
    """Copy and hash in one pass; the copy is fsynced so a finished backup survives a power cut."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    h, n = hashlib.sha256(), 0
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        for block in iter(lambda: fi.read(1 << 20), b""):
            h.update(block)
            fo.write(block)
            n += len(block)
        fo.flush()
        os.fsync(fo.fileno())
    return n, h.hexdigest()


def sha256_of(path: Path) -> tuple[int, str]:
    h, n = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
            n += len(block)
    return n, h.hexdigest()


def _uri(path: Path, mode: str = "ro") -> str:
    return f"{path.resolve().as_uri()}?mode={mode}"


def snapshot(src: Path, dst: Path) -> None:
    """A consistent copy of a live SQLite database (online backup API, one step), as a single file."""
    source = sqlite3.connect(_uri(src, "rw"), uri=True, timeout=30)  # rw: never creates; reads only
    try:
        target = sqlite3.connect(dst)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # self-contained: no -wal beside it
        finally:
            target.close()
    finally:
        source.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(_uri(db), uri=True)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as err:
        return str(err)
    finally:
        conn.close()
    return "ok" if rows == ["ok"] else "; ".join(map(str, rows[:10]))


def referenced(db: Path) -> tuple[int, set[str]]:
    """(track count, every store path the rows point at) of a library database file."""
    conn = sqlite3.connect(_uri(db), uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "tracks" not in tables:
            return 0, set()
        q = _REFS + (" UNION SELECT file_path FROM exports" if "exports" in tables else "")
        paths = {r[0] for r in conn.execute(q) if r[0]}
        return int(conn.execute("SELECT count(*) FROM tracks").fetchone()[0]), paths
    finally:
        conn.close()


def take_files(audio: Path, refs: set[str]) -> set[str]:
    """The files to copy: every file the rows name, and everything else in their take folders (the saved
    Score, DAW exports, anything a later version keeps beside a take), but no temp file of a write in flight."""
    wanted = set(refs)
    for folder in {r.split("/", 1)[0] for r in refs if "/" in r}:
        root = inside(audio, folder)
        if root.is_dir():
            wanted |= {p.relative_to(audio).as_posix() for p in root.rglob("*")
                       if p.is_file() and not p.is_symlink() and not p.name.startswith(".tmp-")}
    return wanted


def inside(root: Path, rel: str) -> Path:
    """root/rel, refusing any name that would leave root (a hostile manifest or row)."""
    p = (root / rel).resolve()
    if not p.is_relative_to(root.resolve()) or p == root.resolve():
        raise BackupError(f"the backup names {rel!r}, which is outside its folder: it is not a studio backup")
    return p


def _fresh_dest(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"{dest} already exists and is not empty: choose a new folder for the backup")


def backup(data_dir: Path, db_url: str, dest: Path) -> BackupReport:
    """Back up the library database, the data dir's other databases, the audio the rows use and chat files."""
    started = time.monotonic()
    library = library_path(db_url)
    if not library.is_file():
        raise BackupError(f"no library database at {library}: nothing to back up (wrong STUDIO_DATA_DIR?)")
    dest = dest.expanduser().resolve()
    _fresh_dest(dest)
    audio = (data_dir / "audio").resolve()
    work = dest.parent / f".{dest.name}.partial-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    try:
        files: dict[str, list[int | str]] = {}
        missing: set[str] = set()
        snapshots = 0
        while snapshots < ATTEMPTS:
            snapshots += 1
            snapshot(library, work / LIBRARY)
            tracks, refs = referenced(work / LIBRARY)
            wanted = take_files(audio, refs)
            missing = set()
            for rel in sorted(wanted):
                key = f"audio/{rel}"
                if key in files:
                    continue  # takes are written once; a copy made for the previous snapshot still holds
                try:
                    files[key] = list(sha256_copy(inside(audio, rel), inside(work, key)))
                except FileNotFoundError:
                    if rel in refs:
                        missing.add(rel)
            if not missing:
                break
            # deleted after the snapshot (trash emptied)? The next snapshot no longer has their rows.
        for key in [k for k in files if k[len("audio/"):] not in wanted]:
            inside(work, key).unlink()  # copied for an earlier snapshot whose rows are gone now
            del files[key]
        databases: dict[str, list[int | str]] = {LIBRARY: list(sha256_of(work / LIBRARY))}
        for other in sorted(data_dir.glob("*.sqlite")):
            if other.resolve() != library:
                snapshot(other, work / other.name)
                databases[other.name] = list(sha256_of(work / other.name))
        for extra in EXTRA_DIRS:
            for f in sorted(p for p in (data_dir / extra).rglob("*") if p.is_file() and not p.name.startswith(".")):
                key = f"{extra}/{f.relative_to(data_dir / extra).as_posix()}"
                files[key] = list(sha256_copy(f, inside(work, key)))
        manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(), "tracks": tracks,
                    "databases": databases, "files": files, "missing_at_source": sorted(missing)}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1))
        check(work)
        if dest.exists():
            dest.rmdir()  # empty (checked above)
        work.rename(dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    size = sum(int(v[0]) for v in [*files.values(), *databases.values()])
    return BackupReport(dest, tracks, len(files), size, time.monotonic() - started, snapshots, sorted(missing))


def load_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError as err:
        raise BackupError(f"{folder} has no {MANIFEST}: it is not a studio backup (made by `studio backup`)") from err
    except ValueError as err:
        raise BackupError(f"{folder / MANIFEST} is damaged ({err}): use another backup") from err
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{folder} is a backup format this version cannot read (format "
                          f"{manifest.get('format') if isinstance(manifest, dict) else '?'}, expected {FORMAT})")
    return manifest


def check(folder: Path, hashes: bool = True) -> dict:
    """Check a backup (or a restore staged from one): every listed file with its size and hash, every
    database's integrity_check, every row's file present. Raises BackupError listing what is wrong."""
    manifest = load_manifest(folder)
    problems: list[str] = []
    entries = {**manifest.get("databases", {}), **manifest.get("files", {})}
    if LIBRARY not in manifest.get("databases", {}):
        problems.append(f"no {LIBRARY} listed")
    for rel, (size, digest) in entries.items():
        path = inside(folder, rel)
        if not path.is_file():
            problems.append(f"{rel} is missing")
        elif (sha256_of(path) if hashes else (path.stat().st_size, digest)) != (size, digest):
            problems.append(f"{rel} differs from when it was backed up (size or SHA-256)")
    for name in manifest.get("databases", {}):
        if inside(folder, name).is_file() and (verdict := integrity(inside(folder, name))) != "ok":
            problems.append(f"{name} fails integrity_check: {verdict}")
    if not problems:
        known = set(manifest.get("missing_at_source", []))
        _, refs = referenced(folder / LIBRARY)
        lost = sorted(r for r in refs - known if f"audio/{r}" not in manifest.get("files", {}))
        problems += [f"a row points at audio/{r}, which the backup lacks" for r in lost[:20]]
    if problems:
        raise BackupError(f"{folder} is not a sound backup: " + "; ".join(problems[:20]))
    return manifest


# -- restore -------------------------------------------------------------------------------------------
@dataclass
class RestoreReport:
    data_dir: Path
    tracks: int
    files: int
    replaced: bool
    seconds: float

    def summary(self) -> str:
        what = "replaced the library with" if self.replaced else "restored"
        return f"{what} {self.tracks} tracks and {self.files} files into {self.data_dir} in {self.seconds:.1f} s"


def holds_library(data_dir: Path) -> str | None:
    """Why data_dir counts as in use (tracks, albums or audio files), or None for a fresh one."""
    db = data_dir / LIBRARY
    if db.is_file():
        conn = sqlite3.connect(_uri(db, "rw"), uri=True, timeout=5)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            for table in ("tracks", "albums"):
                n = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] if table in tables else 0
                if n:
                    return f"its library has {n} {table}"
        finally:
            conn.close()
    audio = data_dir / "audio"
    if audio.is_dir() and any(p.is_file() and not p.name.startswith(".") for p in audio.rglob("*")):
        return "its audio folder holds files"
    return None


def _ensure_closed(data_dir: Path) -> None:
    """Refuse while another process has a database open: leaving WAL needs sole access (and checkpoints it)."""
    for db in sorted(data_dir.glob("*.sqlite")):
        conn = sqlite3.connect(_uri(db, "rw"), uri=True, timeout=2)
        try:
            conn.execute("PRAGMA journal_mode=DELETE").fetchall()
        except sqlite3.OperationalError as err:
            raise BackupError(f"{db.name} is open in another process ({err}): stop the studio (UI, `studio serve`, "
                              "`studio worker`), then restore") from err
        finally:
            conn.close()


def restore(src: Path, data_dir: Path, db_url: str, force: bool = False) -> RestoreReport:
    """Replace data_dir's databases, audio and chat files with a backup's, all or nothing."""
    started = time.monotonic()
    src, data_dir = src.expanduser().resolve(), data_dir.expanduser().resolve()
    if library_path(db_url) != data_dir / LIBRARY:
        raise BackupError(f"restore writes {data_dir / LIBRARY}, but STUDIO_DATABASE_URL points elsewhere: unset it "
                          "for the restore")
    manifest = load_manifest(src)
    data_dir.mkdir(parents=True, exist_ok=True)
    finish_interrupted_restore(data_dir)
    in_use = holds_library(data_dir)
    if in_use and not force:
        raise BackupError(f"{data_dir} is not empty ({in_use}): restore into a fresh STUDIO_DATA_DIR, or add --force "
                          "to replace it (make a backup of it first: studio backup DIR)")
    _ensure_closed(data_dir)
    staging = data_dir / f".restore-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        entries = {**manifest["databases"], **manifest["files"]}
        for rel, (size, digest) in entries.items():
            if sha256_copy(inside(src, rel), inside(staging, rel)) != (size, digest):
                raise BackupError(f"{src / rel} differs from when it was backed up (size or SHA-256): the backup is "
                                  "damaged; nothing was restored")
        shutil.copyfile(src / MANIFEST, staging / MANIFEST)
        check(staging, hashes=False)  # sizes, integrity_check, every row's file (hashes were checked while copying)
        names = sorted({rel.split("/", 1)[0] for rel in entries} | {"audio"})
        (staging / "audio").mkdir(exist_ok=True)
        # what the backup lacks goes too, so the result is the backup's state: other databases, chat files, index
        drop = [*STALE, *(n for n in EXTRA_DIRS if n not in names),
                *(db.name for db in sorted(data_dir.glob("*.sqlite")) if db.name not in names)]
        ready = staging / READY
        ready.write_text(json.dumps({"swap": names, "drop": drop}))
        with open(ready, "rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(data_dir, staging)
    return RestoreReport(data_dir, int(manifest.get("tracks", 0)), len(manifest["files"]), in_use is not None,
                         time.monotonic() - started)


def _swap(data_dir: Path, staging: Path) -> None:
    """Move the old entries aside and the staged ones into place; re-runnable after a crash at any point
    (an entry whose staged copy is gone was swapped already)."""
    plan = json.loads((staging / READY).read_text())
    old = data_dir / f"{staging.name}-old"
    old.mkdir(exist_ok=True)
    for name in [*plan["swap"], *plan["drop"]]:
        staged, live = staging / name, data_dir / name
        if name in plan["drop"] or staged.exists():
            for p in [live, *(live.with_name(live.name + s) for s in ("-wal", "-shm", "-journal"))]:
                if p.exists():
                    p.rename(old / f"{p.name}.{uuid.uuid4().hex[:6]}")
        if staged.exists():
            staged.rename(live)
    (staging / READY).unlink()
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def finish_interrupted_restore(data_dir: Path) -> str | None:
    """Complete a restore that was swapping when it stopped (READY written), drop one that was still copying;
    says what it did. Run before anything opens the data dir's databases."""
    if not data_dir.is_dir():
        return None
    done = None
    for staging in sorted(data_dir.glob(".restore-*")):
        if staging.name.endswith("-old") or not staging.is_dir():
            continue
        if (staging / READY).exists():
            _swap(data_dir, staging)
            done = f"finished the interrupted restore {staging.name}"
        else:
            shutil.rmtree(staging, ignore_errors=True)
            done = done or f"dropped the unfinished restore {staging.name} (the library was not changed)"
    for old in data_dir.glob(".restore-*-old"):
        if not (data_dir / old.name[: -len("-old")]).exists():
            shutil.rmtree(old, ignore_errors=True)
    return done
