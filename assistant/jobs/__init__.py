"""Scheduled and queued jobs: APScheduler triggers in the studio database, a bounded queue, run records,
pipelines, a watch folder and a Ray executor. See runtime.JobRuntime."""
