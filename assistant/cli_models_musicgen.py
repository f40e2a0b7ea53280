"""The MusicGen family in `studio models`: rows for `list`, and `pull NAME` / `remove NAME`.

Only `pull` downloads, explicitly, and it refuses clearly offline (NoNetwork names the manual route).
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from assistant.settings import StudioSettings, get_settings

console = Console()


def add_rows(table: Table, s: StudioSettings) -> None:
    """One row per local MusicGen checkpoint, or one saying how to add one."""
    from models.musicgen.catalog import KNOWN, list_local, musicgen_dir

    found = list_local(s)
    for m in found:
        used = " (STUDIO_MUSICGEN)" if s.musicgen in (m.name, m.repo_id, str(m.path)) else ""
        table.add_row(f"MusicGen {m.name}{used}", str(m.path), f"ready ({m.source}, {m.size_bytes / 1e6:.0f} MB)")
    if not found:
        table.add_row("MusicGen (neural engine)", str(musicgen_dir(s)),
                      f"[yellow]none: set STUDIO_MUSICGEN=/path or `studio models pull NAME` ({', '.join(KNOWN)})")


def _fail(message: str) -> None:
    Console(stderr=True).print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(2)


def register(models_app: typer.Typer) -> None:
    @models_app.command()
    def pull(name: str = typer.Argument(..., help="A MusicGen name (small, melody, ...) or a repo id.")) -> None:
        """Download a MusicGen checkpoint into the models dir (needs a network; nothing else downloads)."""
        from models.musicgen.catalog import checksum
        from models.musicgen.catalog import pull as pull_model
        from models.musicgen.errors import NoNetwork

        try:
            path = pull_model(name, get_settings())
        except NoNetwork as err:
            _fail(str(err))
        else:
            console.print(f"pulled {name} into {path}\nsha256 of its weights: {checksum(path)}", soft_wrap=True)

    @models_app.command()
    def remove(name: str = typer.Argument(..., help="A MusicGen folder name in the models dir.")) -> None:
        """Delete a MusicGen checkpoint from the models dir (never from your Hugging Face cache)."""
        from models.musicgen.catalog import remove as remove_model
        from models.musicgen.errors import WeightsMissing

        try:
            path = remove_model(name, get_settings())
        except WeightsMissing as err:
            _fail(str(err))
        else:
            console.print(f"removed {path}", soft_wrap=True)
