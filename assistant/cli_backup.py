"""`studio backup DEST`, `studio restore SRC [--force]`, `studio recover`: keeping the library safe."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.settings import get_settings

console = Console()
err_console = Console(stderr=True)


def _fail(message: str) -> None:
    err_console.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(2)


def backup(
    dest: Annotated[Path, typer.Argument(help="A new (or empty) folder for the backup.")],
) -> None:
    """Back up the library (database + audio + chat history) into DEST; safe while the studio runs."""
    from library.backup import BackupError
    from library.backup import backup as run_backup

    s = get_settings()
    try:
        report = run_backup(s.data_dir, s.db_url, dest)
    except BackupError as err:
        _fail(str(err))
    console.print(report.summary(), soft_wrap=True)


def restore_backup(src: Path, force: bool) -> None:
    """Restore a backup into the data dir (checked first, swapped in all at once). Stop the studio first.

    Reached as `studio restore FOLDER` (`studio restore 2 5` takes tracks out of the trash).
    """
    from library.backup import BackupError
    from library.backup import restore as run_restore

    s = get_settings()
    try:
        report = run_restore(src, s.data_dir, s.db_url, force=force)
    except BackupError as err:
        _fail(str(err))
    console.print(report.summary(), soft_wrap=True)


def recover(
    full: bool = typer.Option(False, "--full", help="Run SQLite's full integrity_check (slower) too."),
) -> None:
    """Clean up after a crash now (the studio also does this when it starts): unfiled takes, temp files."""
    from library.db import Database
    from library.recovery import integrity
    from library.recovery import recover as run_recover
    from library.store import AudioStore

    s = get_settings()
    s.ensure_dirs()
    db = Database(s.db_url)
    report = run_recover(db, AudioStore(s.audio_dir))
    if full:
        report.integrity = integrity(db.engine, quick=False)
    console.print(report.summary(), soft_wrap=True)
    if report.integrity != "ok" or report.missing_files:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command(name="backup")(backup)
    app.command(name="recover")(recover)
