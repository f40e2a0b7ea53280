"""Hostile files through every import door (library, REST, CLI, sidecars): each one is skipped with a reason a
person can act on, the library's rows and audio store stay as they were, and nothing lands outside the data dir."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.hardening.corpus import BAD_FILES, ODD_NAMES, BadFile, write_wav
from tests.hardening.guards import assert_readable

DOORS = ("library", "rest", "cli")


def _path(hostile, case: BadFile, door: str) -> Path | str:
    if case.build is None:
        return case.name  # as typed: Path("") would already mean the current folder
    folder = hostile.corpus / door / case.id
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / case.name
    if not (p.exists() or p.is_symlink()):
        case.build(p)
    return p


@pytest.fixture(scope="module")
def client(hostile):
    return TestClient(__import__("assistant.api", fromlist=["create_app"]).create_app(hostile.services),
                      raise_server_exceptions=False)


@pytest.fixture
def cli(hostile, monkeypatch):
    from assistant.cli import app
    from assistant.settings import get_settings

    monkeypatch.setenv("STUDIO_DATA_DIR", str(hostile.data_dir))
    monkeypatch.setenv("COLUMNS", "400")
    get_settings.cache_clear()
    runner = CliRunner()
    yield lambda *args: runner.invoke(app, list(args))
    get_settings.cache_clear()


def _import(hostile, door: str, path: Path | str, client, cli) -> list[tuple[str, str]]:
    """(path, reason) for each skipped file, as that door reports it."""
    if door == "library":
        report = hostile.services.library.import_paths([path])
        assert not report.imported
        return report.skipped
    if door == "rest":
        r = client.post("/api/library/tracks", json={"paths": [str(path)]})
        assert r.status_code in (201, 422), r.text
        if r.status_code == 422:
            return [(str(path), r.json()["detail"])]
        assert r.json()["imported"] == [], r.text
        return [tuple(s) for s in r.json()["skipped"]]
    out = cli("import", str(path))
    assert out.exception is None or isinstance(out.exception, SystemExit), repr(out.exception)
    assert "imported 0" in out.output, out.output
    return [("cli", line) for line in out.output.splitlines() if line.strip().startswith("-")]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("case", BAD_FILES, ids=lambda c: c.id)
def test_hostile_file_is_refused_with_a_reason(hostile, client, cli, case: BadFile, door: str, monkeypatch):
    monkeypatch.chdir(hostile.corpus)  # relative traversal names resolve from a known place
    if door == "cli" and ("\x00" in case.name or not case.name.strip()):
        pytest.skip("a command line cannot carry a NUL byte; typer reads an empty path as '.' (this folder)")
    path = _path(hostile, case, door)
    snap = hostile.snapshot()
    skipped = _import(hostile, door, path, client, cli)
    assert skipped, "a refused file must be reported"
    reason = " ".join(why for _p, why in skipped)
    assert re.search(case.why, reason, re.IGNORECASE), f"unexpected reason: {reason!r}"
    assert_readable(reason)
    hostile.assert_unchanged(snap)


@pytest.mark.parametrize("name", ODD_NAMES)
def test_odd_but_legal_names_import_verbatim_into_the_data_dir(hostile, name: str):
    folder = hostile.corpus / "odd" / str(ODD_NAMES.index(name))
    folder.mkdir(parents=True, exist_ok=True)
    path = write_wav(folder / name, 1.0, sr=22050)
    before = hostile.services.tracks.count(include_trashed=True)
    report = hostile.services.library.import_paths([path])
    assert [p for p, _ in report.imported] == [str(path)], report.summary()
    track = hostile.services.library.get(report.imported[0][1])
    assert track.title == path.stem[:200]  # the name is data, never SQL or a path
    stored = hostile.services.track_path(track)
    assert stored.is_relative_to(hostile.data_dir) and stored.exists()
    assert hostile.services.tracks.count(include_trashed=True) == before + 1
    hostile.services.library.trash([track.id])
    hostile.services.library.empty_trash([track.id])


def test_a_path_given_a_thousand_times_is_walked_and_imported_once(hostile, client):
    folder = hostile.corpus / "again-and-again"
    folder.mkdir()
    write_wav(folder / "once.wav", 1.0, sr=22050)
    r = client.post("/api/library/tracks", json={"paths": [str(folder)] * 999 + [str(folder / "once.wav")]})
    assert r.status_code == 201 and len(r.json()["imported"]) == 1 and r.json()["skipped"] == [], r.text[:300]
    tid = r.json()["imported"][0][1]
    hostile.services.library.trash([tid])
    hostile.services.library.empty_trash([tid])


def test_a_folder_with_a_hostile_file_still_imports_the_good_ones(hostile):
    folder = hostile.corpus / "mixed"
    folder.mkdir()
    write_wav(folder / "good.wav", 1.0, sr=22050)
    (folder / "bad.wav").write_bytes(b"RIFF junk")
    report = hostile.services.library.import_paths([folder])
    assert [Path(p).name for p, _ in report.imported] == ["good.wav"]
    assert [Path(p).name for p, _ in report.skipped] == ["bad.wav"]
    hostile.services.library.trash([report.imported[0][1]])
    hostile.services.library.empty_trash([report.imported[0][1]])


SIDECARS = {
    "not-json": ("{title: 'x'", r"not valid JSON"),
    "not-utf8": (b"\xff\xfe\x00t\x00i", r"not UTF-8"),
    "array": ("[1, 2, 3]", r"expected a JSON object"),
    "no-file-field": (json.dumps({"title": "x"}), r"no 'file' field"),
    "file-is-a-number": (json.dumps({"file": 12}), r"no 'file' field"),
    "traversal-file": (json.dumps({"file": "../../../../../../etc/passwd"}), r"does not exist|not readable audio"),
    "absolute-file": (json.dumps({"file": "/etc/hostname"}), r"not readable audio|not an audio|does not exist"),
    "missing-file": (json.dumps({"file": "nowhere/../../x.wav"}), r"does not exist"),
    "nul-in-file": (json.dumps({"file": "a\u0000b.wav"}), r"does not exist"),
    "deep-nesting": ("[" * 100_000 + "]" * 100_000, r"not valid JSON|too deeply nested|larger than"),
    "huge": (json.dumps({"file": "a.wav", "prompt": "x" * 300_000}), r"larger than"),
}


# Bugs that live in files this suite's author does not own: strict, so the fix turns them into failures to remove.
KNOWN_BUGS: dict[str, str] = {}


@pytest.mark.parametrize("case", [pytest.param(c, marks=pytest.mark.xfail(reason=KNOWN_BUGS[c], strict=True))
                                  if c in KNOWN_BUGS else c for c in sorted(SIDECARS)])
def test_hostile_sidecar_is_skipped_with_a_reason(hostile, client, case: str):
    content, why = SIDECARS[case]
    folder = hostile.corpus / "sidecars" / case / "metadata"
    folder.mkdir(parents=True)
    target = folder / "take.json"
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    snap = hostile.snapshot()
    r = client.post("/api/library/import/sidecars", json={"folder": str(folder)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["imported"] == [] and len(body["skipped"]) == 1, body
    assert re.search(why, body["skipped"][0][1], re.IGNORECASE), body
    assert_readable(body["skipped"][0][1])
    hostile.assert_unchanged(snap)
