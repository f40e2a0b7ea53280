"""`studio` library commands: the same service as REST and chat, with one-line errors (exit 2)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.settings import get_settings
from tests.library_fixtures import freq, groove, write


@pytest.fixture
def cli(data_dir, monkeypatch):
    monkeypatch.setenv("STUDIO_DATA_DIR", str(data_dir))
    monkeypatch.setenv("COLUMNS", "200")
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, f"studio {args} → {result.exit_code}\n{result.output}"
        return result.output

    yield run
    get_settings.cache_clear()


def test_import_list_filter_favorite_trash_restore(cli, tmp_path):
    chord = (freq("A", 3), freq("C", 4), freq("E", 4))
    write(tmp_path / "in" / "fast.wav", groove(150, chord))
    write(tmp_path / "in" / "slow.wav", groove(75, chord, timbre="square"))
    out = cli("import", str(tmp_path / "in"), "--tag", "demo")
    assert "imported 2, skipped 0" in out and "track #1" in out and "track #2" in out
    assert "already in the library as track #" in cli("import", str(tmp_path / "in" / "fast.wav"))
    assert "fast" in cli("tracks", "--bpm-min", "120") and "slow" not in cli("tracks", "--bpm-min", "120")
    assert "favorited: track #1, track #2" in cli("favorite", "1", "2")
    assert "track #2" in cli("trash", "2")
    listing = cli("tracks", "--favorites")
    assert "fast" in listing and "slow" not in listing
    assert "slow" in cli("tracks", "--trash")
    assert "restored from the trash: track #2" in cli("restore", "2")
    assert "1 of 1" in cli("tracks", "--tag", "demo", "--search", "slow")
    assert "no track #9" in cli("favorite", "9", code=2)


def test_albums_comments_edit_show_and_trash_empty(cli, services):
    from tests.library_fixtures import add_with_audio

    ids = [add_with_audio(services, title=t).id for t in ("one", "two", "three")]
    assert "album #1 Road Trip: (empty)" in cli("album", "create", "Road Trip")
    assert "#3 #1" in cli("album", "add", "Road Trip", "3", "1")
    assert "#3 #2 #1" in cli("album", "add", "road trip", "2", "--at", "1")
    assert "#1 #2 #3" in cli("album", "order", "Road Trip", "1", "2", "3")
    assert "no album 'Nope'" in cli("album", "show", "Nope", code=2)
    assert "comment on track #2 at 1.5 s saved" in cli("comment", "2", "1.5", "chorus here")
    assert "updated track #2" in cli("edit", "2", "--title", "Two!", "--rating", "4", "--tag", "keeper")
    shown = cli("show", "2")
    assert "Two!" in shown and "keeper" in shown and "@1.5s  chorus here" in shown
    cli("trash", "3")
    assert "deleted 1 track(s) for good: [3]" in cli("trash", "--empty", "--yes")
    assert services.tracks.count(include_trashed=True) == len(ids) - 1
