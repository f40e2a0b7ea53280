"""The shared studio the hostile-input tests run against: seeded rows, and the snapshot every case checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.hardening.guards import Snapshot
from tests.library_fixtures import add_with_audio, groove


@dataclass
class Hostile:
    root: Path  # everything the case may touch lives under here
    data_dir: Path
    corpus: Path
    services: object
    track_ids: list[int]
    album_id: int

    @property
    def db_file(self) -> Path:
        return self.data_dir / "library.sqlite"

    def audio_files(self) -> set[Path]:
        return {p for p in (self.data_dir / "audio").rglob("*")}

    def snapshot(self) -> tuple[Snapshot, set[Path]]:
        return Snapshot.take(self.db_file, self.root, self.data_dir), self.audio_files()

    def assert_unchanged(self, snap: tuple[Snapshot, set[Path]], ignore_tables: tuple[str, ...] = ()) -> None:
        before, audio = snap
        before.assert_unchanged(self.db_file, self.root, self.data_dir, ignore_tables)
        assert self.audio_files() == audio, f"audio store changed: {sorted(self.audio_files() ^ audio)}"


def make_hostile(root: Path) -> Hostile:
    from assistant.services import StudioServices
    from assistant.settings import StudioSettings

    data_dir, corpus = root / "data", root / "corpus"
    data_dir.mkdir()
    corpus.mkdir()
    services = StudioServices(StudioSettings(data_dir=data_dir))
    ids = [add_with_audio(services, groove(120, (261.6, 329.6, 392.0), seconds=8.0), title=f"Seed {i}",
                          duration_s=8.0).id for i in (1, 2)]
    album = services.library.create_album("Seeds")
    services.library.add_to_album(album.id, ids)
    services.library.comment(ids[0], 1.0, "a seed comment")
    return Hostile(root, data_dir, corpus, services, ids, album.id)
