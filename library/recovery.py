"""Startup recovery after a crash (kill -9, power loss): no half-written take survives a restart.

A take is files first, then its row (one transaction), so a crash leaves at worst files without a row:
the take folders of processes that ended (their journals, see library/store.py) that no row points at are
removed, and so are temp files of ended writers. Rows are never deleted here: a row whose file is missing is
reported, because its metadata (comments, albums) is still the user's. Idempotent and cheap; safe to run
while other processes use the same data dir (only ended processes' left-overs are touched).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, select, text

from library.db import Database
from library.models import Export, Stem, Track
from library.store import AudioStore


@dataclass
class RecoveryReport:
    temps_removed: int = 0
    takes_removed: list[str] = field(default_factory=list)  # store folders of unfiled takes
    missing_files: list[tuple[int, str]] = field(default_factory=list)  # (track id, path) of in-flight takes
    integrity: str = "ok"

    @property
    def clean(self) -> bool:
        return not (self.temps_removed or self.takes_removed or self.missing_files) and self.integrity == "ok"

    def summary(self) -> str:
        parts = [f"removed {self.temps_removed} unfinished temp file(s)",
                 f"{len(self.takes_removed)} unfiled take folder(s)"]
        parts += [f"track #{i}: its file {p} is missing" for i, p in self.missing_files]
        if self.integrity != "ok":
            parts.append(f"database check: {self.integrity}")
        return "; ".join(parts)


def referenced_paths(db: Database) -> set[str]:
    """Every store path a row points at (takes, their stems and MIDI, DAW exports)."""
    with db.session() as s:
        paths = set(s.scalars(select(Track.file_path)))
        paths |= {p for p in s.scalars(select(Track.midi_path)) if p}
        paths |= set(s.scalars(select(Stem.file_path)))
        paths |= set(s.scalars(select(Export.file_path)))
    return paths


def top_folder(path: str) -> str:
    return path.split("/", 1)[0] if "/" in path else ""


def integrity(engine: Engine, quick: bool = True) -> str:
    """SQLite's own check ("ok" or its findings); other databases check themselves."""
    if engine.dialect.name != "sqlite":
        return "ok"
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA quick_check" if quick else "PRAGMA integrity_check"))]
    return "ok" if rows == ["ok"] else "; ".join(str(r) for r in rows[:20])


def recover(db: Database, store: AudioStore, check_db: bool = True) -> RecoveryReport:
    report = RecoveryReport(temps_removed=store.clean_orphan_temps())
    journals = list(store.dead_journals())
    if journals:
        paths = referenced_paths(db)
        filed = {top_folder(p) for p in paths}
        for journal in journals:
            for folder in journal.folders:
                if folder not in filed and store.resolve(folder).exists():
                    store.remove_take_dir(folder)
                    report.takes_removed.append(folder)
            journal.path.unlink(missing_ok=True)  # after its folders: a crash here only repeats the sweep
        in_flight = {f for j in journals for f in j.folders} & filed
        if in_flight:
            with db.session() as s:
                rows = s.execute(select(Track.id, Track.file_path)).all()
            report.missing_files = [(i, p) for i, p in rows
                                    if top_folder(p) in in_flight and not store.resolve(p).is_file()]
    if check_db:
        report.integrity = integrity(db.engine)
    return report
