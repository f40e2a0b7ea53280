"""`studio inpaint|extend|upscale|stems|midi|export`: the editing operations from a terminal.

Registered onto the main app by assistant/cli.py; each prints the new take (or file) and the check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from rich.console import Console

from library.repository import TrackNotFound
from library.store import StorePathError
from models.edit.audio import EditError
from models.edit.base import BackendUnavailable
from models.edit.external import ExternalToolError
from models.transcribe import TranscriptionError

_STEM_OPTION = typer.Option(None, help="Keep only these stems (repeatable).")  # list default: module-level
_ERRORS = (EditError, BackendUnavailable, ExternalToolError, TranscriptionError, TrackNotFound, StorePathError)


def register(app: typer.Typer, services: Callable[[], Any], fail: Callable[[str], None], console: Console) -> None:
    def edits() -> Any:
        from assistant.edit_service import EditService

        return EditService(services())

    def exports() -> Any:
        from assistant.export_service import ExportService

        return ExportService(services())

    def show(run: Callable[[], Any]) -> None:
        try:
            out = run()
        except _ERRORS as err:
            fail(f"{err}. Nothing was saved.")
            return
        if out.take.id == out.parent.id:
            console.print(f"track #{out.take.id} already has exact stems: {', '.join(out.stems)}")
            return
        console.print(f"track #{out.take.id}  {out.take.title}  {out.take.duration_s:.2f} s  "
                      f"{out.take.sample_rate} Hz  (from #{out.parent.id}, {out.backend})")
        console.print(f"  {out.notes}", soft_wrap=True)
        if out.quality is not None:
            console.print(f"  check: {out.quality.summary()}", soft_wrap=True)

    @app.command()
    def inpaint(track: int = typer.Argument(..., help="Track id."),
                start: float = typer.Argument(..., help="Region start, seconds."),
                end: float = typer.Argument(..., help="Region end, seconds."),
                prompt: str = typer.Option("", help="What the new part should be (neural/symbolic backends)."),
                snap: bool = typer.Option(False, help="Move the region edges to the nearest beats."),
                backend: str = typer.Option(None, help="symbolic, musicgen, vampnet or offline.")) -> None:
        """Regenerate a region of a take into a new take."""
        show(lambda: edits().inpaint(track, start, end, prompt, snap, backend))

    @app.command()
    def extend(track: int = typer.Argument(..., help="Track id."),
               seconds: float = typer.Argument(10.0, help="How much longer."),
               prompt: str = typer.Option("", help="Steer the continuation."),
               loop: bool = typer.Option(False, help="Seamless loop: the end flows into the start."),
               backend: str = typer.Option(None, help="symbolic, musicgen or offline.")) -> None:
        """Continue a take into a new, longer take."""
        show(lambda: edits().extend(track, seconds, prompt, loop, backend))

    @app.command()
    def upscale(track: int = typer.Argument(..., help="Track id."),
                rate: int = typer.Option(48000, help="Target sample rate."),
                backend: str = typer.Option(None, help="rerender, audiosr, offline or resample.")) -> None:
        """Upscale a take to a higher sample rate (new take)."""
        show(lambda: edits().upscale(track, rate, backend))

    @app.command()
    def stems(track: int = typer.Argument(..., help="Track id."),
              stem: list[str] = _STEM_OPTION,
              backend: str = typer.Option(None, help="exact, demucs or offline.")) -> None:
        """Separate a take into stems (studio takes already have exact ones)."""
        show(lambda: edits().separate(track, stem or None, backend))

    @app.command()
    def midi(track: int = typer.Argument(..., help="Track id.")) -> None:
        """Print the path of the take's MIDI (exact score, or a basic-pitch transcription)."""
        try:
            out = exports().midi(track)
        except _ERRORS as err:
            fail(str(err))
            return
        console.print(f"{out.path}  ({out.notes})", soft_wrap=True)

    @app.command("export")
    def export_(track: int = typer.Argument(..., help="Track id."),
                fmt: str = typer.Option("dawproject", "--format", help="dawproject, reaper or zip (Ableton/FL).")
                ) -> None:
        """Export a take as a DAW project with its stems, MIDI, tempo and comment markers."""
        try:
            out = exports().daw(track, fmt)
        except _ERRORS as err:
            fail(str(err))
            return
        console.print(f"{out.path}  ({out.notes})", soft_wrap=True)
