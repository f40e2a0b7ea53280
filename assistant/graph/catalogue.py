"""The tool catalogue: every chat tool's arguments as ONE typed schema.

The fast parser, the LLM router (its JSON-schema grammar), validation of every route, `studio route` and
bench/routing_eval.py all use these models, so a route can never carry an argument outside its schema —
whatever the user text or track metadata says (prompt injection gets a chat answer, not a tool call).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

CURRENT: Literal["@current"] = "@current"  # "it", "this one", "the last track": the track in focus
_TRACK_TEXT = re.compile(r"^\s*(?:track|take|song|number|no\.?)?\s*#?\s*(\d+)\s*$", re.IGNORECASE)
_CURRENT_WORDS = {"it", "this", "that", "this one", "that one", "current", "the current track", "last",
                  "the last track", "the last one", "current track", "this track", "that track"}


MAX_ID = 2**63 - 1  # SQLite's largest row id
PAST_EVERY_ID = 2**63  # parser.BEYOND: the checkpoint stores it (it cannot store past 64 bits), no track has it


def _bounded(n: int) -> int:
    """An id past 64 bits (from the LLM) reads as ±PAST_EVERY_ID: still 'no track with a number that large'."""
    return n if abs(n) <= MAX_ID else PAST_EVERY_ID if n > 0 else -PAST_EVERY_ID


def _track(value: Any) -> Any:
    """Normalise a track reference to an int id (within 64 bits) or "@current" before type checking."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text == CURRENT or text in _CURRENT_WORDS:
            return CURRENT
        m = _TRACK_TEXT.match(text)
        if not m:
            return value
        return PAST_EVERY_ID if len(m[1].lstrip("0")) > 19 else _bounded(int(m[1]))  # int() fails past 4300 digits
    if isinstance(value, float) and value.is_integer():
        return _bounded(int(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return _bounded(value)
    return value


def _tracks(value: Any) -> Any:
    return value if isinstance(value, list) else [value]


TrackRef = Annotated[int | Literal["@current"], BeforeValidator(_track)]
TrackList = Annotated[list[TrackRef], BeforeValidator(_tracks), Field(min_length=1, max_length=500)]
Text = Annotated[str, Field(max_length=500)]
Name = Annotated[str, Field(min_length=1, max_length=80)]
StudioId = Literal["chiptune", "cypher", "ironclad", "bluenote", "virtuoso"]
Key = Annotated[str, Field(pattern=r"^[A-G][#b]?m?$")]


class Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Generate(Args):
    """Compose new takes; with track set, a variation of that track (its prompt/studio/tempo/key kept)."""

    prompt: Text | None = None
    studio: StudioId | None = None
    duration_s: float | None = None
    bpm: float | None = None
    key: Key | None = None
    variations: int | None = None
    seed: int | None = None
    track: TrackRef | None = None  # "make it faster", "same but in D minor": based on this track
    tempo: Literal["faster", "slower"] | None = None
    # Remix controls (optional; the studios read what they support).
    melody_loyalty: float | None = Field(None, ge=0, le=1)
    weirdness: float | None = Field(None, ge=0, le=1)
    genre_shift: float | None = Field(None, ge=0, le=1)
    structure_consistency: float | None = Field(None, ge=0, le=1)
    time_signature: Annotated[str, Field(pattern=r"^\d{1,2}/\d{1,2}$")] | None = None
    reference: TrackRef | None = None
    engine: Literal["studio", "musicgen"] | None = None  # musicgen: the user's MusicGen weights (tools/neural.py)
    style_ref: TrackRef | bool | None = None  # learn tempo/key/mood from the library: true = the prompt's nearest


class SelectStudio(Args):
    studio: Name


class Empty(Args):
    pass


class EnhancePrompt(Args):
    prompt: Text
    studio: StudioId | None = None


class FindSimilar(Args):
    track: TrackRef | None = None
    query: Text | None = None
    k: int | None = Field(None, ge=1, le=50)

    @model_validator(mode="after")
    def _one_of(self) -> FindSimilar:
        if (self.track is None) == (self.query is None):
            raise ValueError("give exactly one of track or query")
        return self


class TrackOnly(Args):
    track: TrackRef = CURRENT


Backend = Annotated[str, Field(pattern=r"^[\w-]{1,30}$")]


class Inpaint(TrackOnly):
    start_s: float = Field(ge=0)
    end_s: float = Field(gt=0)
    prompt: Text | None = None
    snap: bool | None = None  # snap the region to bar lines
    backend: Backend | None = None


class Extend(TrackOnly):
    seconds: float | None = None
    prompt: Text | None = None
    loop: bool | None = None  # a seamless loop instead of a continuation
    backend: Backend | None = None


class Upscale(TrackOnly):
    sample_rate: int | None = None


class SeparateStems(TrackOnly):
    stems: list[Literal["drums", "bass", "vocals", "other", "melody", "chords", "lead"]] | None = None


def _daw_format(value: Any) -> Any:
    from assistant.export_service import ALIASES  # lazy: the export stack is not needed to route

    return ALIASES.get(value.strip().lower(), value.strip().lower()) if isinstance(value, str) else value


class ExportDaw(TrackOnly):
    format: Annotated[Literal["dawproject", "reaper", "zip"], BeforeValidator(_daw_format)] | None = None


class Trash(Args):
    track: TrackRef | None = None
    tracks: TrackList | None = None

    @model_validator(mode="after")
    def _one_of(self) -> Trash:
        if (self.track is None) == (self.tracks is None):
            raise ValueError("give exactly one of track or tracks")
        return self


class CreateAlbum(Args):
    name: Name


class AddToAlbum(Args):
    tracks: TrackList = Field(default_factory=lambda: [CURRENT])  # type: ignore[arg-type]
    album: Name


class Comment(TrackOnly):
    at_s: float | None = Field(None, ge=0)
    text: Text


class TrackFilters(Args):
    studio: StudioId | None = None
    favorites: bool | None = None
    disliked: bool | None = None
    trashed: bool | None = None
    album: Name | None = None
    key: Key | None = None
    min_bpm: float | None = None
    max_bpm: float | None = None


class ListTracks(Args):
    filters: TrackFilters = Field(default_factory=TrackFilters)


SCHEDULABLE = Literal["generate", "pipeline", "reindex", "watch", "list_tracks"]  # assistant/jobs/kinds.py


class Schedule(Args):
    job: SCHEDULABLE
    cron: Annotated[str, Field(pattern=r"^[\d*/,\- ]{9,60}$")] | None = None  # 5-field crontab
    when: Text | None = None  # "tonight at 2am", "in 10 minutes"
    args: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _checked(self) -> Schedule:
        if (self.cron is None) == (self.when is None):
            raise ValueError("give exactly one of cron or when")
        # A scheduled tool's own arguments obey that tool's schema too (other job kinds check theirs).
        if self.job in SPECS:
            self.args = SPECS[self.job].model.model_validate(self.args).model_dump(exclude_none=True)
        return self


class CancelJob(Args):
    job: Annotated[str, Field(pattern=r"^(all|\d{1,9}|[\w-]{1,40})$")]


class TrainLora(Args):
    album: Name | None = None
    tracks: TrackList | None = None
    name: Name

    @model_validator(mode="after")
    def _one_of(self) -> TrainLora:
        if (self.album is None) == (self.tracks is None):
            raise ValueError("give exactly one of album or tracks")
        return self


class Chat(Args):
    text: Annotated[str, Field(max_length=4000)] = ""


class ToolSpec(BaseModel):
    name: str
    model: type[Args]
    summary: str  # one line for the LLM's compact tool list


def _spec(name: str, model: type[Args], summary: str) -> tuple[str, ToolSpec]:
    return name, ToolSpec(name=name, model=model, summary=summary)


SPECS: dict[str, ToolSpec] = dict([
    _spec("generate", Generate, "make new music; track=@current + changes for a variation of the focused track"),
    _spec("select_studio", SelectStudio, "switch the active studio"),
    _spec("current_studio", Empty, "say which studio is active"),
    _spec("enhance_prompt", EnhancePrompt, "rewrite a music prompt in richer musical terms, no audio"),
    _spec("find_similar", FindSimilar, "tracks that sound like a track or a text query"),
    _spec("inpaint", Inpaint, "regenerate a time region of a track"),
    _spec("extend", Extend, "make a track longer by seconds"),
    _spec("upscale", Upscale, "raise a track's audio quality / sample rate"),
    _spec("separate_stems", SeparateStems, "split a track into stems"),
    _spec("export_midi", TrackOnly, "export a track as MIDI"),
    _spec("export_daw", ExportDaw, "export a track as a DAW project"),
    _spec("favorite", TrackOnly, "mark a track favourite / like it"),
    _spec("dislike", TrackOnly, "mark a track disliked"),
    _spec("trash", Trash, "delete (move to trash) one track or tracks"),
    _spec("restore", TrackOnly, "restore a trashed track"),
    _spec("create_album", CreateAlbum, "create an empty album"),
    _spec("add_to_album", AddToAlbum, "put tracks into an album"),
    _spec("comment", Comment, "attach a note to a track, optionally at a time"),
    _spec("list_tracks", ListTracks, "show the library, optionally filtered"),
    _spec("schedule", Schedule, "run a job once later (when: the user's words) or repeatedly (cron)"),
    _spec("list_jobs", Empty, "show scheduled jobs"),
    _spec("cancel_job", CancelJob, "cancel a scheduled job (or all)"),
    _spec("train_lora", TrainLora, "train a style adapter on an album or tracks"),
    _spec("reindex", Empty, "rebuild the similarity search index"),
    _spec("chat", Chat, "conversation, questions, anything else"),
])
FREE_TEXT_ARGS = frozenset({"prompt", "text", "query", "when"})  # wording varies; the eval checks presence


class RouteError(ValueError):
    """A route whose tool or arguments are outside the catalogue."""


def validate_route(tool: str, args: dict[str, Any] | None) -> dict[str, Any]:
    """{"tool", "args"} checked against the catalogue, normalised (None values dropped)."""
    spec = SPECS.get(tool)
    if spec is None:
        raise RouteError(f"unknown tool {tool!r}")
    try:
        model = spec.model.model_validate(args or {})
    except ValidationError as err:
        raise RouteError(f"{tool}: {err.errors()[0]['msg']}") from err
    return {"tool": tool, "args": model.model_dump(exclude_none=True)}


def safe_route(tool: str, args: dict[str, Any] | None, text: str) -> dict[str, Any]:
    """validate_route, or a chat route for text when the route does not fit its schema."""
    try:
        return validate_route(tool, args)
    except RouteError:
        return {"tool": "chat", "args": {"text": text[:4000]}}
