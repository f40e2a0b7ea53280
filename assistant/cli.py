"""`studio` command line: the same services and graph as the chat UI."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.cli_train import train as train_command
from assistant.settings import get_settings
from studios.base import StudioError

app = typer.Typer(help="MusicGen Pro Studio: a local, private AI music studio.", no_args_is_help=True)
app.command(name="train")(train_command)  # MusicGen LoRA styles (assistant/cli_train.py)
console = Console()
err_console = Console(stderr=True)
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _services():  # imported lazily so `studio --help` stays instant
    from assistant.services import StudioServices

    return StudioServices(get_settings())


def _fail(message: str) -> None:
    err_console.print(f"[bold red]Error:[/] {message}")
    raise typer.Exit(2)


@app.command()
def generate(
    prompt: str = typer.Argument(..., help="What to make, e.g. 'chiptune boss battle'."),
    studio: str = typer.Option(None, help="chiptune, cypher, ironclad, bluenote or virtuoso."),
    duration: float = typer.Option(30.0, help="Length in seconds."),
    bpm: float = typer.Option(None, help="Tempo; the studio picks one if omitted."),
    key: str = typer.Option(None, help="Key, e.g. C, F#, Bb, Dm, C#m."),
    seed: int = typer.Option(None, help="Same seed, same music."),
    variations: int = typer.Option(1, help="How many takes."),
    time_signature: str = typer.Option(None, help="Metre, e.g. 4/4 or 3/4 (the word 'waltz' also gives 3/4)."),
    reference: int = typer.Option(None, help="Track id whose score the new take remixes."),
    melody_loyalty: float = typer.Option(None, help="0..1: how much of the reference melody to keep."),
    weirdness: float = typer.Option(None, help="0..1: composing temperature and outside notes (0.3 = as tuned)."),
    genre_shift: float = typer.Option(None, help="0..1: how far the prompt overrides the reference's style."),
    structure_consistency: float = typer.Option(None, help="0..1: 1 = repeated phrases repeat exactly."),
    engine: str = typer.Option("studio", help="studio (symbolic, offline default) or musicgen (your weights)."),
    model: str = typer.Option(None, help="With --engine musicgen: checkpoint folder/id (default STUDIO_MUSICGEN)."),
) -> None:
    """Compose and render new takes into the library; prints their ids and file paths."""
    services = _services()
    if engine not in ("studio", "musicgen"):
        _fail(f"--engine must be studio or musicgen, got {engine!r}")
    if engine == "musicgen":  # assistant/cli_neural.py
        from assistant.cli_neural import generate_neural

        studio_only = {"--bpm": bpm, "--key": key, "--time-signature": time_signature, "--reference": reference}
        return generate_neural(services, _fail, console, prompt, studio_only, studio=studio, duration_s=duration,
                               seed=seed, variations=variations, model=model, melody_loyalty=melody_loyalty,
                               weirdness=weirdness, genre_shift=genre_shift,
                               structure_consistency=structure_consistency)
    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), console=err_console) as bar:
        task = bar.add_task("starting", total=1.0)
        try:
            result = services.generate(
                prompt, studio=studio, duration_s=duration, bpm=bpm, key=key, seed=seed, variations=variations,
                time_signature=time_signature, reference=reference, melody_loyalty=melody_loyalty,
                weirdness=weirdness, genre_shift=genre_shift, structure_consistency=structure_consistency,
                progress=lambda msg, frac: bar.update(task, description=msg, completed=frac),
            )
        except StudioError as err:
            bar.stop()
            _fail(f"{err}. Nothing was saved.")
    for t in result.takes:
        console.print(f"track #{t.id}  {t.title}  {t.duration_s:.1f} s  {t.bpm:g} BPM  {t.key}  "
                      f"({result.studio.name} studio)")
        console.print(f"  file: {services.track_path(t)}", soft_wrap=True)


@app.command()
def ask(
    text: str = typer.Argument(..., help="A chat message, as you would type it in the UI."),
    thread: str = typer.Option("cli", help="Conversation id; reuse it to keep context."),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Run one chat turn headless through the same graph as the UI (answer a pending question with
    `studio ask yes --thread T`)."""
    from assistant.graph.runner import ChatRunner

    result = ChatRunner(_services()).turn(text, thread)
    if as_json:
        console.print_json(json.dumps({"reply": result.reply, "takes": result.takes, "route": result.route,
                                       "pending": result.pending}))
        return
    console.print(result.reply)
    for t in result.takes:
        console.print(f"take: track #{t['id']}  {t['path']}", soft_wrap=True)


@app.command()
def route(
    text: str = typer.Argument(..., help="A chat message."),
    llm: bool = typer.Option(True, "--llm/--no-llm", help="Ask the local LLM when the fast parser is unsure."),
    explain: bool = typer.Option(False, "--explain", help="Also print which path decided and how long it took."),
) -> None:
    """Print the routing decision as JSON {"tool", "args"} without running it."""
    from assistant.graph.router import decide

    d = decide(text, get_settings(), use_llm=llm)
    print(json.dumps(d if explain else {"tool": d["tool"], "args": d["args"]}))


@app.command()
def doctor() -> None:
    """Show each capability, the backend it will use here, and what would upgrade it."""
    from models.registry import capabilities

    s = get_settings()
    table = Table("capability", "uses now", "to upgrade", title="MusicGen Pro Studio — this machine")
    for c in capabilities(s):
        table.add_row(c.name, ("" if c.ready else "[yellow]") + c.backend, c.upgrade)
    console.print(table)
    console.print(f"data dir: {s.data_dir}\ndatabase: {s.db_url}")


@app.command()
def ui(
    host: str = typer.Option(None, help="Bind address (default 127.0.0.1: this machine only)."),
    port: int = typer.Option(None, help="Port (default 8000)."),
    open_browser: bool = typer.Option(True, "--open/--no-open", help="Open a browser tab."),
) -> None:
    """Start the Chainlit chat studio."""
    s = get_settings()
    if (problem := s.exposure_problem(host or s.host)) is not None:  # --host bypasses the settings' own check
        _fail(problem)
    s.ensure_dirs()
    cmd = [sys.executable, "-m", "chainlit", "run", str(PROJECT_ROOT / "assistant" / "ui" / "app.py"),
           "--host", host or s.host, "--port", str(port or s.port)]
    if not open_browser:
        cmd.append("--headless")
    env = {**os.environ, "CHAINLIT_APP_ROOT": str(PROJECT_ROOT)}
    console.print(f"Studio at http://{host or s.host}:{port or s.port}  (data: {s.data_dir})")
    # exec, not a child process: stopping `studio ui` (SIGTERM from a service manager or a test) stops the server
    os.execve(cmd[0], cmd, env)


@app.command()
def serve(
    host: str = typer.Option(None, help="Bind address (default 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default 8000)."),
) -> None:
    """Serve the REST API alone (OpenAPI docs at /docs)."""
    import uvicorn

    from assistant.api import create_app

    s = get_settings()
    if (problem := s.exposure_problem(host or s.host)) is not None:  # --host bypasses the settings' own check
        _fail(problem)
    uvicorn.run(create_app(_services()), host=host or s.host, port=port or s.port)


from assistant.cli_jobs import register as _register_jobs  # noqa: E402  (voice and jobs commands)

_register_jobs(app)

from assistant.cli_edit import register as _register_edit  # noqa: E402  (inpaint, extend, upscale, stems, export)

_register_edit(app, _services, _fail, console)

from assistant.cli_library import register as _register_library  # noqa: E402  (tracks, album, import, similar…)

_register_library(app, _services, _fail, console)


from assistant.cli_neural import register as _register_neural  # noqa: E402  (continue, rerender: MusicGen)

_register_neural(app, _services, _fail, console)

from assistant.cli_backup import register as _register_backup  # noqa: E402  (backup, restore, recover)

_register_backup(app)

from assistant.cli_models import models_app  # noqa: E402  (sub-commands live in their own module)

app.add_typer(models_app, name="models")

if __name__ == "__main__":
    app()
