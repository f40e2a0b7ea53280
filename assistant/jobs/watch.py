"""Watch folder: audio dropped into a folder is imported (autolabelled by the importer) and indexed.

Run as a job (e.g. `studio schedule --job watch --cron '*/5 * * * *' --args '{"folder": "~/Drop"}'`);
the importer dedupes by content hash, so each scan only adds what is new.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.jobs.context import JobContext, JobError, JobOutcome

MAX_FILES_PER_SCAN = 500


def scan_folder(ctx: JobContext, args: dict[str, Any]) -> JobOutcome:
    folder = Path(str(args.get("folder") or "")).expanduser()
    if not str(args.get("folder") or "") or not folder.is_dir():
        raise JobError(f"watch folder {str(folder)!r} does not exist: create it or pass args {{\"folder\": PATH}}")
    data = ctx.services.settings.data_dir.resolve()
    if folder.resolve().is_relative_to(data):
        raise JobError("the watch folder must be outside the studio data dir (it would import its own files)")
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))[:MAX_FILES_PER_SCAN]
    ctx.progress(f"importing from {folder}", 0.1)
    report = ctx.services.library.import_paths(files, tags=list(args.get("tags") or []))
    ids = [track_id for _src, track_id in report.imported]
    ctx.progress("indexing", 0.7)
    if args.get("index", True) and ids:
        ctx.services.search.sync(lambda f, m: ctx.progress(m, 0.7 + 0.3 * f))
    return JobOutcome(report.summary(), ids)
