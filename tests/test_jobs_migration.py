"""The job tables are Alembic's (revision 0004): a new database gets them, a database at 0003 keeps its
tracks and the job rows the previous release's create_all wrote, and APScheduler's table stays its own.
Revision 0005 gives runs and library jobs their owner (the process that queued them), keeping every row."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from library.db import Database
from library.migrate import alembic_config, current_revision, head_revision, include_name
from library.models import Base

JOB_TABLES = {"job_schedules", "job_runs", "job_leases"}
# Exactly what the previous release's JobsBase.metadata.create_all() emitted on SQLite.
PREVIOUS_JOB_SCHEMA = """
CREATE TABLE job_leases (name VARCHAR(60) NOT NULL, owner VARCHAR(80) NOT NULL, expires_at DATETIME NOT NULL,
  PRIMARY KEY (name));
CREATE TABLE job_runs (id INTEGER NOT NULL, schedule_id INTEGER, kind VARCHAR(40) NOT NULL, args JSON NOT NULL,
  source VARCHAR(20) NOT NULL, fire_key VARCHAR(120), attempt INTEGER NOT NULL, status VARCHAR(20) NOT NULL,
  progress FLOAT NOT NULL, message TEXT NOT NULL, error TEXT NOT NULL, takes JSON NOT NULL,
  worker VARCHAR(80) NOT NULL, cancel_requested BOOLEAN NOT NULL, created_at DATETIME NOT NULL,
  started_at DATETIME, finished_at DATETIME, duration_s FLOAT, PRIMARY KEY (id), UNIQUE (fire_key));
CREATE INDEX ix_job_runs_schedule_id ON job_runs (schedule_id);
CREATE TABLE job_schedules (id INTEGER NOT NULL, kind VARCHAR(40) NOT NULL, args JSON NOT NULL,
  "trigger" VARCHAR(120) NOT NULL, description TEXT NOT NULL, retries INTEGER NOT NULL,
  retry_delay_s FLOAT NOT NULL, state VARCHAR(20) NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (id));
INSERT INTO job_schedules VALUES (1, 'reindex', '{}', 'cron 0 0 * * 0', 'reindex every Sunday', 1, 60.0, 'active',
  '2026-11-01 10:00:00.000000');
INSERT INTO job_runs VALUES (1, 1, 'reindex', '{}', 'scheduler', '1@2026-11-08T00:00:00+00:00#1', 1, 'done', 1.0,
  'index up to date', '', '[]', 'box:42', 0, '2026-11-08 00:00:00.000000', '2026-11-08 00:00:01.000000',
  '2026-11-08 00:00:03.000000', 2.0);
INSERT INTO job_leases VALUES ('heavy:0', 'box:42', '2026-11-08 00:01:00.000000');
"""
TRACK = ("INSERT INTO tracks (id, title, prompt, studio, duration_s, sample_rate, channels, file_path, description, "
         "params, created_at, operation, favorite, disliked, play_count, updated_at) VALUES (1, 'Boss Battle', 'p', "
         "'chiptune', 20.0, 44100, 2, 'a/mix.wav', '', '{}', '2026-10-01 12:00:00', 'generate', 1, 0, 2, "
         "'2026-10-01 12:00:00')")


def _at_0003(path: Path, extra_sql: str = "") -> str:
    """A database as the previous release left it: migrated to 0003, a track, maybe its job tables."""
    url = f"sqlite:///{path}"
    with create_engine(url).begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
    con = sqlite3.connect(path)
    con.execute(TRACK)
    con.executescript(extra_sql)
    con.commit()
    con.close()
    return url


def _diff(db: Database) -> list:
    with db.engine.connect() as conn:
        assert current_revision(conn) == head_revision() == "0005"
        return compare_metadata(MigrationContext.configure(conn, opts={"include_name": include_name}),
                                Base.metadata)


def test_new_database_has_the_job_tables_and_apscheduler_keeps_its_own(services):
    from assistant.jobs.runtime import JobRuntime

    assert JOB_TABLES <= set(inspect(services.db.engine).get_table_names())
    rt = JobRuntime(services)  # APScheduler creates apscheduler_jobs itself, beside the Alembic tables
    try:
        rt.schedule_text("reindex every Sunday")
        assert "apscheduler_jobs" in inspect(services.db.engine).get_table_names()
        assert _diff(services.db) == []  # models == migrations, and Alembic leaves APScheduler's table alone
    finally:
        rt.shutdown()


def test_0003_database_with_create_all_job_tables_upgrades_keeping_every_row(tmp_path: Path):
    from assistant.jobs.store import RunStore
    from library.repository import TrackRepository

    db = Database(_at_0003(tmp_path / "studio.sqlite", PREVIOUS_JOB_SCHEMA))
    assert _diff(db) == []
    assert TrackRepository(db).get(1).title == "Boss Battle"
    store = RunStore(db)
    (sched,) = store.schedules()
    assert (sched.kind, sched.trigger, sched.description) == ("reindex", "cron 0 0 * * 0", "reindex every Sunday")
    old = store.run(1)
    assert (old.status, old.message, old.duration_s, old.worker) == ("done", "index up to date", 2.0, "box:42")
    assert store.claim("reindex", {}, "scheduler", 1, "1@2026-11-08T00:00:00+00:00#1") is None  # still unique
    assert store.claim("reindex", {}, "cli") == 2
    with db.engine.connect() as conn:
        lease = conn.exec_driver_sql("SELECT name, owner, label, run_id FROM job_leases").one()
    assert tuple(lease) == ("heavy:0", "box:42", "", None)  # the new columns, filled with their defaults


def test_0003_database_without_job_tables_gets_them_and_downgrade_removes_them(tmp_path: Path):
    path = tmp_path / "studio.sqlite"
    url = _at_0003(path)
    db = Database(url)
    assert _diff(db) == [] and JOB_TABLES <= set(inspect(db.engine).get_table_names())
    db.engine.dispose()
    with create_engine(url).begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
        assert not JOB_TABLES & set(inspect(conn).get_table_names())
        assert conn.exec_driver_sql("SELECT title FROM tracks").scalar() == "Boss Battle"
    assert _diff(Database(url)) == []  # and up again



def test_0004_database_gets_owners_and_its_dead_runs_are_still_judged_by_their_worker(tmp_path: Path):
    """Rows from before 0005 have no owner: a run a dead process left running (worker host:pid) is still
    marked failed; downgrading to 0004 drops the owner columns and keeps the rows."""
    import subprocess
    import sys

    from assistant.jobs.heavy import HOST
    from assistant.jobs.store import RunStore

    path = tmp_path / "studio.sqlite"
    url = f"sqlite:///{path}"
    with create_engine(url).begin() as conn:
        command.upgrade(alembic_config(conn), "0004")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO job_runs (id, kind, args, source, attempt, status, progress, message, error, takes, "
                "worker, cancel_requested, created_at) VALUES (1, 'reindex', '{}', 'cli', 1, 'running', 0.5, '', '', "
                f"'[]', '{HOST}:{dead}', 0, '2026-11-08 00:00:00')")
    con.execute("INSERT INTO jobs (id, kind, status, progress, message, params, created_at) VALUES "
                "(1, 'reindex', 'running', 0.5, '', '{}', '2026-11-08 00:00:00')")
    con.commit()
    con.close()
    db = Database(url)
    assert _diff(db) == []
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT owner FROM job_runs").scalar() == ""
        assert conn.exec_driver_sql("SELECT owner, status FROM jobs").one() == ("", "running")  # not judged
    (failed,) = RunStore(db).fail_orphans()
    assert failed.id == 1 and failed.status == "failed" and "ended" in failed.error
    db.engine.dispose()
    with create_engine(url).begin() as conn:
        command.downgrade(alembic_config(conn), "0004")
        assert "owner" not in {c["name"] for c in inspect(conn).get_columns("job_runs")}
        assert "owner" not in {c["name"] for c in inspect(conn).get_columns("jobs")}
        assert conn.exec_driver_sql("SELECT status FROM job_runs").scalar() == "failed"
        assert conn.exec_driver_sql("SELECT status FROM jobs").scalar() == "running"
