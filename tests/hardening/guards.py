"""What every hostile case checks afterwards: the library's rows unchanged, no file outside the data dir,
and a readable message with no traceback in it."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/', "Internal Server Error")


def db_digest(db_file: Path) -> dict[str, tuple[int, str]]:
    """Per table: (row count, hash of every row in rowid order). Read with plain sqlite3, so what the app's
    own session caches cannot hide a change."""
    con = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        out = {}
        for t in tables:
            rows = con.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall()  # noqa: S608 (names from sqlite)
            out[t] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return out
    finally:
        con.close()


def files_outside(root: Path, data_dir: Path) -> set[str]:
    """Every path under root that is not inside data_dir (files, folders and links, as relative strings)."""
    out = set()
    for p in root.rglob("*"):
        if not p.is_relative_to(data_dir):
            out.add(str(p.relative_to(root)))
    return out


@dataclass
class Snapshot:
    """The state a hostile request must leave exactly as it found it."""

    db: dict[str, tuple[int, str]]
    outside: set[str]

    @classmethod
    def take(cls, db_file: Path, root: Path, data_dir: Path) -> Snapshot:
        return cls(db_digest(db_file), files_outside(root, data_dir))

    def assert_unchanged(self, db_file: Path, root: Path, data_dir: Path, ignore_tables: tuple[str, ...] = ()) -> None:
        after = db_digest(db_file)
        changed = sorted(t for t in set(after) | set(self.db)
                         if t not in ignore_tables and after.get(t) != self.db.get(t))
        assert not changed, f"tables changed by a refused request: {changed}"
        new = files_outside(root, data_dir) - self.outside
        assert not new, f"files created outside the data dir: {sorted(new)}"


def assert_readable(message: str, *, min_words: int = 3) -> None:
    """A message a person can act on: some words, no Python traceback or internal error page."""
    assert message and len(message.split()) >= min_words, f"message too thin: {message!r}"
    for marker in TRACEBACK_MARKERS:
        assert marker not in message, f"traceback/internal error shown to the user: {message[:500]!r}"
