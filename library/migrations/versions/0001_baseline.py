"""Baseline: the schema before migrations existed (tracks + stems, as created by create_all).

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tracks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("studio", sa.String(40), nullable=False),
        sa.Column("bpm", sa.Float),
        sa.Column("key", sa.String(8)),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("sample_rate", sa.Integer, nullable=False),
        sa.Column("channels", sa.Integer, nullable=False),
        sa.Column("seed", sa.Integer),
        sa.Column("file_path", sa.String(400), nullable=False),
        sa.Column("midi_path", sa.String(400)),
        sa.Column("loudness_lufs", sa.Float),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("parent_id", sa.Integer, sa.ForeignKey("tracks.id", ondelete="SET NULL")),
        sa.Column("operation", sa.String(20), nullable=False),
        sa.Column("favorite", sa.Boolean, nullable=False),
        sa.Column("disliked", sa.Boolean, nullable=False),
        sa.Column("trashed_at", sa.DateTime(timezone=True)),
        sa.Column("rating", sa.Integer),
        sa.Column("play_count", sa.Integer, nullable=False),
    )
    op.create_index("ix_tracks_studio", "tracks", ["studio"])
    op.create_index("ix_tracks_created_at", "tracks", ["created_at"])
    op.create_index("ix_tracks_parent_id", "tracks", ["parent_id"])
    op.create_table(
        "stems",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("track_id", sa.Integer, sa.ForeignKey("tracks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("file_path", sa.String(400), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
    )
    op.create_index("ix_stems_track_id", "stems", ["track_id"])


def downgrade() -> None:
    op.drop_table("stems")
    op.drop_table("tracks")
