"""`studio tracks|show|edit|favorite|dislike|trash|restore|tag|album|comment|import|similar|reindex`.

The library from a terminal: the same LibraryService/SearchService calls as the REST API and the chat.
Registered onto the main app by assistant/cli.py.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from library.repository import FilterError, TrackFilter, TrackNotFound

if TYPE_CHECKING:
    from library.importer import ImportReport


def _errors() -> tuple[type[Exception], ...]:
    # Imported on use: the search stack (chromadb, librosa) must not slow down `studio --help`.
    from library.edits import AlbumNotFound, LibraryInputError
    from models.rag.clap import ClapMissing
    from models.rag.text import EmbedderMissing

    return TrackNotFound, AlbumNotFound, LibraryInputError, FilterError, EmbedderMissing, ClapMissing


def _batch(ids: list[int], action: str, tags: list[str] | None = None) -> Any:
    from library.service import BatchEdit

    return BatchEdit(ids, action, tags=tags or [])
_IDS = typer.Argument(..., help="Track ids, e.g. 3 7 12.")
_TAGS = typer.Option(None, "--tag", help="A tag (repeatable).")
_PATHS = typer.Argument(None, help="Audio files or folders (WAV, FLAC, MP3, OGG).")
_RESTORE_WHAT = typer.Argument(..., help="Track ids to take out of the trash, or a backup folder.")
_MAYBE_IDS = typer.Argument(None, help="Track ids.")
_NEW_TAGS = typer.Option(None, "--tag", help="Replace the tags (repeatable).")
_SIDECARS = typer.Option(None, help="The old app's metadata/ folder of *.json sidecars.")


def track_table(rows: list[Any], path_of: Callable[[Any], Path]) -> Table:
    table = Table("id", "title", "studio", "length", "bpm", "key", "mood", "♥", "created", "file")
    for t in rows:
        table.add_row(str(t.id), t.title, t.studio, f"{t.duration_s:.1f} s", f"{t.bpm:g}" if t.bpm else "",
                      t.key or "", t.mood or "", "♥" if t.favorite else ("✗" if t.disliked else ""),
                      t.created_at.strftime("%Y-%m-%d %H:%M"), str(path_of(t)))
    return table


def register(app: typer.Typer, services: Callable[[], Any], fail: Callable[[str], None], console: Console) -> None:
    def run(work: Callable[[Any], Any]) -> Any:
        """Call the service, print named errors as one line (exit 2), let background indexing finish."""
        svc = services()
        try:
            return work(svc)
        except _errors() as err:
            fail(str(err))
        finally:
            svc.search.wait_idle()

    def acted(verb: str, ids: list[int]) -> None:
        console.print(f"{verb}: " + ", ".join(f"track #{i}" for i in ids))

    @app.command()
    def tracks(
        studio: str = typer.Option(None, help="Only this studio."),
        favorites: bool = typer.Option(False, "--favorites", help="Only favorites."),
        trash: bool = typer.Option(False, "--trash", help="Show the trash instead."),
        album: str = typer.Option(None, help="Only this album (name or id), in running order."),
        tag: str = typer.Option(None, help="Only tracks with this tag."),
        key: str = typer.Option(None), mood: str = typer.Option(None),
        bpm_min: float = typer.Option(None), bpm_max: float = typer.Option(None),
        search: str = typer.Option(None, "--search", "-s", help="Words in the title, prompt or notes."),
        sort: str = typer.Option("created", help="created, updated, title, bpm, rating, plays, duration."),
        asc: bool = typer.Option(False, "--asc", help="Ascending (default: newest/largest first)."),
        limit: int = typer.Option(50, min=1, max=1000), offset: int = typer.Option(0, min=0),
    ) -> None:
        """List the library (newest first), with filters."""
        def work(svc: Any) -> None:
            album_id = svc.library.album(album).id if album else None
            flt = TrackFilter(studio=studio, favorites=favorites, trashed_only=trash, album_id=album_id, tag=tag,
                              key=key, mood=mood, bpm_min=bpm_min, bpm_max=bpm_max, text=search,
                              sort="position" if album and sort == "created" else sort,
                              descending=not (asc or (album and sort == "created")), limit=limit, offset=offset)
            page = svc.library.page(flt)
            if not page.tracks:
                console.print("The trash is empty." if trash else "No tracks match." if svc.tracks.count() else
                              'The library is empty. Try: studio generate "chiptune boss battle" --duration 20')
                return
            console.print(track_table(page.tracks, svc.track_path))
            console.print(f"{len(page.tracks)} of {page.total}")

        run(work)

    @app.command()
    def show(track: int = typer.Argument(..., help="Track id.")) -> None:
        """Everything about one track: fields, tags, lineage, comments."""
        def work(svc: Any) -> None:
            t = svc.library.get(track)
            chain = " → ".join(f"#{x.id} ({x.operation})" for x in svc.library.lineage(track))
            console.print(f"track #{t.id}  {t.title}  [{t.studio}]  {t.duration_s:.1f} s  "
                          f"{t.bpm or '?'} BPM  {t.key or '?'}  mood {t.mood or '?'}"
                          f"{'  ♥' if t.favorite else ''}{'  (in the trash)' if t.trashed else ''}")
            console.print(f"  prompt: {t.prompt}\n  tags: {', '.join(x.name for x in t.tags) or '-'}\n"
                          f"  lineage: {chain}\n  file: {svc.track_path(t)}", soft_wrap=True)
            for c in t.comments:
                console.print(f"  @{c.at_s:.1f}s  {c.text}")

        run(work)

    @app.command()
    def edit(
        track: int = typer.Argument(..., help="Track id."),
        title: str = typer.Option(None), rating: int = typer.Option(None, help="0..5 (0 clears)."),
        mood: str = typer.Option(None), bpm: float = typer.Option(None), key: str = typer.Option(None),
        tags: list[str] = _NEW_TAGS,
    ) -> None:
        """Edit a track's title, rating, mood, tempo, key or tags."""
        changes = {k: v for k, v in dict(title=title, rating=rating, mood=mood, bpm=bpm, key=key,
                                         tags=tags or None).items() if v is not None}
        t = run(lambda svc: svc.library.update(track, changes))
        console.print(f"updated track #{t.id}: {', '.join(changes) or 'nothing to change'}")

    def flag_command(name: str, verb: str, undo: str | None) -> None:
        def command(ids: list[int] = _IDS, off: bool = typer.Option(False, "--off", help=f"{undo}.")) -> None:
            step = undo if off and undo else name
            acted(undo if off and undo else verb, run(lambda svc: svc.library.batch(_batch(ids, step))))

        command.__doc__ = f"{verb.capitalize()} tracks (one transaction)."
        app.command(name=name)(command)

    flag_command("favorite", "favorited", "unfavorite")
    flag_command("dislike", "disliked", "undislike")

    @app.command()
    def restore(
        what: list[str] = _RESTORE_WHAT,
        force: bool = typer.Option(False, "--force", help="Backup restore: replace a data dir that already holds "
                                   "a library (its tracks and audio are deleted: back it up first)."),
    ) -> None:
        """Restore tracks from the trash (`studio restore 2 5`) or a backup (`studio restore ~/studio-backup`)."""
        if len(what) == 1 and not what[0].strip().isdigit():
            from assistant.cli_backup import restore_backup

            restore_backup(Path(what[0]), force)
            return
        try:
            ids = [int(w) for w in what]
        except ValueError:
            fail(f"{' '.join(what)!r}: give track numbers (studio restore 2 5) or one backup folder")
        acted("restored from the trash", run(lambda svc: svc.library.batch(_batch(ids, "restore"))))

    @app.command()
    def trash(ids: list[int] = _MAYBE_IDS,
              empty: bool = typer.Option(False, "--empty", help="Delete everything in the trash for good."),
              yes: bool = typer.Option(False, "--yes", help="Do not ask before emptying.")) -> None:
        """Move tracks to the trash (restorable), or empty it with --empty."""
        if empty:
            if not yes:
                typer.confirm("Delete every track in the trash and its files for good?", abort=True)
            gone = run(lambda svc: svc.library.empty_trash(ids or None))
            console.print(f"deleted {len(gone)} track(s) for good" + (f": {gone}" if gone else ""))
            return
        if not ids:
            fail("name the tracks to trash (e.g. studio trash 3 7), or --empty")
        acted("moved to the trash (studio restore brings them back)", run(lambda svc: svc.library.trash(ids)))

    @app.command()
    def tag(ids: list[int] = _IDS, tags: list[str] = _TAGS,
            remove: bool = typer.Option(False, "--remove", help="Remove these tags instead.")) -> None:
        """Tag (or untag) many tracks at once."""
        step = _batch(ids, "untag" if remove else "tag", tags)
        acted("untagged" if remove else f"tagged {', '.join(tags or [])}", run(lambda svc: svc.library.batch(step)))

    _album_commands(app, run, fail, console)
    _other_commands(app, run, console)


def _album_commands(app: typer.Typer, run: Callable[[Callable[[Any], Any]], Any], fail: Callable[[str], None],
                    console: Console) -> None:
    @app.command()
    def album(
        action: str = typer.Argument("list", help="list, create, show, add, remove, order, delete."),
        name: str = typer.Argument(None, help="Album name (or id)."),
        ids: list[int] = _MAYBE_IDS,
        at: int = typer.Option(None, "--at", help="add: insert at this position (0 = first)."),
    ) -> None:
        """Albums with a running order: studio album create "Road Trip"; studio album add "Road Trip" 3 5."""
        if action != "list" and not name:
            fail(f"album {action} needs an album name")
        acts: dict[str, Callable[[Any], Any]] = {
            "list": lambda svc: svc.library.albums(), "create": lambda svc: svc.library.create_album(name),
            "show": lambda svc: svc.library.album(name),
            "add": lambda svc: svc.library.add_to_album(name, ids or [], at),
            "remove": lambda svc: svc.library.remove_from_album(name, ids or []),
            "order": lambda svc: svc.library.reorder_album(name, ids or []),
            "delete": lambda svc: svc.library.delete_album(name),
        }
        if action not in acts:
            fail(f"unknown album action {action!r}: use {', '.join(acts)}")
        out = run(acts[action])
        for a in out if isinstance(out, list) else [out] if out else []:
            console.print(f"album #{a.id} {a.name}: " + (" ".join(f"#{i}" for i in a.track_ids) or "(empty)"))
        if action == "delete":
            console.print(f"deleted album {name!r} (its tracks stay in the library)")

    @app.command()
    def comment(track: int = typer.Argument(..., help="Track id."),
                at: float = typer.Argument(..., help="Seconds into the take."),
                text: str = typer.Argument(..., help="The note.")) -> None:
        """Leave a time-stamped comment on a track."""
        c = run(lambda svc: svc.library.comment(track, at, text))
        console.print(f"comment on track #{c.track_id} at {c.at_s:.1f} s saved")


def _print_report(console: Console, report: ImportReport) -> None:
    console.print(report.summary(), soft_wrap=True)


def _other_commands(app: typer.Typer, run: Callable[[Callable[[Any], Any]], Any], console: Console) -> None:
    @app.command(name="import")
    def import_(paths: list[Path] = _PATHS, tags: list[str] = _TAGS,
                sidecars: Path = _SIDECARS) -> None:
        """Import audio files/folders (autolabelled), or the old app's sidecars; re-running skips duplicates."""
        if sidecars is not None:
            _print_report(console, run(lambda svc: svc.library.import_sidecars(sidecars)))
        if paths:
            _print_report(console, run(lambda svc: svc.library.import_paths(paths, tags or [])))
        if sidecars is None and not paths:
            console.print("Nothing to import: give files/folders, or --sidecars path/to/metadata")

    @app.command()
    def similar(query: str = typer.Argument(None, help="Words, e.g. 'dark synthwave'."),
                track: int = typer.Option(None, "--track", "-t", help="Tracks that sound like this one."),
                k: int = typer.Option(5, "-k", min=1, max=50), studio: str = typer.Option(None),
                album: str = typer.Option(None), include_trash: bool = typer.Option(False, "--include-trash")) -> None:
        """Find similar tracks by words, by a track, or both."""
        from library.search import SimilarQuery

        q = SimilarQuery(query=query, track_id=track, k=k, studio=studio, album=album,
                         include_trashed=include_trash)
        matches = run(lambda svc: svc.search.similar(q))
        if not matches:
            console.print("Nothing similar yet: the library (outside the trash) is empty.")
        for m in matches:
            t = m.track
            console.print(f"{m.score:.3f}  track #{t.id}  {t.title}  [{t.studio}]  {t.bpm or '?'} BPM {t.key or ''}")

    @app.command()
    def reindex(full: bool = typer.Option(False, "--full", help="Drop the index and rebuild it.")) -> None:
        """Bring the similar-track index up to date (or rebuild it)."""
        def work(svc: Any) -> Any:
            return svc.search.rebuild() if full else svc.search.sync()

        console.print(f"index: {run(work).summary()}")
