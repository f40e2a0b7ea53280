"""Library: autolabel/change-stamp/import columns on tracks; tags, albums (ordered), comments, exports, jobs.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def _fk(table: str, ondelete: str = "CASCADE") -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete=ondelete)


def upgrade() -> None:
    # Plain nullable ADD COLUMNs: portable, and SQLite does them without rebuilding the table.
    op.add_column("tracks", sa.Column("mood", sa.String(20)))
    op.add_column("tracks", sa.Column("energy", sa.Float))
    op.add_column("tracks", sa.Column("updated_at", _TZ))
    op.add_column("tracks", sa.Column("source_ref", sa.String(400)))
    op.execute("UPDATE tracks SET updated_at = created_at")
    op.create_index("ix_tracks_updated_at", "tracks", ["updated_at"])
    op.create_index("ix_tracks_source_ref", "tracks", ["source_ref"])
    op.create_table("tags", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(60), nullable=False, unique=True))
    op.create_table("track_tags",
                    sa.Column("track_id", sa.Integer, _fk("tracks"), primary_key=True),
                    sa.Column("tag_id", sa.Integer, _fk("tags"), primary_key=True))
    op.create_index("ix_track_tags_tag_id", "track_tags", ["tag_id"])
    op.create_table("albums", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("name", sa.String(200), nullable=False, unique=True),
                    sa.Column("description", sa.Text, nullable=False),
                    sa.Column("created_at", _TZ, nullable=False))
    op.create_table("album_tracks", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("album_id", sa.Integer, _fk("albums"), nullable=False),
                    sa.Column("track_id", sa.Integer, _fk("tracks"), nullable=False),
                    sa.Column("position", sa.Integer, nullable=False),
                    sa.UniqueConstraint("album_id", "track_id"))
    op.create_index("ix_album_tracks_album_id", "album_tracks", ["album_id"])
    op.create_index("ix_album_tracks_track_id", "album_tracks", ["track_id"])
    op.create_table("comments", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("track_id", sa.Integer, _fk("tracks"), nullable=False),
                    sa.Column("at_s", sa.Float, nullable=False),
                    sa.Column("text", sa.Text, nullable=False),
                    sa.Column("created_at", _TZ, nullable=False))
    op.create_index("ix_comments_track_id", "comments", ["track_id"])
    op.create_table("exports", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("track_id", sa.Integer, _fk("tracks"), nullable=False),
                    sa.Column("format", sa.String(10), nullable=False),
                    sa.Column("file_path", sa.String(400), nullable=False),
                    sa.Column("created_at", _TZ, nullable=False))
    op.create_index("ix_exports_track_id", "exports", ["track_id"])
    op.create_table("jobs", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("kind", sa.String(40), nullable=False),
                    sa.Column("status", sa.String(20), nullable=False),
                    sa.Column("progress", sa.Float, nullable=False),
                    sa.Column("message", sa.Text, nullable=False),
                    sa.Column("params", sa.JSON, nullable=False),
                    sa.Column("created_at", _TZ, nullable=False),
                    sa.Column("finished_at", _TZ))
    op.create_index("ix_jobs_kind", "jobs", ["kind"])


def downgrade() -> None:
    for table in ("jobs", "exports", "comments", "album_tracks", "albums", "track_tags", "tags"):
        op.drop_table(table)
    op.drop_index("ix_tracks_source_ref", "tracks")
    op.drop_index("ix_tracks_updated_at", "tracks")
    with op.batch_alter_table("tracks") as batch:
        for col in ("source_ref", "updated_at", "energy", "mood"):
            batch.drop_column(col)
