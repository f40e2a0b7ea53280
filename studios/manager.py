"""StudioManager: knows every studio id, loads a studio on first use, and tracks the active one."""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from pathlib import Path

from studios.base import Studio, StudioError


@dataclass(frozen=True)
class StudioInfo:
    id: str
    name: str
    genre: str
    module: str | None  # "package.module:Class"; None while the studio is not built yet
    keywords: tuple[str, ...]


CATALOGUE: tuple[StudioInfo, ...] = (
    StudioInfo("chiptune", "Chiptune", "8/16-bit game music", "studios.chiptune:ChiptuneStudio",
               ("chiptune", "8-bit", "8bit", "16-bit", "nes", "gameboy", "retro", "arcade", "boss",
                "pixel", "video game", "game", "level", "dungeon", "synthwave")),
    StudioInfo("cypher", "Cypher", "hip hop", "studios.cypher:CypherStudio",
               ("hip hop", "hiphop", "hip-hop", "rap", "trap", "boom bap", "lofi", "lo-fi", "beat", "808", "chillhop",
                "study", "chill")),
    StudioInfo("ironclad", "Ironclad", "metal", "studios.ironclad:IroncladStudio",
               ("metal", "thrash", "djent", "doom", "riff", "shred", "heavy", "blast beat")),
    StudioInfo("bluenote", "Blue Note", "jazz", "studios.bluenote:BlueNoteStudio",
               ("jazz", "swing", "bebop", "blues", "bossa", "ii-v-i", "trio", "sax", "cafe", "café", "coffee",
                "lounge", "mellow", "smooth")),
    StudioInfo("virtuoso", "Virtuoso", "classical", "studios.virtuoso:VirtuosoStudio",
               ("classical", "orchestra", "orchestral", "symphony", "sonata", "string quartet", "baroque",
                "piano", "harpsichord", "fugue", "strings")),
)


class StudioManager:
    def __init__(self, default: str = "chiptune", soundfont: Path | None = None) -> None:
        self.soundfont = soundfont  # the user's .sf2, handed to soundfont-rendered studios
        self._loaded: dict[str, Studio] = {}
        self._lock = threading.Lock()
        self.current_id = self.info(default).id

    @staticmethod
    def info(studio_id: str) -> StudioInfo:
        sid = studio_id.strip().lower().replace(" ", "")
        for info in CATALOGUE:
            if sid in (info.id, info.name.lower().replace(" ", "")):
                return info
        ids = ", ".join(i.id for i in CATALOGUE)
        raise StudioError(f"unknown studio {studio_id!r}: choose one of {ids}")

    @staticmethod
    def available() -> list[StudioInfo]:
        return [i for i in CATALOGUE if i.module]

    def get(self, studio_id: str | None = None) -> Studio:
        """The studio object, imported on first use (hot-swap = just ask for another id)."""
        info = self.info(studio_id or self.current_id)
        if info.module is None:
            ready = ", ".join(i.id for i in self.available())
            raise StudioError(f"the {info.name} studio ({info.genre}) is not built yet; available now: {ready}")
        with self._lock:
            if info.id not in self._loaded:
                mod_name, cls_name = info.module.split(":")
                cls = getattr(importlib.import_module(mod_name), cls_name)
                studio = cls()
                if hasattr(studio, "soundfont"):
                    studio.soundfont = self.soundfont
                self._loaded[info.id] = studio
            return self._loaded[info.id]

    def select(self, studio_id: str) -> StudioInfo:
        info = self.info(studio_id)
        self.get(info.id)  # fail now, not at the next generation
        self.current_id = info.id
        return info

    @staticmethod
    def match(prompt: str) -> StudioInfo | None:
        """The studio whose keywords best match the prompt, or None when nothing matches."""
        text = f" {prompt.lower()} "
        best, best_score = None, 0
        for info in CATALOGUE:
            score = sum(len(k) for k in info.keywords if k in text)
            if score > best_score:
                best, best_score = info, score
        return best
