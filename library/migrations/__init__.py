"""Alembic migrations of the library database (applied by library.db.Database on open)."""
