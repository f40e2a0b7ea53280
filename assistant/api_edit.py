"""REST routes for the editing operations (included by assistant/api.py under /api).

POST /tracks/{id}/inpaint|extend|upscale|stems make a new take and return it with the backend used and
the seam/loudness check; GET /tracks/{id}/midi and POST /tracks/{id}/export return files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from assistant.api import TrackOut
from assistant.api_guard import GuardedRoute, RowId
from assistant.services import StudioServices
from library.repository import TrackNotFound
from library.store import StorePathError
from models.edit.audio import EditError
from models.edit.base import BackendUnavailable
from models.edit.extend import MAX_EXTEND_S
from models.edit.external import ExternalToolError
from models.transcribe import TranscriptionError


class InpaintIn(BaseModel):
    start_s: float = Field(..., ge=0, examples=[4.0])
    end_s: float = Field(..., gt=0, examples=[8.0])
    prompt: str = Field("", max_length=2000)
    snap: bool = False
    backend: str | None = Field(None, examples=["offline"])


class ExtendIn(BaseModel):
    seconds: float = Field(10.0, gt=0, le=MAX_EXTEND_S)
    prompt: str = Field("", max_length=2000)
    loop: bool = False
    backend: str | None = None


class UpscaleIn(BaseModel):
    sample_rate: int = Field(48000, examples=[48000])
    backend: str | None = None


class StemsIn(BaseModel):
    stems: list[str] | None = Field(None, max_length=8)
    backend: str | None = None


class ExportIn(BaseModel):
    format: str = Field("dawproject", examples=["dawproject", "reaper", "zip"])


class EditOut(BaseModel):
    take: TrackOut
    parent_id: int
    backend: str
    notes: str
    quality: str | None


def _guard(work: Callable[[], Any]) -> Any:
    try:
        return work()
    except TrackNotFound as err:
        raise HTTPException(404, str(err)) from err
    except (EditError, BackendUnavailable, StorePathError) as err:
        raise HTTPException(422, f"{err}. Nothing was saved.") from err
    except (ExternalToolError, TranscriptionError) as err:
        raise HTTPException(502, str(err)) from err


def build_edit_router(services: StudioServices) -> APIRouter:
    from assistant.edit_service import EditOutcome, EditService
    from assistant.export_service import ExportService

    router = APIRouter(tags=["editing"], route_class=GuardedRoute)
    edits, exports = EditService(services), ExportService(services)

    def out(o: EditOutcome) -> EditOut:
        return EditOut(take=TrackOut.of(o.take), parent_id=o.parent.id, backend=o.backend, notes=o.notes,
                       quality=o.quality.summary() if o.quality else None)

    @router.post("/tracks/{track_id}/inpaint", response_model=EditOut)
    def inpaint(track_id: RowId, body: InpaintIn) -> EditOut:
        return _guard(lambda: out(edits.inpaint(track_id, body.start_s, body.end_s, body.prompt, body.snap,
                                                body.backend)))

    @router.post("/tracks/{track_id}/extend", response_model=EditOut)
    def extend(track_id: RowId, body: ExtendIn) -> EditOut:
        return _guard(lambda: out(edits.extend(track_id, body.seconds, body.prompt, body.loop, body.backend)))

    @router.post("/tracks/{track_id}/upscale", response_model=EditOut)
    def upscale(track_id: RowId, body: UpscaleIn) -> EditOut:
        return _guard(lambda: out(edits.upscale(track_id, body.sample_rate, body.backend)))

    @router.post("/tracks/{track_id}/stems", response_model=EditOut)
    def stems(track_id: RowId, body: StemsIn) -> EditOut:
        return _guard(lambda: out(edits.separate(track_id, body.stems, body.backend)))

    @router.get("/tracks/{track_id}/midi", summary="The take's MIDI (exact score or basic-pitch transcription)")
    def midi(track_id: RowId) -> FileResponse:
        o = _guard(lambda: exports.midi(track_id))
        return FileResponse(o.path, media_type="audio/midi", filename=f"track-{track_id}.mid")

    @router.post("/tracks/{track_id}/export", summary="A DAW project (dawproject, reaper) or a stems+MIDI zip")
    def export(track_id: RowId, body: ExportIn) -> FileResponse:
        o = _guard(lambda: exports.daw(track_id, body.format))
        return FileResponse(o.path, media_type="application/zip", filename=o.path.name)

    return router
