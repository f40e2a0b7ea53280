"""REST API (FastAPI), mounted on the Chainlit server and served alone by `studio serve`.

Track audio has stable URLs here, so players in resumed chats keep working after a restart.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from pydantic import BaseModel, Field

from assistant.api_auth import api_guard
from assistant.api_guard import GuardedRoute
from assistant.api_library import build_library_router
from assistant.jobs.heavy import HeavyBusy
from assistant.jobs.store import RunStore
from assistant.library_schemas import TrackOut, audio_url  # noqa: F401 (audio_url: re-exported for the UI)
from assistant.services import StudioServices
from library.recovery import recover
from studios.base import MAX_DURATION_S, MAX_VARIATIONS, StudioError


class StudioOut(BaseModel):
    id: str
    name: str
    genre: str


class SelectIn(BaseModel):
    studio: str = Field(..., examples=["chiptune"])


class GenerateIn(BaseModel):
    prompt: str = Field("", max_length=2000, examples=["chiptune boss battle"])
    studio: str | None = None
    duration_s: float = Field(30.0, gt=0, le=MAX_DURATION_S)
    bpm: float | None = None
    key: str | None = Field(None, max_length=8)
    seed: int | None = Field(None, ge=0, lt=2**31)
    variations: int = Field(1, ge=1, le=MAX_VARIATIONS)
    time_signature: str | None = Field(None, max_length=5, examples=["3/4"])
    reference: int | None = Field(None, ge=1, description="track id whose score this take remixes")
    melody_loyalty: float | None = Field(None, ge=0, le=1)
    weirdness: float | None = Field(None, ge=0, le=1)
    genre_shift: float | None = Field(None, ge=0, le=1)
    structure_consistency: float | None = Field(None, ge=0, le=1)
    engine: Literal["studio", "musicgen"] = Field("studio", description="musicgen: the server's MusicGen weights")


class GenerateOut(BaseModel):
    studio: StudioOut
    reason: str
    takes: list[TrackOut]


def build_router(services: StudioServices) -> APIRouter:
    # Left-overs of a crashed process (unfiled takes, temp files) go before the API serves anything.
    recover(services.db, services.store, check_db=False)
    RunStore(services.db).fail_orphans()  # and runs a dead process left 'running' are marked failed
    # Every route needs the token when a login is configured (assistant/api_auth.py).
    # GuardedRoute: body-size limit and 422s that always serialise (assistant/api_guard.py).
    router = APIRouter(prefix="/api", dependencies=[Depends(api_guard(services.settings))], route_class=GuardedRoute)

    # Library and similar-track routes (tracks, albums, comments, batch, audio with ranges, /api/rag).
    router.include_router(build_library_router(services))

    @router.get("/studio/current", tags=["studio"], response_model=StudioOut)
    def current_studio() -> StudioOut:
        info = services.studios.info(services.studios.current_id)
        return StudioOut(id=info.id, name=info.name, genre=info.genre)

    @router.post("/studio/select", tags=["studio"], response_model=StudioOut)
    def select_studio(body: SelectIn) -> StudioOut:
        try:
            info = services.studios.select(body.studio)
        except StudioError as err:
            raise HTTPException(422, str(err)) from err
        return StudioOut(id=info.id, name=info.name, genre=info.genre)

    @router.post("/generate", tags=["studio"], response_model=GenerateOut)
    def generate(body: GenerateIn) -> GenerateOut:
        """Compose through the active (or named, or prompt-matched) studio and return the new takes."""
        if body.engine == "musicgen":  # assistant/api_neural.py
            from assistant.api_neural import generate_out

            neural = generate_out(services, body)
            info = services.studios.info(neural.studio)
            return GenerateOut(studio=StudioOut(id=info.id, name=info.name, genre=info.genre),
                               reason="; ".join(neural.notes), takes=[TrackOut.of(t) for t in neural.takes])
        try:
            result = services.generate(body.prompt, studio=body.studio, duration_s=body.duration_s,
                                       bpm=body.bpm, key=body.key, seed=body.seed, variations=body.variations,
                                       time_signature=body.time_signature, reference=body.reference,
                                       melody_loyalty=body.melody_loyalty, weirdness=body.weirdness,
                                       genre_shift=body.genre_shift, structure_consistency=body.structure_consistency)
        except HeavyBusy as err:  # another render held the one heavy slot for the whole wait
            raise HTTPException(503, f"{err}. Nothing was saved.", headers={"Retry-After": "30"}) from err
        except StudioError as err:
            raise HTTPException(422, f"{err}. Nothing was saved.") from err
        info = result.studio
        return GenerateOut(studio=StudioOut(id=info.id, name=info.name, genre=info.genre),
                           reason=result.studio_reason, takes=[TrackOut.of(t) for t in result.takes])

    from assistant.api_edit import build_edit_router  # editing routes: in-paint, extend, upscale, stems, export

    router.include_router(build_edit_router(services))
    from assistant.api_agents import build_agents_router  # the Prompt Agent: POST /api/agents/enhance-prompt

    router.include_router(build_agents_router(services))
    from assistant.api_jobs import build_jobs_router  # scheduled jobs, runs (the queue), voice commands

    router.include_router(build_jobs_router(services))
    from assistant.api_neural import build_neural_router  # MusicGen: POST /api/neural/continue, /rerender

    router.include_router(build_neural_router(services))
    return router


def create_app(services: StudioServices) -> FastAPI:
    app = FastAPI(title="MusicGen Pro Studio", version="0.1.0",
                  description="Local music studio: generate, keep and find your tracks.")
    app.include_router(build_router(services))
    return app


def mount_first(app: FastAPI, router: APIRouter) -> None:
    """Include router ahead of existing routes: Chainlit ends with a catch-all GET that would shadow it."""
    before = len(app.router.routes)
    app.include_router(router)
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added
