"""REST routes for scheduled jobs, runs (the shared queue) and voice commands (/api/jobs, /api/voice)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.api_guard import GuardedRoute, RowId
from assistant.jobs.context import JobError
from assistant.jobs.phrases import When
from assistant.jobs.queue import QueueFull, RetryPolicy
from assistant.jobs.runtime import ScheduleView, runtime_for
from assistant.jobs.store import JobNotFound
from assistant.services import StudioServices
from library.repository import MAX_ID

MAX_VOICE_BYTES = 20 * 1024 * 1024
VOICE_LIMIT = f"send 1 byte to {MAX_VOICE_BYTES // 2**20} MB of audio (a spoken command is seconds long)"


class VoiceRoute(GuardedRoute):
    """/api/voice takes audio, so its limit is MAX_VOICE_BYTES, refused before more than that is read."""

    body_limit = MAX_VOICE_BYTES

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def voice_sized(request: Request) -> Response:
            try:
                return await handler(request)
            except HTTPException as err:  # the generic 413 speaks of paths and track ids
                if err.status_code == 413:
                    raise HTTPException(413, VOICE_LIMIT) from None
                raise

        return voice_sized


class ScheduleIn(BaseModel):
    text: str | None = Field(None, max_length=500, examples=["every night at 2am generate five chiptune tracks"])
    job: str | None = Field(None, examples=["reindex"])
    cron: str | None = Field(None, max_length=60, examples=["0 2 * * *"])
    at: datetime | None = None
    args: dict[str, Any] = Field(default_factory=dict)
    retries: int = Field(1, ge=0, le=10)
    retry_delay_s: float = Field(60.0, ge=0, le=86400)


class RunIn(BaseModel):
    kind: str = Field(..., examples=["pipeline"])
    args: dict[str, Any] = Field(default_factory=dict)
    retries: int = Field(0, ge=0, le=10)


class RunOut(BaseModel):
    """A run as the queue records it (read from RunView's attributes)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    schedule_id: int | None
    kind: str
    status: str
    attempt: int
    progress: float
    message: str
    error: str
    takes: list[int]
    duration_s: float | None
    source: str


class ScheduleOut(BaseModel):
    """A scheduled job with its next fire and last run (read from ScheduleView's attributes)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    args: dict[str, Any]
    trigger: str
    description: str
    state: str
    next_run: datetime | None
    last_run: RunOut | None


class VoiceOut(BaseModel):
    heard: str  # as decoded
    text: str  # normalised for the router
    seconds: float
    reply: str | None = None
    route: dict[str, Any] | None = None


@contextmanager
def _http_errors() -> Iterator[None]:
    try:
        yield
    except JobNotFound as err:
        raise HTTPException(404, str(err)) from err
    except (JobError, QueueFull) as err:
        raise HTTPException(422, str(err)) from err


def build_jobs_router(services: StudioServices) -> APIRouter:
    router = APIRouter(tags=["jobs"], route_class=GuardedRoute)  # included routes keep their own route class

    def rt() -> Any:
        return runtime_for(services)

    @router.get("/jobs", response_model=list[ScheduleOut])
    def list_schedules(all: bool = False) -> list[ScheduleOut]:  # noqa: A002 (the query parameter's name)
        return [ScheduleOut.model_validate(s) for s in rt().schedules(all)]

    @router.post("/jobs", response_model=ScheduleOut, status_code=201,
                 summary="Schedule in plain language (text) or by job + cron/at")
    def create_schedule(body: ScheduleIn) -> ScheduleOut:
        policy = RetryPolicy(body.retries, body.retry_delay_s)
        with _http_errors():
            if body.text:
                return ScheduleOut.model_validate(rt().schedule_text(body.text, policy))
            if not body.job or (body.cron is None) == (body.at is None):
                raise JobError("give text, or job with exactly one of cron and at")
            return ScheduleOut.model_validate(rt().schedule(body.job, body.args, When(body.cron, body.at),
                                                f"{body.job} {body.cron or body.at}", policy))

    def change(action: Callable[[int], ScheduleView], schedule_id: int) -> ScheduleOut:
        with _http_errors():
            return ScheduleOut.model_validate(action(schedule_id))

    @router.post("/jobs/{schedule_id}/pause", response_model=ScheduleOut)
    def pause(schedule_id: RowId) -> ScheduleOut:
        return change(rt().pause, schedule_id)

    @router.post("/jobs/{schedule_id}/resume", response_model=ScheduleOut)
    def resume(schedule_id: RowId) -> ScheduleOut:
        return change(rt().resume, schedule_id)

    @router.delete("/jobs/{schedule_id}", response_model=ScheduleOut)
    def cancel(schedule_id: RowId) -> ScheduleOut:
        return change(rt().cancel, schedule_id)

    @router.get("/runs", response_model=list[RunOut])
    def list_runs(job: int | None = Query(None, ge=1, le=MAX_ID), limit: int = Query(20, ge=1, le=500)) -> list[RunOut]:
        return [RunOut.model_validate(r) for r in rt().store.runs(job, limit)]

    @router.post("/runs", response_model=RunOut, status_code=202, summary="Queue a job now (poll GET /runs/{id})")
    def queue_run(body: RunIn) -> RunOut:
        with _http_errors():
            run_id = rt().run_now(body.kind, body.args, "rest", RetryPolicy(body.retries, 30.0))
            return RunOut.model_validate(rt().store.run(run_id))

    @router.get("/runs/{run_id}", response_model=RunOut)
    def get_run(run_id: RowId) -> RunOut:
        with _http_errors():
            return RunOut.model_validate(rt().store.run(run_id))

    @router.post("/runs/{run_id}/cancel", response_model=RunOut)
    def cancel_run(run_id: RowId) -> RunOut:
        with _http_errors():
            return RunOut.model_validate(rt().queue.cancel(run_id))

    voice_router = APIRouter(tags=["jobs"], route_class=VoiceRoute)

    @voice_router.post("/voice", response_model=VoiceOut,
                       summary="A spoken command: audio file bytes, or raw int16 PCM with ?rate=24000")
    async def voice(request: Request, rate: int | None = Query(None, ge=8000, le=96000), run: bool = False,
                    thread: str = "rest-voice") -> VoiceOut:
        return _voice(services, await request.body(), rate, run, thread)

    router.include_router(voice_router)
    return router


def _voice(services: StudioServices, body: bytes, rate: int | None, run: bool, thread: str) -> VoiceOut:
    import tempfile
    from pathlib import Path

    from models.asr import ASRError, load_audio, normalise_transcript, pcm16_to_float, transcribe

    if not body or len(body) > MAX_VOICE_BYTES:
        raise HTTPException(413 if body else 422, VOICE_LIMIT)
    try:
        if rate is not None:
            audio = pcm16_to_float(body, rate)
        else:
            with tempfile.NamedTemporaryFile(suffix=".audio") as f:
                f.write(body)
                f.flush()
                audio = load_audio(Path(f.name))
        heard = transcribe(audio, services.settings)
    except ASRError as err:
        raise HTTPException(422, str(err)) from err
    out = VoiceOut(heard=heard.text, text=normalise_transcript(heard.text), seconds=heard.seconds)
    if run and out.text:
        from assistant.graph.runner import ChatRunner

        turn = ChatRunner(services).turn(out.text, thread)
        out.reply, out.route = turn.reply, turn.route
    return out
