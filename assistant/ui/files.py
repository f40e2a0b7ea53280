"""Stable download routes the chat links to: a take's stems and MIDI score, and saved chat attachments.

Like the track audio route, these outlive the chat session, so links in a resumed thread keep working.
Every path goes through the store's resolve(), which refuses anything outside the data dir.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from assistant.services import StudioServices
from library.models import Track
from library.repository import TrackNotFound
from library.store import StorePathError


def midi_url(track_id: int) -> str:
    return f"/ui/tracks/{track_id}/midi"


def stem_url(track_id: int, name: str) -> str:
    return f"/ui/tracks/{track_id}/stems/{name}"


def _file(path: Path, media: str, filename: str) -> FileResponse:
    if not path.is_file():
        raise HTTPException(404, f"{filename} is missing from the data dir")
    return FileResponse(path, media_type=media, filename=filename)


def build_files_router(services: StudioServices) -> APIRouter:
    router = APIRouter(prefix="/ui")

    def load(track_id: int) -> Track:
        try:
            return services.get_track(track_id)
        except TrackNotFound as err:
            raise HTTPException(404, str(err)) from err

    @router.get("/tracks/{track_id}/midi")
    def midi(track_id: int) -> FileResponse:
        track = load(track_id)
        if not track.midi_path:
            raise HTTPException(404, f"track #{track_id} has no score (only studio takes have one)")
        try:
            return _file(services.store.resolve(track.midi_path), "audio/midi", f"track-{track_id}.mid")
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
