"""`studio generate --engine musicgen`, `studio continue` and `studio rerender`: MusicGen takes from the CLI."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

err_console = Console(stderr=True)
SLIDER_HELP = "0..1 remix slider (see `studio generate --help`)."


@contextmanager
def _bar(fail: Callable[[str], None]) -> Iterator[Callable[[str, float], None]]:
    """A Rich progress bar; MusicGen/studio errors end the command with their fix and 'Nothing was saved'."""
    from models.musicgen.errors import MusicGenError
    from studios.base import StudioError

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err_console) as bar:
        task = bar.add_task("loading MusicGen", total=1.0)
        try:
            yield lambda msg, frac: bar.update(task, description=msg, completed=frac)
        except (MusicGenError, StudioError) as err:
            bar.stop()
            fail(f"{err}. Nothing was saved.")


def print_result(result: Any, services: Any, console: Console) -> None:
    for t in result.takes:
        origin = f", from track #{t.parent_id}" if t.parent_id else ""
        console.print(f"track #{t.id}  {t.title}  {t.duration_s:.1f} s  ({result.backend}, {t.operation}{origin})")
        console.print(f"  file: {services.track_path(t)}", soft_wrap=True)
    for note in result.notes:
        console.print(f"  {note}", soft_wrap=True)


def generate_neural(services: Any, fail: Callable[[str], None], console: Console, prompt: str,
                    studio_only: dict[str, Any], **kwargs: Any) -> None:
    """The generate command's musicgen engine (called from assistant/cli.py)."""
    from assistant.neural_service import neural_for

    given = [name for name, value in studio_only.items() if value is not None]
    if given:  # MusicGen takes no symbolic controls: say so rather than ignore them
        fail(f"{', '.join(given)} only apply to --engine studio; for MusicGen describe tempo/key in the prompt, "
             f"or re-render a studio take with `studio rerender TRACK`")
    with _bar(fail) as progress:
        result = neural_for(services).generate(prompt, progress=progress, **kwargs)
    print_result(result, services, console)


def register(app: typer.Typer, services: Callable[[], Any], fail: Callable[[str], None], console: Console) -> None:
    from assistant.neural_service import neural_for

    @app.command(name="continue")
    def continue_(
        track: int = typer.Argument(..., help="Track id to continue."),
        seconds: float = typer.Option(10.0, help="Seconds of new music after the track's end."),
        prompt: str = typer.Option(None, help="Text for the continuation (default: the track's prompt)."),
        seed: int = typer.Option(None), variations: int = typer.Option(1),
        model: str = typer.Option(None, help="MusicGen folder or cached id (default STUDIO_MUSICGEN)."),
        weirdness: float = typer.Option(None, help=SLIDER_HELP),
        genre_shift: float = typer.Option(None, help=SLIDER_HELP),
        structure_consistency: float = typer.Option(None, help=SLIDER_HELP),
    ) -> None:
        """Continue a track with MusicGen: a new take = the track + N seconds (the original is kept)."""
        s = services()
        with _bar(fail) as progress:
            result = neural_for(s).continue_track(track, seconds, prompt=prompt, seed=seed, variations=variations,
                                                  model=model, progress=progress, weirdness=weirdness,
                                                  genre_shift=genre_shift,
                                                  structure_consistency=structure_consistency)
        print_result(result, s, console)

    @app.command()
    def rerender(
        track: int = typer.Argument(..., help="Track id (e.g. a studio take) whose melody and form to keep."),
        prompt: str = typer.Option(None, help="Timbre/style words (default: the track's prompt)."),
        seed: int = typer.Option(None), variations: int = typer.Option(1),
        model: str = typer.Option(None, help="MusicGen-Melody folder or cached id (default STUDIO_MUSICGEN)."),
        melody_loyalty: float = typer.Option(None, help=SLIDER_HELP + " Default 0.9."),
        weirdness: float = typer.Option(None, help=SLIDER_HELP),
        genre_shift: float = typer.Option(None, help=SLIDER_HELP),
        structure_consistency: float = typer.Option(None, help=SLIDER_HELP),
    ) -> None:
        """Neural re-render: MusicGen-Melody plays the track's exact structure with new timbre."""
        s = services()
        with _bar(fail) as progress:
            result = neural_for(s).rerender(track, prompt=prompt, seed=seed, variations=variations, model=model,
                                            progress=progress, melody_loyalty=melody_loyalty, weirdness=weirdness,
                                            genre_shift=genre_shift, structure_consistency=structure_consistency)
        print_result(result, s, console)
