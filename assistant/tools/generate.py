"""generate{prompt, studio, duration_s, bpm, key, variations, time_signature, reference, and the four remix
sliders}: compose, render and file new takes."""

from __future__ import annotations

from typing import Any

from assistant.agents.quality import check_file
from assistant.graph.state import ChatState, Take
from assistant.jobs import heavy
from assistant.services import StudioServices
from assistant.tools.common import ToolInputError, args_of, reply, track_ref
from assistant.tools.context import with_focus
from library.store import StorePathError
from studios.base import StudioError

_SLIDERS = ("melody_loyalty", "weirdness", "genre_shift", "structure_consistency")


def _take(services: StudioServices, track: Any) -> Take:
    return Take(id=track.id, title=track.title, path=str(services.track_path(track)),
                duration_s=track.duration_s, bpm=track.bpm, key=track.key, studio=track.studio)


def _quality(services: StudioServices, takes: list[Any], a: dict[str, Any]) -> list[str]:
    """Quality Agent verdicts for takes against what was asked: one line per take with a problem."""
    found = []
    for t in takes:
        verdict = check_file(str(services.track_path(t)), a.get("bpm"), a.get("key"))
        if not verdict.ok:
            found.append(f"track #{t.id}: " + "; ".join(verdict.problems))
    return found


def _style(state: ChatState, services: StudioServices, a: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Style Ref: the nearest library tracks' tempo, key, studio and mood fill what the user left open."""
    want = a.pop("style_ref", None)
    if not want:
        return a, ""
    from library.style_ref import style_ref

    track = None if want is True else track_ref(state, want)
    ref = style_ref(services.search, query=None if track else a.get("prompt"), track_id=track, k=3)
    if ref is None:
        return a, "Style references: none yet (the library is empty), so the studio chose freely."
    g = ref.generation_args()
    for name in ("bpm", "key", "studio"):
        if a.get(name) is None and g.get(name):
            a[name] = g[name]  # what the user said explicitly always wins
    a["prompt"] = str(a.get("prompt") or "") + str(g.get("prompt_suffix", ""))
    return a, ref.describe()


def generate(state: ChatState, services: StudioServices) -> dict[str, Any]:
    from assistant.tools.neural import neural_generate, wants_neural  # engine="musicgen": the user's weights

    if wants_neural(args_of(state)):
        return neural_generate(state, services)
    try:
        a, based_on = with_focus(state, services, args_of(state))
        a, style_note = _style(state, services, a)
        result, problems = _generate(state, services, a)
        if problems and a.get("seed") is None:  # one retry with a fresh seed, then report what is left
            retry, still = _generate(state, services, a)
            result.takes += retry.takes
            result.notes += retry.notes
            problems = [f"{p} (retried as track #{retry.takes[-1].id}" + (f": {'; '.join(still)})" if still else
                                                                          ", which passes)") for p in problems]
    except (StudioError, StorePathError, ToolInputError) as err:
        return reply(f"I couldn't make that: {err}. Nothing was saved.")
    takes = [_take(services, t) for t in result.takes]
    lines = [f"{based_on}: " if based_on else ""]
    lines[0] += f"{result.studio.name} studio ({result.studio_reason}):"
    for t, note in zip(result.takes, result.notes, strict=True):
        lines.append(f"- **{t.title}** — track #{t.id}, {t.duration_s:.1f} s at {t.bpm:g} BPM in {t.key}. {note}")
    lines += [style_note] if style_note else []
    lines += [f"Quality check: {p}" for p in problems]
    return reply("\n".join(lines), takes=takes, current_track=takes[-1]["id"], studio=result.studio.id)


def _generate(state: ChatState, services: StudioServices, a: dict[str, Any]) -> tuple[Any, list[str]]:
    reference = track_ref(state, a["reference"]) if a.get("reference") is not None else None
    result = services.generate(
        a.get("prompt") or "", studio=a.get("studio"), current_studio=state.get("studio"),
        duration_s=float(a.get("duration_s", 30.0)), bpm=a.get("bpm"), key=a.get("key"),
        seed=a.get("seed"), variations=int(a.get("variations", 1)),
        time_signature=a.get("time_signature"), reference=reference,
        **{k: a[k] for k in _SLIDERS if a.get(k) is not None},
        wait_s=heavy.CHAT_WAIT_S,  # a busy renderer gets a prompt answer naming it, not a silent wait
    )
    return result, _quality(services, result.takes, a)
