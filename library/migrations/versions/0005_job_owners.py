"""Who owns a job: job_runs and jobs (re-index, import) record the process that queued or runs them
(library.owner), so a restart can fail, or retry, the runs and jobs of a process that was killed. Rows
from before have no owner ("") and are judged as before (job_runs by its worker column).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("job_runs", "jobs")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("owner", sa.String(120), nullable=False, server_default=""))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("owner")
