"""REST routes for MusicGen takes (included by assistant/api.py under /api).

POST /api/generate with engine "musicgen" is answered by `generate_out`; POST /api/neural/continue and
/api/neural/rerender continue a track or re-render it with MusicGen-Melody. Missing weights answer 503
with the fix (STUDIO_MUSICGEN=...), bad input 422; nothing is saved either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from assistant.api_guard import GuardedRoute
from assistant.library_schemas import TrackOut
from assistant.neural_service import MAX_CONTINUE_S, NeuralResult, neural_for
from assistant.services import StudioServices
from library.repository import MAX_ID
from models.musicgen.errors import BackendUnavailable, MusicGenError, WeightsMissing
from studios.base import StudioError

_SLIDERS = ("melody_loyalty", "weirdness", "genre_shift", "structure_consistency")


class Sliders(BaseModel):
    seed: int | None = Field(None, ge=0, lt=2**31)
    variations: int = Field(1, ge=1, le=8)
    melody_loyalty: float | None = Field(None, ge=0, le=1)
    weirdness: float | None = Field(None, ge=0, le=1)
    genre_shift: float | None = Field(None, ge=0, le=1)
    structure_consistency: float | None = Field(None, ge=0, le=1)


class ContinueIn(Sliders):
    track_id: int = Field(..., ge=1, le=MAX_ID)
    seconds: float = Field(10.0, ge=0.5, le=MAX_CONTINUE_S)
    prompt: str | None = Field(None, max_length=2000)


class RerenderIn(Sliders):
    track_id: int = Field(..., ge=1, le=MAX_ID)
    prompt: str | None = Field(None, max_length=2000)


class NeuralOut(BaseModel):
    backend: str
    studio: str
    adapter: str | None
    notes: list[str]
    takes: list[TrackOut]


def _out(result: NeuralResult) -> NeuralOut:
    return NeuralOut(backend=result.backend, studio=result.studio, adapter=result.adapter, notes=result.notes,
                     takes=[TrackOut.of(t) for t in result.takes])


def _call(work: Callable[[], NeuralResult]) -> NeuralResult:
    try:
        return work()
    except (WeightsMissing, BackendUnavailable) as err:  # the server lacks weights/packages: not the caller's fault
        raise HTTPException(503, f"{err}. Nothing was saved.") from err
    except (MusicGenError, StudioError) as err:
        raise HTTPException(422, f"{err}. Nothing was saved.") from err


def _sliders(body: Any) -> dict[str, Any]:
    return {"seed": body.seed, "variations": body.variations, **{k: getattr(body, k) for k in _SLIDERS}}


def generate_out(services: StudioServices, body: Any) -> NeuralResult:
    """POST /api/generate with engine "musicgen" (body: assistant.api.GenerateIn)."""
    return _call(lambda: neural_for(services).generate(body.prompt, studio=body.studio, duration_s=body.duration_s,
                                                       **_sliders(body)))


def build_neural_router(services: StudioServices) -> APIRouter:
    router = APIRouter(prefix="/neural", tags=["musicgen"], route_class=GuardedRoute)

    @router.post("/continue", response_model=NeuralOut)
    def continue_track(body: ContinueIn) -> NeuralOut:
        """A new take = the track + `seconds` of MusicGen continuation (the track's end is the audio prompt)."""
        return _out(_call(lambda: neural_for(services).continue_track(body.track_id, body.seconds,
                                                                      prompt=body.prompt, **_sliders(body))))

    @router.post("/rerender", response_model=NeuralOut)
    def rerender(body: RerenderIn) -> NeuralOut:
        """MusicGen-Melody re-render: the track's melody and form, neural timbre, same duration."""
        return _out(_call(lambda: neural_for(services).rerender(body.track_id, prompt=body.prompt,
                                                                **_sliders(body))))

    return router
