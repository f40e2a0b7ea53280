"""The one settings object. Precedence: explicit args > STUDIO_* env vars > .env > studio.toml > defaults.

The data dir holds everything a user would hate to lose (database, audio, thread history), so it
defaults to a per-user folder rather than wherever the command happens to run.
"""

from __future__ import annotations

import ipaddress
import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "musicgen-pro-studio"


def is_loopback(host: str) -> bool:
    if host.strip().lower() in ("localhost", ""):
        return host.strip() != ""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name other than localhost: it may resolve to anything
        return False


class StudioSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STUDIO_", env_file=".env", extra="ignore", toml_file="studio.toml"
    )

    data_dir: Path = Field(default_factory=_default_data_dir, description="Database, audio, threads.")
    database_url: str = Field("", description="SQLAlchemy URL; empty means SQLite inside data_dir.")
    host: str = Field("127.0.0.1", description="UI/API bind address; loopback unless you mean it.")
    port: int = Field(8000, ge=1, le=65535)
    ui_password: str | None = Field(None, description="Password for the chat UI login; unset = no login.")
    api_token: str | None = Field(None, description="Bearer token the REST API requires; unset = the UI password "
                                  "when one is set, else no token (loopback only).")
    sample_rate: int = Field(44100, description="Sample rate of studio renders.")
    default_studio: str = "chiptune"
    models_dir: Path | None = Field(None, description="Where model weights live; default data_dir/models.")
    llm_gguf: Path | None = Field(None, description="A chat GGUF for the orchestrator (llama.cpp).")
    musicgen: str | None = Field(None, description="Local MusicGen folder or HF-cache model id.")
    whisper: Path | None = Field(None, description="A faster-whisper model folder or openai-whisper .pt.")
    whisper_shipped: Literal["tiny.en", "base"] = Field(
        "tiny.en", description="Shipped Whisper when STUDIO_WHISPER is unset: tiny.en (a 3 s command in ~0.6 s "
        "on 2 cores) or base (~1.5 s, a few more commands understood).")
    demucs_repo: Path | None = Field(None, description="Local Demucs model repo (<sig>-<sha8>.th files).")
    soundfont: Path | None = Field(None, description="A GM .sf2 soundfont better than the bundled one.")
    demucs_model: str = Field("htdemucs", description="Which model of the Demucs repo separates stems.")
    audiosr: str | None = Field(None, description="AudioSR's `audiosr` command in its own environment.")
    vampnet: str | None = Field(None, description="Command running models/edit/vampnet_runner.py in VampNet's env.")
    text_embedder: Path | None = Field(None, description="sentence-transformers folder; default: shipped MiniLM.")
    clap_model: Path | None = Field(None, description="Local CLAP folder (ClapModel) for audio-text search.")
    ray_address: str = Field("", description="Ray cluster for batch jobs: '' = a local Ray on this machine, "
                             "'auto' = the running cluster, 'ray://HEAD:10001' = a remote head (Ray Client).")

    @field_validator("data_dir", "models_dir", "llm_gguf", "whisper", "demucs_repo", "soundfont",
                     "text_embedder", "clap_model")
    @classmethod
    def _expand(cls, v: Path | None) -> Path | None:
        return v.expanduser().resolve() if v is not None else None

    @model_validator(mode="after")
    def _exposed_needs_auth(self) -> StudioSettings:
        if (problem := self.exposure_problem(self.host)) is not None:
            raise ValueError(problem)
        return self

    @property
    def rest_token(self) -> str | None:
        """What REST clients send as `Authorization: Bearer …`: the API token, else the chat password."""
        return self.api_token or self.ui_password or None

    def exposure_problem(self, host: str) -> str | None:
        """Why binding host would be unsafe (reachable from other machines with no login), or None."""
        if is_loopback(host) or self.rest_token:
            return None
        return (f"binding {host!r} makes the studio reachable from other machines, but no login is set: set "
                "STUDIO_API_TOKEN (REST) and STUDIO_UI_PASSWORD (chat), or keep STUDIO_HOST=127.0.0.1")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, dotenv_settings, TomlConfigSettingsSource(settings_cls))

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'library.sqlite'}"

    @property
    def audio_dir(self) -> Path:
        return self.data_dir / "audio"

    @property
    def threads_db(self) -> Path:
        return self.data_dir / "threads.sqlite"

    @property
    def model_dir(self) -> Path:
        return self.models_dir or self.data_dir / "models"

    def ensure_dirs(self) -> None:
        from library.backup import finish_interrupted_restore  # a restore cut short is completed first

        finish_interrupted_restore(self.data_dir)
        for d in (self.data_dir, self.audio_dir, self.model_dir):
            d.mkdir(parents=True, exist_ok=True)


def settings_problem(err: ValidationError) -> str:
    """A settings error as one line per problem, naming the STUDIO_* variable (no pydantic traceback)."""
    lines = []
    for e in err.errors():
        name = ".".join(str(x) for x in e["loc"])
        msg = str(e["msg"]).removeprefix("Value error, ")
        lines.append(f"STUDIO_{name.upper()}: {msg}" if name else msg)
    return "studio settings: " + "; ".join(lines)


@lru_cache(maxsize=1)
def get_settings() -> StudioSettings:
    try:
        return StudioSettings()
    except ValidationError as err:  # a bad STUDIO_* variable, .env or studio.toml: say which, then stop
        raise SystemExit(settings_problem(err)) from None
