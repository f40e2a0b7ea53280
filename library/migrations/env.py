"""Alembic environment: runs on the connection library.migrate hands over, or on sqlalchemy.url."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from library.migrate import include_name
from library.models import Base  # holds the job tables too (library.migrate imports library.job_tables)

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    # Batch mode lets future revisions alter columns on SQLite (it recreates the table).
    context.configure(connection=connection, target_metadata=Base.metadata, include_name=include_name,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # `alembic -x ...` from a shell: open the URL in alembic.ini / the config
    with create_engine(config.get_main_option("sqlalchemy.url") or "").connect() as conn:
        _run(conn)
