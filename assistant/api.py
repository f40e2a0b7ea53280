"""REST routes shared by the Chainlit server and `studio serve`: stable track URLs that outlive sessions."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.responses import FileResponse

from assistant.services import StudioServices
from library.repository import TrackNotFound
from library.store import StorePathError


def build_router(services: StudioServices) -> APIRouter:
    router = APIRouter(prefix="/studio", tags=["library"])

    @router.get("/tracks/{track_id}/audio", summary="Download or stream a track (HTTP range supported)")
    def track_audio(track_id: int) -> FileResponse:
        try:
            track = services.get_track(track_id)
            path = services.track_path(track)
        except (TrackNotFound, StorePathError) as err:
            raise HTTPException(404, str(err)) from err
        if not path.exists():
            raise HTTPException(404, f"the audio file of track #{track_id} is missing from the data dir")
        return FileResponse(path, media_type="audio/wav", filename=f"track-{track_id}.wav")

    return router


def mount_first(app: FastAPI, router: APIRouter) -> None:
    """Include router ahead of existing routes: Chainlit ends with a catch-all GET that would shadow it."""
    before = len(app.router.routes)
    app.include_router(router)
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added
