"""The command-biased decoding prompt: Whisper conditions on it as if it were the previous sentence.

Built from the studios and the chat tools so new tools bias decoding without editing a word list.
Measured (../shared/notes/offline-models.md): example commands cut WER on spoken commands ~3x.
"""

from __future__ import annotations

from functools import lru_cache

_EXAMPLES = ("Generate a chiptune track at 90 bpm in D minor.", "Make it faster.", "Favorite track 3.",
             "Trash tracks 4 and 5.", "Extend it by 20 seconds.", "Export track 7 as MIDI.",
             "Every night at 2am generate five chiptune tracks.", "Cancel job 2.")


@lru_cache(maxsize=1)
def command_prompt() -> str:
    from assistant.graph.catalogue import SPECS
    from studios.manager import CATALOGUE

    studios = ", ".join(info.id for info in CATALOGUE)
    tools = ", ".join(name.replace("_", " ") for name in SPECS if name != "chat")
    # Whisper keeps only the last 223 prompt tokens: examples first, the vocabulary (most useful) last.
    return f"{' '.join(_EXAMPLES)} Studios: {studios}. Commands: {tools}."
