"""Job tables in the studio database: schedules (what runs when), runs (each attempt) and leases
(the heavy-work slots).

They are tables of the library's metadata like any other, so Alembic creates and upgrades them
(revision 0004; 0005 adds the runs' owner) and `compare_metadata` checks them against the migrations.
APScheduler keeps its triggers beside them in apscheduler_jobs, a table APScheduler creates and versions itself:
library.migrate leaves it out of Alembic's comparison.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from library.models import Base, utcnow

RUN_STATES = ("queued", "running", "done", "failed", "cancelled", "retrying")
FINISHED = ("done", "failed", "cancelled")
OWNER_ANY = "*"


class Schedule(Base):
    """A scheduled job; its id is the APScheduler job id ("cancel job 3")."""

    __tablename__ = "job_schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    trigger: Mapped[str] = mapped_column(String(120))  # "cron 0 2 * * *" or "at 2026-12-02T02:00:00+00:00"
    description: Mapped[str] = mapped_column(Text, default="")  # the user's words
    retries: Mapped[int] = mapped_column(Integer, default=1)
    retry_delay_s: Mapped[float] = mapped_column(Float, default=60.0)
    state: Mapped[str] = mapped_column(String(20), default="active")  # active, paused, cancelled, finished
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Run(Base):
    """One attempt of a job. fire_key is unique: the DB refuses a second claim of the same fire."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    schedule_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    args: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(20), default="cli")  # chat, cli, rest, scheduler
    fire_key: Mapped[str | None] = mapped_column(String(120), unique=True)  # schedule@fire-time#attempt
    attempt: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    message: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str] = mapped_column(Text, default="")
    takes: Mapped[list] = mapped_column(JSON, default=list)  # track ids produced
    worker: Mapped[str] = mapped_column(String(80), default="")  # host:pid that ran it
    # The process that queued and runs it (library.owner, revision 0005): a restart fails or retries the
    # runs of owners that ended; OWNER_ANY marks a retry waiting for whichever `studio worker` runs next.
    owner: Mapped[str] = mapped_column(String(120), default="", server_default="")
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    duration_s: Mapped[float | None] = mapped_column(Float)


class Lease(Base):
    """A named slot ("heavy:0") held by one holder until expires_at, renewed while it works.

    label and run_id say who holds it, so a caller that has to wait can tell the user for whom.
    """

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    owner: Mapped[str] = mapped_column(String(80))  # host:pid/token of the holder
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    label: Mapped[str] = mapped_column(String(120), default="", server_default="")  # "run r12 (pipeline)"
    run_id: Mapped[int | None] = mapped_column(Integer)
