"""Job tables under Alembic: schedules, runs and the heavy-work leases (with who holds them).

Earlier releases created these tables with create_all on first use, so a database at 0003 may have
them already, with rows: those are kept and only what is missing is added (the lease's label and
run_id). APScheduler's apscheduler_jobs stays APScheduler's (library.migrate.UNMANAGED_TABLES).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    insp = sa.inspect(op.get_bind())
    have = set(insp.get_table_names())
    if "job_schedules" not in have:
        op.create_table(
            "job_schedules",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("args", sa.JSON, nullable=False),
            sa.Column("trigger", sa.String(120), nullable=False),
            sa.Column("description", sa.Text, nullable=False),
            sa.Column("retries", sa.Integer, nullable=False),
            sa.Column("retry_delay_s", sa.Float, nullable=False),
            sa.Column("state", sa.String(20), nullable=False),
            sa.Column("created_at", _TZ, nullable=False),
        )
    if "job_runs" not in have:
        op.create_table(
            "job_runs",
            sa.Column("id", sa.Integer, primary_key=True),
            sa.Column("schedule_id", sa.Integer),
            sa.Column("kind", sa.String(40), nullable=False),
            sa.Column("args", sa.JSON, nullable=False),
            sa.Column("source", sa.String(20), nullable=False),
            sa.Column("fire_key", sa.String(120), unique=True),
            sa.Column("attempt", sa.Integer, nullable=False),
            sa.Column("status", sa.String(20), nullable=False),
            sa.Column("progress", sa.Float, nullable=False),
            sa.Column("message", sa.Text, nullable=False),
            sa.Column("error", sa.Text, nullable=False),
            sa.Column("takes", sa.JSON, nullable=False),
            sa.Column("worker", sa.String(80), nullable=False),
            sa.Column("cancel_requested", sa.Boolean, nullable=False),
            sa.Column("created_at", _TZ, nullable=False),
            sa.Column("started_at", _TZ),
            sa.Column("finished_at", _TZ),
            sa.Column("duration_s", sa.Float),
        )
        op.create_index("ix_job_runs_schedule_id", "job_runs", ["schedule_id"])
    if "job_leases" not in have:
        op.create_table(
            "job_leases",
            sa.Column("name", sa.String(60), primary_key=True),
            sa.Column("owner", sa.String(80), nullable=False),
            sa.Column("expires_at", _TZ, nullable=False),
            sa.Column("label", sa.String(120), nullable=False, server_default=""),
            sa.Column("run_id", sa.Integer),
        )
    else:  # the create_all version: name, owner, expires_at
        cols = {c["name"] for c in insp.get_columns("job_leases")}
        if "label" not in cols:
            op.add_column("job_leases", sa.Column("label", sa.String(120), nullable=False, server_default=""))
        if "run_id" not in cols:
            op.add_column("job_leases", sa.Column("run_id", sa.Integer))


def downgrade() -> None:
    # 0003 had no job tables under Alembic; the releases before this one recreate them on first use.
    op.drop_table("job_leases")
    op.drop_index("ix_job_runs_schedule_id", "job_runs")
    op.drop_table("job_runs")
    op.drop_table("job_schedules")
