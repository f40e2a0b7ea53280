"""`studio train`: a MusicGen LoRA style from library tracks, an album or audio files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from assistant.settings import get_settings

console = Console()
err_console = Console(stderr=True)


def _fail(message: str) -> None:
    err_console.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(2)


def _track_ids(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        _fail(f"--tracks takes ids like 1,2,5, got {text!r}")
        raise  # unreachable: _fail exits


def _library_files(album: str | None, tracks: str | None) -> list[Path]:
    from assistant.services import StudioServices

    services = StudioServices(get_settings())
    ids = _track_ids(tracks) if tracks else []
    if album:
        try:
            ids += list(services.library.album(album).track_ids)
        except LookupError as err:
            _fail(str(err).strip("'\""))
        if not ids:
            _fail(f"album {album!r} is empty; add tracks to it first")
    paths = []
    for track_id in ids:
        try:
            paths.append(services.track_path(services.get_track(track_id)))
        except LookupError as err:
            _fail(f"{str(err).strip(chr(39))}; list tracks with `studio tracks`")
    return paths


def train(
    name: str = typer.Option(..., help="Adapter name, e.g. night-jazz (lowercase, digits, - and _)."),
    album: str = typer.Option(None, help="Train on every track of this library album."),
    tracks: str = typer.Option(None, help="Library track ids, e.g. 1,2,5."),
    file: Annotated[list[Path] | None, typer.Option("--file", help="Audio files (repeatable).")] = None,
    base: str = typer.Option(None, help="Base MusicGen folder or cached id (default STUDIO_MUSICGEN)."),
    style: str = typer.Option("", help="Style words prepended to every clip's label, e.g. 'jazz'."),
    studio: str = typer.Option(None, help="Studio that should offer this style, e.g. bluenote."),
    steps: int = typer.Option(500, min=1, max=100_000),
    rank: int = typer.Option(8, min=1, max=256),
    lr: float = typer.Option(1e-4, min=1e-7, max=1.0),
    batch_size: int = typer.Option(2, min=1, max=64),
    chunk_seconds: float = typer.Option(30.0, min=1.0, max=60.0, help="Clip length for training."),
    checkpoint_every: int = typer.Option(50, min=1),
    fresh: bool = typer.Option(False, "--fresh", help="Ignore an interrupted run's checkpoint and start over."),
) -> None:
    """Train a MusicGen LoRA style; re-running an interrupted command resumes from its last checkpoint."""
    from models.musicgen.errors import MusicGenError
    from models.training.lora import LoraSettings
    from models.training.pipeline import train_style
    from models.training.preprocess import ChunkSpec, PreprocessError

    paths = list(file or []) + (_library_files(album, tracks) if album or tracks else [])
    if not paths:
        _fail("nothing to train on: give --album NAME, --tracks 1,2 or --file PATH")
    missing = [str(p) for p in paths if not Path(p).is_file()]
    if missing:
        _fail(f"no such audio file(s): {', '.join(missing)}")
    cfg = LoraSettings(rank=rank, alpha=2 * rank, learning_rate=lr, steps=steps, batch_size=batch_size,
                       checkpoint_every=checkpoint_every)
    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("loss {task.fields[loss]}"),
               TimeElapsedColumn())
    with Progress(*columns, console=err_console) as bar:
        task = bar.add_task("training", total=steps, loss="–")
        try:
            run = train_style(paths, name, get_settings(), base=base, style=style, studio=studio,
                              spec=ChunkSpec(seconds=chunk_seconds, min_seconds=min(5.0, chunk_seconds)), cfg=cfg,
                              resume=not fresh, say=lambda msg: bar.console.print(msg),
                              progress=lambda step, total, loss: bar.update(task, completed=step, loss=f"{loss:.3f}"))
        except KeyboardInterrupt:
            bar.stop()
            _fail("interrupted; the last finished step is checkpointed: run the same command again to resume")
        except (MusicGenError, PreprocessError) as err:
            bar.stop()
            _fail(str(err))
    resumed = f", resumed at step {run.resumed_from}" if run.resumed_from else ""
    console.print(f"adapter {run.adapter.name!r} registered at {run.adapter.path}  ({run.clips} clips, "
                  f"{run.adapter.steps} steps{resumed}; loss on a fixed batch {run.loss_before:.3f} → "
                  f"{run.loss_after:.3f})", soft_wrap=True)
