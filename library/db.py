"""Engine and sessions. SQLite gets WAL and foreign keys so readers never block the one writer.

Every SQLite transaction starts with BEGIN IMMEDIATE: pysqlite's own handling begins a transaction only at
the first write, so a read-modify-write (play count, album positions) could interleave with another
writer and lose an update, and a deferred transaction that upgrades to a write fails with "database is
locked" without waiting. IMMEDIATE takes the write lock up front and waits (busy_timeout) for it instead.

Opening a Database upgrades its schema in place (Alembic, library/migrations). Every committed change
to tracks is reported to on_tracks_changed listeners — the search index stays in sync through it,
whichever code path (generation, import, batch edit) made the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from library.migrate import upgrade
from library.models import AlbumTrack, Comment, Track

TracksChanged = Callable[[set[int]], None]
_CHANGED = "changed_track_ids"
BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for the lock before "database is locked"


def make_engine(url: str) -> Engine:
    is_sqlite = url.startswith("sqlite")
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000} if is_sqlite else {})
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE")

    upgrade(engine)  # schema changes arrive as Alembic revisions, so users' databases upgrade in place
    return engine


def mark_changed(session: Session, track_ids: Iterable[int]) -> None:
    """Record tracks changed by bulk statements (which ORM events cannot see)."""
    session.info.setdefault(_CHANGED, set()).update(track_ids)


def _track_id(obj: Any) -> int | None:
    if isinstance(obj, Track):
        return obj.id
    if isinstance(obj, Comment | AlbumTrack):
        return obj.track_id
    return None


class Database:
    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self._factory = sessionmaker(self.engine, expire_on_commit=False)
        self._listeners: list[TracksChanged] = []
        event.listen(self._factory, "after_flush", self._collect)
        event.listen(self._factory, "after_commit", self._notify)
        event.listen(self._factory, "after_rollback", lambda s: s.info.pop(_CHANGED, None))

    def on_tracks_changed(self, listener: TracksChanged) -> None:
        self._listeners.append(listener)

    def _collect(self, session: Session, _ctx: Any) -> None:
        ids = {_track_id(o) for o in (*session.new, *session.dirty, *session.deleted)}
        mark_changed(session, (i for i in ids if i is not None))

    def _notify(self, session: Session) -> None:
        ids = session.info.pop(_CHANGED, None)
        if ids:
            for listener in self._listeners:
                listener(set(ids))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self._factory() as s, s.begin():
            yield s
