"""Audio dropped into the chat is imported into the library (autolabelled, duplicates skipped) and shown
as takes. The library's importer does the work; this only hands it the uploaded files by their names."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import chainlit as cl

from assistant.ui.runtime import in_thread, services
from assistant.ui.takes import send_takes
from library.importer import ImportReport

MAX_UPLOAD_BYTES = 500 * 1024 * 1024  # same bound as [features.spontaneous_file_upload] max_size_mb


def _safe_name(name: str) -> str:
    stem = re.sub(r"[^\w.\- ]+", "_", Path(name).name).strip(" .") or "upload"
    return stem[:120]


def import_uploads(files: list[tuple[str, str]]) -> ImportReport:
    """(path on disk, original name) pairs -> import report; the import sees the original file names."""
    with tempfile.TemporaryDirectory(prefix="studio-upload-") as tmp:
        paths = []
        for path, name in files:
            if Path(path).stat().st_size > MAX_UPLOAD_BYTES:
                raise ValueError(f"{name} is over {MAX_UPLOAD_BYTES // 2**20} MB")
            dest = Path(tmp) / _safe_name(name)
            shutil.copyfile(path, dest)
            paths.append(dest)
        return services().library.import_paths(paths, tags=["upload"])


def audio_files(elements: list[Any]) -> list[tuple[str, str]]:
    return [(e.path, e.name) for e in elements if getattr(e, "path", None)]


async def handle_uploads(elements: list[Any]) -> bool:
    """True when the message carried files (and they were handled)."""
    files = audio_files(elements)
    if not files:
        return False
    try:
        report = await in_thread(import_uploads, files)
    except (OSError, ValueError) as err:
        await cl.Message(content=f"I couldn't import that: {err}. Nothing was saved.").send()
        return True
    lines = [f"Imported {len(report.imported)} file{'s' if len(report.imported) != 1 else ''} into your library."]
    lines += [f"- skipped {Path(p).name}: {why}" for p, why in report.skipped]
    await send_takes(services(), "\n".join(lines), [i for _, i in report.imported])
    return True
