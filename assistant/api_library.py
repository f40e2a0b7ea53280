"""REST routes of the library (/api/library/...) and similar-track search (/api/rag/...).

Thin: every route calls services.library / services.search, exactly as the CLI and chat tools do.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi import APIRouter, HTTPException, Query, Response
from fastapi.responses import FileResponse

from assistant.api_guard import GuardedRoute, RowId
from assistant.library_schemas import (
    AlbumIn,
    AlbumOut,
    BatchIn,
    BatchOut,
    CommentIn,
    CommentOut,
    FlagIn,
    Id,
    ImportIn,
    ImportOut,
    IndexIn,
    JobOut,
    MembershipIn,
    OrderIn,
    SidecarIn,
    SimilarIn,
    SimilarOut,
    SortName,
    TrackOut,
    TrackPatch,
)
from assistant.services import StudioServices
from library.importer import ImportReport
from library.jobs import JobNotFound
from library.repository import MAX_ID, FilterError, TrackFilter, TrackNotFound
from library.search import SimilarQuery
from library.service import AlbumNotFound, BatchEdit, LibraryInputError
from library.store import StorePathError
from models.rag.clap import ClapMissing
from models.rag.text import EmbedderMissing

T = TypeVar("T")
_STATUS: tuple[tuple[type[Exception], int], ...] = (
    (TrackNotFound, 404), (AlbumNotFound, 404), (JobNotFound, 404), (StorePathError, 404),
    (LibraryInputError, 422), (FilterError, 422), (EmbedderMissing, 503), (ClapMissing, 503),
)


def _call(fn: Callable[[], T]) -> T:
    """Run a service call, turning the library's named errors into HTTP errors with the same message."""
    try:
        return fn()
    except tuple(e for e, _ in _STATUS) as err:
        status = next(code for e, code in _STATUS if isinstance(err, e))
        raise HTTPException(status, str(err)) from err


def _import_out(r: ImportReport) -> ImportOut:
    return ImportOut(imported=r.imported, skipped=r.skipped, notes=r.notes)


def _track_routes(router: APIRouter, services: StudioServices) -> None:
    lib = services.library

    @router.get("/library/tracks", response_model=list[TrackOut],
                summary="List tracks (filters, paging, sort); X-Total-Count has the unpaged count")
    def list_tracks(response: Response, studio: str | None = None, favorites: bool = False,
                    hide_disliked: bool = False, trashed: bool = Query(False, description="show the trash"),
                    q: str | None = Query(None, max_length=200, description="words in title/prompt/notes"),
                    album: int | None = Query(None, ge=1, le=MAX_ID), tag: str | None = None, key: str | None = None,
                    mood: str | None = None, bpm_min: float | None = None, bpm_max: float | None = None,
                    operation: str | None = None, sort: SortName = "created",
                    order: str = Query("desc", pattern="^(asc|desc)$"), limit: int = Query(50, ge=1, le=500),
                    offset: int = Query(0, ge=0, le=MAX_ID)) -> list[TrackOut]:
        flt = TrackFilter(studio=studio, favorites=favorites, hide_disliked=hide_disliked, trashed_only=trashed,
                          text=q, album_id=album, tag=tag, key=key, mood=mood, bpm_min=bpm_min,
                          bpm_max=bpm_max, operation=operation, sort=sort, descending=order == "desc",
                          limit=limit, offset=offset)
        page = _call(lambda: lib.page(flt))
        response.headers["X-Total-Count"] = str(page.total)
        return [TrackOut.of(t) for t in page.tracks]

    @router.post("/library/tracks", response_model=ImportOut, status_code=201,
                 summary="Add tracks by importing audio files/folders on this machine (autolabelled)")
    def import_tracks(body: ImportIn) -> ImportOut:
        return _import_out(_call(lambda: lib.import_paths(body.paths, body.tags)))

    @router.post("/library/import/sidecars", response_model=ImportOut,
                 summary="Import the old app's metadata/*.json sidecars (idempotent)")
    def import_sidecars(body: SidecarIn) -> ImportOut:
        return _import_out(_call(lambda: lib.import_sidecars(Path(body.folder))))

    @router.get("/library/tracks/{track_id}", response_model=TrackOut)
    def get_track(track_id: RowId) -> TrackOut:
        return TrackOut.of(_call(lambda: lib.get(track_id)))

    @router.patch("/library/tracks/{track_id}", response_model=TrackOut, summary="Edit fields and tags")
    def patch_track(track_id: RowId, body: TrackPatch) -> TrackOut:
        return TrackOut.of(_call(lambda: lib.update(track_id, body.model_dump(exclude_unset=True))))

    @router.delete("/library/tracks/{track_id}", status_code=204,
                   summary="Move to the trash; with permanent=true, delete a track that is already in the trash")
    def delete_track(track_id: RowId, permanent: bool = False) -> Response:
        _call(lambda: lib.delete(track_id) if permanent else lib.trash([track_id]))
        return Response(status_code=204)

    def flag(name: str, action: Callable[[list[int], bool], Any], summary: str) -> None:
        @router.post(f"/library/tracks/{{track_id}}/{name}", response_model=TrackOut, summary=summary,
                     operation_id=f"track_{name}")
        def set_flag(track_id: RowId, body: FlagIn | None = None) -> TrackOut:
            _call(lambda: action([track_id], body.on if body else True))
            return TrackOut.of(_call(lambda: lib.get(track_id)))

    flag("favorite", lambda ids, on: lib.favorite(ids, on), "Mark (or with on=false unmark) a favorite")
    flag("dislike", lambda ids, on: lib.dislike(ids, on), "Mark (or unmark) as disliked")
    flag("trash", lambda ids, on: lib.trash(ids) if on else lib.restore(ids), "Move to the trash (restorable)")
    flag("restore", lambda ids, _on: lib.restore(ids), "Bring back from the trash")

    @router.post("/library/trash/empty", response_model=list[int], summary="Delete trashed tracks for good")
    def empty_trash(track_ids: list[Id] | None = None) -> list[int]:
        return _call(lambda: lib.empty_trash(track_ids))

    @router.get("/library/tracks/{track_id}/lineage", response_model=list[TrackOut],
                summary="The takes that led to this one, the original first")
    def lineage(track_id: RowId) -> list[TrackOut]:
        return [TrackOut.of(t) for t in _call(lambda: lib.lineage(track_id))]

    @router.get("/library/tracks/{track_id}/audio",
                summary="Download or stream a track (HTTP range requests supported)")
    def track_audio(track_id: RowId) -> FileResponse:
        track = _call(lambda: lib.get(track_id))
        path = _call(lambda: services.track_path(track))
        if not path.exists():
            raise HTTPException(404, f"the audio file of track #{track_id} is missing from the data dir")
        media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return FileResponse(path, media_type=media, filename=f"track-{track_id}{path.suffix}")

    @router.get("/library/tracks/{track_id}/comments", response_model=list[CommentOut])
    def comments(track_id: RowId) -> list[CommentOut]:
        return [CommentOut(id=c.id, track_id=c.track_id, at_s=c.at_s, text=c.text, created_at=c.created_at)
                for c in _call(lambda: lib.comments(track_id))]

    @router.post("/library/tracks/{track_id}/comments", response_model=CommentOut, status_code=201)
    def add_comment(track_id: RowId, body: CommentIn) -> CommentOut:
        c = _call(lambda: lib.comment(track_id, body.at_s, body.text))
        return CommentOut(id=c.id, track_id=c.track_id, at_s=c.at_s, text=c.text, created_at=c.created_at)

    @router.post("/library/batch", response_model=BatchOut,
                 summary="One action on many tracks, in one transaction (all or nothing)")
    def batch(body: BatchIn) -> BatchOut:
        ids = _call(lambda: lib.batch(BatchEdit(body.track_ids, body.action, body.album, body.tags)))
        return BatchOut(action=body.action, track_ids=ids)


def _album_routes(router: APIRouter, services: StudioServices) -> None:
    lib = services.library

    @router.get("/library/albums", response_model=list[AlbumOut])
    def albums() -> list[AlbumOut]:
        return [AlbumOut.of(a) for a in lib.albums()]

    @router.post("/library/albums", response_model=AlbumOut, status_code=201)
    def create_album(body: AlbumIn) -> AlbumOut:
        return AlbumOut.of(_call(lambda: lib.create_album(body.name, body.description)))

    @router.get("/library/albums/{album_id}", response_model=AlbumOut)
    def album(album_id: RowId) -> AlbumOut:
        return AlbumOut.of(_call(lambda: lib.album(album_id)))

    @router.delete("/library/albums/{album_id}", status_code=204, summary="Delete the album (tracks stay)")
    def delete_album(album_id: RowId) -> Response:
        _call(lambda: lib.delete_album(album_id))
        return Response(status_code=204)

    @router.post("/library/albums/{album_id}/tracks", response_model=AlbumOut,
                 summary="Add tracks at a position (tracks already on the album move there)")
    def add_tracks(album_id: RowId, body: MembershipIn) -> AlbumOut:
        return AlbumOut.of(_call(lambda: lib.add_to_album(album_id, body.track_ids, body.position)))

    @router.delete("/library/albums/{album_id}/tracks/{track_id}", response_model=AlbumOut)
    def remove_track(album_id: RowId, track_id: RowId) -> AlbumOut:
        return AlbumOut.of(_call(lambda: lib.remove_from_album(album_id, [track_id])))

    @router.put("/library/albums/{album_id}/order", response_model=AlbumOut, summary="Set the running order")
    def reorder(album_id: RowId, body: OrderIn) -> AlbumOut:
        return AlbumOut.of(_call(lambda: lib.reorder_album(album_id, body.track_ids)))


def _rag_routes(router: APIRouter, services: StudioServices) -> None:
    search = services.search

    @router.post("/rag/similar", response_model=list[SimilarOut], tags=["rag"],
                 summary="Similar tracks by words, by a track (sounds like), or both")
    def similar(body: SimilarIn) -> list[SimilarOut]:
        q = SimilarQuery(query=body.query, track_id=body.track_id, k=body.k, studio=body.studio,
                         album=body.album, include_trashed=body.include_trashed)
        return [SimilarOut.of(m) for m in _call(lambda: search.similar(q))]

    @router.post("/rag/index", response_model=JobOut, status_code=202, tags=["rag"],
                 summary="Re-index in the background; poll GET /api/rag/index/{job_id} for progress")
    def reindex(body: IndexIn | None = None) -> JobOut:
        return JobOut(**_call(lambda: search.start_reindex(full=bool(body and body.full))).__dict__)

    @router.get("/rag/index/{job_id}", response_model=JobOut, tags=["rag"])
    def reindex_status(job_id: RowId) -> JobOut:
        return JobOut(**_call(lambda: search.jobs.get(job_id)).__dict__)


def build_library_router(services: StudioServices) -> APIRouter:
    router = APIRouter(tags=["library"], route_class=GuardedRoute)  # under /api (assistant.api.build_router)
    _track_routes(router, services)
    _album_routes(router, services)
    _rag_routes(router, services)
    return router
