"""`studio backup` / `studio restore`: consistent while the studio writes, checked, all or nothing."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
import soundfile as sf

from library.backup import BackupError, backup, check, restore
from tests.library_fixtures import add_with_audio, groove


def all_tracks(services) -> list:
    from library.repository import TrackFilter

    return services.tracks.list(TrackFilter(include_trashed=True, limit=1000))


def open_studio(data_dir: Path):
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    return StudioServices(StudioSettings(data_dir=data_dir))


def assert_whole(services) -> list:
    """Every row's mix and stems readable in the store, and the database passes integrity_check."""
    tracks = all_tracks(services)
    for t in tracks:
        info = sf.info(str(services.track_path(t)))
        assert abs(info.duration - t.duration_s) < 0.01
        for s in t.stems:
            assert services.store.resolve(s.file_path).is_file()
    with sqlite3.connect(services.settings.data_dir / "library.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    return tracks


def test_backup_while_a_thread_writes_then_restore(services, tmp_path: Path):
    data_dir = services.settings.data_dir
    services.generate("chiptune with its stems and score", duration_s=2.0, seed=3)  # a real take folder
    for i in range(12):
        add_with_audio(services, groove(100 + i, (220.0, 277.2), seconds=2.0), title=f"before {i}", duration_s=2.0)
    stop, written, emptied = threading.Event(), [], []

    def writer() -> None:  # new takes, and trashed takes deleted for good (their files go) while backing up
        n = 0
        while not stop.is_set():
            t = add_with_audio(services, groove(90, (261.6,), seconds=1.0), title=f"during {n}", duration_s=1.0)
            written.append((time.monotonic(), t.id))
            if n % 3 == 0:
                services.library.trash([t.id])
                emptied.extend(services.library.empty_trash([t.id]))
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 3:
            time.sleep(0.01)
        began = time.monotonic()
        report = backup(data_dir, services.settings.db_url, tmp_path / "backup")
        ended = time.monotonic()
    finally:
        stop.set()
        thread.join(30)
    during = [i for at, i in written if began <= at <= ended]
    assert during and emptied, "the writer did nothing while the backup ran: the test proved nothing"
    assert report.tracks >= 13 and report.files >= report.tracks
    check(tmp_path / "backup")  # hashes, integrity_check, every row's file present

    restored_dir = tmp_path / "restored"
    out = restore(tmp_path / "backup", restored_dir, f"sqlite:///{restored_dir / 'library.sqlite'}")
    assert out.tracks == report.tracks and not out.replaced
    restored = open_studio(restored_dir)
    tracks = assert_whole(restored)
    assert len(tracks) == report.tracks
    assert {f"before {i}" for i in range(12)} <= {t.title for t in tracks}
    assert [t for t in tracks if t.stems and t.midi_path]  # the generated take came back whole
    for t in tracks:  # the same take folders (mix, stems, MIDI, saved score...), bit for bit
        folder = t.file_path.split("/")[0]
        src, back = services.store.resolve(folder), restored.store.resolve(folder)
        names = sorted(p.relative_to(src).as_posix() for p in src.rglob("*") if p.is_file())
        assert names == sorted(p.relative_to(back).as_posix() for p in back.rglob("*") if p.is_file())
        assert all((src / n).read_bytes() == (back / n).read_bytes() for n in names)
    unfiled = {p.name for p in restored.store.root.iterdir() if not p.name.startswith(".")}
    assert unfiled == {t.file_path.split("/")[0] for t in tracks}  # no files without a row were copied


@pytest.fixture
def backed_up(services, tmp_path: Path) -> tuple[Path, list[int]]:
    ids = [add_with_audio(services, title=f"kept {i}").id for i in range(3)]
    services.library.comment(ids[0], 1.5, "the bridge")
    backup(services.settings.data_dir, services.settings.db_url, tmp_path / "bk")
    return tmp_path / "bk", ids


def test_restore_refuses_a_library_in_use_unless_forced(services, backed_up, tmp_path: Path):
    src, ids = backed_up
    data_dir = services.settings.data_dir
    newer = add_with_audio(services, title="made after the backup").id
    services.db.engine.dispose()  # the studio stopped (restore refuses a database another process has open)
    url = services.settings.db_url
    with pytest.raises(BackupError, match=r"not empty \(its library has 4 tracks\).*--force"):
        restore(src, data_dir, url)
    again = open_studio(data_dir)
    assert [t.id for t in all_tracks(again)].count(newer) == 1  # untouched
    again.db.engine.dispose()
    out = restore(src, data_dir, url, force=True)
    assert out.replaced
    back = open_studio(data_dir)
    tracks = assert_whole(back)
    assert sorted(t.id for t in tracks) == sorted(ids)
    assert [c.text for c in back.library.comments(ids[0])] == ["the bridge"]
    assert not [p for p in data_dir.iterdir() if p.name.startswith(".restore-")]


def test_restore_refuses_while_the_studio_has_the_database_open(services, backed_up):
    src, _ = backed_up
    with pytest.raises(BackupError, match="open in another process.*stop the studio"):
        restore(src, services.settings.data_dir, services.settings.db_url, force=True)
    assert len(all_tracks(services)) == 3


def test_damaged_backup_is_refused_and_nothing_changes(backed_up, tmp_path: Path):
    src, _ = backed_up
    victim = next(p for p in (src / "audio").rglob("mix.wav"))
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    target = tmp_path / "fresh"
    with pytest.raises(BackupError, match="differs from when it was backed up"):
        restore(src, target, f"sqlite:///{target / 'library.sqlite'}")
    assert not [p for p in target.rglob("*") if p.is_file()]  # no half restore, no staging left
    with pytest.raises(BackupError, match="differs"):
        check(src)
    (src / "library.sqlite").write_bytes((src / "library.sqlite").read_bytes()[:4096])
    with pytest.raises(BackupError):
        check(src)


def test_interrupted_restore_is_finished_by_the_next_start(services, backed_up, tmp_path: Path, monkeypatch):
    """A crash in the middle of the swap (some entries moved, some not): the next start rolls it forward."""
    src, ids = backed_up
    target = tmp_path / "target"
    url = f"sqlite:///{target / 'library.sqlite'}"
    real_rename, calls = Path.rename, [0]

    def crashing_rename(self: Path, dest):  # type: ignore[no-untyped-def]
        if ".restore-" in str(self) and not str(self).endswith("-old"):
            calls[0] += 1
            if calls[0] == 2:
                raise KeyboardInterrupt("power cut")
        return real_rename(self, dest)

    monkeypatch.setattr(Path, "rename", crashing_rename)
    with pytest.raises(KeyboardInterrupt):
        restore(src, target, url)
    monkeypatch.undo()
    assert [p.name for p in target.iterdir() if p.name.startswith(".restore-") and not p.name.endswith("-old")]
    tracks = assert_whole(open_studio(target))  # StudioServices -> settings.ensure_dirs() finishes the swap
    assert sorted(t.id for t in tracks) == sorted(ids)
    assert not [p for p in target.iterdir() if p.name.startswith(".restore-")]


def test_backup_refuses_a_used_destination_and_postgres(services, tmp_path: Path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("mine")
    with pytest.raises(BackupError, match="not empty: choose a new folder"):
        backup(services.settings.data_dir, services.settings.db_url, tmp_path / "used")
    with pytest.raises(BackupError, match="pg_dump"):
        backup(services.settings.data_dir, "postgresql://studio@localhost/studio", tmp_path / "pg")
    assert (tmp_path / "used" / "notes.txt").read_text() == "mine" and not (tmp_path / "pg").exists()


def test_cli_backup_and_restore(services, tmp_path: Path, monkeypatch):
    from typer.testing import CliRunner

    from assistant.cli import app
    from assistant.settings import get_settings

    def studio(data_dir: Path, *args: str):
        monkeypatch.setenv("STUDIO_DATA_DIR", str(data_dir))
        monkeypatch.setenv("COLUMNS", "300")
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(app, list(args))
        finally:
            get_settings.cache_clear()

    add_with_audio(services, title="from the cli")
    run = studio(services.settings.data_dir, "backup", str(tmp_path / "cli-bk"))
    assert run.exit_code == 0, run.output
    assert "backed up 1 tracks, 1 files" in run.output
    run = studio(tmp_path / "other", "restore", str(tmp_path / "cli-bk"))
    assert run.exit_code == 0, run.output
    assert "restored 1 tracks" in run.output
    run = studio(tmp_path / "other", "restore", str(tmp_path / "cli-bk"))
    assert run.exit_code == 2 and "--force" in run.output and "Traceback" not in run.output
    assert [t.title for t in all_tracks(open_studio(tmp_path / "other"))] == ["from the cli"]


def test_a_take_deleted_between_snapshot_and_copy_makes_a_new_snapshot(services, tmp_path: Path, monkeypatch):
    """The trash emptied right after the database snapshot: its files are gone before they are copied. The
    backup snapshots again (the row is gone there too) instead of keeping a row without its file."""
    import library.backup as bk

    keep = add_with_audio(services, title="keep").id
    doomed = add_with_audio(services, title="doomed").id
    services.library.trash([doomed])
    real_snapshot, snaps = bk.snapshot, [0]

    def snapshot_then_empty_trash(src: Path, dst: Path) -> None:
        real_snapshot(src, dst)
        if dst.name == "library.sqlite":
            snaps[0] += 1
            if snaps[0] == 1:  # the other process empties the trash at exactly this moment
                assert services.library.empty_trash() == [doomed]

    monkeypatch.setattr(bk, "snapshot", snapshot_then_empty_trash)
    report = backup(services.settings.data_dir, services.settings.db_url, tmp_path / "bk")
    assert report.snapshots == 2 and report.tracks == 1 and not report.missing_at_source
    manifest = check(tmp_path / "bk")
    assert manifest["tracks"] == 1
    restored = tmp_path / "r"
    restore(tmp_path / "bk", restored, f"sqlite:///{restored / 'library.sqlite'}")
    assert [t.id for t in assert_whole(open_studio(restored))] == [keep]


def test_a_file_already_missing_from_the_library_is_named_not_fatal(services, tmp_path: Path):
    ok = add_with_audio(services, title="fine")
    lost = add_with_audio(services, title="lost")
    services.track_path(lost).unlink()  # damaged before the backup (deleted by hand)
    report = backup(services.settings.data_dir, services.settings.db_url, tmp_path / "bk")
    assert report.missing_at_source == [lost.file_path] and report.tracks == 2
    assert "already missing from the library" in report.summary() and lost.file_path in report.summary()
    check(tmp_path / "bk")  # a known gap, listed in the manifest: the rest is sound
    assert (tmp_path / "bk" / "audio" / ok.file_path).is_file()
