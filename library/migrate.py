"""Upgrade a library database in place with Alembic (run by Database on open).

A database created before migrations existed has the baseline tables but no alembic_version row:
it is stamped at the baseline first, so its rows are kept and only the newer revisions run.
The job tables (library.job_tables) are Alembic's too; APScheduler's apscheduler_jobs is not.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect

import library.job_tables  # noqa: F401  (registers the job tables in Base.metadata, which the migrations cover)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BASELINE = "0001"
# Tables in the studio database that Alembic must neither create nor drop: APScheduler creates its
# trigger store on first use and owns its schema (it has no upgrade path of its own to coordinate with).
UNMANAGED_TABLES = frozenset({"apscheduler_jobs"})


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's filter for autogenerate and compare_metadata: skip the tables others manage."""
    return not (type_ == "table" and name in UNMANAGED_TABLES)


class MigrationError(RuntimeError):
    """The database could not be brought up to date; it was left as it was."""


def alembic_config(connection: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "library/migrations/versions has no revisions"
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Bring the database to the newest revision in one transaction; returns the revision it is at."""
    with engine.begin() as conn:
        current = current_revision(conn)
        if current == head_revision():
            return current
        cfg = alembic_config(conn)
        try:
            if current is None and inspect(conn).has_table("tracks"):
                command.stamp(cfg, BASELINE)
            command.upgrade(cfg, "head")
        except Exception as err:
            raise MigrationError(f"could not upgrade the library database at {engine.url!r}: {err}. "
                                 "It was left unchanged; back it up and report this error.") from err
        return head_revision()
