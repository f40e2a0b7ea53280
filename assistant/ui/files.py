"""Stable download routes the chat links to: a take's stems and its DAW exports.

Like the track audio route, these outlive the chat session, so links in a resumed thread keep working.
Every path goes through the store's resolve(), which refuses anything outside the data dir.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import FileResponse

from assistant.api_auth import api_guard
from assistant.services import StudioServices
from library.models import Track
from library.repository import TrackNotFound
from library.store import StorePathError


def midi_url(track_id: int) -> str:
    return f"/api/tracks/{track_id}/midi"  # the REST route: the exact score, or a basic-pitch transcription


def export_url(track_id: int, name: str) -> str:
    return f"/ui/tracks/{track_id}/exports/{name}"


def stem_url(track_id: int, name: str) -> str:
    return f"/ui/tracks/{track_id}/stems/{name}"


def _file(path: Path, media: str, filename: str) -> FileResponse:
    if not path.is_file():
        raise HTTPException(404, f"{filename} is missing from the data dir")
    return FileResponse(path, media_type=media, filename=filename)


def build_files_router(services: StudioServices) -> APIRouter:
    # Same access rule as the REST API: with a password or token set, only a logged-in user downloads.
    router = APIRouter(prefix="/ui", dependencies=[Depends(api_guard(services.settings))])

    def load(track_id: int) -> Track:
        try:
            return services.get_track(track_id)
        except TrackNotFound as err:
            raise HTTPException(404, str(err)) from err

    @router.get("/tracks/{track_id}/exports/{name}")
    def export(track_id: int, name: str) -> FileResponse:
        """A DAW export made earlier for this take (ExportService writes them beside its audio)."""
        folder = Path(load(track_id).file_path).parent
        if "/" in name or name.startswith("."):
            raise HTTPException(404, "no such export")
        try:
            return _file(services.store.resolve(f"{folder}/exports/{name}"), "application/octet-stream", name)
        except StorePathError as err:
            raise HTTPException(404, str(err)) from err

    @router.get("/tracks/{track_id}/stems/{name}")
    def stem(track_id: int, name: str) -> FileResponse:
        found = next((s for s in load(track_id).stems if s.name == name), None)
        if found is None:
            raise HTTPException(404, f"track #{track_id} has no stem named {name!r}")
        try:
            return _file(services.store.resolve(found.file_path), "audio/wav", f"track-{track_id}-{name}.wav")
        except StorePathError as err:
            raise HTTPException(404, str(err)) from err

    return router
