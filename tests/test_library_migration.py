"""A user's database upgrades in place: the schema as shipped before migrations, with rows, is kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from library.db import Database
from library.migrate import current_revision, head_revision
from library.models import Base, Track
from library.service import LibraryService
from library.store import AudioStore

# Exactly what the previous release's create_all() emitted on SQLite (tracks + stems, no alembic_version).
PREVIOUS_SCHEMA = """
CREATE TABLE tracks (id INTEGER NOT NULL, title VARCHAR(200) NOT NULL, prompt TEXT NOT NULL,
  studio VARCHAR(40) NOT NULL, bpm FLOAT, "key" VARCHAR(8), duration_s FLOAT NOT NULL,
  sample_rate INTEGER NOT NULL, channels INTEGER NOT NULL, seed INTEGER, file_path VARCHAR(400) NOT NULL,
  midi_path VARCHAR(400), loudness_lufs FLOAT, description TEXT NOT NULL, params JSON NOT NULL,
  created_at DATETIME NOT NULL, parent_id INTEGER, operation VARCHAR(20) NOT NULL, favorite BOOLEAN NOT NULL,
  disliked BOOLEAN NOT NULL, trashed_at DATETIME, rating INTEGER, play_count INTEGER NOT NULL,
  PRIMARY KEY (id), FOREIGN KEY(parent_id) REFERENCES tracks (id) ON DELETE SET NULL);
CREATE INDEX ix_tracks_created_at ON tracks (created_at);
CREATE INDEX ix_tracks_studio ON tracks (studio);
CREATE INDEX ix_tracks_parent_id ON tracks (parent_id);
CREATE TABLE stems (id INTEGER NOT NULL, track_id INTEGER NOT NULL, name VARCHAR(60) NOT NULL,
  file_path VARCHAR(400) NOT NULL, source VARCHAR(20) NOT NULL, PRIMARY KEY (id),
  FOREIGN KEY(track_id) REFERENCES tracks (id) ON DELETE CASCADE);
CREATE INDEX ix_stems_track_id ON stems (track_id);
"""
ROW = ("INSERT INTO tracks (id, title, prompt, studio, bpm, key, duration_s, sample_rate, channels, file_path, "
       "description, params, created_at, parent_id, operation, favorite, disliked, play_count) VALUES "
       "(?, ?, 'p', 'chiptune', 140, 'Am', 20.0, 44100, 2, ?, '', '{}', '2026-10-01 12:00:00.000000', ?, ?, "
       "?, 0, 3)")


def _previous_db(path: Path) -> None:
    con = sqlite3.connect(path)
    con.executescript(PREVIOUS_SCHEMA)
    con.execute(ROW, (1, "Boss Battle", "a/mix.wav", None, "generate", 1))
    con.execute(ROW, (2, "Boss Battle (extended)", "b/mix.wav", 1, "extend", 0))
    con.execute("INSERT INTO stems (track_id, name, file_path, source) VALUES (1, 'lead', 'a/stems/lead.wav', "
                "'render')")
    con.commit()
    con.close()


def test_previous_schema_is_upgraded_in_place_and_rows_are_kept(tmp_path: Path):
    path = tmp_path / "library.sqlite"
    _previous_db(path)
    db = Database(f"sqlite:///{path}")
    with db.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []  # models == migrations
    lib = LibraryService(db, AudioStore(tmp_path / "audio"))
    first, second = lib.get(1), lib.get(2)
    assert (first.title, first.bpm, first.key, first.favorite, first.play_count) == ("Boss Battle", 140, "Am",
                                                                                    True, 3)
    assert [s.name for s in first.stems] == ["lead"]
    assert [t.id for t in lib.lineage(2)] == [1, 2] and second.operation == "extend"
    assert second.updated_at is not None  # filled from created_at by the migration
    # the new tables work on the upgraded database
    album = lib.create_album("Old favourites")
    assert lib.add_to_album(album.id, [2, 1]).track_ids == [2, 1]
    lib.comment(1, 3.5, "great hook")
    assert [c.text for c in lib.comments(1)] == ["great hook"]


def test_fresh_database_is_at_head_and_reopening_is_a_no_op(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'new.sqlite'}"
    db = Database(url)
    with db.session() as s:
        s.add(Track(title="t", duration_s=1.0, sample_rate=44100, file_path="x/mix.wav"))
    again = Database(url)
    with again.engine.connect() as conn:
        assert current_revision(conn) == head_revision()
    with again.session() as s:
        assert s.get(Track, 1).title == "t"
