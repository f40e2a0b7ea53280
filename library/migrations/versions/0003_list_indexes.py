"""Composite indexes for the library views: the default list and a studio's list walk an index in
created_at order and their counts (also favorites') are index-only (measured by bench/library_bench.py at 100k tracks).

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tracks_trashed_created", "tracks", ["trashed_at", "created_at"])
    op.create_index("ix_tracks_studio_trashed_created", "tracks", ["studio", "trashed_at", "created_at"])
    op.create_index("ix_tracks_favorite_trashed_created", "tracks", ["favorite", "trashed_at", "created_at"])
    op.create_index("ix_tracks_trashed_bpm", "tracks", ["trashed_at", "bpm"])


def downgrade() -> None:
    op.drop_index("ix_tracks_trashed_bpm", "tracks")
    op.drop_index("ix_tracks_favorite_trashed_created", "tracks")
    op.drop_index("ix_tracks_studio_trashed_created", "tracks")
    op.drop_index("ix_tracks_trashed_created", "tracks")
